package dev.arca.e2e;

import java.net.URI;
import java.nio.file.Path;

/**
 * Where the tests run, from system properties and environment variables. Unset, the local control
 * plane with MinIO on this machine and the kubelet stand-in, or with {@code arca.e2e.realnode=true}
 * a real node ({@link #realNode()}). With {@code arca.e2e.kubeconfig} set, a real cluster:
 *
 * <ul>
 *   <li>{@code arca.e2e.image}: the arca image the cluster can pull (required);
 *   <li>{@code arca.e2e.s3.endpoint}: an S3 endpoint reachable from the cluster's pods (required),
 *       with {@code arca.e2e.s3.bucket} (default {@code arca-e2e}, must exist) and {@code
 *       arca.e2e.s3.region} (default us-east-1);
 *   <li>{@code ARCA_E2E_S3_ACCESS_KEY} and {@code ARCA_E2E_S3_SECRET_KEY}: its credentials, as
 *       environment variables only (never on a command line).
 * </ul>
 */
final class Target {
  private Target() {}

  static boolean external() {
    return !setting("arca.e2e.kubeconfig").isEmpty();
  }

  /**
   * The real-node mode ({@code -Darca.e2e.realnode=true}): the local control plane with a real
   * kubelet, containerd and CSI storage instead of the stand-in ({@link RealNodeCluster}).
   */
  static boolean realNode() {
    return !external() && Boolean.parseBoolean(setting("arca.e2e.realnode"));
  }

  static Path kubeconfig() {
    return Path.of(setting("arca.e2e.kubeconfig"));
  }

  static String image() {
    return required("arca.e2e.image", "the arca image the cluster pulls, e.g. arca:dev on kind");
  }

  /** Chart values that make the release run {@link #image()}. */
  static String imageValues() {
    String image = image();
    int colon = image.lastIndexOf(':');
    boolean tagged = colon > image.lastIndexOf('/');
    return "image: {repository: \"%s\", tag: \"%s\"}\n"
        .formatted(
            tagged ? image.substring(0, colon) : image, tagged ? image.substring(colon + 1) : "");
  }

  static URI s3Endpoint() {
    return URI.create(
        required("arca.e2e.s3.endpoint", "an S3 endpoint the cluster's pods reach, e.g. MinIO"));
  }

  static String bucket() {
    String b = setting("arca.e2e.s3.bucket");
    return b.isEmpty() ? "arca-e2e" : b;
  }

  static String region() {
    String r = setting("arca.e2e.s3.region");
    return r.isEmpty() ? "us-east-1" : r;
  }

  static String accessKey() {
    return env("ARCA_E2E_S3_ACCESS_KEY");
  }

  static String secretKey() {
    return env("ARCA_E2E_S3_SECRET_KEY");
  }

  /** A system property, else the environment variable of the same name (ARCA_E2E_...). */
  private static String setting(String property) {
    String v = System.getProperty(property);
    if (v == null || v.isEmpty()) {
      v = System.getenv(property.toUpperCase(java.util.Locale.ROOT).replace('.', '_'));
    }
    return v == null ? "" : v;
  }

  private static String required(String property, String what) {
    String v = setting(property);
    if (v.isEmpty()) {
      throw new IllegalStateException(
          "testing a real cluster needs -D" + property + " (" + what + ")");
    }
    return v;
  }

  private static String env(String name) {
    String v = System.getenv(name);
    if (v == null || v.isEmpty()) {
      throw new IllegalStateException(
          "testing a real cluster needs the environment variable " + name);
    }
    return v;
  }
}
