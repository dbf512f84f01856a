package dev.arca.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arca.engine.Fixtures;
import dev.arca.it.Arca;
import dev.arca.it.S3Servers;
import dev.arca.samples.SampleFiles;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restores from MinIO at the smallest heap the README supports (192 MiB) of the files whose chunks
 * used to pile up in memory waiting for the whole-file hash: a 5 GiB sparse file (a few bytes of
 * data, the rest one all-zero chunk over and over) and a file made of one chunk repeated. With
 * eight requests at once on S3, later ranges finished long before the first, and every decoded
 * chunk waited in memory: "Java heap space".
 */
class S3RestoreMemoryTest {
  @TempDir Path tmp;

  @Test
  void aSparseFileAndARepeatedChunkRestoreFromMinioIn192MiB() throws Exception {
    Path src = tmp.resolve("src");
    Path sparse =
        SampleFiles.sparse(
            src.resolve("sparse.img"),
            5L << 30,
            Map.of(3L << 30, "a few bytes of data in a hole".getBytes()));
    byte[] block = Fixtures.random(1 << 20, 11);
    Path repeated = src.resolve("repeated.bin");
    try (var out = Files.newOutputStream(repeated)) {
      for (int i = 0; i < 256; i++) {
        out.write(block);
      }
    }
    URI minio = S3Servers.minio();
    String repo = "s3://" + S3Servers.newBucket(minio, false) + "/sparse";
    Path pw = Fixtures.write(tmp.resolve("pw"), "restore memory\n");
    Map<String, String> env =
        Map.of("ARCA_JAVA_OPTS", "-Xmx192m", "AWS_ENDPOINT_URL", minio.toString());
    Path work = tmp.resolve("work");
    String[] auth = {"--repo", repo, "--password-file", pw.toString()};
    Arca.init(env, work, repo, pw).ok();
    Arca.run(env, work, Arca.args(new String[] {"backup", src.toString()}, auth)).ok();

    Path target = tmp.resolve("restored");
    Arca.Result r =
        Arca.run(
            env,
            work,
            Arca.args(
                new String[] {"restore", "latest", "--target", target.toString(), "--json"}, auth));
    r.ok();
    assertThat(Files.mismatch(target.resolve("src/sparse.img"), sparse))
        .as("first differing byte")
        .isEqualTo(-1L);
    assertThat(Files.mismatch(target.resolve("src/repeated.bin"), repeated))
        .as("first differing byte")
        .isEqualTo(-1L);
    // the holes stayed holes
    assertThat(Fixtures.allocatedBytes(target.resolve("src/sparse.img"))).isLessThan(64L << 20);
  }
}
