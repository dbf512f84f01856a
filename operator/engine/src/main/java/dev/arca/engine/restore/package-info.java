/**
 * Restore: brings a snapshot, or the entries of it that match include globs, back into a target
 * folder.
 *
 * <p>Invariants: names from the repository are checked before use and links are never followed, so
 * nothing is written outside the target; a file takes its final name only after its SHA-256
 * matched, so an interrupted or failed restore never leaves a wrong file under a right name; files
 * already correct are left alone ({@code if-different}), which makes restores resumable.
 */
package dev.arca.engine.restore;
