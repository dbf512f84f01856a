/**
 * Azure Blob Storage ({@code azblob://account/container/prefix}) behind the {@link
 * dev.arca.engine.storage.Storage} interface, with Azure's Blob client.
 *
 * <p>Invariants: blobs are created with {@code If-None-Match: *} (a single PUT, or blocks committed
 * with that condition above {@link AzureSettings#singleUploadLimit()}), so an existing blob is
 * never replaced; every range read checks it got the bytes it asked for. Throttling (503, 500) and
 * connection resets are retried by the client with exponential backoff; a refused credential, a
 * missing container or missing credentials fail at once with a message that says what to fix.
 * Credentials come from the environment only (an account key, a SAS, or DefaultAzureCredential:
 * workload identity, managed identity, a service principal), never from arguments, and never appear
 * in messages.
 */
package dev.arca.engine.storage.azure;
