package dev.arca.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arca.engine.Fixtures;
import dev.arca.it.Arca;
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
 * their source was), and the next backup succeeds with no unlock step.
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
    // One backup left to finish, timed: kills then fall within one and a half of its length, so
    // that on a faster or slower machine (or arca) most runs are still killed mid-way.
    long t0 = System.nanoTime();
    backupToTheEnd(env, work, repo, pw, src, finished);
    long typicalMs = Math.min(maxDelayMs, (System.nanoTime() - t0) / 1_000_000);
    int killed = 0;
    for (int run = 0; run < RUNS; run++) {
      change(src, random, run + 1);
      Map<String, String> tree = Fixtures.describe(src);
      Path out = work.resolve("out-" + run + ".json");
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
