/**
 * Restore: brings a snapshot, or the entries of it that match include globs, back into a target
 * folder.
 *
 * <p>Invariants: names from the repository are checked before use and links are never followed, so
 * nothing is written outside the target; a file is written under its final name only after every
 * chunk and its whole SHA-256 matched (small files are checked in memory first, large files in a
 * temporary file that is then renamed), so damaged data never lands under a right name; files
 * already correct are left alone ({@code if-different}), which makes restores resumable.
 */
package dev.arca.engine.restore;
