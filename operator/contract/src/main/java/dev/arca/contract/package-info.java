/**
 * The contract between the arca CLI and its readers: the typed JSON reports every command prints
 * with {@code --json}, the progress lines of {@code --progress-json}, the error report, and the
 * bounded summary a Job leaves in its termination message with a pointer to the complete report.
 *
 * <p>The CLI writes these types, the operator reads them from its Jobs, and the benchmark reads
 * them from the CLI it runs; none of them knows the others' code. This module depends on Jackson
 * only: no Kubernetes, no engine. {@link dev.arca.contract.Reports} is the one codec; {@link
 * dev.arca.contract.Reports#SCHEMA} is the schema version every report carries. The README's "JSON
 * output" section documents each field.
 */
package dev.arca.contract;
