/**
 * A reproducible benchmark of the arca CLI against restic.
 *
 * <p>{@link dev.arca.bench.DatasetGenerator} writes a deterministic, LLM-like data set (safetensors
 * shards with BF16 weights, a tokenizer, many small JSONL training files and a PostgreSQL text
 * dump). {@link dev.arca.bench.Benchmark} then runs both tools on that same data in the same run,
 * each with its own fresh repository on local disk: init, full backup, a no-change incremental
 * backup, an incremental backup after {@link dev.arca.bench.TensorRewriter} rewrote one tensor in
 * place, and a full restore that is checked byte for byte against the source. Every step runs under
 * {@code /usr/bin/time} for wall time and peak RSS, and the result is a Markdown report ({@link
 * dev.arca.bench.Report}).
 *
 * <p>{@link dev.arca.bench.ScaleSim} is the scale simulation: it writes a repository holding the
 * index of millions of chunks without their data, through the engine's own format code, to measure
 * what loading and pruning such an index takes.
 *
 * <p>Nothing here is used by the engine or the CLI; the module depends on the JDK, Jackson, {@code
 * arca-samples} (the safetensors writer, model shape and tree digests it shares with the demo and
 * the tests) and, for the scale simulation only, {@code arca-engine}.
 */
package dev.arca.bench;
