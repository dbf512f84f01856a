package dev.arca.engine.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arca.engine.ArcaException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class S3SettingsTest {
  @Test
  void awsCliVariablesFillWhatTheFlagsLeaveOpen() {
    S3Settings s =
        S3Settings.defaults()
            .resolve(
                Map.of(
                    "AWS_ENDPOINT_URL", "https://minio.example:9000",
                    "AWS_DEFAULT_REGION", "eu-central-1",
                    "AWS_CA_BUNDLE", "/etc/ssl/minio-ca.pem"));
    assertThat(s.endpoint()).isEqualTo("https://minio.example:9000");
    assertThat(s.region()).isEqualTo("eu-central-1");
    assertThat(s.pathStyle()).isTrue();
    assertThat(s.caBundle()).isEqualTo(Path.of("/etc/ssl/minio-ca.pem"));
    assertThat(s.checksums()).isEqualTo("when-supported");
  }

  @Test
  void flagsWinOverTheEnvironmentAndTheS3SpecificEndpointOverTheGeneralOne() {
    S3Settings s =
        new S3Settings(null, "us-west-2", false, null, "WHEN_REQUIRED", null, null, null)
            .resolve(
                Map.of(
                    "AWS_ENDPOINT_URL", "http://general:9000",
                    "AWS_ENDPOINT_URL_S3", "http://s3-only:9000",
                    "AWS_REGION", "eu-west-1"));
    assertThat(s.endpoint()).isEqualTo("http://s3-only:9000");
    assertThat(s.region()).isEqualTo("us-west-2");
    assertThat(s.pathStyle()).isFalse();
    assertThat(s.checksums()).isEqualTo("when-required");
  }

  @Test
  void onAwsThereIsNoEndpointAndVirtualHostAddressing() {
    S3Settings s = S3Settings.defaults().resolve(Map.of());
    assertThat(s.endpoint()).isNull();
    assertThat(s.region()).isNull();
    assertThat(s.pathStyle()).isFalse();
    assertThat(s.multipartThreshold()).isEqualTo(48L << 20);
    assertThat(s.partSize()).isEqualTo(16L << 20);
  }

  @Test
  void badValuesAreUsageErrorsThatSayWhatIsAllowed() {
    assertThatThrownBy(
            () ->
                new S3Settings("minio:9000", null, null, null, null, null, null, null)
                    .resolve(Map.of()))
        .isInstanceOf(ArcaException.class)
        .hasMessageContaining("http:// or https://");
    assertThatThrownBy(
            () ->
                new S3Settings(null, null, null, null, "always", null, null, null)
                    .resolve(Map.of()))
        .hasMessageContaining("when-supported or when-required");
    assertThatThrownBy(
            () ->
                new S3Settings(null, null, null, null, null, null, null, 1L << 20)
                    .resolve(Map.of()))
        .hasMessageContaining("at least 5 MiB");
  }
}
