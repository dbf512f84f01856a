package dev.arca.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arca.engine.Fixtures;
import dev.arca.it.Arca;
import dev.arca.it.Azurite;
import dev.arca.it.FakeGcs;
import dev.arca.it.S3Servers;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code arca backup} killed with SIGKILL at random moments, over and over: afterwards verify reads
 * every byte and finds nothing wrong, every snapshot restores (those whose run finished, exactly as
 * their source was), and the next backup succeeds with no unlock step. {@code arca restore} killed
 * while it writes leaves no part of a file under the file's name, and the next restore cleans up.
 */
class KillTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int RUNS = Integer.getInteger("arca.test.killRuns", 20);

  @TempDir Path tmp;

  @Test
  void killedBackupsOnAFileRepositoryLeaveItHealthy() throws Exception {
    killAndCheck("file://" + tmp.resolve("repo"), Map.of(), 11, 2500);
  }

  @Test
  void killedBackupsOnMinioLeaveItHealthy() throws Exception {
    URI minio = S3Servers.minio();
    String repo = "s3://" + S3Servers.newBucket(minio, false) + "/killed";
    killAndCheck(repo, Map.of("AWS_ENDPOINT_URL", minio.toString()), 12, 5000);
  }

  @Test
  void killedBackupsOnAzureLeaveItHealthy() throws Exception {
    Azurite az = Azurite.get();
    String repo = "azblob://" + Azurite.ACCOUNT + "/" + az.newContainer() + "/killed";
    killAndCheck(repo, az.env(), 14, 5000);
  }

  @Test
  void killedBackupsOnGcsLeaveItHealthy() throws Exception {
    FakeGcs gcs = FakeGcs.get();
    String repo = "gs://" + gcs.newBucket() + "/killed";
    killAndCheck(repo, Map.of("STORAGE_EMULATOR_HOST", gcs.uri().toString()), 13, 5000);
  }

  /**
   * {@code arca restore --overwrite always} killed while it writes, five times into one target:
   * after each kill every file under its final name is complete, with its metadata; the next
   * restore removes the temporary files the killed ones left and restores exactly.
   */
  @Test
  void killedRestoresLeaveNoPartOfAFileUnderItsNameAndTheNextCleansUp() throws Exception {
    Path pw = Fixtures.write(tmp.resolve("pw"), "kill test password\n");
    Path src = tmp.resolve("src");
    Path work = tmp.resolve("work");
    String repo = "file://" + tmp.resolve("repo");
    SplittableRandom random = new SplittableRandom(13);
    for (int i = 0; i < 3; i++) {
      Fixtures.write(src.resolve("model-" + i + ".bin"), Fixtures.random(24 << 20, i));
    }
    for (int i = 0; i < 3000; i++) {
      int size = random.nextInt(1, 40_000);
      Fixtures.write(src.resolve("rows/" + i % 10 + "/r" + i), Fixtures.random(size, i));
    }
    Map<String, String> source = Fixtures.describe(src);
    ok(Arca.init(Map.of(), work, repo, pw));
    backupToTheEnd(Map.of(), work, repo, pw, src, new HashMap<>());
    Path target = tmp.resolve("target");
    String[] restore = Arca.restoreLatest(repo, pw, target, "--overwrite", "always");
    int killed = 0;
    for (int run = 0; run < 5; run++) {
      Process p =
          Arca.start(Map.of(), work.resolve("out-" + run), work.resolve("err-" + run), restore);
      if (killWhileWriting(p, target.resolve("src"), random)) {
        killed++;
      }
      for (var e : Fixtures.describe(target).entrySet()) {
        String name = Path.of(e.getKey()).getFileName().toString();
        if (e.getValue().startsWith("file ") && !name.matches("\\.arca-[0-9a-f]+\\.tmp")) {
          assertThat(e.getValue())
              .as("%s after kill %d", e.getKey(), run)
              .isEqualTo(source.get(e.getKey().substring("src/".length())));
        }
      }
    }
    System.out.printf("restore: 5 runs, %d killed while writing%n", killed);
    assertThat(killed).as("restores killed while writing").isGreaterThanOrEqualTo(3);
    ok(Arca.run(Map.of(), work, restore));
    assertThat(Fixtures.describe(target.resolve("src"))).isEqualTo(source);
    assertThat(Fixtures.describe(target).keySet()).allMatch(p -> p.startsWith("src"));
  }

  /**
   * Kills {@code p} a random while after the temporary file of a large file shows in {@code
   * folder}; false if the restore ended first.
   */
  private static boolean killWhileWriting(Process p, Path folder, SplittableRandom random)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (p.isAlive() && System.nanoTime() < deadline) {
      boolean writing;
      try (var names = Files.list(folder)) {
        writing = names.anyMatch(n -> n.getFileName().toString().startsWith(".arca-"));
      } catch (java.io.IOException notYet) {
        writing = false;
      }
      if (writing) {
        // at once (large files being written) or later (small files too)
        Thread.sleep(random.nextBoolean() ? random.nextInt(0, 40) : random.nextInt(0, 600));
        p.destroyForcibly(); // SIGKILL: no shutdown hooks, no cleanup
        p.waitFor();
        return true;
      }
      Thread.sleep(1);
    }
    p.destroyForcibly();
    p.waitFor();
    return false;
  }

  /** {@code maxDelayMs}: the longest a kill waits, whatever a backup takes here. */
  private void killAndCheck(String repo, Map<String, String> env, long seed, long maxDelayMs)
      throws Exception {
    Path pw = Fixtures.write(tmp.resolve("pw"), "kill test password\n");
    Path src = tmp.resolve("src");
    Path work = tmp.resolve("work");
    SplittableRandom random = new SplittableRandom(seed);
    change(src, random, 0);
    ok(Arca.init(env, work, repo, pw));

    Map<String, Map<String, String>> finished = new HashMap<>();
    // One backup left to finish, then a second one, like the killed runs an incremental, timed:
    // kills then fall within one and a half of its length, so that on a faster or slower machine
    // (or arca) most runs are still killed mid-way.
    backupToTheEnd(env, work, repo, pw, src, finished);
    change(src, random, RUNS + 1);
    long t0 = System.nanoTime();
    backupToTheEnd(env, work, repo, pw, src, finished);
    long typicalMs = Math.min(maxDelayMs, (System.nanoTime() - t0) / 1_000_000);
    int killed = 0;
    for (int run = 0; run < RUNS; run++) {
      change(src, random, run + 1);
      Map<String, String> tree = Fixtures.describe(src);
      Path out = work.resolve("out-" + run + ".json");
      long started = System.nanoTime();
      Process p =
          Arca.start(
              env,
              out,
              work.resolve("err-" + run + ".txt"),
              "backup",
              "--repo",
              repo,
              "--password-file",
              pw.toString(),
              "--json",
              src.toString());
      // From JVM start-up to the last upload: every phase of a backup gets hit over the runs.
      long delay = 300 + random.nextLong(Math.max(300, typicalMs * 3 / 2));
      if (p.waitFor(delay, TimeUnit.MILLISECONDS)) {
        JsonNode r = JSON.readTree(Files.readString(out));
        finished.put(r.get("snapshotId").asText(), tree);
        // The timed run may have been slowed by whatever else ran then (a CI run beside other
        // builds killed 1 run of 20): a run that finished moves the window towards its length.
        typicalMs = (typicalMs + (System.nanoTime() - started) / 1_000_000) / 2;
      } else {
        p.destroyForcibly(); // SIGKILL: no shutdown hooks, no cleanup
        p.waitFor();
        killed++;
      }
    }
    System.out.printf("%s: %d runs, %d killed, %d finished%n", repo, RUNS, killed, finished.size());
    assertThat(killed).as("runs killed mid-backup").isGreaterThanOrEqualTo(RUNS / 3);

    Arca.Result verify =
        Arca.run(
            env,
            work,
            "verify",
            "--repo",
            repo,
            "--password-file",
            pw.toString(),
            "--read-data",
            "--json");
    ok(verify);
    assertThat(JSON.readTree(verify.stdout()).get("ok").asBoolean()).isTrue();

    // No unlock step: the next backup just works, and every snapshot restores.
    change(src, random, RUNS + 1);
    backupToTheEnd(env, work, repo, pw, src, finished);
    JsonNode snaps =
        JSON.readTree(
            ok(Arca.run(
                    env,
                    work,
                    "snapshots",
                    "--repo",
                    repo,
                    "--password-file",
                    pw.toString(),
                    "--json"))
                .stdout());
    List<String> ids = new ArrayList<>();
    snaps.get("snapshots").forEach(s -> ids.add(s.get("id").asText()));
    assertThat(ids).containsAll(finished.keySet());
    for (String id : ids) {
      Path target = tmp.resolve("restore-" + id.substring(0, 12));
      ok(
          Arca.run(
              env,
              work,
              "restore",
              id,
              "--repo",
              repo,
              "--password-file",
              pw.toString(),
              "--target",
              target.toString()));
      if (finished.containsKey(id)) {
        assertThat(Fixtures.describe(target.resolve("src"))).isEqualTo(finished.get(id));
      }
    }
  }

  /** A backup that must succeed; its snapshot and the tree it saved go into {@code finished}. */
  private static void backupToTheEnd(
      Map<String, String> env,
      Path work,
      String repo,
      Path pw,
      Path src,
      Map<String, Map<String, String>> finished)
      throws Exception {
    Map<String, String> tree = Fixtures.describe(src);
    Arca.Result r =
        ok(
            Arca.run(
                env,
                work,
                "backup",
                "--repo",
                repo,
                "--password-file",
                pw.toString(),
                "--json",
                src.toString()));
    finished.put(JSON.readTree(r.stdout()).get("snapshotId").asText(), tree);
  }

  /** Changes the source as training would: a rewritten model file, new and changed data files. */
  private static void change(Path src, SplittableRandom random, int run) throws Exception {
    Fixtures.write(src.resolve("model.bin"), Fixtures.random(48 << 20, random.nextLong()));
    for (int i = 0; i < 40; i++) {
      Fixtures.write(
          src.resolve("data/run-" + run + "/part-" + i + ".jsonl"),
          Fixtures.random(30_000, random.nextLong()));
    }
  }

  private static Arca.Result ok(Arca.Result r) {
    assertThat(r.exitCode())
        .as("exit code; stderr: %s; stdout: %s", r.stderr(), r.stdout())
        .isZero();
    return r;
  }
}
