package dev.arca.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arca.engine.Fixtures;
import dev.arca.it.Arca;
import dev.arca.it.S3Servers;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The arca CLI against MinIO, configured the way a Job configures it: flags and AWS_* variables.
 */
class CliOnS3Test {
  @TempDir Path tmp;

  @Test
  void backupAndRestoreThroughTheCliWithEndpointFromTheEnvironment() throws Exception {
    URI minio = S3Servers.minio();
    String repo = "s3://" + S3Servers.newBucket(minio, false) + "/team/models";
    Path pw = Fixtures.write(tmp.resolve("pw"), "a password\n");
    Map<String, String> env =
        Map.of("AWS_ENDPOINT_URL", minio.toString(), "AWS_REGION", "eu-west-1");
    Path src = tmp.resolve("src");
    Fixtures.write(src.resolve("config.json"), "{\"hidden_size\": 64}\n");
    Fixtures.write(src.resolve("weights.bin"), Fixtures.random(3 << 20, 5));

    Arca.Result init =
        Arca.run(env, tmp, "init", "--repo", repo, "--password-file", pw.toString(), "--json");
    assertThat(init.exitCode()).as(init.stderr()).isZero();
    Arca.Result backup =
        Arca.run(
            env,
            tmp,
            "backup",
            "--repo",
            repo,
            "--password-file",
            pw.toString(),
            "--json",
            src.toString());
    assertThat(backup.exitCode()).as(backup.stderr()).isZero();
    assertThat(backup.stdout()).contains("\"files\":2");
    Arca.Result restore =
        Arca.run(
            env,
            tmp,
            "restore",
            "--repo",
            repo,
            "--password-file",
            pw.toString(),
            "latest",
            "--target",
            tmp.resolve("out").toString(),
            "--json");
    assertThat(restore.exitCode()).as(restore.stderr()).isZero();
    Fixtures.assertSameTree(src, tmp.resolve("out/src"));
    assertThat(Files.exists(tmp.resolve("out/src/weights.bin"))).isTrue();
  }

  @Test
  void wrongCredentialsFailFastWithAMessageThatNamesTheFixAndNoSecret() throws Exception {
    URI minio = S3Servers.minio();
    String repo = "s3://" + S3Servers.newBucket(minio, false) + "/r";
    Arca.Result r =
        Arca.run(
            Map.of("AWS_SECRET_ACCESS_KEY", "not-the-secret-key-42"),
            tmp,
            "snapshots",
            "--repo",
            repo,
            "--s3-endpoint",
            minio.toString(),
            "--json");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.stdout()).contains("SignatureDoesNotMatch").contains("check the credentials");
    assertThat(r.stdout() + r.stderr())
        .doesNotContain("not-the-secret-key-42")
        .doesNotContain(S3Servers.SECRET_KEY);
  }

  @Test
  void anUninitialisedPrefixIsReportedAsNoRepository() throws Exception {
    URI minio = S3Servers.minio();
    String repo = "s3://" + S3Servers.newBucket(minio, false) + "/empty";
    Arca.Result r =
        Arca.run(
            Map.of(),
            tmp,
            "snapshots",
            "--repo",
            repo,
            "--s3-endpoint",
            minio.toString(),
            "--password-file",
            Fixtures.write(tmp.resolve("pw"), "x").toString());
    assertThat(r.exitCode()).as(r.stderr()).isEqualTo(5);
    assertThat(r.stderr()).contains(repo);
  }
}
