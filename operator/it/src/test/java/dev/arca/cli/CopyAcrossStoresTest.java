package dev.arca.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arca.engine.Fixtures;
import dev.arca.engine.format.BlobType;
import dev.arca.engine.format.Hex;
import dev.arca.engine.format.Packs;
import dev.arca.engine.repo.Repository;
import dev.arca.engine.storage.Storage;
import dev.arca.engine.storage.Storages;
import dev.arca.engine.storage.azure.AzureSettings;
import dev.arca.engine.storage.s3.S3Settings;
import dev.arca.it.Arca;
import dev.arca.it.Azurite;
import dev.arca.it.FakeGcs;
import dev.arca.it.S3Servers;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code arca copy} from MinIO into fake-gcs-server and into Azurite, as processes with the
 * target's own password and credentials in {@code ARCA_TO_} variables: every snapshot restores from
 * each target exactly as it was backed up, and a copy killed with SIGKILL midway, run again, sends
 * none of the blobs that had arrived.
 */
class CopyAcrossStoresTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  private Path pw;
  private Map<String, String> env;
  private String source;

  private void minioSource() throws Exception {
    pw = Fixtures.write(tmp.resolve("pw"), "source password\n");
    URI minio = S3Servers.minio();
    source = "s3://" + S3Servers.newBucket(minio, false) + "/models";
    env = new HashMap<>(Map.of("AWS_ENDPOINT_URL", minio.toString()));
    Arca.init(env, tmp.resolve("work"), source, pw).ok();
  }

  private String backup(Path src) throws Exception {
    Arca.Result r =
        Arca.run(
                env,
                tmp.resolve("work"),
                "backup",
                "--repo",
                source,
                "--password-file",
                pw.toString(),
                "--json",
                src.toString())
            .ok();
    return JSON.readTree(r.stdout()).get("snapshotId").asText();
  }

  private Map<String, String> targetEnv(Map<String, String> store) {
    Map<String, String> e = new HashMap<>(env);
    store.forEach((k, v) -> e.put("ARCA_TO_" + k.replaceFirst("^ARCA_", ""), v));
    e.put("ARCA_TO_PASSWORD", "target password");
    return e;
  }

  /** {@code arca copy} from the source into {@code target}, created if missing. */
  private String[] copyArgs(String target) {
    return new String[] {
      "copy", "--repo", source, "--password-file", pw.toString(), "--to", target, "--init"
    };
  }

  private JsonNode copy(Map<String, String> e, String target) throws Exception {
    Arca.Result r = Arca.run(e, tmp.resolve("work"), Arca.args(copyArgs(target), "--json")).ok();
    return JSON.readTree(r.stdout());
  }

  @Test
  void copiesFromMinioRestoreByteIdenticalFromGcsAndFromAzure() throws Exception {
    minioSource();
    Path src = tmp.resolve("src");
    Fixtures.safetensors(
        src.resolve("ckpt/model.safetensors"),
        new int[] {4 << 20, 3000, 2 << 20},
        new long[] {1, 2, 3});
    Fixtures.write(src.resolve("ckpt/optimizer.pt"), Fixtures.random(9 << 20, 4));
    for (int i = 0; i < 200; i++) {
      Fixtures.write(src.resolve("data/" + i % 7 + "/row-" + i + ".json"), "{\"row\":" + i + "}\n");
    }
    Map<String, Map<String, String>> trees = new LinkedHashMap<>();
    trees.put(backup(src), Fixtures.describe(src));
    Fixtures.write(src.resolve("data/3/row-3.json"), "{\"row\":3,\"changed\":true}\n");
    Fixtures.write(src.resolve("ckpt/optimizer.pt"), Fixtures.random(9 << 20, 5));
    trees.put(backup(src), Fixtures.describe(src));

    FakeGcs gcs = FakeGcs.get();
    Azurite az = Azurite.get();
    Map<String, Map<String, String>> targets =
        Map.of(
            "gs://" + gcs.newBucket() + "/copy",
            Map.of("STORAGE_EMULATOR_HOST", gcs.uri().toString()),
            "azblob://" + Azurite.ACCOUNT + "/" + az.newContainer() + "/copy",
            az.env());
    for (var t : targets.entrySet()) {
      JsonNode r = copy(targetEnv(t.getValue()), t.getKey());
      assertThat(r.get("snapshots")).hasSize(2);
      int n = 0;
      for (JsonNode c : r.get("snapshots")) {
        assertThat(c.get("outcome").asText()).as(t.getKey()).isEqualTo("copied");
        Map<String, String> expected = trees.get(c.get("sourceId").asText());
        Path out = tmp.resolve("restored-" + Math.abs(t.getKey().hashCode()) + "-" + n++);
        Map<String, String> restoreEnv = new HashMap<>(t.getValue());
        restoreEnv.put("ARCA_PASSWORD", "target password");
        Arca.run(
                restoreEnv,
                tmp.resolve("work"),
                "restore",
                c.get("targetId").asText(),
                "--repo",
                t.getKey(),
                "--target",
                out.toString())
            .ok();
        assertThat(Fixtures.describe(out.resolve("src"))).as(t.getKey()).isEqualTo(expected);
      }
      // the second snapshot read only what changed
      assertThat(r.get("snapshots").get(1).get("filesRead").asLong()).isEqualTo(2);
    }
  }

  @Test
  void aCopyKilledMidwayIntoGcsSendsNothingAgainThatHadArrived() throws Exception {
    minioSource();
    Path src = tmp.resolve("src");
    for (int i = 0; i < 8; i++) {
      Fixtures.write(src.resolve("shard-" + i + ".bin"), Fixtures.random(24 << 20, 40 + i));
    }
    Map<String, String> tree = Fixtures.describe(src);
    backup(src);
    FakeGcs gcs = FakeGcs.get();
    String target = "gs://" + gcs.newBucket() + "/copy";
    Map<String, String> e = targetEnv(Map.of("STORAGE_EMULATOR_HOST", gcs.uri().toString()));
    Storage store =
        Storages.open(target, S3Settings.defaults(), gcs.settings(), AzureSettings.defaults());

    Process p = Arca.start(e, tmp.resolve("copy-out"), tmp.resolve("copy-err"), copyArgs(target));
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (packs(store).size() < 3 && p.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(p.isAlive()).as("the copy was still running after 3 packs").isTrue();
    p.destroyForcibly(); // SIGKILL
    p.waitFor();
    Repository repo = Repository.open(store, "target password".toCharArray());
    assertThat(dev.arca.engine.repo.Snapshots.list(repo).readable()).isEmpty();
    Set<String> landed = new HashSet<>(packs(store));
    Set<String> indexed = indexedPacks(repo);
    Set<String> arrived = blobs(repo, indexed);
    landed.removeAll(indexed);
    // at most the uploads in flight had landed without their index when the kill came
    assertThat(landed).hasSizeLessThanOrEqualTo(2);
    assertThat(arrived).isNotEmpty();

    Set<String> before = new HashSet<>(packs(store));
    JsonNode r = copy(e, target);
    assertThat(r.get("snapshots").get(0).get("outcome").asText()).isEqualTo("copied");
    Set<String> sent = new HashSet<>(packs(store));
    sent.removeAll(before);
    assertThat(blobs(repo, sent)).doesNotContainAnyElementsOf(arrived);
    System.out.printf(
        "killed copy: %d packs indexed before the kill (%d blobs), %d sent by the rerun%n",
        indexed.size(), arrived.size(), sent.size());

    Map<String, String> restoreEnv = new HashMap<>(env);
    restoreEnv.put("STORAGE_EMULATOR_HOST", gcs.uri().toString());
    restoreEnv.put("ARCA_PASSWORD", "target password");
    Path out = tmp.resolve("restored");
    Arca.run(
            restoreEnv,
            tmp.resolve("work"),
            "restore",
            "latest",
            "--repo",
            target,
            "--target",
            out.toString())
        .ok();
    assertThat(Fixtures.describe(out.resolve("src"))).isEqualTo(tree);
  }

  private static List<String> packs(Storage store) throws Exception {
    return store.list(Packs.PREFIX).stream().map(Storage.ObjectInfo::key).toList();
  }

  /** The packs the index objects name, as keys. */
  private static Set<String> indexedPacks(Repository repo) throws Exception {
    Set<String> out = new HashSet<>();
    for (var loc : repo.loadIndex().all()) {
      out.add(loc.packKey());
    }
    return out;
  }

  /** The data blobs (hex ids) in the packs {@code keys}, from their headers. */
  private static Set<String> blobs(Repository repo, Set<String> keys) throws Exception {
    Set<String> out = new HashSet<>();
    for (String k : keys) {
      byte[] pack = repo.storage().read(k);
      for (var entry : Packs.readHeader(pack, repo.cipher(), k)) {
        if (entry.type() == BlobType.DATA) {
          out.add(Hex.of(entry.id()));
        }
      }
    }
    return out;
  }
}
