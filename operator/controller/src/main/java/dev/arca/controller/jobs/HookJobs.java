package dev.arca.controller.jobs;

import dev.arca.api.v1alpha1.BackupPolicy;
import dev.arca.api.v1alpha1.Hook;
import dev.arca.api.v1alpha1.JobOverrides;
import dev.arca.controller.OperatorConfig;
import dev.arca.controller.RunKind;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds the Job that runs the before or after hooks of a backup run ({@code arca hooks}): no
 * volumes, no repository credentials, the hooks' pods named (the Job may exec into those alone),
 * under the policy's exec account.
 */
public final class HookJobs {
  /** The phase that runs before the backup reads anything. */
  public static final String BEFORE = "before";

  /** The phase that runs after. */
  public static final String AFTER = "after";

  private HookJobs() {}

  /**
   * The policy's job settings with the small resources a hook Job needs (it only execs), whatever
   * the backup asks for: an after-hook Job runs beside a Snapshot run's backup Job and must not
   * wait for room on the node while the application stays paused.
   */
  static JobOverrides small(JobOverrides given) {
    JobOverrides o =
        given == null
            ? new JobOverrides()
            : Serialization.unmarshal(Serialization.asJson(given), JobOverrides.class);
    o.resources =
        new ResourceRequirementsBuilder()
            .addToRequests("cpu", new Quantity("100m"))
            .addToRequests("memory", new Quantity("256Mi"))
            .addToLimits("memory", new Quantity("384Mi"))
            .build();
    return o;
  }

  /** The name of the hook Job of {@code phase} of the run whose backup Job is {@code backupJob}. */
  public static String name(String backupJob, String phase) {
    return Names.of(backupJob, phase + "-hooks");
  }

  /**
   * The hook Job; {@code pods} gives each hook's pods by its name (none: the hook fails, saying
   * that no pod had its labels).
   */
  public static Job hooks(
      BackupPolicy p,
      String backupJob,
      String phase,
      List<Hook> hooks,
      Map<String, List<String>> pods,
      OperatorConfig cfg) {
    String ns = p.getMetadata().getNamespace();
    List<String> cmd =
        new ArrayList<>(List.of("arca", "hooks", "--json", "-n", ns, "--phase", phase));
    for (Hook h : hooks) {
      Map<String, Object> spec = new LinkedHashMap<>();
      spec.put("name", h.name);
      spec.put("pods", pods.getOrDefault(h.name, List.of()));
      spec.put("selector", h.podSelector == null ? h.pod : new TreeMap<>(h.podSelector).toString());
      spec.put("container", h.container);
      spec.put("command", h.command);
      spec.put("timeoutSeconds", h.timeout());
      spec.put("failsRun", h.failsRun());
      cmd.addAll(List.of("--hook", Serialization.asJson(spec)));
    }
    JobOverrides o = small(p.getSpec().job);
    Container c = BackupJobs.container(cfg, o, cmd, List.of(), null);
    PodSpec pod = BackupJobs.pod(cfg, o, c, List.of(), ExecAccess.name(p, "hook"));
    Map<String, String> labels = Labels.forPolicy(p.getMetadata().getName(), RunKind.HOOKS);
    String name = name(backupJob, phase);
    long deadline = 300; // the hooks' timeouts in each of their pods, and time to start
    for (Hook h : hooks) {
      deadline += (long) h.timeout() * Math.max(1, pods.getOrDefault(h.name, List.of()).size());
    }
    return new JobBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(ns)
        .withLabels(labels)
        .addToAnnotations(Labels.HOOK_PHASE, phase)
        .withOwnerReferences(Owners.controller(p))
        .endMetadata()
        .withNewSpec()
        .withBackoffLimit(0)
        // the hooks' own timeouts bound it; this only ends a Job whose pod hangs beyond them
        .withActiveDeadlineSeconds(deadline)
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(labels)
        .endMetadata()
        .withSpec(pod)
        .endTemplate()
        .endSpec()
        .build();
  }
}
