package dev.arca.cli;

import dev.arca.engine.ArcaException;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code arca pod-exec}: runs a command in a pod, like {@code kubectl exec}, for dump streams of
 * the operator's Jobs ({@code --stream db/app.sql='arca pod-exec --pod db-0 -- pg_dump app'}).
 */
@Command(
    mixinStandardHelpOptions = true,
    name = "pod-exec",
    header = "Run a command in a pod's container (for dump streams and pipes).",
    description = {
      "Run COMMAND in a container of a pod through the Kubernetes API (exec over WebSocket,",
      "Kubernetes 1.30+), with the in-cluster service account or the current kubeconfig. Its",
      "stdout and stderr are arca's; with --stdin, arca's stdin is sent to it and then closed.",
      "The exit code is the command's."
    })
final class PodExecCommand implements Callable<Integer> {
  @Option(
      names = {"-n", "--namespace"},
      paramLabel = "NS",
      description = "Namespace (default: the pod's own, or the kubeconfig's).")
  String namespace;

  @Option(names = "--pod", paramLabel = "NAME", description = "The pod.")
  String pod;

  @Option(
      names = {"-l", "--selector"},
      paramLabel = "K=V[,K=V]",
      split = ",",
      description = "Labels of the pod: the first running and ready pod by name.")
  Map<String, String> selector = new LinkedHashMap<>();

  @Option(
      names = {"-c", "--container"},
      paramLabel = "NAME",
      description = "Container (default: the pod's first).")
  String container;

  @Option(
      names = {"-i", "--stdin"},
      description = "Send arca's stdin to the command.")
  boolean stdin;

  @Parameters(paramLabel = "COMMAND", arity = "1..*", description = "The command and arguments.")
  List<String> command;

  @Override
  public Integer call() throws Exception {
    if ((pod == null) == selector.isEmpty()) {
      throw ArcaException.usage("give either --pod NAME or --selector K=V");
    }
    try (KubernetesClient client = new KubernetesClientBuilder().build()) {
      String ns = namespace != null ? namespace : client.getNamespace();
      if (ns == null) {
        ns = "default";
      }
      String name = pod != null ? pod : select(client, ns, selector);
      return PodExec.run(
          client, ns, name, container, command, stdin ? System.in : null, System.out, System.err);
    }
  }

  /** The first running, ready pod (by name) with these labels. */
  static String select(KubernetesClient client, String ns, Map<String, String> labels) {
    return client.pods().inNamespace(ns).withLabels(labels).list().getItems().stream()
        .filter(PodExecCommand::ready)
        .map(p -> p.getMetadata().getName())
        .min(Comparator.naturalOrder())
        .orElseThrow(
            () ->
                new ArcaException(
                    ArcaException.Kind.ERROR,
                    "no running and ready pod in namespace " + ns + " has the labels " + labels));
  }

  static boolean ready(Pod p) {
    return p.getStatus() != null
        && "Running".equals(p.getStatus().getPhase())
        && p.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
