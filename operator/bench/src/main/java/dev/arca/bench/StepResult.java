package dev.arca.bench;

/**
 * One measured step of one tool.
 *
 * @param seconds wall time
 * @param peakRssKb peak resident set size in KiB
 * @param repoBytes repository size on disk after the step
 * @param details the tool's own summary of the step (from its JSON output)
 */
public record StepResult(double seconds, long peakRssKb, long repoBytes, String details) {}
