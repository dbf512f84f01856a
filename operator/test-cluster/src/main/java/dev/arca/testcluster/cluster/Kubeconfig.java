package dev.arca.testcluster.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/** Kubeconfig files for the local API server: by client certificate or by bearer token. */
public final class Kubeconfig {
  private Kubeconfig() {}

  /** A kubeconfig that authenticates with a client certificate. */
  public static Path withCertificate(Path file, String server, Path ca, Pki.CertFiles client) {
    return write(
        file,
        server,
        ca,
        "    client-certificate-data: "
            + b64(client.cert())
            + "\n    client-key-data: "
            + b64(client.key())
            + "\n");
  }

  /** A kubeconfig that authenticates with a bearer token (e.g. a service account's). */
  public static Path withToken(Path file, String server, Path ca, String token) {
    return write(file, server, ca, "    token: " + token + "\n");
  }

  private static Path write(Path file, String server, Path ca, String user) {
    String yaml =
        "apiVersion: v1\nkind: Config\nclusters:\n- name: local\n  cluster:\n    server: "
            + server
            + "\n    certificate-authority-data: "
            + b64(ca)
            + "\nusers:\n- name: user\n  user:\n"
            + user
            + "contexts:\n- name: local\n  context:\n    cluster: local\n    user: user\n"
            + "current-context: local\n";
    try {
      Files.writeString(file, yaml);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String b64(Path p) {
    try {
      return Base64.getEncoder().encodeToString(Files.readAllBytes(p));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
