package dev.arca.testcluster.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.arca.testcluster.cluster.LocalCluster;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The real node tier's first proof: a LocalCluster plus a {@link RealNode}, a busybox image
 * imported from an OCI archive, a pod that writes a file into an emptyDir and prints its SHA-256
 * (read back through the API server, i.e. kubelet's log endpoint), a pod that connects to the API
 * server through the kubernetes Service (kube-proxy's DNAT to the advertised endpoint), and a pod
 * of the PostgreSQL test image ({@link PostgresImage}) that, as the image's postgres user, makes a
 * cluster in an emptyDir, starts the server on the image's socket folder and queries it.
 */
class RealNodeTest {
  private static final String NS = "default";

  @Test
  @Timeout(value = 6, unit = java.util.concurrent.TimeUnit.MINUTES)
  void podsRunOnARealNode() throws Exception {
    Optional<String> lacks = NodeTools.hostLacks();
    assumeTrue(lacks.isEmpty(), () -> "this host cannot run a real node: it lacks " + lacks.get());
    NodeTools tools = NodeTools.find();
    try (LocalCluster cluster = LocalCluster.start();
        RealNode node = RealNode.start(cluster)) {
      System.out.println("real node: Ready after " + node.readyAfter().toMillis() + " ms");
      node.importImage(tools.busyboxArchive());
      // imported while the busybox pods run: the archive is about 190 MB, its import about 5 s
      PostgresImage pg = PostgresImage.find();
      CompletableFuture<Duration> pgImported =
          CompletableFuture.supplyAsync(() -> timed(() -> node.importImage(pg.archive())));
      KubernetesClient client = cluster.client();

      String content =
          IntStream.rangeClosed(1, 1000)
              .mapToObj(i -> "arca line " + i + "\n")
              .collect(Collectors.joining());
      String expected =
          HexFormat.of()
              .formatHex(
                  MessageDigest.getInstance("SHA-256")
                      .digest(content.getBytes(StandardCharsets.UTF_8)));
      Ran writer =
          run(
              client,
              node,
              pod(
                  "writer",
                  tools.busyboxImage(),
                  "seq 1 1000 | sed 's/^/arca line /' > /data/file && sha256sum /data/file"));
      assertThat(writer.pod().getStatus().getPhase()).isEqualTo("Succeeded");
      assertThat(writer.log()).contains(expected + "  /data/file");
      assertThat(writer.pod().getStatus().getPodIP()).startsWith("10.244.0.");

      // busybox's TLS (1.35) cannot negotiate with the Go TLS server's defaults (alert 40,
      // handshake failure), so this pod proves the Service path with a TCP connection; the token
      // call over TLS needs an image with a modern TLS client (the arca image, next).
      Ran caller =
          run(
              client,
              node,
              pod(
                  "api-caller",
                  tools.busyboxImage(),
                  "echo service=$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT"
                      + " && nc -w 5 $KUBERNETES_SERVICE_HOST $KUBERNETES_SERVICE_PORT </dev/null"
                      + " && echo connected"
                      + " && test -s /var/run/secrets/kubernetes.io/serviceaccount/token"
                      + " && echo token-mounted"));
      assertThat(caller.pod().getStatus().getPhase()).isEqualTo("Succeeded");
      assertThat(caller.log())
          .contains("service=10.0.0.1:443")
          .contains("connected")
          .contains("token-mounted");

      System.out.println(
          "real node: " + pg.name() + " imported in " + pgImported.join().toMillis() + " ms");
      postgresRunsAsItsUser(client, node, pg);
    }
  }

  /**
   * The PostgreSQL image's programs, as the image's postgres user (given explicitly, as the e2e
   * database pod does): initdb into an emptyDir, the server on the default socket folder
   * (/run/postgresql, the user's in the image), a query through psql.
   */
  private static void postgresRunsAsItsUser(
      KubernetesClient client, RealNode node, PostgresImage pg) {
    Pod spec =
        pod(
            "postgres",
            pg.name(),
            "set -e; B="
                + pg.binDir()
                + "; echo ids=$(id -u):$(id -g)"
                + "; $B/initdb -D /data/pg -U postgres -A trust --no-sync >/dev/null"
                + "; $B/pg_ctl -D /data/pg -o '-c listen_addresses=' -l /data/log -w start"
                + " >/dev/null || { cat /data/log; exit 1; }"
                + "; $B/psql -U postgres -At -c 'SELECT current_user, version()'"
                + "; $B/pg_ctl -D /data/pg -m fast -w stop >/dev/null");
    spec.getSpec()
        .setSecurityContext(
            new PodSecurityContextBuilder()
                .withRunAsUser(pg.uid())
                .withRunAsGroup(pg.gid())
                .withRunAsNonRoot(true)
                .build());
    Ran postgres = run(client, node, spec);
    assertThat(postgres.pod().getStatus().getPhase()).as(postgres.log()).isEqualTo("Succeeded");
    String upstream = pg.version().substring(0, pg.version().indexOf('-'));
    assertThat(postgres.log())
        .contains("ids=" + pg.uid() + ":" + pg.gid())
        .contains("postgres|PostgreSQL " + upstream + " ");
  }

  private static Duration timed(Runnable r) {
    Instant t0 = Instant.now();
    r.run();
    return Duration.between(t0, Instant.now());
  }

  /** A finished pod, its log (read through the API server) and how long it took. */
  private record Ran(Pod pod, String log, Duration took) {}

  private static Ran run(KubernetesClient client, RealNode node, Pod spec) {
    String name = spec.getMetadata().getName();
    Instant t0 = Instant.now();
    client.pods().inNamespace(NS).resource(spec).create();
    Pod p = awaitFinished(client, name, node);
    Ran ran =
        new Ran(
            p,
            client.pods().inNamespace(NS).withName(name).getLog(),
            Duration.between(t0, Instant.now()));
    System.out.println(
        "real node: pod "
            + name
            + " "
            + p.getStatus().getPhase()
            + " after "
            + ran.took().toMillis()
            + " ms; log:\n"
            + ran.log().strip());
    return ran;
  }

  private static Pod pod(String name, String image, String script) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .withRestartPolicy("Never")
        .withTerminationGracePeriodSeconds(1L)
        .addNewContainer()
        .withName("main")
        .withImage(image)
        .withImagePullPolicy("Never")
        .withCommand(List.of("sh", "-c", script))
        .addNewVolumeMount()
        .withName("data")
        .withMountPath("/data")
        .endVolumeMount()
        .endContainer()
        .addNewVolume()
        .withName("data")
        .withNewEmptyDir()
        .endEmptyDir()
        .endVolume()
        .endSpec()
        .build();
  }

  /** Waits up to 90 s for the pod to succeed or fail; fails with its status and kubelet's log. */
  private static Pod awaitFinished(KubernetesClient client, String name, RealNode node) {
    Instant end = Instant.now().plusSeconds(90);
    Pod p = null;
    while (Instant.now().isBefore(end)) {
      p = client.pods().inNamespace(NS).withName(name).get();
      String phase = p == null || p.getStatus() == null ? null : p.getStatus().getPhase();
      if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
        return p;
      }
      NodeNamespaces.sleep(250);
    }
    throw new AssertionError(
        "pod "
            + name
            + " did not finish in 90 s; status: "
            + (p == null ? "(none)" : p.getStatus())
            + "\nkubelet's log ends:\n"
            + node.logTail("kubelet", 40));
  }
}
