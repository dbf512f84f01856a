package dev.arca.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arca.engine.ArcaException;
import dev.arca.engine.repo.Repository;
import dev.arca.engine.storage.FileStorage;
import dev.arca.engine.storage.PrefixedStorage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Key domains in one repository: each is encrypted under its own keys and deduplicates within
 * itself only; {@code arca key destroy-domain} (two steps, with a token) leaves a domain that no
 * password opens, while the others still restore; prune then removes what is left of it; the
 * destruction is in the audit trail; crafted names and records are refused or named.
 */
class KeyDomainTest {
  @TempDir Path tmp;

  private String url;
  private Path src;
  private final Map<String, Path> passwords = new java.util.HashMap<>();

  @BeforeEach
  void setUp() {
    url = tmp.resolve("repo").toUri().toString();
    src = tmp.resolve("src");
    for (String who : List.of("root", "a", "a2", "b")) {
      Path p = tmp.resolve("pw-" + who);
      write(p, ("password of " + who + "\n").getBytes(StandardCharsets.UTF_8));
      passwords.put(who, p);
    }
    byte[] big = new byte[3 << 20];
    new java.util.Random(3).nextBytes(big);
    write(src.resolve("weights.bin"), big);
    write(src.resolve("user.csv"), "id,name\n1,alice\n".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aDestroyedDomainOpensWithNoPasswordWhileAnotherStillRestores() throws Exception {
    ok("root", "init", "--kdf-cost", "1024");
    ok("a", "init", "--kdf-cost", "1024", "--domain", "team-a");
    addKey("a", "team-a", "a2");
    ok("b", "init", "--kdf-cost", "1024", "--domain", "team-b");
    String snapA =
        ok("a", "backup", "--domain", "team-a", src.toString()).get("snapshotId").asText();
    String snapB =
        ok("b", "backup", "--domain", "team-b", src.toString()).get("snapshotId").asText();

    // the same bytes are stored once per domain: no deduplication across domains
    Path repo = tmp.resolve("repo");
    long packsA = bytesUnder(repo.resolve("domains/team-a/data"));
    long packsB = bytesUnder(repo.resolve("domains/team-b/data"));
    assertThat(packsA).isGreaterThan(3 << 20);
    assertThat(packsB).isGreaterThan(3 << 20);
    assertThat(Files.exists(repo.resolve("data")))
        .as("the root holds no data of a domain")
        .isFalse();
    JsonNode again = ok("a", "backup", "--full", "--domain", "team-a", src.toString());
    assertThat(again.get("newBytes").asLong()).as("within a domain it deduplicates").isZero();

    JsonNode listed = ok("root", "key", "domains");
    assertThat(listed.get("domains")).hasSize(2);
    assertThat(listed.get("domains").get(0).get("name").asText()).isEqualTo("team-a");
    assertThat(listed.get("domains").get(0).get("keySlots").asInt()).isEqualTo(2);

    // step one says what goes and gives a token; a wrong token, or one from before a change, fails
    JsonNode plan = ok("root", "key", "destroy-domain", "team-a");
    assertThat(plan.get("keySlots")).hasSize(2);
    assertThat(plan.get("destroyed").asBoolean()).isFalse();
    String token = plan.get("token").asText();
    assertThat(
            run("root", "key", "destroy-domain", "team-a", "--confirm", "0123456789abcdef")
                .exitCode())
        .isEqualTo(2);
    addKey("a", "team-a", "b");
    Cli.Result stale = run("root", "key", "destroy-domain", "team-a", "--confirm", token);
    assertThat(stale.exitCode()).isEqualTo(2);
    assertThat(stale.stderr()).contains("does not match");
    assertThat(snapshotIds("a", "team-a")).contains(snapA);

    token = ok("root", "key", "destroy-domain", "team-a").get("token").asText();
    JsonNode destroyed = ok("root", "key", "destroy-domain", "team-a", "--confirm", token);
    assertThat(destroyed.get("removedKeySlots")).hasSize(3);

    // no password opens it: not through arca, and not by reading the store around the check
    for (String who : List.of("root", "a", "a2", "b")) {
      Cli.Result r = run(who, "snapshots", "--domain", "team-a");
      assertThat(r.exitCode()).as(who).isEqualTo(4);
      assertThat(r.stderr()).as(who).contains("was destroyed");
      char[] pw = Files.readString(passwords.get(who)).strip().toCharArray();
      var raw = new PrefixedStorage(new FileStorage(repo), "domains/team-a/", "team-a");
      assertThatThrownBy(() -> Repository.open(raw, pw))
          .isInstanceOfSatisfying(
              ArcaException.class,
              e -> assertThat(e.kind()).isEqualTo(ArcaException.Kind.WRONG_KEY));
    }
    assertThat(
            Files.exists(repo.resolve("domains/team-a/keys"))
                && filesUnder(repo.resolve("domains/team-a/keys")).size() > 0)
        .as("no key slot of the domain is left")
        .isFalse();
    assertThat(filesUnder(repo.resolve("domains/team-a/snapshots"))).isNotEmpty();

    // the name is not used again, by init or by a backup that would create it
    assertThat(run("a", "init", "--kdf-cost", "1024", "--domain", "team-a").exitCode())
        .isEqualTo(4);
    assertThat(
            run("a", "backup", "--init-if-missing", "--domain", "team-a", src.toString())
                .exitCode())
        .isEqualTo(4);

    // the other domain and the root still restore, byte for byte
    ok("b", "restore", snapB, "--domain", "team-b", "--target", tmp.resolve("out-b").toString());
    assertThat(Files.readAllBytes(tmp.resolve("out-b/src/weights.bin")))
        .isEqualTo(Files.readAllBytes(src.resolve("weights.bin")));
    assertThat(ok("root", "snapshots").get("snapshots")).isEmpty();

    // a copy goes from a domain into a domain of another store, never into a destroyed one
    String offsite = tmp.resolve("offsite").toUri().toString();
    ok(
        "b",
        "copy",
        "--domain",
        "team-b",
        "--to",
        offsite,
        "--to-domain",
        "team-b",
        "--init",
        "--to-password-file",
        passwords.get("b").toString());
    Cli.Result there =
        Cli.run(
            "snapshots",
            "--json",
            "--repo",
            offsite,
            "--domain",
            "team-b",
            "--password-file",
            passwords.get("b").toString());
    assertThat(there.exitCode()).as("%s", there).isZero();
    assertThat(there.json().get("snapshots")).hasSize(1);
    assertThat(
            run(
                    "b",
                    "copy",
                    "--domain",
                    "team-b",
                    "--to",
                    url,
                    "--to-domain",
                    "team-a",
                    "--to-password-file",
                    passwords.get("b").toString())
                .exitCode())
        .isEqualTo(4);

    // prune removes what is left of it, keeping only the record of its destruction
    JsonNode swept = ok("root", "prune", "--domain", "team-a");
    assertThat(swept.get("removedObjects").asLong()).isPositive();
    assertThat(swept.get("failed")).isEmpty();
    assertThat(filesUnder(repo.resolve("domains/team-a")))
        .containsExactly(repo.resolve("domains/team-a/destroyed"));
    assertThat(
            ok("root", "key", "domains").get("domains").get(0).get("destroyed").get("op").asText())
        .isEqualTo("destroy-domain");

    // the destruction is in the root's audit trail; a domain's trail is its own
    assertThat(ok("b", "audit", "--domain", "team-b").toString()).doesNotContain("destroy-domain");
    List<String> ops = new ArrayList<>();
    ok("root", "audit")
        .get("records")
        .forEach(r -> ops.add(r.get("op").asText() + " " + r.get("paths")));
    assertThat(ops).contains("destroy-domain [\"team-a\"]");
  }

  @Test
  void craftedNamesAndDamagedRecordsAreRefusedOrNamed() throws Exception {
    for (String bad : List.of("../x", "Team", "a/b", "-a", "")) {
      Cli.Result r = run("a", "init", "--kdf-cost", "1024", "--domain", bad);
      assertThat(r.exitCode()).as(bad).isEqualTo(bad.isEmpty() ? 0 : 2);
      if (bad.isEmpty()) {
        continue; // an empty domain is the root
      }
      assertThat(r.stderr()).as(bad).contains("is not a valid name");
    }
    ok("a", "init", "--kdf-cost", "1024", "--domain", "team-a");
    Path repo = tmp.resolve("repo");
    write(repo.resolve("domains/Not_A_Domain/x"), new byte[] {1});
    write(repo.resolve("domains/team-a/destroyed"), "{not json".getBytes(StandardCharsets.UTF_8));

    // a damaged record still means destroyed: the domain is not opened, and the damage is named
    Cli.Result open = run("a", "snapshots", "--domain", "team-a");
    assertThat(open.exitCode()).isEqualTo(4);
    JsonNode listed = ok("a", "key", "domains");
    assertThat(listed.get("strays").get(0).asText()).isEqualTo("domains/Not_A_Domain/x");
    assertThat(listed.get("domains").get(0).get("problem").asText()).contains("cannot be parsed");
    Cli.Result audit = run("a", "audit", "--json");
    assertThat(audit.exitCode()).isEqualTo(3);
    assertThat(audit.json().get("unreadable").toString()).contains("domains/team-a/destroyed");

    // a record too large to be one is not read
    write(repo.resolve("domains/team-b/destroyed"), new byte[200_000]);
    assertThat(ok("a", "key", "domains").get("domains").get(1).get("problem").asText())
        .contains("larger than");
    assertThat(run("a", "key", "destroy-domain", "no-such").exitCode()).isEqualTo(5);
  }

  /** Adds the password of {@code added} to {@code domain}, opened with {@code who}'s. */
  private void addKey(String who, String domain, String added) {
    ok(
        who,
        "key",
        "add",
        "--domain",
        domain,
        "--kdf-cost",
        "1024",
        "--new-password-file",
        passwords.get(added).toString());
  }

  private Cli.Result run(String who, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--repo", url, "--password-file", passwords.get(who).toString()));
    return Cli.run(all.toArray(String[]::new));
  }

  private JsonNode ok(String who, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--json");
    Cli.Result r = run(who, all.toArray(String[]::new));
    assertThat(r.exitCode()).as("%s", r).isZero();
    return r.json();
  }

  private List<String> snapshotIds(String who, String domain) {
    List<String> ids = new ArrayList<>();
    ok(who, "snapshots", "--domain", domain)
        .get("snapshots")
        .forEach(s -> ids.add(s.get("id").asText()));
    return ids;
  }

  private static long bytesUnder(Path dir) {
    return filesUnder(dir).stream().mapToLong(p -> p.toFile().length()).sum();
  }

  private static List<Path> filesUnder(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(Path p, byte[] bytes) {
    try {
      Files.createDirectories(p.getParent());
      Files.write(p, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
