package dev.arca.bench;

/**
 * One measured step of one tool.
 *
 * @param seconds wall time
 * @param peakRssKb peak resident set size in KiB
 * @param cpuSeconds user + system CPU time
 * @param writtenBytes bytes the step wrote to files (repository, cache, restored files)
 * @param repoBytes repository size on disk after the step
 * @param uploadedBytes bytes of S3 requests the MinIO server received, or -1 (local repository)
 * @param serverCpuSeconds CPU time of the MinIO server during the step (0: local repository)
 * @param details the tool's own summary of the step (from its JSON output)
 */
public record StepResult(
    double seconds,
    long peakRssKb,
    double cpuSeconds,
    long writtenBytes,
    long repoBytes,
    long uploadedBytes,
    double serverCpuSeconds,
    String details) {}
