/**
 * An opened repository ({@link dev.arca.engine.repo.Repository}): storage, config and key turned
 * into the codecs every use case needs, plus snapshot listing and selection.
 *
 * <p>Invariant: a repository exists once its {@code config} object exists (written first at init,
 * create-only, then the key slot); a wrong password is told apart from damage by the key slots,
 * before any data is read.
 */
package dev.arca.engine.repo;
