package dev.arca.controller.backup;

import dev.arca.api.v1alpha1.BackupPolicy;
import dev.arca.api.v1alpha1.BackupPolicySpec;
import dev.arca.api.v1alpha1.CheckpointSource;
import dev.arca.api.v1alpha1.RepositorySpec;
import dev.arca.controller.OperatorConfig;
import dev.arca.controller.Reasons;
import dev.arca.controller.ResourceProbe;
import dev.arca.controller.jobs.SecurityContexts;
import dev.arca.controller.schedule.InvalidScheduleException;
import dev.arca.controller.schedule.Schedule;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks what the API server cannot: schedules, time zones, that the job settings only tighten the
 * Jobs' security settings, and that PVCs and Secrets exist.
 */
final class PolicyValidator {
  /** Why a policy cannot run: a CamelCase reason and a message naming the field. */
  record Problem(String reason, String message) {}

  private final ResourceProbe probe;
  private final OperatorConfig cfg;

  /**
   * @param cfg this installation's settings: whether Jobs may exec into pods (dump sources), and
   *     the Jobs' security settings that a policy may only tighten
   */
  PolicyValidator(ResourceProbe probe, OperatorConfig cfg) {
    this.probe = probe;
    this.cfg = cfg;
  }

  /**
   * The first problem of {@code p}'s spec, or empty. Never throws for a bad spec: what it checks
   * here cannot fail later, after a Job was started (a schedule that never comes included).
   */
  Optional<Problem> validate(BackupPolicy p, Instant now) {
    BackupPolicySpec s = p.getSpec();
    String ns = p.getMetadata().getNamespace();
    Optional<Problem> bad = schedule("spec", s.schedule, s.timeZone, now);
    if (bad.isEmpty() && s.prune != null) {
      bad = schedule("spec.prune", s.prune.schedule, s.timeZone, now);
    }
    if (bad.isEmpty() && s.verify != null) {
      bad = schedule("spec.verify", s.verify.schedule, s.timeZone, now);
    }
    if (bad.isEmpty() && s.copyTo != null) {
      bad = copyTargets(s, now);
    }
    if (bad.isEmpty()) {
      bad = SecurityContexts.refusal(cfg, s.job).map(m -> new Problem(SecurityContexts.REFUSED, m));
    }
    if (bad.isEmpty() && s.sources != null) {
      bad = checkpoints(s.sources);
    }
    if (bad.isEmpty() && s.sources != null) {
      bad = copyMethods(s.sources, s.parallelism);
    }
    if (bad.isEmpty() && s.hooks != null) {
      bad = hooks(s.hooks, p.getMetadata().getNamespace());
    }
    if (bad.isPresent()) {
      return bad;
    }
    try {
      return sourcesAndSecrets(s, ns);
    } catch (KubernetesClientException | IllegalStateException e) {
      return Optional.of(
          new Problem(
              Reasons.CHECK_FAILED,
              "could not check the PVCs and Secrets the policy names: " + e.getMessage()));
    }
  }

  private Optional<Problem> sourcesAndSecrets(BackupPolicySpec s, String ns) {
    if (s.sources == null || s.sources.isEmpty()) {
      return Optional.of(
          new Problem(Reasons.INVALID_SPEC, "spec.sources: give at least one PVC or dump"));
    }
    Set<String> pvcs = new HashSet<>();
    s.sources.stream().filter(x -> x.pvc != null).forEach(x -> pvcs.add(x.pvc));
    Set<String> dumpPaths = new HashSet<>();
    for (int i = 0; i < s.sources.size(); i++) {
      BackupPolicySpec.Source src = s.sources.get(i);
      if (src.dump != null) {
        Optional<Problem> bad = dump("spec.sources[" + i + "].dump", src.dump.path, pvcs, ns);
        if (bad.isEmpty() && !dumpPaths.add(src.dump.path)) {
          bad =
              Optional.of(
                  new Problem(
                      Reasons.INVALID_SPEC,
                      "spec.sources[" + i + "].dump.path: '" + src.dump.path + "' is used twice"));
        }
        if (bad.isPresent()) {
          return bad;
        }
        continue;
      }
      String pvc = src.pvc;
      if (!probe.pvcExists(ns, pvc)) {
        return Optional.of(
            new Problem(
                "MissingPVC",
                "spec.sources["
                    + i
                    + "].pvc: PersistentVolumeClaim '"
                    + pvc
                    + "' does not exist in namespace "
                    + ns));
      }
    }
    Optional<Problem> bad = secrets(s.repository, ns, "spec.repository");
    for (int i = 0; bad.isEmpty() && s.copyTo != null && i < s.copyTo.size(); i++) {
      bad = secrets(s.copyTo.get(i).repository, ns, "spec.copyTo[" + i + "].repository");
    }
    return bad;
  }

  /**
   * The copyTo targets' problems: a name given twice, a schedule that never fires, a target that is
   * the policy's own repository (copies are found by the source's id, and a repository cannot hold
   * a copy of itself), retention without any rule to apply.
   */
  private static Optional<Problem> copyTargets(BackupPolicySpec s, Instant now) {
    Set<String> names = new HashSet<>();
    for (int i = 0; i < s.copyTo.size(); i++) {
      BackupPolicySpec.CopyTarget t = s.copyTo.get(i);
      String at = "spec.copyTo[" + i + "]";
      if (t.name == null || !names.add(t.name)) {
        return invalid(at + ".name: give each target its own name");
      }
      if (t.repository == null || t.repository.url == null) {
        return invalid(at + ".repository.url: give the repository that receives the copies");
      }
      if (s.repository != null && t.repository.url.equals(s.repository.url)) {
        return invalid(at + ".repository.url: is the policy's own repository; name another one");
      }
      if (t.schedule != null) {
        Optional<Problem> bad = schedule(at, t.schedule, s.timeZone, now);
        if (bad.isPresent()) {
          return bad;
        }
      }
      if (t.prune != null) {
        Optional<Problem> bad = schedule(at + ".prune", t.prune.schedule, s.timeZone, now);
        if (bad.isPresent()) {
          return bad;
        }
      }
    }
    return Optional.empty();
  }

  /** The problem of one schedule ({@code field}.schedule, or spec.timeZone), or empty. */
  /**
   * Checkpoint folders: of volumes only, with globs, and one completion rule for the policy (one
   * Job reads every volume and judges all their checkpoints alike).
   */
  private static Optional<Problem> checkpoints(List<BackupPolicySpec.Source> sources) {
    String rule = null;
    for (int i = 0; i < sources.size(); i++) {
      CheckpointSource c = sources.get(i).checkpoints;
      String at = "spec.sources[" + i + "].checkpoints";
      if (c == null) {
        continue;
      }
      if (sources.get(i).pvc == null) {
        return invalid(at + ": checkpoints apply to a pvc source, not to a dump");
      }
      if (c.paths == null || c.paths.isEmpty() || c.paths.stream().anyMatch(g -> g.isBlank())) {
        return invalid(at + ".paths: give the globs of the checkpoint folders, none empty");
      }
      String own = c.complete == null ? "auto" : c.complete;
      if (own.isEmpty() || own.contains("/") || own.equals(".") || own.equals("..")) {
        return invalid(at + ".complete: '" + own + "' is neither auto nor the name of a file");
      }
      if (rule != null && !rule.equals(own)) {
        return invalid(
            at
                + ".complete: '"
                + own
                + "' differs from '"
                + rule
                + "' of an earlier source; one Job judges every volume's checkpoints, so a"
                + " policy's sources give one rule");
      }
      rule = own;
    }
    return Optional.empty();
  }

  /**
   * copyMethod Snapshot: of volumes only, not in runs of several parts; a VolumeSnapshotClass only
   * with it.
   */
  private static Optional<Problem> copyMethods(
      List<BackupPolicySpec.Source> sources, Integer parallelism) {
    for (int i = 0; i < sources.size(); i++) {
      BackupPolicySpec.Source src = sources.get(i);
      String at = "spec.sources[" + i + "]";
      boolean snapshot = src.copyMethod == BackupPolicySpec.CopyMethod.Snapshot;
      if (snapshot && src.pvc == null) {
        return invalid(at + ".copyMethod: Snapshot applies to a pvc source, not to a dump");
      }
      if (snapshot && parallelism != null && parallelism > 1) {
        return invalid(
            at
                + ".copyMethod: Snapshot cannot be used with parallelism above 1 yet; use"
                + " copyMethod Direct or parallelism 1");
      }
      if (src.volumeSnapshotClassName != null && !snapshot) {
        return invalid(at + ".volumeSnapshotClassName: applies with copyMethod Snapshot only");
      }
    }
    return Optional.empty();
  }

  /**
   * Hooks: where this installation lets Jobs exec into pods (as dumps), each with a pod or a
   * selector and a command, names unique within their phase.
   */
  private Optional<Problem> hooks(BackupPolicySpec.HooksSpec h, String ns) {
    boolean any =
        (h.before != null && !h.before.isEmpty()) || (h.after != null && !h.after.isEmpty());
    if (any && !cfg.dumpsAllowedIn(ns)) {
      return Optional.of(
          new Problem(
              Reasons.DUMPS_DISABLED,
              "spec.hooks: this Arca installation does not run hooks in this namespace (a cluster"
                  + " admin allows them per namespace with the chart's rbac.dumpNamespaces, as"
                  + " Jobs then exec into pods)"));
    }
    for (var phase : List.of(Map.entry("before", h.before), Map.entry("after", h.after))) {
      List<dev.arca.api.v1alpha1.Hook> list =
          phase.getValue() == null ? List.of() : phase.getValue();
      Set<String> names = new HashSet<>();
      for (int i = 0; i < list.size(); i++) {
        var hook = list.get(i);
        String at = "spec.hooks." + phase.getKey() + "[" + i + "]";
        if (hook.name == null || !names.add(hook.name)) {
          return invalid(at + ".name: give each hook of a phase its own name");
        }
        if ((hook.pod == null) == (hook.podSelector == null || hook.podSelector.isEmpty())) {
          return invalid(at + ": give exactly one of pod and podSelector");
        }
        if (hook.command == null || hook.command.isEmpty()) {
          return invalid(at + ".command: give the command to run");
        }
      }
    }
    return Optional.empty();
  }

  private static Optional<Problem> invalid(String message) {
    return Optional.of(new Problem(Reasons.INVALID_SPEC, message));
  }

  private static Optional<Problem> schedule(
      String field, String expression, String timeZone, Instant now) {
    try {
      Schedule.parse(expression, timeZone).checkFires(now);
      return Optional.empty();
    } catch (InvalidScheduleException e) {
      String at = e.field().equals("timeZone") ? "spec." : field + ".";
      return Optional.of(new Problem(Reasons.INVALID_SCHEDULE, at + e.getMessage()));
    }
  }

  /** A dump source's problems: dumps not enabled, a path not FOLDER/FILE or in a PVC's folder. */
  private Optional<Problem> dump(String field, String path, Set<String> pvcs, String ns) {
    if (!cfg.dumpsAllowedIn(ns)) {
      return Optional.of(
          new Problem(
              Reasons.DUMPS_DISABLED,
              field
                  + ": this Arca installation does not run dump sources in this namespace (a"
                  + " cluster admin allows them per namespace with the chart's"
                  + " rbac.dumpNamespaces, as Jobs then exec into pods)"));
    }
    String[] parts = path == null ? new String[0] : path.split("/", -1);
    boolean safe = parts.length >= 2;
    for (String part : parts) {
      safe &= !part.isEmpty() && !part.equals(".") && !part.equals("..");
    }
    if (!safe) {
      return Optional.of(
          new Problem(
              Reasons.INVALID_SPEC,
              field + ".path: '" + path + "' must be FOLDER/FILE, for example db/app.sql"));
    }
    if (pvcs.contains(parts[0])) {
      return Optional.of(
          new Problem(
              Reasons.INVALID_SPEC,
              field
                  + ".path: folder '"
                  + parts[0]
                  + "' is the name of a PVC source, whose files it would mix with; use another"));
    }
    return Optional.empty();
  }

  private Optional<Problem> secrets(RepositorySpec r, String ns, String field) {
    String missing = probe.missingRepositorySecret(r, ns, field);
    return missing == null
        ? Optional.empty()
        : Optional.of(new Problem(Reasons.MISSING_SECRET, missing));
  }
}
