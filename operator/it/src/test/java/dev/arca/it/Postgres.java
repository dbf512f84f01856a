package dev.arca.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A PostgreSQL server of Debian's {@code postgresql} package, started for a test on a free port of
 * 127.0.0.1 with a fresh data folder (trust authentication, fsync off), stopped and removed by
 * {@link #close()}. As root, the server runs as the package's {@code postgres} user.
 */
public final class Postgres implements AutoCloseable {
  private final Path bin;
  private final Path dir;
  private final int port;
  private final Process server;

  private Postgres(Path bin) throws IOException {
    this.bin = bin;
    this.dir = Files.createTempDirectory("arca-pg-");
    this.port = Procs.freePort();
    Path data = dir.resolve("data");
    if (Procs.ROOT) {
      Procs.ok(List.of("chown", "postgres:postgres", dir.toString()));
    }
    Procs.ok(
        Procs.as(
            "postgres",
            List.of(
                bin.resolve("initdb").toString(),
                "-D",
                data.toString(),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync")));
    List<String> cmd =
        Procs.as(
            "postgres",
            List.of(
                bin.resolve("postgres").toString(),
                "-D",
                data.toString(),
                "-p",
                Integer.toString(port),
                "-k",
                dir.toString(),
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                "fsync=off"));
    try {
      server =
          Procs.startServer(
              "PostgreSQL",
              cmd,
              dir.resolve("server.log"),
              List.of(tool("pg_isready"), "-h", "127.0.0.1", "-p", Integer.toString(port)));
    } catch (RuntimeException | IOException e) {
      Procs.deleteTree(dir);
      throw e;
    }
  }

  /** A new server; fails, saying what to install, if PostgreSQL is missing. */
  public static Postgres start() {
    try {
      return new Postgres(binDir());
    } catch (IOException e) {
      throw new IllegalStateException("PostgreSQL did not start: " + e.getMessage(), e);
    }
  }

  /**
   * The newest PostgreSQL server programs of this machine (Debian's layout); fails, saying what to
   * install, if there are none.
   */
  public static Path binDir() {
    try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
      return versions
          .map(v -> v.resolve("bin"))
          .filter(b -> Files.isExecutable(b.resolve("postgres")))
          .max(Comparator.comparing(b -> Integer.parseInt(b.getParent().getFileName() + "")))
          .orElseThrow();
    } catch (IOException | java.util.NoSuchElementException e) {
      throw new IllegalStateException(
          "PostgreSQL's server is not installed: apt-get install postgresql (.ci/run does)", e);
    }
  }

  /** The full path of a client program of this server's version (psql, pg_dump). */
  public String tool(String name) {
    return bin.resolve(name).toString();
  }

  /** Connection options for the client programs: {@code -h 127.0.0.1 -p PORT -U postgres}. */
  public String connection() {
    return "-h 127.0.0.1 -p " + port + " -U postgres";
  }

  /** The server's major version and the client's full version, for reports. */
  public String version() {
    return Procs.ok(List.of(tool("postgres"), "--version")).strip();
  }

  /** Runs SQL in {@code db} with psql (stops at the first error); unaligned, tuples-only output. */
  public String sql(String db, String sql) {
    List<String> cmd = new ArrayList<>(List.of(tool("psql")));
    cmd.addAll(List.of(connection().split(" ")));
    cmd.addAll(List.of("-d", db, "-v", "ON_ERROR_STOP=1", "-At", "-c", sql));
    return Procs.ok(cmd);
  }

  @Override
  public void close() {
    Procs.run(
        Procs.as(
            "postgres",
            List.of(tool("pg_ctl"), "stop", "-m", "immediate", "-D", dir.resolve("data") + "")));
    server.destroyForcibly();
    Procs.deleteTree(dir);
  }
}
