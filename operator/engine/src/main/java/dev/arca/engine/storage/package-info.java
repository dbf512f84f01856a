/**
 * Storage: one small interface ({@link dev.arca.engine.storage.Storage}) over flat stores of
 * immutable objects, and its implementations (local folder, memory).
 *
 * <p>Invariant: an object is created once, whole, and never overwritten; the repository layer above
 * relies on this for crash safety and for buckets with object lock.
 */
package dev.arca.engine.storage;
