package dev.arca.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arca.contract.HooksReport;
import dev.arca.engine.ArcaException;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code arca hooks}: runs the hooks of one phase of a backup run in their pods (the operator's
 * hook Jobs), each with its timeout, and reports every hook and pod. A before phase stops at the
 * first failure of a hook that fails its run; an after phase runs every hook, whatever failed.
 */
@Command(
    mixinStandardHelpOptions = true,
    name = "hooks",
    header = "Run a backup's before or after hooks in their pods (the operator's hook Jobs).",
    description = {
      "Run each --hook in each of its pods through the Kubernetes exec API, in order, each within",
      "its timeout, and report them. Exit 0 when the hooks ran (the report says which failed);",
      "non-zero only when they could not be run at all."
    })
final class HooksCommand implements Callable<Integer> {
  /**
   * One hook as the operator passes it.
   *
   * @param name its name
   * @param pods the pods to run it in (resolved by the operator; empty: none was found)
   * @param selector the labels it was looked for with, for the message when none was found
   * @param container the container (null: the pod's first)
   * @param command the command and its arguments
   * @param timeoutSeconds how long it may run in one pod
   * @param failsRun whether its failure fails the run
   */
  record HookSpec(
      String name,
      List<String> pods,
      String selector,
      String container,
      List<String> command,
      int timeoutSeconds,
      boolean failsRun) {}

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = {"-n", "--namespace"},
      paramLabel = "NS",
      description = "Namespace of the pods (default: the pod's own, or the kubeconfig's).")
  String namespace;

  @Option(
      names = "--phase",
      required = true,
      paramLabel = "before|after",
      description = "Which hooks: before stops at the first failure that fails the run.")
  String phase;

  @Option(
      names = "--hook",
      required = true,
      paramLabel = "JSON",
      description = "A hook: {name, pods, selector, container, command, timeoutSeconds, failsRun}.")
  List<String> hooks;

  @Option(names = "--json", description = "Print the report as one JSON line.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (!phase.equals("before") && !phase.equals("after")) {
      throw ArcaException.usage("--phase is before or after, not " + phase);
    }
    List<HookSpec> specs = new ArrayList<>();
    ObjectMapper m =
        new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    for (String h : hooks) {
      try {
        specs.add(m.readValue(h, HookSpec.class));
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw ArcaException.usage("--hook is not a hook's JSON: " + e.getOriginalMessage());
      }
    }
    HooksReport report;
    try (KubernetesClient client = new KubernetesClientBuilder().build()) {
      String ns = namespace != null ? namespace : client.getNamespace();
      report = run(client, ns == null ? "default" : ns, specs);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      Output.json(out, report);
    } else {
      for (HooksReport.Hook h : report.hooks()) {
        out.println(
            phase
                + " hook "
                + h.name()
                + (h.pod() == null ? "" : " in " + h.pod())
                + ": "
                + (h.ok() ? "ok" : h.error() != null ? h.error() : "exit " + h.exitCode())
                + " ("
                + h.durationMs()
                + " ms)");
      }
      out.flush();
    }
    return 0;
  }

  /** Runs the hooks; a before phase stops at the first failure that fails the run. */
  HooksReport run(KubernetesClient client, String ns, List<HookSpec> specs) {
    Instant start = Instant.now();
    List<HooksReport.Hook> done = new ArrayList<>();
    boolean failed = false;
    ExecutorService exec =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "arca-hook");
              t.setDaemon(true); // a timed-out command is abandoned, not waited for
              return t;
            });
    try {
      for (HookSpec s : specs) {
        List<HooksReport.Hook> results = new ArrayList<>();
        if (s.pods() == null || s.pods().isEmpty()) {
          results.add(
              new HooksReport.Hook(
                  s.name(),
                  null,
                  null,
                  false,
                  "no running and ready pod has the labels " + s.selector(),
                  Instant.now().toString(),
                  0,
                  "",
                  s.failsRun()));
        } else {
          for (String pod : s.pods()) {
            results.add(once(client, exec, ns, pod, s));
          }
        }
        done.addAll(results);
        if (s.failsRun() && results.stream().anyMatch(r -> !r.ok())) {
          failed = true;
          if (phase.equals("before")) {
            break; // the run fails: the remaining before hooks would pause for nothing
          }
        }
      }
    } finally {
      exec.shutdownNow();
    }
    return new HooksReport(
        phase, failed, start.toString(), Instant.now().toString(), List.copyOf(done));
  }

  /** The hook in one pod, within its timeout. */
  private static HooksReport.Hook once(
      KubernetesClient client, ExecutorService exec, String ns, String pod, HookSpec s) {
    Instant t0 = Instant.now();
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    Future<Integer> f =
        exec.submit(
            () -> PodExec.run(client, ns, pod, s.container(), s.command(), null, output, output));
    Integer exit = null;
    String error = null;
    boolean timedOut = false;
    try {
      exit = f.get(s.timeoutSeconds(), TimeUnit.SECONDS);
      if (exit != 0) {
        error = "exit code " + exit;
      }
    } catch (TimeoutException e) {
      f.cancel(true);
      timedOut = true;
      error = "did not end within " + s.timeoutSeconds() + " s (abandoned; it may still run)";
    } catch (ExecutionException e) {
      error = e.getCause().getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      error = "interrupted";
    }
    long ms = Duration.between(t0, Instant.now()).toMillis();
    return new HooksReport.Hook(
        s.name(), pod, exit, timedOut, error, t0.toString(), ms, tail(output), s.failsRun());
  }

  /** The end of the output, as text without control characters other than newlines and tabs. */
  static String tail(ByteArrayOutputStream output) {
    byte[] b;
    synchronized (output) {
      b = output.toByteArray();
    }
    int from = Math.max(0, b.length - HooksReport.Hook.OUTPUT_KEPT);
    String s = new String(b, from, b.length - from, StandardCharsets.UTF_8);
    return s.replaceAll("[\\x00-\\x08\\x0b-\\x1f\\x7f]", "?");
  }
}
