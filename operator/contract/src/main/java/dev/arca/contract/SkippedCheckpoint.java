package dev.arca.contract;

/**
 * A checkpoint folder a backup left out of its snapshot.
 *
 * @param path the folder's path in the snapshot it would have had
 * @param reason why: it is incomplete (which marker or file is missing or short), or a file in it
 *     changed, vanished or could not be read while it was read
 */
public record SkippedCheckpoint(String path, String reason) {}
