/**
 * The {@code arca} command line: one class per command, each a thin shell over the engine that
 * parses options, opens the repository, runs one use case and prints its result.
 *
 * <p>Invariants: with {@code --json} exactly one JSON object goes to stdout, also on failure;
 * progress and warnings go to stderr; secrets come only from {@code ARCA_PASSWORD} or {@code
 * --password-file} and never appear in output; exit codes are those listed in {@link
 * dev.arca.cli.Main}.
 */
package dev.arca.cli;
