/**
 * Google Cloud Storage ({@code gs://bucket/prefix}) behind the {@link
 * dev.arca.engine.storage.Storage} interface, with Google's Java client over the JSON API.
 *
 * <p>Invariants: objects are created with the generation precondition {@code ifGenerationMatch=0}
 * so an existing object is never replaced; objects above {@link GcsSettings#resumableThreshold()}
 * go up in resumable uploads; every read checks it got the bytes it asked for. Transient failures
 * (429, 5xx, connection resets) are retried by the client with exponential backoff; permanent ones
 * (401, 403, a missing bucket, no credentials) fail at once with a message that says what to fix.
 * Credentials come only from Application Default Credentials (workload identity, a key file named
 * by {@code GOOGLE_APPLICATION_CREDENTIALS}, the metadata server), never from arguments, and never
 * appear in messages.
 */
package dev.arca.engine.storage.gcs;
