package dev.arca.engine.storage;

import static org.assertj.core.api.Assertions.assertThat;

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
import dev.arca.engine.verify.Verify;
import dev.arca.it.S3Servers;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectLockRetentionMode;

/** A repository in a MinIO bucket with Object Lock and a default retention period. */
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
}
