package dev.arca.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arca.engine.Fixtures;
import dev.arca.it.Arca;
import dev.arca.it.MariaDb;
import dev.arca.it.Postgres;
import dev.arca.it.S3Servers;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Database dumps streamed into a snapshot next to a volume, and piped back into the running
 * database, with real servers: rows are written, dumped by {@code arca backup --stream}, changed
 * and deleted, and restored by {@code arca restore --pipe}; then every row of every table (all
 * columns) and the id sequences are compared with what they were at backup time.
 */
class DatabaseDumpTest {
  @TempDir Path tmp;

  static final String PG_SCHEMA =
      """
      CREATE TABLE users (id serial PRIMARY KEY, name text NOT NULL, email text UNIQUE,
        created timestamptz NOT NULL, prefs jsonb, avatar bytea);
      CREATE TABLE messages (id bigserial PRIMARY KEY, user_id int REFERENCES users(id),
        role text NOT NULL, body text, tokens int);
      INSERT INTO users (name, email, created, prefs, avatar)
        SELECT 'user ' || i || CASE WHEN i % 7 = 0 THEN ' été 東京' ELSE '' END,
               CASE WHEN i % 11 = 0 THEN NULL ELSE 'u' || i || '@example.com' END,
               timestamptz '2026-01-01 00:00:00+00' + i * interval '37 minutes',
               jsonb_build_object('theme', CASE WHEN i % 2 = 0 THEN 'dark' ELSE 'light' END),
               decode(md5(i::text), 'hex')
        FROM generate_series(1, 500) i;
      INSERT INTO messages (user_id, role, body, tokens)
        SELECT 1 + i % 500, CASE WHEN i % 2 = 0 THEN 'user' ELSE 'assistant' END,
               'message ' || i || E'\\ttab\\nnewline ''quote'' ' || md5(i::text), i % 1000
        FROM generate_series(1, 20000) i;
      """;

  static final String PG_ROWS =
      "SELECT u::text FROM users u ORDER BY id; SELECT m::text FROM messages m ORDER BY id;"
          + " SELECT last_value FROM users_id_seq; SELECT last_value FROM messages_id_seq;";

  @Test
  void postgresDumpStreamedToS3AndPipedBackRestoresEveryRow() throws Exception {
    try (Postgres pg = Postgres.start()) {
      System.out.println("database dump test: " + pg.version());
      pg.sql("postgres", "CREATE DATABASE app");
      pg.sql("app", PG_SCHEMA);
      String atBackup = pg.sql("app", PG_ROWS);
      assertThat(pg.sql("app", "SELECT count(*) FROM users; SELECT count(*) FROM messages"))
          .isEqualTo("500\n20000\n");

      Cli cli = Cli.onS3(tmp);
      Path volume = Fixtures.write(tmp.resolve("volume/model.bin"), Fixtures.random(1 << 20, 1));
      String dump = pg.tool("pg_dump") + " " + pg.connection() + " --clean --if-exists app";
      Arca.Result backup =
          cli.ok("backup", "--stream", "db/app.sql=" + dump, volume.getParent().toString());
      assertThat(backup.stdout()).contains("\"files\":2");

      pg.sql(
          "app",
          "UPDATE users SET name = 'changed', prefs = NULL WHERE id % 3 = 0;"
              + " DELETE FROM messages WHERE user_id < 100; DELETE FROM users WHERE id < 50;"
              + " INSERT INTO users (name, created) VALUES ('after backup', now());");
      assertThat(pg.sql("app", PG_ROWS)).isNotEqualTo(atBackup);

      String psql =
          pg.tool("psql")
              + " "
              + pg.connection()
              + " -v ON_ERROR_STOP=1 --single-transaction -d app";
      Arca.Result restore = cli.ok("restore", "latest", "--pipe", "db/app.sql=" + psql);
      assertThat(restore.stderr()).contains("piped db/app.sql");
      assertThat(pg.sql("app", PG_ROWS)).isEqualTo(atBackup);
    }
  }

  @Test
  void aFailingDumpFailsTheBackupWithItsStderrAndSavesNothing() throws Exception {
    try (Postgres pg = Postgres.start()) {
      Cli cli = Cli.onFiles(tmp);
      String dump =
          "PGPASSWORD=s3cret-in-command "
              + pg.tool("pg_dump")
              + " "
              + pg.connection()
              + " no_such_db";
      Arca.Result r = cli.run("backup", "--stream", "db/app.sql=" + dump);
      assertThat(r.exitCode()).isEqualTo(1);
      assertThat(r.stderr())
          .contains("stream db/app.sql: the command exited with status 1; nothing was saved")
          .contains("database \"no_such_db\" does not exist")
          .doesNotContain("s3cret-in-command");
      assertThat(cli.ok("snapshots").stdout()).contains("[]");
    }
  }

  @Test
  void mariaDbDumpStreamedAndPipedBackRestoresEveryRow() throws Exception {
    try (MariaDb db = MariaDb.start()) {
      System.out.println("database dump test: " + db.version());
      db.sql(
          null,
          """
          CREATE DATABASE app CHARACTER SET utf8mb4;
          USE app;
          CREATE TABLE users (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(200) NOT NULL,
            email VARCHAR(200) UNIQUE, created DATETIME(6) NOT NULL, prefs JSON, avatar BLOB);
          CREATE TABLE feedback (id BIGINT AUTO_INCREMENT PRIMARY KEY, user_id INT,
            score TINYINT, comment TEXT, FOREIGN KEY (user_id) REFERENCES users(id));
          INSERT INTO users (name, email, created, prefs, avatar)
            SELECT CONCAT('user ', seq, IF(seq % 7 = 0, ' été 東京', '')),
                   IF(seq % 11 = 0, NULL, CONCAT('u', seq, '@example.com')),
                   TIMESTAMP '2026-01-01 00:00:00' + INTERVAL seq * 37 MINUTE,
                   JSON_OBJECT('theme', IF(seq % 2 = 0, 'dark', 'light')), UNHEX(MD5(seq))
            FROM seq_1_to_500;
          INSERT INTO feedback (user_id, score, comment)
            SELECT 1 + seq % 500, seq % 5, CONCAT('comment ', seq, '\\ttab\\nline \\'q\\' ', MD5(seq))
            FROM seq_1_to_20000;
          """);
      String rows =
          "SELECT id, name, email, created, prefs, HEX(avatar) FROM users ORDER BY id;"
              + " SELECT * FROM feedback ORDER BY id;"
              + " SELECT table_name, auto_increment FROM information_schema.tables"
              + " WHERE table_schema = 'app' ORDER BY table_name;";
      String atBackup = db.sql("app", rows);
      assertThat(atBackup.lines()).hasSize(500 + 20000 + 2);

      Cli cli = Cli.onFiles(tmp);
      String dump = "mariadb-dump " + db.connection() + " --single-transaction --databases app";
      cli.ok("backup", "--stream", "db/app.sql=" + dump);

      db.sql(
          "app",
          "UPDATE users SET name = 'changed', prefs = NULL WHERE id % 3 = 0;"
              + " DELETE FROM feedback WHERE user_id < 100; DELETE FROM users WHERE id < 50;"
              + " INSERT INTO users (name, created) VALUES ('after backup', NOW());");
      assertThat(db.sql("app", rows)).isNotEqualTo(atBackup);

      cli.ok("restore", "latest", "--pipe", "db/app.sql=mariadb " + db.connection());
      assertThat(db.sql("app", rows)).isEqualTo(atBackup);
    }
  }

  /** The arca CLI on one new repository, with a password file. */
  record Cli(Path work, String repo, Path password, Map<String, String> env) {
    static Cli onFiles(Path tmp) throws Exception {
      return init(tmp, "file://" + tmp.resolve("repo"), Map.of());
    }

    static Cli onS3(Path tmp) throws Exception {
      URI minio = S3Servers.minio();
      return init(
          tmp,
          "s3://" + S3Servers.newBucket(minio, false) + "/db",
          Map.of("AWS_ENDPOINT_URL", minio.toString(), "AWS_REGION", "us-east-1"));
    }

    private static Cli init(Path tmp, String repo, Map<String, String> env) throws Exception {
      Path pw = Fixtures.write(tmp.resolve("pw"), "db password\n");
      Cli c = new Cli(tmp, repo, pw, env);
      c.ok("init");
      return c;
    }

    Arca.Result run(String command, String... args) throws Exception {
      List<String> all =
          new ArrayList<>(
              List.of(command, "--repo", repo, "--password-file", password.toString(), "--json"));
      all.addAll(List.of(args));
      Files.createDirectories(work);
      return Arca.run(env, work, all.toArray(String[]::new));
    }

    Arca.Result ok(String command, String... args) throws Exception {
      Arca.Result r = run(command, args);
      assertThat(r.exitCode()).as("arca %s: %s", command, r.stderr()).isZero();
      return r;
    }
  }
}
