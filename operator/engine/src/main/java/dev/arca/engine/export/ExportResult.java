package dev.arca.engine.export;

/**
 * What an export wrote.
 *
 * @param snapshotId the snapshot exported
 * @param files regular files written
 * @param dirs folders written
 * @param symlinks symbolic links written
 * @param bytes bytes of file content
 * @param refused entries left out because restore's name rules refuse them ("folder: why")
 * @param durationMs wall time
 */
public record ExportResult(
    String snapshotId,
    long files,
    long dirs,
    long symlinks,
    long bytes,
    java.util.List<String> refused,
    long durationMs) {}
