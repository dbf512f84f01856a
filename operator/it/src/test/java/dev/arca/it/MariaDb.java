package dev.arca.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A MariaDB server of Debian's {@code mariadb-server} package, started for a test with a fresh data
 * folder, listening on a Unix socket in it and on a free port of 127.0.0.1, stopped and removed by
 * {@link #close()}. Its root account has no password and is reached through the socket.
 */
public final class MariaDb implements AutoCloseable {
  private final Path dir;
  private final Process server;

  private MariaDb() throws IOException {
    if (!Files.isExecutable(Path.of("/usr/sbin/mariadbd"))) {
      throw new IllegalStateException(
          "MariaDB's server is not installed: apt-get install mariadb-server (.ci/run does)");
    }
    dir = Files.createTempDirectory("arca-mariadb-");
    List<String> user = Procs.ROOT ? List.of("--user=root") : List.of();
    List<String> init =
        new ArrayList<>(
            List.of(
                "mariadb-install-db",
                "--no-defaults",
                "--datadir=" + dir.resolve("data"),
                "--auth-root-authentication-method=normal",
                "--skip-test-db"));
    init.addAll(user);
    Procs.ok(init);
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "/usr/sbin/mariadbd",
                "--no-defaults",
                "--datadir=" + dir.resolve("data"),
                "--socket=" + socket(),
                "--pid-file=" + dir.resolve("mariadb.pid"),
                "--bind-address=127.0.0.1",
                "--port=" + Procs.freePort(),
                "--skip-name-resolve",
                "--innodb-flush-log-at-trx-commit=0"));
    cmd.addAll(user);
    try {
      server =
          Procs.startServer(
              "MariaDB",
              cmd,
              dir.resolve("server.log"),
              List.of("mariadb-admin", "--socket=" + socket(), "-u", "root", "ping"));
    } catch (RuntimeException | IOException e) {
      Procs.deleteTree(dir);
      throw e;
    }
  }

  public static MariaDb start() {
    try {
      return new MariaDb();
    } catch (IOException e) {
      throw new IllegalStateException("MariaDB did not start: " + e.getMessage(), e);
    }
  }

  /** Connection options for mariadb and mariadb-dump: {@code --socket=... -u root}. */
  public String connection() {
    return "--socket=" + socket() + " -u root";
  }

  public String version() {
    return Procs.ok(List.of("/usr/sbin/mariadbd", "--version")).strip();
  }

  /** Runs SQL (batch mode, no column names) and returns what it printed. */
  public String sql(String db, String sql) {
    List<String> cmd = new ArrayList<>(List.of("mariadb"));
    cmd.addAll(List.of(connection().split(" ")));
    cmd.addAll(List.of("-N", "-B", "-e", sql));
    if (db != null) {
      cmd.add(db);
    }
    return Procs.ok(cmd);
  }

  private Path socket() {
    return dir.resolve("mariadb.sock");
  }

  @Override
  public void close() {
    if (server != null) {
      server.destroy(); // SIGTERM: a clean shutdown
      try {
        if (!server.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
          server.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    Procs.deleteTree(dir);
  }
}
