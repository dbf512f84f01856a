/**
 * Storage: one small interface ({@link dev.arca.engine.storage.Storage}) over flat stores of
 * immutable objects, and its implementations (local folder, memory, S3 in {@link
 * dev.arca.engine.storage.s3}, Google Cloud Storage in {@link dev.arca.engine.storage.gcs}, Azure
 * Blob Storage in {@link dev.arca.engine.storage.azure}).
 *
 * <p>Invariant: an object is created once, whole, and never overwritten; the repository layer above
 * relies on this for crash safety and for buckets with object lock.
 */
package dev.arca.engine.storage;
