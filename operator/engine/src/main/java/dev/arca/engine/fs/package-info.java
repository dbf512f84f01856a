/**
 * The local file system as seen by backup and restore: {@code lstat} results, include and exclude
 * globs, and the guard that keeps restores inside their target folder.
 *
 * <p>Invariant: links are never followed, neither when reading sources nor when writing a restore.
 */
package dev.arca.engine.fs;
