package dev.arca.bench;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Where a tool keeps one repository: a folder on local disk, or a bucket of the benchmark's MinIO
 * (then {@code dir} is null).
 *
 * @param dir the repository folder, for a local repository
 * @param minio the server, for a repository in a bucket
 * @param bucket the bucket, for a repository in a bucket
 */
public record Location(Path dir, MinioServer minio, String bucket) {
  /** A repository in the local folder {@code dir}. */
  public static Location folder(Path dir) {
    return new Location(dir, null, null);
  }

  /** A repository in {@code bucket} of {@code minio} (the bucket is created). */
  public static Location bucket(MinioServer minio, String bucket) throws Exception {
    minio.createBucket(bucket);
    return new Location(null, minio, bucket);
  }

  /** Whether the repository is in a bucket. */
  public boolean isS3() {
    return minio != null;
  }

  /** The repository's size: its files, or for a bucket the files MinIO keeps for it. */
  public long size() throws IOException {
    return BackupTool.directorySize(isS3() ? minio.bucketDir(bucket) : dir);
  }

  /** Bytes MinIO has received so far, or -1 for a local repository. */
  long received() throws IOException, InterruptedException {
    return isS3() ? minio.receivedBytes() : -1;
  }

  /** MinIO's CPU seconds so far, or 0 for a local repository. */
  double serverCpu() throws IOException {
    return isS3() ? minio.cpuSeconds() : 0;
  }
}
