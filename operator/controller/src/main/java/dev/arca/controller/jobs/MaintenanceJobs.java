package dev.arca.controller.jobs;

import dev.arca.api.v1alpha1.BackupPolicy;
import dev.arca.api.v1alpha1.BackupPolicySpec;
import dev.arca.api.v1alpha1.RepositorySpec;
import dev.arca.controller.OperatorConfig;
import dev.arca.controller.RunKind;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the Jobs that keep a policy's repository in shape (forget, prune and verify) and its
 * copyTo targets filled and in shape (copy, and the target's own forget and prune).
 */
public final class MaintenanceJobs {
  private static final DateTimeFormatter MINUTE =
      DateTimeFormatter.ofPattern("yyyyMMddHHmm").withZone(ZoneOffset.UTC);

  private MaintenanceJobs() {}

  /**
   * The forget Job that applies the policy's retention to the policy's own snapshots, after the
   * backup Job {@code afterBackup}: named after it, so each backup gets its own (two backups in one
   * minute must not share one) and a repeated reconcile finds the same one.
   */
  public static Job forget(BackupPolicy p, String afterBackup, OperatorConfig cfg) {
    List<String> cmd = forgetArgs(p, p.getSpec().retention);
    return job(p, RunKind.FORGET, Names.sha256(afterBackup).substring(0, 10), cmd, cfg);
  }

  /**
   * The copy Job of the target {@code t}: {@code arca copy} of every snapshot of the policy the
   * target has no copy of, the target reached through its {@code ARCA_TO_} variables and mounted
   * files; named after {@code trigger} (the backup Job or the scheduled time that made it due), so
   * each trigger gets its own Job and a repeated reconcile finds the same one.
   */
  public static Job copy(
      BackupPolicy p, BackupPolicySpec.CopyTarget t, String trigger, OperatorConfig cfg) {
    RepositorySpec to = RepositoryAccess.copyTarget(p.getSpec().repository, t.repository);
    List<String> cmd = new ArrayList<>(List.of("arca", "copy", "--json"));
    if (to.initialize == RepositorySpec.Initialize.IfMissing) {
      cmd.add("--init");
    }
    if (to.s3 != null && to.s3.pathStyle != null) {
      cmd.add("--to-s3-path-style=" + to.s3.pathStyle);
    }
    cmd.addAll(SnapshotOwner.of(p).selectArgs()); // this policy's snapshots, no one else's
    Job job =
        job(
            p,
            RunKind.COPY,
            t.name + "-" + Names.sha256(trigger).substring(0, 10),
            cmd,
            p.getSpec().repository,
            cfg);
    var pod = job.getSpec().getTemplate();
    var c = pod.getSpec().getContainers().get(0);
    c.getEnv().addAll(RepositoryAccess.env(to, RepositoryAccess.Side.COPY_TARGET));
    c.getVolumeMounts().addAll(RepositoryAccess.mounts(to, RepositoryAccess.Side.COPY_TARGET));
    pod.getSpec()
        .getVolumes()
        .addAll(RepositoryAccess.volumes(to, RepositoryAccess.Side.COPY_TARGET));
    pod.getMetadata().getLabels().putAll(RepositoryAccess.podLabels(to));
    return target(job, t);
  }

  /**
   * The forget Job that applies the target's retention (its own, else the policy's) to the policy's
   * snapshots in the target, after the copy Job {@code afterCopy}.
   */
  public static Job forgetCopies(
      BackupPolicy p, BackupPolicySpec.CopyTarget t, String afterCopy, OperatorConfig cfg) {
    BackupPolicySpec.RetentionSpec r = t.retention != null ? t.retention : p.getSpec().retention;
    String suffix = t.name + "-" + Names.sha256(afterCopy).substring(0, 10);
    RepositorySpec to = RepositoryAccess.copyTarget(p.getSpec().repository, t.repository);
    return target(job(p, RunKind.FORGET, suffix, forgetArgs(p, r), to, cfg), t);
  }

  /** The prune Job of the target {@code t}. */
  public static Job pruneCopies(
      BackupPolicy p, BackupPolicySpec.CopyTarget t, Instant time, OperatorConfig cfg) {
    List<String> cmd = pruneArgs(t.prune);
    String suffix = t.name + "-" + MINUTE.format(time);
    RepositorySpec to = RepositoryAccess.copyTarget(p.getSpec().repository, t.repository);
    return target(job(p, RunKind.PRUNE, suffix, cmd, to, cfg), t);
  }

  /** The copyTo target a Job works for, from its label; null for the policy's own repository. */
  public static String targetOf(Job job) {
    var labels = job.getMetadata().getLabels();
    return labels == null ? null : labels.get(Labels.COPY_TARGET);
  }

  private static Job target(Job job, BackupPolicySpec.CopyTarget t) {
    job.getMetadata().getLabels().put(Labels.COPY_TARGET, t.name);
    job.getSpec().getTemplate().getMetadata().getLabels().put(Labels.COPY_TARGET, t.name);
    return job;
  }

  private static List<String> forgetArgs(BackupPolicy p, BackupPolicySpec.RetentionSpec r) {
    List<String> cmd = new ArrayList<>(List.of("arca", "forget", "--json"));
    keep(cmd, "--keep-last", r.keepLast);
    keep(cmd, "--keep-hourly", r.keepHourly);
    keep(cmd, "--keep-daily", r.keepDaily);
    keep(cmd, "--keep-weekly", r.keepWeekly);
    keep(cmd, "--keep-monthly", r.keepMonthly);
    keep(cmd, "--keep-yearly", r.keepYearly);
    keep(cmd, "--keep-checkpoints", r.keepCheckpoints);
    keep(cmd, "--keep-checkpoint-every", r.keepCheckpointEvery);
    cmd.addAll(SnapshotOwner.of(p).selectArgs()); // this policy's snapshots, no one else's
    return cmd;
  }

  /** The prune Job: frees the data no snapshot needs (safe while backups of others run). */
  public static Job prune(BackupPolicy p, Instant time, OperatorConfig cfg) {
    return job(p, RunKind.PRUNE, MINUTE.format(time), pruneArgs(p.getSpec().prune), cfg);
  }

  private static List<String> pruneArgs(BackupPolicySpec.PruneSpec prune) {
    List<String> cmd = new ArrayList<>(List.of("arca", "prune", "--json"));
    Integer max = prune.maxUnusedPercent;
    if (max != null) {
      cmd.addAll(List.of("--max-unused", String.valueOf(max)));
    }
    return cmd;
  }

  /** The verify Job: checks the repository, reading the given share of the packs in full. */
  public static Job verify(BackupPolicy p, Instant time, OperatorConfig cfg) {
    List<String> cmd = new ArrayList<>(List.of("arca", "verify", "--json"));
    Integer pct = p.getSpec().verify.readDataPercent;
    if (pct != null && pct > 0) {
      cmd.addAll(List.of("--read-data-subset", String.valueOf(pct)));
    }
    return job(p, RunKind.VERIFY, MINUTE.format(time), cmd, cfg);
  }

  private static Job job(
      BackupPolicy p, RunKind kind, String when, List<String> args, OperatorConfig cfg) {
    return job(p, kind, when, args, p.getSpec().repository, cfg);
  }

  /** A Job of {@code kind} on the repository {@code repo}. */
  private static Job job(
      BackupPolicy p,
      RunKind kind,
      String when,
      List<String> args,
      RepositorySpec repo,
      OperatorConfig cfg) {
    String policy = p.getMetadata().getName();
    String suffix = kind.label() + "-" + when;
    List<String> cmd = new ArrayList<>(args);
    cmd.addAll(RepositoryAccess.args(repo));
    var c = BackupJobs.container(cfg, p.getSpec().job, cmd, RepositoryAccess.mounts(repo), repo);
    var pod = BackupJobs.pod(cfg, p.getSpec().job, c, RepositoryAccess.volumes(repo));
    Requesters.set(pod, p);
    return OwnedJobs.build(
        p, Names.of(policy, suffix), Labels.forPolicy(policy, kind), p.getSpec().job, repo, pod);
  }

  private static void keep(List<String> cmd, String flag, Integer n) {
    if (n != null && n > 0) {
      cmd.addAll(List.of(flag, String.valueOf(n)));
    }
  }
}
