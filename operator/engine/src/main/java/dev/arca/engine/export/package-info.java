/**
 * Export: a snapshot (or part of it) as a POSIX tar stream, optionally zstd-compressed, readable by
 * GNU tar and any other tar without Arca. Invariant: every chunk is checked against its id and
 * every file against its SHA-256 as it is written; an export that meets damage fails, and an export
 * to a file leaves no file behind unless it completed.
 */
package dev.arca.engine.export;
