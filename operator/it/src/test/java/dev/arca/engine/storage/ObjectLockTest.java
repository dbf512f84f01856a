package dev.arca.engine.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arca.contract.BackupReport;
import dev.arca.contract.PruneReport;
import dev.arca.engine.Fixtures;
import dev.arca.engine.Progress;
import dev.arca.engine.backup.Backup;
import dev.arca.engine.backup.BackupOptions;
import dev.arca.engine.forget.Forget;
import dev.arca.engine.forget.Retention;
import dev.arca.engine.prune.Prune;
import dev.arca.engine.prune.PruneOptions;
import dev.arca.engine.repo.Repository;
import dev.arca.engine.repo.SnapshotFilter;
import dev.arca.engine.repo.Snapshots;
import dev.arca.engine.restore.Restore;
import dev.arca.engine.restore.RestoreOptions;
import dev.arca.engine.storage.s3.S3Settings;
import dev.arca.engine.verify.Verify;
import dev.arca.it.S3Servers;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectLockRetentionMode;

/**
 * A repository in a MinIO bucket with Object Lock: with the bucket's default retention, and with
 * the retention Arca sets itself ({@code ARCA_OBJECT_LOCK}) on packs, index and snapshot objects
 * and audit records, which forget and prune then cannot remove before its date.
 */
class ObjectLockTest {
  @TempDir Path tmp;

  @Test
  void backupsWorkAndForgetAndPruneReportWhatTheBucketKeeps() throws Exception {
    URI minio = S3Servers.minio();
    String bucket = S3Servers.newBucket(minio, true);
    try (S3Client s3 = S3Servers.admin(minio)) {
      s3.putObjectLockConfiguration(
          b ->
              b.bucket(bucket)
                  .objectLockConfiguration(
                      c ->
                          c.objectLockEnabled("Enabled")
                              .rule(
                                  r ->
                                      r.defaultRetention(
                                          d ->
                                              d.mode(ObjectLockRetentionMode.GOVERNANCE)
                                                  .days(1)))));
    }
    Repository repo =
        Fixtures.repo(Storages.open("s3://" + bucket + "/locked", S3Servers.settings(minio)));
    Path src = tmp.resolve("src");
    Fixtures.write(src.resolve("old.bin"), Fixtures.random(3 << 20, 1));
    Backup.run(repo, BackupOptions.of(src));
    java.nio.file.Files.delete(src.resolve("old.bin"));
    Fixtures.write(src.resolve("new.bin"), Fixtures.random(2 << 20, 2));
    BackupReport kept = Backup.run(repo, BackupOptions.of(src));

    Forget.Result f = Forget.run(repo, new Retention(1, 0, 0, 0, 0, 0), SnapshotFilter.ANY, false);
    assertThat(f.removed()).hasSize(1);
    assertThat(f.retainedObjects()).isEqualTo(1);
    PruneReport p = Prune.run(repo, PruneOptions.defaults().withGrace(Duration.ZERO));
    assertThat(p.deletedPacks()).isPositive();
    assertThat(p.retainedObjects())
        .as("packs kept by the bucket's retention")
        .isEqualTo(p.deletedPacks());

    assertThat(Snapshots.list(repo).readable())
        .extracting(Snapshots.Ref::id)
        .containsExactly(kept.snapshotId());
    Restore.run(repo, RestoreOptions.of("latest", tmp.resolve("out")));
    Fixtures.assertSameTree(src, tmp.resolve("out/src"));
    assertThat(Verify.run(repo, 100, Progress.NONE).ok()).isTrue();
  }

  @Test
  void arcaLocksWhatItWritesAndForgetAndPruneCannotRemoveItBeforeItsDate() throws Exception {
    URI minio = S3Servers.minio();
    String bucket = S3Servers.newBucket(minio, true); // Object Lock on, no default retention
    Storage store = S3Servers.lockedStore(minio, "s3://" + bucket + "/locked", "GOVERNANCE:2");
    java.time.Instant before = java.time.Instant.now();
    Repository repo = Fixtures.repo(store);
    Path src = tmp.resolve("src");
    Fixtures.write(src.resolve("old.bin"), Fixtures.random(3 << 20, 1));
    Backup.run(repo, BackupOptions.of(src));
    java.nio.file.Files.delete(src.resolve("old.bin"));
    Fixtures.write(src.resolve("new.bin"), Fixtures.random(2 << 20, 2));
    BackupReport kept = Backup.run(repo, BackupOptions.of(src));
    java.time.Instant after = java.time.Instant.now();

    // packs, index and snapshot objects are locked for two days from their write; nothing else is
    java.util.List<String> locked = new java.util.ArrayList<>();
    try (S3Client s3 = S3Servers.admin(minio)) {
      for (Storage.ObjectInfo o : store.list("")) {
        var head = s3.headObject(b -> b.bucket(bucket).key("locked/" + o.key()));
        if (ObjectLock.lockable(o.key())) {
          assertThat(head.objectLockModeAsString()).as(o.key()).isEqualTo("GOVERNANCE");
          assertThat(head.objectLockRetainUntilDate())
              .as(o.key())
              .isBetween(
                  before.plus(Duration.ofDays(2)).minusSeconds(5),
                  after.plus(Duration.ofDays(2)).plusSeconds(5));
          locked.add(o.key());
        } else {
          assertThat(head.objectLockRetainUntilDate()).as(o.key()).isNull();
        }
      }
    }
    assertThat(locked).anyMatch(k -> k.startsWith("data/")).anyMatch(k -> k.startsWith("index/"));
    assertThat(locked).anyMatch(k -> k.startsWith("snapshots/"));

    Forget.Result f = Forget.run(repo, new Retention(1, 0, 0, 0, 0, 0), SnapshotFilter.ANY, false);
    assertThat(f.removed()).hasSize(1);
    assertThat(f.retainedObjects()).isEqualTo(1);
    assertThat(java.time.Instant.parse(f.lockedUntil()))
        .isAfter(before.plus(Duration.ofDays(2)).minusSeconds(5));
    PruneReport p = Prune.run(repo, PruneOptions.defaults().withGrace(Duration.ZERO));
    assertThat(p.deletedPacks()).isPositive();
    assertThat(p.retainedObjects()).isEqualTo(p.deletedPacks());
    assertThat(java.time.Instant.parse(p.lockedUntil()))
        .isAfter(before.plus(Duration.ofDays(2)).minusSeconds(5));

    // every version written is still in the bucket, and deleting one before its date is refused
    try (S3Client s3 = S3Servers.admin(minio)) {
      var versions = s3.listObjectVersions(b -> b.bucket(bucket).prefix("locked/")).versions();
      for (String key : locked) {
        assertThat(versions).as(key).anyMatch(v -> v.key().equals("locked/" + key));
      }
      var gone =
          versions.stream()
              .filter(v -> !v.isLatest() && v.key().startsWith("locked/data/"))
              .findFirst()
              .orElseThrow();
      assertThatThrownBy(
              () ->
                  s3.deleteObject(
                      b -> b.bucket(bucket).key(gone.key()).versionId(gone.versionId())))
          .isInstanceOf(software.amazon.awssdk.services.s3.model.S3Exception.class)
          .hasMessageMatching("(?s).*(WORM protected|Access Denied).*"); // MinIO's, AWS's words
      assertThat(
              s3.listObjectVersions(b -> b.bucket(bucket).prefix(gone.key())).versions().stream()
                  .anyMatch(v -> v.versionId().equals(gone.versionId())))
          .isTrue();
    }
    Restore.run(repo, RestoreOptions.of("latest", tmp.resolve("out")));
    Fixtures.assertSameTree(src, tmp.resolve("out/src"));
    assertThat(Snapshots.list(repo).readable())
        .extracting(Snapshots.Ref::id)
        .containsExactly(kept.snapshotId());
  }

  @Test
  void retentionThatKeepsASnapshotLongerExtendsTheLocksOfItsObjects() throws Exception {
    URI minio = S3Servers.minio();
    String bucket = S3Servers.newBucket(minio, true);
    Storage store = S3Servers.lockedStore(minio, "s3://" + bucket + "/kept", "GOVERNANCE:1");
    Repository repo = Fixtures.repo(store);
    Path src = tmp.resolve("src");
    Fixtures.write(src.resolve("weights.bin"), Fixtures.random(3 << 20, 3));
    BackupReport b = Backup.run(repo, BackupOptions.of(src));
    java.time.Instant time = Snapshots.resolve(repo, b.snapshotId(), null, w -> {}).time();

    // kept as one of 3 monthly snapshots: up to 93 days, past the 1 day set at write time
    Forget.Result f = Forget.run(repo, new Retention(0, 0, 0, 0, 3, 0), SnapshotFilter.ANY, false);
    assertThat(f.kept()).hasSize(1);
    assertThat(f.locksExtended()).isGreaterThanOrEqualTo(2); // its snapshot object and a pack
    java.time.Instant exact = time.plus(Duration.ofDays(93));
    java.time.Instant whole = exact.truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    // rounded up to the whole second: stores keep retention dates to the second
    java.time.Instant horizon = whole.equals(exact) ? whole : whole.plusSeconds(1);
    assertThat(java.time.Instant.parse(f.extendedUntil())).isEqualTo(horizon);
    try (S3Client s3 = S3Servers.admin(minio)) {
      for (Storage.ObjectInfo o : store.list("")) {
        var until =
            s3.headObject(h -> h.bucket(bucket).key("kept/" + o.key())).objectLockRetainUntilDate();
        if (o.key().startsWith("data/") || o.key().startsWith("snapshots/")) {
          assertThat(until).as(o.key()).isEqualTo(horizon);
        } else if (o.key().startsWith("index/")) {
          assertThat(until).as(o.key()).isBefore(time.plus(Duration.ofDays(2)));
        }
      }
    }
    // already locked as long: nothing more to extend
    assertThat(
            Forget.run(repo, new Retention(0, 0, 0, 0, 3, 0), SnapshotFilter.ANY, false)
                .locksExtended())
        .isZero();
    // count rules set no time: nothing extended either
    assertThat(
            Forget.run(repo, new Retention(1, 0, 0, 0, 0, 0), SnapshotFilter.ANY, false)
                .locksExtended())
        .isZero();

    // a second snapshot whose folder listings are gone: named, the rest still done
    Fixtures.write(src.resolve("more.bin"), Fixtures.random(1 << 20, 4));
    BackupReport second = Backup.run(repo, BackupOptions.of(src));
    for (Storage.ObjectInfo o : store.list("data/")) {
      byte[] pack = store.read(o.key());
      boolean trees =
          dev.arca.engine.format.Packs.readHeader(pack, repo.cipher(), o.key()).stream()
              .allMatch(e -> e.type() == dev.arca.engine.format.BlobType.TREE);
      if (trees) {
        store.delete(o.key()); // a delete marker: the locked version stays, reads fail
      }
    }
    Forget.Result damaged =
        Forget.run(repo, new Retention(0, 0, 0, 0, 3, 0), SnapshotFilter.ANY, false);
    assertThat(damaged.lockNotExtended()).containsKeys(second.snapshotId());
    assertThat(damaged.kept()) // one per month: the newer one; the older is forgotten all the same
        .extracting(Forget.Decision::id)
        .containsExactly(second.snapshotId());
    assertThat(damaged.removed()).extracting(Forget.Decision::id).containsExactly(b.snapshotId());
  }

  @Test
  void arcaSetsObjectLockOnS3RepositoriesOnly() {
    assertThatThrownBy(
            () ->
                Storages.open(
                    "file://" + tmp.resolve("repo"),
                    S3Settings.defaults(),
                    dev.arca.engine.storage.gcs.GcsSettings.defaults(),
                    dev.arca.engine.storage.azure.AzureSettings.defaults(),
                    java.util.Map.of(ObjectLock.ENV, "COMPLIANCE:30")))
        .hasMessageContaining("s3:// repositories only");
    assertThatThrownBy(() -> ObjectLock.parse("FOREVER:30")).hasMessageContaining("MODE:DAYS");
  }
}
