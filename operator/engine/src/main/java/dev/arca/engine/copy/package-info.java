/**
 * Copy: snapshots from one repository into another of any kind, re-encrypted and re-chunked for the
 * target's keys, so a copy is stored exactly as a backup of the same files into the target would be
 * and deduplicates against everything the target holds.
 *
 * <p>Invariants: a snapshot is written into the target only after every file of it was read from
 * the source and matched the SHA-256 the source records, and after its packs and index (the
 * target's write order); each pack is indexed as soon as it is stored, so a copy killed midway is
 * resumed without sending again what reached the target; a snapshot the target already holds a copy
 * of ({@code copiedFrom}) is not copied again; damage in the source fails that snapshot, named by
 * path, and writes nothing that refers to it.
 */
package dev.arca.engine.copy;
