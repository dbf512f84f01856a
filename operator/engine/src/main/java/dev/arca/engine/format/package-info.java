/**
 * The repository format as stored: config, key slots, packs of sealed blobs, index objects, tree
 * blobs and snapshot objects (specified in {@code operator/engine/FORMAT.md}), plus the in-memory
 * {@link dev.arca.engine.format.BlobIndex}.
 *
 * <p>Invariants: every object is named by the SHA-256 of its stored bytes (config and key slots
 * aside); the encodings here are deterministic so equal content gives equal ids.
 */
package dev.arca.engine.format;
