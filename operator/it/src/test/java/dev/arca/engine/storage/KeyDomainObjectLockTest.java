package dev.arca.engine.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arca.engine.ArcaException;
import dev.arca.engine.Fixtures;
import dev.arca.engine.backup.Backup;
import dev.arca.engine.backup.BackupOptions;
import dev.arca.engine.repo.AuditLog;
import dev.arca.engine.repo.KeyDomains;
import dev.arca.engine.repo.Keys;
import dev.arca.engine.repo.Repository;
import dev.arca.engine.restore.Restore;
import dev.arca.engine.restore.RestoreOptions;
import dev.arca.it.S3Servers;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Crypto-shredding on a MinIO bucket with Object Lock (so with versioning): destroying a key domain
 * removes every version of its key slots, so that no password opens it even though its locked packs
 * stay; its locked objects cannot be swept before their date, the rest can; another domain in the
 * same bucket still restores.
 */
class KeyDomainObjectLockTest {
  @TempDir Path tmp;

  @Test
  void aDestroyedDomainOpensWithNoPasswordWhileItsLockedBytesStayAndAnotherDomainRestores()
      throws Exception {
    URI minio = S3Servers.minio();
    String bucket = S3Servers.newBucket(minio, true);
    Storage root = S3Servers.lockedStore(minio, "s3://" + bucket + "/shared", "GOVERNANCE:1");
    Repository a = Fixtures.repo(KeyDomains.storage(root, "team-a"));
    Keys.add(a, "second password".toCharArray(), 1024);
    String retired = Keys.add(a, "retired password".toCharArray(), 1024);
    Repository b = Fixtures.repo(KeyDomains.storage(root, "team-b"));
    Path src = tmp.resolve("src");
    Fixtures.write(src.resolve("weights.bin"), Fixtures.random(3 << 20, 5));
    Backup.run(a, BackupOptions.of(src));
    Backup.run(b, BackupOptions.of(src));

    try (S3Client s3 = S3Servers.admin(minio)) {
      // a removed password's slot goes with every version, also on a versioned bucket
      Keys.remove(a, retired);
      assertThat(versions(s3, bucket, "shared/domains/team-a/keys/" + retired)).isZero();
      // a domain's packs are locked like the root's
      String pack = root.list("domains/team-b/data/").get(0).key();
      assertThat(root.retainedUntil(pack)).isAfter(Instant.now().plus(Duration.ofHours(23)));

      KeyDomains.Plan plan = KeyDomains.plan(root, "team-a");
      assertThat(plan.keySlots()).hasSize(2);
      KeyDomains.destroy(root, "team-a", plan.token(), record());
      assertThat(versions(s3, bucket, "shared/domains/team-a/keys/"))
          .as("no version of any key slot is left to read")
          .isZero();
    }
    for (String pw : List.of(new String(Fixtures.PASSWORD), "second password")) {
      Storage raw = new PrefixedStorage(root, "domains/team-a/", "team-a");
      assertThatThrownBy(() -> Repository.open(raw, pw.toCharArray()))
          .isInstanceOfSatisfying(
              ArcaException.class,
              e -> assertThat(e.kind()).isEqualTo(ArcaException.Kind.WRONG_KEY));
    }
    assertThatThrownBy(() -> KeyDomains.storage(root, "team-a"))
        .hasMessageContaining("was destroyed");

    // locked objects stay until their date (the store refuses an early removal); the rest goes
    KeyDomains.Sweep now = KeyDomains.sweep(root, "team-a", Instant.now());
    assertThat(now.removed()).as("config, unlocked objects").isPositive();
    assertThat(now.locked()).isPositive();
    assertThat(now.lockedUntil()).isAfter(Instant.now().plus(Duration.ofHours(23)));
    assertThat(now.failed()).isEmpty();
    assertThat(root.list("domains/team-a/data/")).isNotEmpty();
    KeyDomains.Sweep early =
        KeyDomains.sweep(root, "team-a", Instant.now().plus(Duration.ofDays(2)));
    assertThat(early.failed()).as("the bucket refuses to remove a locked version").isNotEmpty();
    assertThat(root.list("domains/team-a/data/")).isNotEmpty();

    Restore.run(b, RestoreOptions.of("latest", tmp.resolve("out")));
    Fixtures.assertSameTree(src, tmp.resolve("out/src"));
  }

  private static AuditLog.Record record() {
    return new AuditLog.Record(
        Instant.now().toString(),
        "destroy-domain",
        "test-host",
        "tester",
        null,
        List.of(),
        List.of("team-a"),
        "ok",
        null,
        null);
  }

  /** Versions and delete markers of the keys that start with {@code prefix}. */
  private static long versions(S3Client s3, String bucket, String prefix) {
    var page = s3.listObjectVersions(x -> x.bucket(bucket).prefix(prefix));
    return page.versions().size() + page.deleteMarkers().size();
  }
}
