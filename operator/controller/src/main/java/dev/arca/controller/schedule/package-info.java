/**
 * Schedules: cron expressions (five fields or {@code @daily}-style macros) in a time zone. Pure and
 * clock-free: callers pass the times, so the rules (one run per due time, missed runs older than
 * the starting deadline skipped) are unit-tested without waiting.
 */
package dev.arca.controller.schedule;
