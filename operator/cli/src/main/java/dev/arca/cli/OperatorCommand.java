package dev.arca.cli;

import dev.arca.controller.OperatorConfig;
import dev.arca.controller.OperatorMain;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/** {@code arca operator}: runs the Kubernetes operator until stopped. */
@Command(
    name = "operator",
    mixinStandardHelpOptions = true,
    header = "Run the Kubernetes operator (BackupPolicy, RestoreRequest, Snapshot).",
    description = {
      "Connects with the current kubeconfig ($KUBECONFIG or ~/.kube/config), or in a pod with its",
      "service account, and reconciles Arca's resources until SIGTERM. Configuration comes from",
      "the environment: ARCA_WATCH_NAMESPACES (comma-separated; empty: all), ARCA_ENGINE_IMAGE,",
      "ARCA_JOB_CPU_REQUEST, ARCA_JOB_MEMORY_REQUEST, ARCA_JOB_MEMORY_LIMIT,",
      "ARCA_JOB_SERVICE_ACCOUNT, ARCA_METRICS_PORT (default 8080: /metrics, /healthz, /readyz),",
      "ARCA_LEADER_ELECTION_NAMESPACE (set it to run several replicas with one active)."
    })
final class OperatorCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    OperatorConfig cfg = OperatorConfig.fromEnv(System.getenv());
    KubernetesClient client = new KubernetesClientBuilder().build();
    CountDownLatch stopped = new CountDownLatch(1);
    OperatorMain op = OperatorMain.start(client, cfg);
    spec.commandLine()
        .getErr()
        .printf(
            "arca operator: connected to %s, watching %s; metrics on :%d%n",
            client.getMasterUrl(),
            cfg.watchNamespaces().isEmpty()
                ? "all namespaces"
                : String.join(",", cfg.watchNamespaces()),
            op.httpPort());
    spec.commandLine().getErr().flush();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  op.close();
                  stopped.countDown();
                }));
    stopped.await();
    return 0;
  }
}
