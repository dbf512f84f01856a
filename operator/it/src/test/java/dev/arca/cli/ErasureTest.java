package dev.arca.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arca.engine.Fixtures;
import dev.arca.engine.StoredPlaintext;
import dev.arca.engine.repo.Repository;
import dev.arca.engine.storage.FileStorage;
import dev.arca.it.Arca;
import dev.arca.it.Postgres;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An erasure request answered end to end with a real PostgreSQL: one user's rows (her account and
 * her messages) are in dumps kept in three snapshots; {@code arca rewrite --stream-filter} runs
 * each stored dump through a filter that drops her rows, {@code arca prune} removes what only her
 * data needed and reports it gone, and then no stored object of the repository decrypts to text
 * holding anything of hers, while every other row of every snapshot restores into the database.
 */
class ErasureTest {
  static final ObjectMapper JSON = new ObjectMapper();

  /** Her rows carry these texts; nobody else's do. */
  static final String HER_EMAIL = "erin.erased@example.org";

  static final String HER_TEXT = "erin-private-message";

  @TempDir Path tmp;

  static final String SCHEMA =
      """
      CREATE TABLE users (id int PRIMARY KEY, name text NOT NULL, email text UNIQUE);
      CREATE TABLE messages (id bigserial PRIMARY KEY, user_id int REFERENCES users(id),
        body text);
      INSERT INTO users SELECT i, 'user ' || i, 'u' || i || '@example.com'
        FROM generate_series(1, 400) i WHERE i <> 42;
      INSERT INTO users VALUES (42, 'Erin', '%s');
      INSERT INTO messages (user_id, body)
        SELECT 1 + i %% 400, CASE WHEN 1 + i %% 400 = 42 THEN '%s ' || i
                                 ELSE 'message ' || i || E'\\twith a tab' END
        FROM generate_series(1, 20000) i;
      """
          .formatted(HER_EMAIL, HER_TEXT);

  /**
   * Drops her rows from a plain pg_dump: in the users table's COPY block the rows whose first
   * column is 42, in the messages table's those whose second column (user_id) is 42.
   */
  static final String FILTER =
      "awk -F '\\t' '/^COPY public\\.users /{t=\"u\"} /^COPY public\\.messages /{t=\"m\"}"
          + " $0 == \"\\\\.\" {t=\"\"}"
          + " !((t == \"u\" && $1 == \"42\") || (t == \"m\" && $2 == \"42\"))'";

  static final String ROWS =
      "SELECT u::text FROM users u ORDER BY id; SELECT m::text FROM messages m ORDER BY id;";

  @Test
  void herRowsLeaveEveryStoredObjectAndEveryOtherRowRestores() throws Exception {
    try (Postgres pg = Postgres.start()) {
      pg.sql("postgres", "CREATE DATABASE app");
      pg.sql("app", SCHEMA);
      DatabaseDumpTest.Cli cli = DatabaseDumpTest.Cli.onFiles(tmp);
      Path volume = Fixtures.write(tmp.resolve("volume/model.bin"), Fixtures.random(1 << 20, 1));
      String dump = pg.tool("pg_dump") + " " + pg.connection() + " --clean --if-exists app";

      List<String> expected = new ArrayList<>(); // each snapshot's rows, hers left out
      for (int i = 0; i < 3; i++) {
        pg.sql(
            "app",
            "INSERT INTO users VALUES ("
                + (1000 + i)
                + ", 'new "
                + i
                + "', 'new"
                + i
                + "@example.com'); INSERT INTO messages (user_id, body) VALUES (42, '"
                + HER_TEXT
                + " late "
                + i
                + "'), ("
                + (1000 + i)
                + ", 'hello "
                + i
                + "')");
        cli.ok("backup", "--stream", "db/app.sql=" + dump, volume.getParent().toString());
        expected.add(
            pg.sql(
                "app",
                "SELECT u::text FROM users u WHERE id <> 42 ORDER BY id;"
                    + " SELECT m::text FROM messages m WHERE user_id <> 42 ORDER BY id;"));
      }
      Repository repo =
          Repository.open(new FileStorage(tmp.resolve("repo")), "db password".toCharArray());
      assertThat(StoredPlaintext.containing(repo, HER_EMAIL)).isNotEmpty();

      Arca.Result rewrite = cli.ok("rewrite", "--stream-filter", "db/app.sql=" + FILTER);
      JsonNode r = JSON.readTree(rewrite.stdout());
      assertThat(r.get("snapshots")).hasSize(3);
      for (JsonNode s : r.get("snapshots")) {
        assertThat(s.get("outcome").asText()).isEqualTo("rewritten");
        assertThat(s.get("filteredFiles").asLong()).isEqualTo(1);
        assertThat(s.get("forgotten").asBoolean()).isTrue();
      }
      long erased = r.get("erasure").get("erasedBlobs").asLong();
      assertThat(erased).isPositive();

      JsonNode prune = JSON.readTree(cli.ok("prune", "--grace", "0").stdout());
      JsonNode e = prune.get("erasures").get(0);
      assertThat(e.get("run").asText()).isEqualTo(r.get("erasure").get("run").asText());
      assertThat(e.get("complete").asBoolean()).as(e.toString()).isTrue();
      assertThat(e.get("gone").asLong()).isEqualTo(erased);

      assertThat(StoredPlaintext.containing(repo, HER_EMAIL)).isEmpty();
      assertThat(StoredPlaintext.containing(repo, HER_TEXT)).isEmpty();
      assertThat(StoredPlaintext.containing(repo, "Erin")).isEmpty();

      // every snapshot restores every other row, and the volume beside the dump
      JsonNode snapshots = JSON.readTree(cli.ok("snapshots").stdout()).get("snapshots");
      assertThat(snapshots).hasSize(3);
      String psql =
          pg.tool("psql")
              + " "
              + pg.connection()
              + " -v ON_ERROR_STOP=1 --single-transaction -d app";
      for (int i = 0; i < 3; i++) {
        String id = snapshots.get(i).get("id").asText();
        cli.ok("restore", id, "--pipe", "db/app.sql=" + psql);
        assertThat(pg.sql("app", ROWS)).isEqualTo(expected.get(i));
      }
      Path out = tmp.resolve("restored");
      cli.ok("restore", "latest", "--target", out.toString(), "--include", "volume");
      assertThat(Fixtures.sha256(out.resolve("volume/model.bin")))
          .isEqualTo(Fixtures.sha256(volume));
    }
  }
}
