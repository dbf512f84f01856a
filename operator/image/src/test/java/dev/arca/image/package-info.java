/**
 * Tests of the built image, {@code operator/image/target/arca-image.tar}, without a container
 * runtime or registry: its configuration (user, entrypoint, environment, name) is read from the
 * archive, and its layers are unpacked into a root filesystem in which the image's own JRE runs
 * {@code arca} in a chroot with new mount and PID namespaces ({@code src/test/sh/run-image.sh}).
 *
 * <p>Invariants: the image runs as 65532 by default, with {@code /opt/arca/arca} as its entrypoint
 * and {@code arca} on its PATH; a backup and restore round trip works in it as that user on a
 * read-only root filesystem; when built on the CI's base, the class data sharing archive made at
 * build time is the one its JVM maps.
 */
package dev.arca.image;
