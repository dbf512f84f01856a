package dev.arca.engine.rewrite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arca.contract.BackupReport;
import dev.arca.contract.PruneReport;
import dev.arca.contract.RewriteReport;
import dev.arca.engine.ArcaException;
import dev.arca.engine.Fixtures;
import dev.arca.engine.StoredPlaintext;
import dev.arca.engine.backup.Backup;
import dev.arca.engine.backup.BackupOptions;
import dev.arca.engine.backup.Crafted;
import dev.arca.engine.backup.StreamSource;
import dev.arca.engine.format.Node;
import dev.arca.engine.format.Snapshot;
import dev.arca.engine.prune.Prune;
import dev.arca.engine.prune.PruneOptions;
import dev.arca.engine.repo.Repository;
import dev.arca.engine.repo.SnapshotFilter;
import dev.arca.engine.repo.Snapshots;
import dev.arca.engine.restore.Restore;
import dev.arca.engine.restore.RestoreOptions;
import dev.arca.engine.storage.Storage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code arca rewrite} as an erasure: one user's folder excluded and her rows filtered out of a
 * dump kept in three snapshots; after prune no stored object decrypts to anything of hers, every
 * other file and row restores as it was, and prune's report confirms every blob only her data
 * needed gone. Besides: blobs shared with data that stays are named and kept, a dry run and a
 * failing filter change nothing, originals can be kept, a damaged snapshot is named and left alone,
 * and data backed up again is reported as such.
 */
class RewriteTest {
  static final String ALICE = "alice@example.com";

  @TempDir Path tmp;
  Path src;
  Repository repo;
  final List<String> warnings = new ArrayList<>();

  /** A dump as a stream: fixed bytes. */
  record Dump(String path, byte[] content) implements StreamSource {
    @Override
    public Running start() {
      InputStream in = new ByteArrayInputStream(content);
      return new Running() {
        @Override
        public InputStream output() {
          return in;
        }

        @Override
        public void finish() {}

        @Override
        public void close() {}
      };
    }
  }

  /** A filter that runs a real command: {@code grep -v PATTERN} or anything else. */
  record Command(String path, List<String> argv) implements ContentFilter {
    @Override
    public Running start() throws IOException {
      Process p = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      return new Running() {
        @Override
        public OutputStream input() {
          return p.getOutputStream();
        }

        @Override
        public InputStream output() {
          return p.getInputStream();
        }

        @Override
        public void finish() throws IOException {
          try {
            int code = p.waitFor();
            if (code != 0) {
              throw new ArcaException(ArcaException.Kind.ERROR, "filter exited with " + code);
            }
          } catch (InterruptedException e) {
            throw new IOException(e);
          }
        }

        @Override
        public void close() {
          p.destroyForcibly();
        }
      };
    }
  }

  @BeforeEach
  void setUp() throws Exception {
    src = tmp.resolve("app");
    repo = Fixtures.repo(tmp.resolve("repo"));
    Fixtures.write(src.resolve("users/alice/profile.json"), "{\"owner\":\"" + ALICE + "\"}");
    Fixtures.write(src.resolve("users/alice/avatar.png"), Fixtures.random(600_000, 7));
    Fixtures.write(src.resolve("users/bob/profile.json"), "{\"owner\":\"bob@example.com\"}");
    Fixtures.write(src.resolve("models/weights.bin"), Fixtures.random(3 << 20, 8));
  }

  /** A dump of {@code rows} users with Alice's rows at a few places, plus {@code extra} rows. */
  static String dump(int rows, int extra) {
    StringBuilder b = new StringBuilder("CREATE TABLE users (id int, email text, note text);\n");
    for (int i = 0; i < rows + extra; i++) {
      String who = i % 4000 == 17 ? ALICE : "user" + i + "@example.com";
      b.append("INSERT INTO users VALUES (")
          .append(i)
          .append(", '")
          .append(who)
          .append("', 'note ")
          .append(Long.toHexString(i * 0x9E3779B97F4A7C15L))
          .append("');\n");
    }
    return b.toString();
  }

  static String withoutAlice(String dump) {
    StringBuilder b = new StringBuilder();
    for (String line : dump.split("\n", -1)) {
      if (!line.contains(ALICE)) {
        b.append(line).append('\n');
      }
    }
    return b.substring(0, b.length() - 1); // split kept the empty last piece
  }

  private BackupReport backup(String dump) throws Exception {
    return Backup.run(
        repo,
        BackupOptions.of(src)
            .withStreams(List.of(new Dump("db/app.sql", dump.getBytes(StandardCharsets.UTF_8)))));
  }

  private RewriteOptions opts(
      List<String> snapshots, List<String> excludes, List<ContentFilter> filters) {
    return new RewriteOptions(
        snapshots,
        SnapshotFilter.ANY,
        excludes,
        filters,
        false,
        false,
        "test",
        2,
        Clock.systemUTC(),
        Fixtures.warningsTo(warnings),
        warnings::add);
  }

  /** {@code o} as a dry run, or keeping the originals. */
  private static RewriteOptions with(RewriteOptions o, boolean dryRun, boolean keepOriginals) {
    return new RewriteOptions(
        o.snapshots(),
        o.filter(),
        o.excludes(),
        o.filters(),
        dryRun,
        keepOriginals,
        o.host(),
        o.threads(),
        o.clock(),
        o.progress(),
        o.warn());
  }

  private static ContentFilter dropAlice() {
    return new Command("db/app.sql", List.of("grep", "-v", ALICE));
  }

  private Path restore(String id, String into) throws IOException {
    Path out = tmp.resolve(into);
    Restore.run(repo, RestoreOptions.of(id, out));
    return out;
  }

  private static Map<String, String> withoutPrefix(Map<String, String> d, String prefix) {
    Map<String, String> out = new TreeMap<>(d);
    out.keySet().removeIf(k -> k.equals(prefix) || k.startsWith(prefix + "/"));
    return out;
  }

  @Test
  void anErasureLeavesNoObjectWithHerDataAndEverythingElseRestores() throws Exception {
    List<String> dumps = List.of(dump(12_000, 0), dump(12_000, 50), dump(12_000, 120));
    for (String d : dumps) {
      backup(d);
    }
    assertThat(StoredPlaintext.containing(repo, ALICE)).isNotEmpty();

    RewriteReport r =
        Rewrite.run(repo, opts(List.of(), List.of("app/users/alice"), List.of(dropAlice())));
    assertThat(r.ok()).isTrue();
    assertThat(r.snapshots()).hasSize(3).allMatch(s -> s.outcome().equals("rewritten"));
    assertThat(r.snapshots()).allMatch(s -> s.removedFiles() == 2 && s.filteredFiles() == 1);
    assertThat(r.snapshots()).allMatch(RewriteReport.Rewritten::forgotten);
    assertThat(r.removed()).containsExactly("app/users/alice/");
    assertThat(r.unmatched()).isEmpty();
    assertThat(r.erasure().erasedBlobs()).isPositive();
    assertThat(Snapshots.list(repo).readable()).hasSize(3);

    PruneReport p = Prune.run(repo, PruneOptions.defaults().withGrace(Duration.ZERO));
    assertThat(p.erasures()).hasSize(1);
    PruneReport.Erasure e = p.erasures().get(0);
    assertThat(e.run()).isEqualTo(r.erasure().run());
    assertThat(e.complete()).as(e.waiting().toString()).isTrue();
    assertThat(e.gone()).isEqualTo(r.erasure().erasedBlobs());
    assertThat(e.snapshots()).isEqualTo(3);

    assertThat(StoredPlaintext.containing(repo, ALICE)).isEmpty();
    assertThat(StoredPlaintext.containing(repo, "alice")).isEmpty();
    assertThat(repo.storage().list("erasures/")).isEmpty(); // complete: the report is the proof

    Map<String, String> expected = withoutPrefix(Fixtures.describe(src), "users/alice");
    List<Snapshots.Ref> now = Snapshots.list(repo).readable();
    for (int i = 0; i < 3; i++) {
      Snapshots.Ref s = now.get(i);
      assertThat(s.snapshot().rewrittenFrom()).isEqualTo(r.snapshots().get(i).from());
      assertThat(s.snapshot().stats().files()).isEqualTo(3); // bob's profile, the weights, the dump
      Path out = restore(s.id(), "restored-" + i);
      assertThat(Fixtures.describe(out.resolve("app"))).isEqualTo(expected);
      assertThat(Files.readString(out.resolve("db/app.sql"))).isEqualTo(withoutAlice(dumps.get(i)));
    }
    // a second prune has nothing left to report
    assertThat(Prune.run(repo, PruneOptions.defaults().withGrace(Duration.ZERO)).erasures())
        .isEmpty();
  }

  @Test
  void blobsSharedWithDataThatStaysAreNamedAndKept() throws Exception {
    byte[] same = Fixtures.random(400_000, 7); // not the avatar: its own bytes
    Fixtures.write(src.resolve("users/alice/notes.bin"), same);
    Fixtures.write(src.resolve("public/notes-copy.bin"), same);
    backup(dump(100, 0));

    RewriteReport r = Rewrite.run(repo, opts(List.of(), List.of("app/users/alice"), List.of()));
    assertThat(r.erasure().sharedBlobs()).isEqualTo(1);
    RewriteReport.SharedBlob b = r.erasure().shared().get(0);
    assertThat(b.path()).isEqualTo("app/public/notes-copy.bin");
    assertThat(b.snapshot()).isEqualTo(r.snapshots().get(0).to());

    PruneReport.Erasure e =
        Prune.run(repo, PruneOptions.defaults().withGrace(Duration.ZERO)).erasures().get(0);
    assertThat(e.complete()).isTrue();
    assertThat(e.sharedBlobs()).isEqualTo(1);
    Path out = restore(r.snapshots().get(0).to(), "restored");
    assertThat(Files.readAllBytes(out.resolve("app/public/notes-copy.bin"))).isEqualTo(same);
    assertThat(out.resolve("app/users/alice")).doesNotExist();
  }

  @Test
  void aDryRunAndAFailingFilterChangeNothing() throws Exception {
    backup(dump(500, 0));
    List<String> before = keys();

    RewriteOptions o =
        opts(List.of(), List.of("app/users/alice", "nothing/here"), List.of(dropAlice()));
    RewriteReport dry = Rewrite.run(repo, with(o, true, false));
    assertThat(dry.dryRun()).isTrue();
    assertThat(dry.snapshots().get(0).outcome()).isEqualTo("rewritten");
    assertThat(dry.snapshots().get(0).to()).isNull();
    assertThat(dry.removed()).containsExactly("app/users/alice/");
    assertThat(dry.unmatched()).containsExactly("nothing/here");
    assertThat(keys()).isEqualTo(before);

    ContentFilter failing =
        new Command("db/app.sql", List.of("sh", "-c", "cat >/dev/null; exit 3"));
    assertThatThrownBy(
            () -> Rewrite.run(repo, opts(List.of(), List.of("app/users/alice"), List.of(failing))))
        .hasMessageContaining("exited with 3");
    assertThat(Snapshots.list(repo).readable()).hasSize(1);
    assertThat(Snapshots.list(repo).readable().get(0).snapshot().rewrittenFrom()).isNull();
    assertThat(repo.storage().list("erasures/")).isEmpty();
  }

  @Test
  void keptOriginalsKeepEverythingAndRecordNoErasure() throws Exception {
    String original = backup(dump(500, 0)).snapshotId();
    RewriteOptions o = opts(List.of(), List.of("profile.json"), List.of());
    RewriteReport r = Rewrite.run(repo, with(o, false, true));
    assertThat(r.erasure()).isNull();
    assertThat(r.snapshots().get(0).forgotten()).isFalse();
    assertThat(r.removed())
        .containsExactly("app/users/alice/profile.json", "app/users/bob/profile.json");
    assertThat(Snapshots.list(repo).readable())
        .extracting(Snapshots.Ref::id)
        .contains(original)
        .hasSize(2);
    Path out = restore(r.snapshots().get(0).to(), "restored");
    assertThat(out.resolve("app/users/bob")).isDirectory();
    assertThat(out.resolve("app/users/bob/profile.json")).doesNotExist();
    assertThat(out.resolve("app/users/alice/avatar.png")).exists();
  }

  @Test
  void aDamagedSnapshotIsNamedAndTheOthersAreRewritten() throws Exception {
    String good = backup(dump(500, 0)).snapshotId();
    Crafted c = new Crafted(repo);
    Node profile = c.file("profile.json", "{\"owner\":\"alice\"}".getBytes(StandardCharsets.UTF_8));
    Node twice = c.file("x", new byte[] {1});
    String crafted =
        c.commit(
            List.of(
                c.dir(
                    "app",
                    List.of(
                        c.dir("users", List.of(c.dir("alice", List.of(profile)))),
                        c.dir("bad", List.of(twice, twice))))),
            new Snapshot.Stats(2, 4, 0, 0, 0, 0, 0, 0));
    RewriteReport r =
        Rewrite.run(repo, opts(List.of(), List.of("app/users/alice", "x"), List.of()));
    assertThat(r.ok()).isFalse();
    Map<String, RewriteReport.Rewritten> byId = new TreeMap<>();
    r.snapshots().forEach(s -> byId.put(s.from(), s));
    assertThat(byId.get(crafted).outcome()).isEqualTo("damaged");
    assertThat(byId.get(crafted).why()).contains("app/bad").contains("twice");
    assertThat(byId.get(good).outcome()).isEqualTo("rewritten");
    assertThat(Snapshots.list(repo).readable()).extracting(Snapshots.Ref::id).contains(crafted);
  }

  @Test
  void dataBackedUpAgainIsReportedAndTheErasureStaysOpen() throws Exception {
    backup(dump(500, 0));
    Rewrite.run(repo, opts(List.of(), List.of("app/users/alice"), List.of()));
    backup(dump(500, 0)); // her folder is still at the source
    PruneReport.Erasure e =
        Prune.run(repo, PruneOptions.defaults().withGrace(Duration.ZERO)).erasures().get(0);
    assertThat(e.complete()).isFalse();
    assertThat(e.storedAgain()).isPositive();
    assertThat(e.waiting()).anyMatch(w -> w.contains("needs it again"));
    assertThat(repo.storage().list("erasures/")).isNotEmpty();
  }

  @Test
  void aDamagedErasureRecordIsReportedAndPruneGoesOn() throws Exception {
    backup(dump(500, 0));
    byte[] sealed =
        repo.codec()
            .sealJson(
                Map.of(
                    "time", "2026-12-07T00:00:00Z",
                    "run", "0123456789abcdef0123456789abcdef",
                    "snapshots", List.of(),
                    "erased", List.of(Map.of("blob", "not-an-id", "packs", List.of())),
                    "shared", List.of()));
    repo.storage().create("erasures/" + "ab".repeat(32), sealed);
    PruneReport p = Prune.run(repo, PruneOptions.defaults().withGrace(Duration.ZERO));
    assertThat(p.unreadableErasures()).containsKey("erasures/" + "ab".repeat(32));
    assertThat(p.unreadableErasures().values().iterator().next()).contains("erased entry");
    assertThat(p.erasures()).isEmpty();
  }

  private List<String> keys() throws IOException {
    return repo.storage().list("").stream()
        .map(Storage.ObjectInfo::key)
        .filter(k -> !k.startsWith("sessions/"))
        .sorted()
        .toList();
  }
}
