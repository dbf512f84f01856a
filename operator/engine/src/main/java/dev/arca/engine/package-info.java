/**
 * Arca's backup engine: a plain Java library with no Kubernetes dependency.
 *
 * <p>Sub-packages, bottom up: {@code crypto} (keys, AES-256-GCM, keyed chunk ids), {@code format}
 * (packs, index, trees and snapshots as stored), {@code chunk} (where files are cut into chunks)
 * and {@code fs} (file system helpers), {@code checkpoint} (which source folders are training
 * checkpoints, and whether one is complete), {@code storage} (one interface over object stores),
 * {@code runtime} (the JIT warm-up), {@code repo} (a repository opened with its key, and the pack
 * writer and commit check every writer uses), and the use cases {@code backup}, {@code restore},
 * {@code export}, {@code verify}, {@code prune}, {@code forget} and {@code repair}; {@code
 * LayeringTest} holds each one to the layers below it. The on-disk format is specified in {@code
 * operator/engine/FORMAT.md}.
 *
 * <p>The root package holds what every layer may use: {@code ArcaException}, {@code Progress} and
 * {@code DaemonThreads} (the engine's named daemon pools).
 *
 * <p>Invariants: stored objects are content-addressed and written once; a snapshot object is the
 * only commit point; every byte restored is checked by its file's SHA-256 and, in an encrypted
 * repository, by its chunk's authentication tag (by its chunk id in an unencrypted one).
 */
package dev.arca.engine;
