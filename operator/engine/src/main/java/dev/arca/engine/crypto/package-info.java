/**
 * Cryptography: the master key and its password-wrapped key slots (scrypt), AES-256-GCM sealing of
 * every stored object, and keyed chunk ids.
 *
 * <p>Invariants: secrets never appear in {@code toString}, messages or logs; every sealed object
 * has its own random nonce; whole-file hashes stay plain SHA-256 so users can compare them with
 * published checksums, while chunk ids are keyed when the repository is encrypted.
 */
package dev.arca.engine.crypto;
