package dev.arca.engine.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arca.it.S3Servers;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** The storage contract on S3Proxy, in-process. */
class S3ProxyStorageTest extends StorageContract {
  @Override
  protected Storage newStorage() {
    return S3Servers.newStore(S3Servers.s3proxy());
  }

  // MinIO lists multipart uploads only for an exact object name, not a prefix, so this runs on
  // S3Proxy (AWS S3 behaves the same); MinIO drops stale uploads itself after 24 hours.
  @Test
  void unfinishedMultipartUploadsAreAbortedAsLeftovers() throws Exception {
    URI server = S3Servers.s3proxy();
    String bucket = S3Servers.newBucket(server, false);
    try (software.amazon.awssdk.services.s3.S3Client admin = S3Servers.admin(server);
        Storage s = Storages.open("s3://" + bucket + "/p", S3Servers.settings(server))) {
      admin.createMultipartUpload(b -> b.bucket(bucket).key("p/data/00/killed"));
      admin.createMultipartUpload(b -> b.bucket(bucket).key("other-prefix/x"));
      assertThat(s.removeLeftovers(java.time.Instant.now().minusSeconds(3600))).isZero();
      assertThat(s.removeLeftovers(java.time.Instant.now().plusSeconds(60))).isEqualTo(1);
      assertThat(admin.listMultipartUploads(b -> b.bucket(bucket)).uploads())
          .extracting(u -> u.key())
          .containsExactly("other-prefix/x");
    }
  }
}
