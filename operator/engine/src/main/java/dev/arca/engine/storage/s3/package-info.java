/**
 * S3-compatible object storage ({@code s3://bucket/prefix}) behind the {@link
 * dev.arca.engine.storage.Storage} interface, with the AWS SDK for Java v2.
 *
 * <p>Invariants: objects are created with a conditional PUT ({@code If-None-Match: *}) so an
 * existing object is never replaced; large objects go up in multipart uploads that are aborted when
 * they fail; every read checks it got the bytes it asked for. Transient failures (throttling, 5xx,
 * connection resets, truncated bodies) are retried with exponential backoff and jitter; permanent
 * ones (403, a missing bucket, no credentials) fail at once with a message that says what to fix.
 * Credentials come only from the SDK's default chain (environment, web identity, profile), never
 * from arguments, and never appear in messages.
 */
package dev.arca.engine.storage.s3;
