package dev.arca.engine.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arca.engine.Fixtures;
import dev.arca.engine.backup.Backup;
import dev.arca.engine.backup.BackupOptions;
import dev.arca.engine.repo.Repository;
import dev.arca.engine.restore.Restore;
import dev.arca.engine.restore.RestoreOptions;
import dev.arca.engine.storage.s3.S3Settings;
import dev.arca.it.Minio;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * MinIO over TLS with a certificate from a private authority: trusted with --s3-ca-bundle (and the
 * when-required checksum mode some servers need), refused without it.
 */
class TlsCaBundleTest {
  @TempDir Path tmp;

  @Test
  void aPrivateCertificateAuthorityIsTrustedThroughTheCaBundleOnly() throws Exception {
    Path certs = Files.createDirectories(tmp.resolve("certs"));
    Process openssl =
        new ProcessBuilder(
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "2",
                "-subj",
                "/CN=arca-test-ca",
                "-addext",
                "subjectAltName=IP:127.0.0.1",
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-keyout",
                certs.resolve("private.key").toString(),
                "-out",
                certs.resolve("public.crt").toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(openssl.getInputStream().readAllBytes());
    assertThat(openssl.waitFor()).as(out).isZero();
    Minio tls = Minio.startTls(certs);
    URI endpoint = tls.uri();
    Path bundle = certs.resolve("public.crt");

    S3Settings trusted =
        new S3Settings(endpoint.toString(), null, null, bundle, "when-required", 10, null, null);
    try (S3Client admin =
        S3Client.builder()
            .endpointOverride(endpoint)
            .region(Region.US_EAST_1)
            .forcePathStyle(true)
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(
                        dev.arca.it.S3Servers.ACCESS_KEY, dev.arca.it.S3Servers.SECRET_KEY)))
            .httpClientBuilder(
                software.amazon.awssdk.http.apache5.Apache5HttpClient.builder()
                    .tlsTrustManagersProvider(
                        () -> {
                          try {
                            var ks = java.security.KeyStore.getInstance("PKCS12");
                            ks.load(null, null);
                            try (var in = Files.newInputStream(bundle)) {
                              ks.setCertificateEntry(
                                  "ca",
                                  java.security.cert.CertificateFactory.getInstance("X.509")
                                      .generateCertificate(in));
                            }
                            var f =
                                javax.net.ssl.TrustManagerFactory.getInstance(
                                    javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
                            f.init(ks);
                            return f.getTrustManagers();
                          } catch (Exception e) {
                            throw new IllegalStateException(e);
                          }
                        }))
            .build()) {
      admin.createBucket(b -> b.bucket("tls"));
    }

    Path src =
        Fixtures.write(tmp.resolve("src/weights.bin"), Fixtures.random(3 << 20, 3)).getParent();
    Repository repo = Fixtures.repo(Storages.open("s3://tls/repo", trusted));
    Backup.run(repo, BackupOptions.of(src));
    Restore.run(repo, RestoreOptions.of("latest", tmp.resolve("out")));
    Fixtures.assertSameTree(src, tmp.resolve("out/src"));

    S3Settings untrusted =
        new S3Settings(endpoint.toString(), null, null, null, null, 1, null, null);
    try (Storage s = Storages.open("s3://tls/repo", untrusted)) {
      assertThatThrownBy(() -> s.read("config"))
          .hasMessageContaining("cannot read config")
          .hasStackTraceContaining("PKIX");
    }
  }
}
