package dev.arca.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;
import java.util.Map;

/** The desired backups of a BackupPolicy. */
public class BackupPolicySpec {
  /**
   * When to back up: a five-field cron expression or @hourly, @daily, @weekly, @monthly, @yearly.
   */
  @JsonPropertyDescription(
      "When to back up: a five-field cron expression or @hourly, @daily, @weekly, @monthly, @yearly.")
  @Required
  public String schedule;

  /** IANA time zone the schedule is read in, for example Europe/Berlin (default UTC). */
  @JsonPropertyDescription(
      "IANA time zone the schedule is read in, for example Europe/Berlin (default UTC).")
  public String timeZone;

  /**
   * Stop starting runs: scheduled backups, backups asked for with the arca.dev/run-now annotation
   * (refused with an Event, not queued), prune and verify. A running Job finishes.
   */
  @JsonPropertyDescription(
      "Stop starting runs: scheduled backups, backups asked for with the arca.dev/run-now"
          + " annotation (refused with an Event, not queued), prune and verify. A running Job"
          + " finishes.")
  public Boolean suspend;

  /**
   * Every Nth backup is a full one that re-reads every byte; the others are incremental (default:
   * only the first).
   */
  @JsonPropertyDescription(
      "Every Nth backup is a full one that re-reads every byte; the others are incremental (default: only the first).")
  @Min(1)
  public Integer fullEvery;

  /**
   * How many Jobs one backup run may run at once (default 1). A run whose volumes are in use on
   * different nodes runs one Job per node (ReadWriteOnce volumes on the node that uses them), this
   * many at a time, and their parts become one snapshot. A run whose volumes every pod can mount
   * (ReadWriteMany or ReadOnlyMany) is split into this many Jobs, which share its files (large
   * files dealt out by size) and join into one snapshot. No snapshot is made unless every part
   * succeeds. Not with checkpoints when split, nor with copyMethod Snapshot sources.
   */
  @JsonPropertyDescription(
      "How many Jobs one backup run may run at once (default 1). A run whose volumes are in use on"
          + " different nodes runs one Job per node (ReadWriteOnce volumes on the node that uses"
          + " them), this many at a time, and their parts become one snapshot. A run whose"
          + " volumes every pod can mount (ReadWriteMany or ReadOnlyMany) is split into this many"
          + " Jobs, which share its files (large files dealt out by size) and join into one"
          + " snapshot. No snapshot is made unless every part succeeds. Not with checkpoints when"
          + " split, nor with copyMethod Snapshot sources.")
  @Min(1)
  @Max(64)
  public Integer parallelism;

  /** The volumes and database dumps to back up. */
  @JsonPropertyDescription("The volumes and database dumps to back up.")
  @Required
  @Size(min = 1)
  public List<Source> sources;

  /**
   * Commands run in application pods around each backup run: before it reads anything (and before
   * its VolumeSnapshots are taken), and after (as soon as the snapshots are cut with copyMethod
   * Snapshot, else when the backup ends). Only in namespaces where this installation runs dump
   * sources (the chart's rbac.dumpNamespaces).
   */
  @JsonPropertyDescription(
      "Commands run in application pods around each backup run: before it reads anything (and"
          + " before its VolumeSnapshots are taken), and after (as soon as the snapshots are cut"
          + " with copyMethod Snapshot, else when the backup ends). Only in namespaces where this"
          + " installation runs dump sources (the chart's rbac.dumpNamespaces).")
  public HooksSpec hooks;

  /** Where the backups go. */
  @JsonPropertyDescription("Where the backups go.")
  @Required
  public RepositorySpec repository;

  /** Which snapshots to keep; the others are forgotten after each successful backup. */
  @JsonPropertyDescription(
      "Which snapshots to keep; the others are forgotten after each successful backup.")
  public RetentionSpec retention;

  /** When to free the space of forgotten snapshots. */
  @JsonPropertyDescription("When to free the space of forgotten snapshots.")
  public PruneSpec prune;

  /** When to check the repository. */
  @JsonPropertyDescription("When to check the repository.")
  public VerifySpec verify;

  /**
   * Other repositories that keep copies of this policy's snapshots (another region or provider):
   * each gets every snapshot of the policy it has no copy of yet, after each successful backup or
   * on its own schedule, with its own retention.
   */
  @JsonPropertyDescription(
      "Other repositories that keep copies of this policy's snapshots (another region or"
          + " provider): each gets every snapshot of the policy it has no copy of yet, after each"
          + " successful backup or on its own schedule, with its own retention.")
  @Size(max = 8)
  @ValidationRule(
      value = "self.all(a, self.exists_one(b, b.name == a.name))",
      message = "copyTo names must be unique")
  public List<CopyTarget> copyTo;

  /**
   * Tags recorded on every snapshot of this policy. Keys starting with arca.dev/ are the
   * operator's: it records the policy's namespace, name and uid under them.
   */
  @JsonPropertyDescription(
      "Tags recorded on every snapshot of this policy. Keys starting with arca.dev/ are the"
          + " operator's: it records the policy's namespace, name and uid under them.")
  @ValidationRule(
      value = "self.all(k, !k.startsWith('arca.dev/'))",
      message = "tag keys starting with arca.dev/ are reserved for the snapshot's owner")
  public Map<String, String> tags;

  /** Settings of the backup, forget, prune and verify Jobs. */
  @JsonPropertyDescription("Settings of the backup, forget, prune and verify Jobs.")
  public JobOverrides job;

  /** A run that could not start within this many seconds of its time is skipped. */
  @JsonPropertyDescription(
      "A run that could not start within this many seconds of its time is skipped.")
  @Min(0)
  public Long startingDeadlineSeconds;

  /** Finished successful Jobs to keep (default 3). */
  @JsonPropertyDescription("Finished successful Jobs to keep (default 3).")
  @Min(0)
  public Integer successfulJobsHistoryLimit;

  /** Finished failed Jobs to keep (default 3). */
  @JsonPropertyDescription("Finished failed Jobs to keep (default 3).")
  @Min(0)
  public Integer failedJobsHistoryLimit;

  /** One volume or one database dump to back up. */
  @ValidationRule(
      value = "has(self.pvc) != has(self.dump)",
      message = "each of sources[] is either a pvc or a dump")
  @ValidationRule(
      value = "!has(self.pvc) || self.pvc.size() > 0",
      message = "sources[].pvc must name a PersistentVolumeClaim")
  @ValidationRule(
      value = "!has(self.dump) || (!has(self.include) && !has(self.exclude))",
      message = "include and exclude apply to a pvc source, not to a dump")
  @ValidationRule(
      value = "!has(self.checkpoints) || has(self.pvc)",
      message = "checkpoints apply to a pvc source, not to a dump")
  @ValidationRule(
      value = "!has(self.copyMethod) || self.copyMethod == 'Direct' || has(self.pvc)",
      message = "copyMethod Snapshot applies to a pvc source, not to a dump")
  @ValidationRule(
      value =
          "!has(self.volumeSnapshotClassName) || (has(self.copyMethod) && self.copyMethod =="
              + " 'Snapshot')",
      message = "volumeSnapshotClassName applies with copyMethod Snapshot only")
  public static class Source {
    /** Name of a PersistentVolumeClaim in the policy's namespace; mounted read-only. */
    @JsonPropertyDescription(
        "Name of a PersistentVolumeClaim in the policy's namespace; mounted read-only.")
    public String pvc;

    /**
     * A database dump taken by a command in a running pod, stored as a file of the snapshot; the
     * backup Job then gets the right to exec into pods of this namespace.
     */
    @JsonPropertyDescription(
        "A database dump taken by a command in a running pod, stored as a file of the snapshot;"
            + " the backup Job then gets the right to exec into pods of this namespace.")
    public DumpSource dump;

    /** Globs of paths inside the volume to back up (default: everything). */
    @JsonPropertyDescription("Globs of paths inside the volume to back up (default: everything).")
    public List<String> include;

    /** Globs of paths inside the volume to leave out. */
    @JsonPropertyDescription("Globs of paths inside the volume to leave out.")
    public List<String> exclude;

    /**
     * Training checkpoint folders in the volume: each enters a snapshot only whole; incomplete
     * ones, and ones a file of which changed while it was read, are left out of that run and listed
     * in the status.
     */
    @JsonPropertyDescription(
        "Training checkpoint folders in the volume: each enters a snapshot only whole; incomplete"
            + " ones, and ones a file of which changed while it was read, are left out of that run"
            + " and listed in the status.")
    public CheckpointSource checkpoints;

    /**
     * How the backup reads the volume: {@code Direct} (the default) mounts the live PVC read-only;
     * {@code Snapshot} takes a CSI VolumeSnapshot of it when the run starts (all Snapshot sources
     * of the policy back to back), waits until it is ready to use, provisions a temporary PVC from
     * it, backs that up read-only, and deletes both afterwards. The files are then those of one
     * instant, however long the copy takes.
     */
    @JsonPropertyDescription(
        "How the backup reads the volume: Direct (the default) mounts the live PVC read-only;"
            + " Snapshot takes a CSI VolumeSnapshot of it when the run starts (all Snapshot"
            + " sources of the policy back to back), waits until it is ready to use, provisions a"
            + " temporary PVC from it, backs that up read-only, and deletes both afterwards. The"
            + " files are then those of one instant, however long the copy takes.")
    public CopyMethod copyMethod;

    /**
     * The VolumeSnapshotClass of copyMethod Snapshot (default: the cluster's default class for the
     * PVC's CSI driver).
     */
    @JsonPropertyDescription(
        "The VolumeSnapshotClass of copyMethod Snapshot (default: the cluster's default class for"
            + " the PVC's CSI driver).")
    @Size(min = 1, max = 253)
    public String volumeSnapshotClassName;

    /** Whether this source is read from a CSI VolumeSnapshot of its PVC. */
    public boolean fromSnapshot() {
      return pvc != null && copyMethod == CopyMethod.Snapshot;
    }
  }

  /** How a backup reads a PVC source. */
  public enum CopyMethod {
    /** Mount the live PVC read-only. */
    Direct,
    /** Read a temporary PVC made from a CSI VolumeSnapshot taken when the run starts. */
    Snapshot
  }

  /** The hooks of a policy's backup runs. */
  public static class HooksSpec {
    /**
     * Run in order before the backup reads anything; the first failure of a hook with onError Fail
     * skips the rest and fails the run (no backup is taken).
     */
    @JsonPropertyDescription(
        "Run in order before the backup reads anything; the first failure of a hook with onError"
            + " Fail skips the rest and fails the run (no backup is taken).")
    @Size(max = 8)
    public List<Hook> before;

    /**
     * Run in order, every one, whenever the before hooks ran, also when they or the run failed:
     * with copyMethod Snapshot as soon as every VolumeSnapshot is cut (so the application is paused
     * for the snapshots, not for the copy), otherwise when the backup Job ends.
     */
    @JsonPropertyDescription(
        "Run in order, every one, whenever the before hooks ran, also when they or the run"
            + " failed: with copyMethod Snapshot as soon as every VolumeSnapshot is cut (so the"
            + " application is paused for the snapshots, not for the copy), otherwise when the"
            + " backup Job ends.")
    @Size(max = 8)
    public List<Hook> after;
  }

  /** Retention rules with restic's semantics; a snapshot kept by any rule stays. */
  @ValidationRule(
      value =
          "(has(self.keepLast) && self.keepLast > 0) || (has(self.keepHourly) && self.keepHourly >"
              + " 0) || (has(self.keepDaily) && self.keepDaily > 0) || (has(self.keepWeekly) &&"
              + " self.keepWeekly > 0) || (has(self.keepMonthly) && self.keepMonthly > 0) ||"
              + " (has(self.keepYearly) && self.keepYearly > 0) || (has(self.keepCheckpoints) &&"
              + " self.keepCheckpoints > 0) || (has(self.keepCheckpointEvery) &&"
              + " self.keepCheckpointEvery > 0)",
      message = "retention needs at least one keep rule above 0, or leave retention out")
  public static class RetentionSpec {
    /** Keep the newest N snapshots. */
    @JsonPropertyDescription("Keep the newest N snapshots.")
    @Min(0)
    public Integer keepLast;

    /** Keep the newest snapshot of each of the newest N hours. */
    @JsonPropertyDescription("Keep the newest snapshot of each of the newest N hours.")
    @Min(0)
    public Integer keepHourly;

    /** Keep the newest snapshot of each of the newest N days. */
    @JsonPropertyDescription("Keep the newest snapshot of each of the newest N days.")
    @Min(0)
    public Integer keepDaily;

    /** Keep the newest snapshot of each of the newest N ISO weeks. */
    @JsonPropertyDescription("Keep the newest snapshot of each of the newest N ISO weeks.")
    @Min(0)
    public Integer keepWeekly;

    /** Keep the newest snapshot of each of the newest N months. */
    @JsonPropertyDescription("Keep the newest snapshot of each of the newest N months.")
    @Min(0)
    public Integer keepMonthly;

    /** Keep the newest snapshot of each of the newest N years. */
    @JsonPropertyDescription("Keep the newest snapshot of each of the newest N years.")
    @Min(0)
    public Integer keepYearly;

    /**
     * Keep the snapshots holding the newest N training checkpoints, by step (for each step the
     * newest snapshot holding it); needs sources that name their checkpoint folders.
     */
    @JsonPropertyDescription(
        "Keep the snapshots holding the newest N training checkpoints, by step (for each step the"
            + " newest snapshot holding it); needs sources that name their checkpoint folders.")
    @Min(0)
    public Integer keepCheckpoints;

    /**
     * Keep, for every checkpoint step divisible by K, the newest snapshot holding it (for example
     * 10000: every 10,000th step for good).
     */
    @JsonPropertyDescription(
        "Keep, for every checkpoint step divisible by K, the newest snapshot holding it (for"
            + " example 10000: every 10,000th step for good).")
    @Min(0)
    public Integer keepCheckpointEvery;
  }

  /** A repository that receives copies of the policy's snapshots ({@code arca copy}). */
  public static class CopyTarget {
    /** A name for the target, unique in the policy: it names the target's Jobs and status. */
    @JsonPropertyDescription(
        "A name for the target, unique in the policy: it names the target's Jobs and status.")
    @Required
    @Size(max = 20)
    @Pattern("^[a-z0-9]([-a-z0-9]{0,18}[a-z0-9])?$")
    public String name;

    /**
     * The repository that receives the copies, with its own password Secret and credentials (the
     * copies are encrypted with its own keys); the copy Job creates it when missing only with
     * initialize IfMissing.
     */
    @JsonPropertyDescription(
        "The repository that receives the copies, with its own password Secret and credentials"
            + " (the copies are encrypted with its own keys); the copy Job creates it when missing"
            + " only with initialize IfMissing.")
    @Required
    public RepositorySpec repository;

    /**
     * When to copy, as a cron expression or @daily-style macro in the policy's timeZone; default:
     * after each successful backup (and its retention).
     */
    @JsonPropertyDescription(
        "When to copy, as a cron expression or @daily-style macro in the policy's timeZone;"
            + " default: after each successful backup (and its retention).")
    public String schedule;

    /**
     * Which of the policy's snapshots the target keeps, applied after each copy; default: the
     * policy's retention.
     */
    @JsonPropertyDescription(
        "Which of the policy's snapshots the target keeps, applied after each copy; default: the"
            + " policy's retention.")
    public RetentionSpec retention;

    /** When to free the target's space of forgotten snapshots; default: never. */
    @JsonPropertyDescription(
        "When to free the target's space of forgotten snapshots; default: never.")
    public PruneSpec prune;
  }

  /** Pruning: freeing the data no snapshot needs, safe while backups run. */
  public static class PruneSpec {
    /** When to prune, as a cron expression or @daily-style macro. */
    @JsonPropertyDescription("When to prune, as a cron expression or @daily-style macro.")
    @Required
    public String schedule;

    /**
     * Repack partly used packs until at most this percentage of stored bytes is unused (default 5).
     */
    @JsonPropertyDescription(
        "Repack partly used packs until at most this percentage of stored bytes is unused (default 5).")
    @Min(0)
    @Max(100)
    public Integer maxUnusedPercent;
  }

  /** Verification: checking that every snapshot can be restored. */
  public static class VerifySpec {
    /** When to verify, as a cron expression or @daily-style macro. */
    @JsonPropertyDescription("When to verify, as a cron expression or @daily-style macro.")
    @Required
    public String schedule;

    /**
     * Percentage of the packs to read in full and check byte by byte (default 0: structure only).
     */
    @JsonPropertyDescription(
        "Percentage of the packs to read in full and check byte by byte (default 0: structure only).")
    @Min(0)
    @Max(100)
    public Integer readDataPercent;
  }
}
