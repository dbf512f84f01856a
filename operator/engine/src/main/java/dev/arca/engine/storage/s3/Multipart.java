package dev.arca.engine.storage.s3;

import dev.arca.engine.storage.Md5;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.ObjectLockMode;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * A multipart upload of one object held in memory: parts of {@code partSize} bytes, each retried by
 * the client on its own; the upload is aborted if any step fails, so no parts are left to bill.
 */
final class Multipart {
  private final S3Client s3;
  private final String bucket;
  private final long partSize;

  Multipart(S3Client s3, String bucket, long partSize) {
    this.s3 = s3;
    this.bucket = bucket;
    this.partSize = partSize;
  }

  /** Object Lock retention to write an object under. */
  record Retention(ObjectLockMode mode, java.time.Instant until) {}

  void upload(String key, byte[] data, int offset, int length, Retention keep) {
    String id =
        s3.createMultipartUpload(
                b -> {
                  b.bucket(bucket).key(key);
                  if (keep != null) {
                    b.objectLockMode(keep.mode()).objectLockRetainUntilDate(keep.until());
                  }
                })
            .uploadId();
    try {
      List<CompletedPart> parts = new ArrayList<>();
      int number = 1;
      for (long pos = 0; pos < length; pos += partSize, number++) {
        int from = offset + (int) pos;
        int len = (int) Math.min(partSize, length - pos);
        int n = number;
        UploadPartResponse r =
            s3.uploadPart(
                b -> {
                  b.bucket(bucket).key(key).uploadId(id).partNumber(n).contentLength((long) len);
                  if (keep != null) {
                    b.contentMD5(
                        java.util.Base64.getEncoder().encodeToString(Md5.of(data, from, len)));
                  }
                },
                RequestBody.fromContentProvider(
                    () -> new ByteArrayInputStream(data, from, len),
                    len,
                    "application/octet-stream"));
        parts.add(
            CompletedPart.builder()
                .partNumber(n)
                .eTag(r.eTag())
                .checksumCRC32(r.checksumCRC32())
                .checksumCRC32C(r.checksumCRC32C())
                .build());
      }
      s3.completeMultipartUpload(
          b -> b.bucket(bucket).key(key).uploadId(id).multipartUpload(m -> m.parts(parts)));
    } catch (SdkException | Error e) {
      try {
        s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(id));
      } catch (SdkException abort) {
        e.addSuppressed(abort);
      }
      throw e;
    }
  }
}
