package dev.arca.testcluster.node;

import dev.arca.testcluster.cluster.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The PostgreSQL test image for pods on a real node, made from Debian's {@code postgresql-MAJOR}
 * package by {@code .ci/postgres-image.sh}: its OCI archive, to import with {@link
 * RealNode#importImage}, its name ({@code arca.test/postgres:MAJOR}, not the official image), where
 * its server and client programs are, and the image's {@code postgres} user, which the programs run
 * as (the image's default user too). The folder is {@code -Darca.postgres.image=DIR}, or else the
 * one the script in the checkout builds (or finds in its cache) and prints.
 */
public final class PostgresImage {
  static final String SCRIPT = ".ci/postgres-image.sh";

  private static PostgresImage found;

  private final Path dir;
  private final Map<String, String> env;

  PostgresImage(Path dir) {
    this.dir = dir;
    if (!Files.isRegularFile(archive())) {
      throw new IllegalStateException("no " + archive() + ": run " + SCRIPT + ", which builds it");
    }
    this.env = NodeTools.readEnv(dir.resolve("image.env"), SCRIPT);
    for (String key : new String[] {"IMAGE", "VERSION", "BIN"}) {
      value(key); // a folder an older script wrote fails here, not in the middle of a test
    }
    number("POSTGRES_UID");
    number("POSTGRES_GID");
  }

  /** The image, built (or found in the cache) on first use when not given. */
  public static synchronized PostgresImage find() {
    if (found == null) {
      String given = System.getProperty("arca.postgres.image", "");
      found = new PostgresImage(given.isBlank() ? Tools.runScript(SCRIPT) : Path.of(given));
    }
    return found;
  }

  /** The one-layer OCI archive ({@code ctr images import} reads it). */
  public Path archive() {
    return dir.resolve("postgres.oci.tar");
  }

  /** The image's name, {@code arca.test/postgres:MAJOR}. */
  public String name() {
    return value("IMAGE");
  }

  /** The Debian package's version, e.g. {@code 15.20-0+deb12u1}. */
  public String version() {
    return value("VERSION");
  }

  /**
   * Where the server and client programs are in the image: {@code /usr/lib/postgresql/MAJOR/bin}.
   */
  public String binDir() {
    return value("BIN");
  }

  /** The user id of the image's {@code postgres} user. */
  public long uid() {
    return number("POSTGRES_UID");
  }

  /** The group id of the image's {@code postgres} user. */
  public long gid() {
    return number("POSTGRES_GID");
  }

  private long number(String key) {
    try {
      return Long.parseLong(value(key));
    } catch (NumberFormatException e) {
      throw new IllegalStateException(key + " is not a number in " + dir.resolve("image.env"), e);
    }
  }

  private String value(String key) {
    String v = env.get(key);
    if (v == null || v.isEmpty()) {
      throw new IllegalStateException(
          "no " + key + " in " + dir.resolve("image.env") + ": run " + SCRIPT + " again");
    }
    return v;
  }
}
