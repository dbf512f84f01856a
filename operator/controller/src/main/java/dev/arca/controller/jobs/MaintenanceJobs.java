package dev.arca.controller.jobs;

import dev.arca.api.v1alpha1.BackupPolicy;
import dev.arca.api.v1alpha1.BackupPolicySpec;
import dev.arca.controller.OperatorConfig;
import dev.arca.controller.RunKind;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builds the Jobs that keep a policy's repository in shape: forget, prune and verify. */
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
    BackupPolicySpec.RetentionSpec r = p.getSpec().retention;
    String policy = p.getMetadata().getName();
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
    return job(p, RunKind.FORGET, Names.sha256(afterBackup).substring(0, 10), cmd, cfg);
  }

  /** The prune Job: frees the data no snapshot needs (safe while backups of others run). */
  public static Job prune(BackupPolicy p, Instant time, OperatorConfig cfg) {
    List<String> cmd = new ArrayList<>(List.of("arca", "prune", "--json"));
    Integer max = p.getSpec().prune.maxUnusedPercent;
    if (max != null) {
      cmd.addAll(List.of("--max-unused", String.valueOf(max)));
    }
    return job(p, RunKind.PRUNE, MINUTE.format(time), cmd, cfg);
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
    String policy = p.getMetadata().getName();
    String suffix = kind.label() + "-" + when;
    List<String> cmd = new ArrayList<>(args);
    cmd.addAll(RepositoryAccess.args(p.getSpec().repository));
    var c =
        BackupJobs.container(
            cfg,
            p.getSpec().job,
            cmd,
            RepositoryAccess.mounts(p.getSpec().repository),
            p.getSpec().repository);
    Map<String, String> labels = Labels.forPolicy(policy, kind);
    return new JobBuilder()
        .withNewMetadata()
        .withName(Names.of(policy, suffix))
        .withNamespace(p.getMetadata().getNamespace())
        .withLabels(labels)
        .withOwnerReferences(Owners.controller(p))
        .endMetadata()
        .withNewSpec()
        .withBackoffLimit(0)
        .withActiveDeadlineSeconds(
            p.getSpec().job == null ? null : p.getSpec().job.activeDeadlineSeconds)
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(labels)
        .addToLabels(RepositoryAccess.podLabels(p.getSpec().repository))
        .endMetadata()
        .withSpec(
            BackupJobs.pod(
                cfg, p.getSpec().job, c, RepositoryAccess.volumes(p.getSpec().repository)))
        .endTemplate()
        .endSpec()
        .build();
  }

  private static void keep(List<String> cmd, String flag, Integer n) {
    if (n != null && n > 0) {
      cmd.addAll(List.of(flag, String.valueOf(n)));
    }
  }
}
