package dev.arca.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** What the operator observed and did for a BackupPolicy. */
public class BackupPolicyStatus {
  /** The spec generation this status describes. */
  @JsonPropertyDescription("The spec generation this status describes.")
  public Long observedGeneration;

  /**
   * Ready (the spec is valid: PVCs and Secrets exist, schedules parse and come), Suspended
   * (spec.suspend), Running (a Job's pod is running; False with reason JobStarting while it waits
   * to start) and LastBackupSucceeded (the last backup run's result).
   */
  @JsonPropertyDescription(
      "Ready (the spec is valid: PVCs and Secrets exist, schedules parse and come), Suspended"
          + " (spec.suspend), Running (a Job's pod is running; False with reason JobStarting while"
          + " it waits to start) and LastBackupSucceeded (the last backup run's result).")
  public List<Condition> conditions = new ArrayList<>();

  /** When the last run was started (RFC 3339). */
  @JsonPropertyDescription("When the last run was started (RFC 3339).")
  public String lastScheduleTime;

  /** When the next run is due (RFC 3339); empty while suspended or not Ready. */
  @JsonPropertyDescription(
      "When the next run is due (RFC 3339); empty while suspended or not Ready.")
  public String nextScheduleTime;

  /** When the last prune run was due (RFC 3339). */
  @JsonPropertyDescription("When the last prune run was due (RFC 3339).")
  public String lastPruneScheduleTime;

  /** When the last verify run was due (RFC 3339). */
  @JsonPropertyDescription("When the last verify run was due (RFC 3339).")
  public String lastVerifyScheduleTime;

  /** Name of the Job running now, if any. */
  @JsonPropertyDescription("Name of the Job running now, if any.")
  public String activeJob;

  /**
   * A backup run whose CSI VolumeSnapshots are being taken (sources with copyMethod Snapshot): its
   * Job, named in activeJob, starts once every snapshot is ready to use.
   */
  @JsonPropertyDescription(
      "A backup run whose CSI VolumeSnapshots are being taken (sources with copyMethod Snapshot):"
          + " its Job, named in activeJob, starts once every snapshot is ready to use.")
  public SnapshotWait snapshotWait;

  /**
   * The hooks of the current backup run, or of the last one that had hooks: each hook's result in
   * each pod, and how long the application was paused (from the end of the before hooks to the
   * start of the after hooks).
   */
  @JsonPropertyDescription(
      "The hooks of the current backup run, or of the last one that had hooks: each hook's result"
          + " in each pod, and how long the application was paused (from the end of the before"
          + " hooks to the start of the after hooks).")
  public HookRun hooks;

  /**
   * The parts of the current backup run when it runs as several Jobs (one per node, or a split of
   * its files): each part's Job, node, phase and progress. Cleared when the run ends.
   */
  @JsonPropertyDescription(
      "The parts of the current backup run when it runs as several Jobs (one per node, or a split"
          + " of its files): each part's Job, node, phase and progress. Cleared when the run ends.")
  public PartRun parts;

  /** Successful backups since the last full one, for fullEvery. */
  @JsonPropertyDescription("Successful backups since the last full one, for fullEvery.")
  public Long backupsSinceFull;

  /** Runs that were due while another Job of this policy was active, and were skipped. */
  @JsonPropertyDescription(
      "Runs that were due while another Job of this policy was active, and were skipped.")
  public Long skippedRuns;

  /**
   * The last value of the arca.dev/run-now annotation that was handled: it started a run, or was
   * refused (see lastRunNowResult). A refused request is not replayed later; set a new value.
   */
  @JsonPropertyDescription(
      "The last value of the arca.dev/run-now annotation that was handled: it started a run, or"
          + " was refused (see lastRunNowResult). A refused request is not replayed later; set a"
          + " new value.")
  public String lastRunNowRequest;

  /**
   * What became of that request: "started Job NAME", or "refused: WHY" (the policy was suspended or
   * not Ready).
   */
  @JsonPropertyDescription(
      "What became of that request: \"started Job NAME\", or \"refused: WHY\" (the policy was"
          + " suspended or not Ready).")
  public String lastRunNowResult;

  /** The last successful backup. */
  @JsonPropertyDescription("The last successful backup.")
  public BackupSummary lastBackup;

  /** The last failed run. */
  @JsonPropertyDescription("The last failed run.")
  public Failure lastFailure;

  /** The last verification. */
  @JsonPropertyDescription("The last verification.")
  public Verification lastVerification;

  /** Progress of the running backup. */
  @JsonPropertyDescription("Progress of the running backup.")
  public Progress progress;

  /** Each copyTo target's copies, by name. */
  @JsonPropertyDescription("Each copyTo target's copies, by name.")
  public List<CopyStatus> copies;

  /** A successful backup as its Job reported it. */
  public static class BackupSummary {
    /** Snapshot id in the repository. */
    @JsonPropertyDescription("Snapshot id in the repository.")
    public String snapshotId;

    /** Name of the Snapshot object that mirrors it. */
    @JsonPropertyDescription("Name of the Snapshot object that mirrors it.")
    public String snapshotName;

    /** full or incremental. */
    @JsonPropertyDescription("full or incremental.")
    public String mode;

    /** When the Job started (RFC 3339). */
    @JsonPropertyDescription("When the Job started (RFC 3339).")
    public String startTime;

    /** When the Job finished (RFC 3339). */
    @JsonPropertyDescription("When the Job finished (RFC 3339).")
    public String completionTime;

    /** Files in the snapshot. */
    @JsonPropertyDescription("Files in the snapshot.")
    public Long files;

    /** Bytes of those files. */
    @JsonPropertyDescription("Bytes of those files.")
    public Long bytes;

    /** The bytes of those files as a readable size, for example 12.4 GiB. */
    @JsonPropertyDescription("The bytes of those files as a readable size, for example 12.4 GiB.")
    public String size;

    /** Bytes of chunks the repository did not have. */
    @JsonPropertyDescription("Bytes of chunks the repository did not have.")
    public Long newBytes;

    /** Bytes written after compression and encryption. */
    @JsonPropertyDescription("Bytes written after compression and encryption.")
    public Long storedBytes;

    /** Files skipped because their metadata matched the parent snapshot. */
    @JsonPropertyDescription("Files skipped because their metadata matched the parent snapshot.")
    public Long unchangedFiles;

    /**
     * Set when this run created the repository (spec.repository.initialize: IfMissing): the URL it
     * was created at.
     */
    @JsonPropertyDescription(
        "Set when this run created the repository (spec.repository.initialize: IfMissing): the URL it was created at.")
    public String repositoryInitialized;

    /** Training checkpoints the snapshot holds whole (when sources name checkpoint folders). */
    @JsonPropertyDescription(
        "Training checkpoints the snapshot holds whole (when sources name checkpoint folders).")
    public Long checkpoints;

    /**
     * Checkpoint folders this run left out of the snapshot, with the reason (incomplete, or a file
     * changed while it was read); the first {@value #SKIPPED_LISTED} by path.
     */
    @JsonPropertyDescription(
        "Checkpoint folders this run left out of the snapshot, with the reason (incomplete, or a"
            + " file changed while it was read); the first 20 by path.")
    public List<SkippedCheckpoint> checkpointsSkipped;

    /** The most left-out checkpoint folders the status lists. */
    public static final int SKIPPED_LISTED = 20;

    /**
     * The CSI VolumeSnapshots this backup read (sources with copyMethod Snapshot): each PVC and the
     * time its snapshot was cut. They and their temporary PVCs are deleted after the run.
     */
    @JsonPropertyDescription(
        "The CSI VolumeSnapshots this backup read (sources with copyMethod Snapshot): each PVC and"
            + " the time its snapshot was cut. They and their temporary PVCs are deleted after the"
            + " run.")
    public List<VolumeSnapshotTaken> volumeSnapshots;
  }

  /** A backup run waiting for its VolumeSnapshots before its Job starts. */
  public static class SnapshotWait {
    /** The run's time: when it was due, or when its run-now request was seen (RFC 3339). */
    @JsonPropertyDescription(
        "The run's time: when it was due, or when its run-now request was seen (RFC 3339).")
    public String runTime;

    /** Whether the run is a full one. */
    @JsonPropertyDescription("Whether the run is a full one.")
    public Boolean full;

    /** The arca.dev/run-now value that asked for the run; empty for a scheduled run. */
    @JsonPropertyDescription(
        "The arca.dev/run-now value that asked for the run; empty for a scheduled run.")
    public String runNow;

    /** When the snapshots were requested (RFC 3339). */
    @JsonPropertyDescription("When the snapshots were requested (RFC 3339).")
    public String since;

    /** The run's VolumeSnapshots, one per Snapshot source, as far as they are cut. */
    @JsonPropertyDescription(
        "The run's VolumeSnapshots, one per Snapshot source, as far as they are cut.")
    public List<VolumeSnapshotTaken> volumeSnapshots;
  }

  /** A backup run in parts: its parts, then the Job that joins them into one snapshot. */
  public static class PartRun {
    /** The run's id in the repository (the parts' and the commit's --run). */
    @JsonPropertyDescription("The run's id in the repository (the parts' and the commit's --run).")
    public String run;

    /** The run's time (RFC 3339). */
    @JsonPropertyDescription("The run's time (RFC 3339).")
    public String runTime;

    /** Whether the run is a full one. */
    @JsonPropertyDescription("Whether the run is a full one.")
    public Boolean full;

    /** The arca.dev/run-now value that asked for the run; empty for a scheduled run. */
    @JsonPropertyDescription(
        "The arca.dev/run-now value that asked for the run; empty for a scheduled run.")
    public String runNow;

    /** Split (the parts share the files of the same volumes) or Nodes (one part per node). */
    @JsonPropertyDescription(
        "Split (the parts share the files of the same volumes) or Nodes (one part per node).")
    public String mode;

    /** Parts that succeeded and parts in all, as done/total (the Parts column). */
    @JsonPropertyDescription(
        "Parts that succeeded and parts in all, as done/total (the Parts column).")
    public String done;

    /** Whether every part succeeded and the Job that joins them (activeJob) was started. */
    @JsonPropertyDescription(
        "Whether every part succeeded and the Job that joins them (activeJob) was started.")
    public Boolean committing;

    /** The parts, by number. */
    @JsonPropertyDescription("The parts, by number.")
    public List<Part> items = new ArrayList<>();
  }

  /** One part of a backup run. */
  public static class Part {
    /** The part's number, from 0. */
    @JsonPropertyDescription("The part's number, from 0.")
    public Integer index;

    /** Its Job (created when the part starts). */
    @JsonPropertyDescription("Its Job (created when the part starts).")
    public String job;

    /** The node it must run on (where its ReadWriteOnce volumes are in use), if any. */
    @JsonPropertyDescription(
        "The node it must run on (where its ReadWriteOnce volumes are in use), if any.")
    public String node;

    /** The PVCs it mounts. */
    @JsonPropertyDescription("The PVCs it mounts.")
    public List<String> pvcs;

    /** Pending (not started), Running, Succeeded or Failed. */
    @JsonPropertyDescription("Pending (not started), Running, Succeeded or Failed.")
    public String phase;

    /** Why it failed, or what it waits for. */
    @JsonPropertyDescription("Why it failed, or what it waits for.")
    public String message;

    /** Its progress while it runs; its figures once it succeeded. */
    @JsonPropertyDescription("Its progress while it runs; its figures once it succeeded.")
    public Progress progress;
  }

  /** The hooks of one backup run. */
  public static class HookRun {
    /** The run's backup Job (it may not exist yet, or any more). */
    @JsonPropertyDescription("The run's backup Job (it may not exist yet, or any more).")
    public String backupJob;

    /** The run's time (RFC 3339). */
    @JsonPropertyDescription("The run's time (RFC 3339).")
    public String runTime;

    /** Whether the run is a full one. */
    @JsonPropertyDescription("Whether the run is a full one.")
    public Boolean full;

    /** The arca.dev/run-now value that asked for the run; empty for a scheduled run. */
    @JsonPropertyDescription(
        "The arca.dev/run-now value that asked for the run; empty for a scheduled run.")
    public String runNow;

    /**
     * Before (the before hooks run), Between (the backup or its snapshots are under way; the after
     * hooks are due), After (the after hooks run), or Done.
     */
    @JsonPropertyDescription(
        "Before (the before hooks run), Between (the backup or its snapshots are under way; the"
            + " after hooks are due), After (the after hooks run), or Done.")
    public String phase;

    /** The hook Job running now. */
    @JsonPropertyDescription("The hook Job running now.")
    public String job;

    /** When the before hooks ended (RFC 3339). */
    @JsonPropertyDescription("When the before hooks ended (RFC 3339).")
    public String beforeEnded;

    /** When the after hooks started (RFC 3339). */
    @JsonPropertyDescription("When the after hooks started (RFC 3339).")
    public String afterStarted;

    /** Milliseconds from the end of the before hooks to the start of the after hooks. */
    @JsonPropertyDescription(
        "Milliseconds from the end of the before hooks to the start of the after hooks.")
    public Long pausedMs;

    /** Each hook in each pod, in the order they ran. */
    @JsonPropertyDescription("Each hook in each pod, in the order they ran.")
    public List<HookResult> results;
  }

  /** One hook in one pod. */
  public static class HookResult {
    /** before or after. */
    @JsonPropertyDescription("before or after.")
    public String phase;

    /** The hook's name. */
    @JsonPropertyDescription("The hook's name.")
    public String name;

    /** The pod it ran in; empty when none was found. */
    @JsonPropertyDescription("The pod it ran in; empty when none was found.")
    public String pod;

    /** The command's exit code; empty when it did not end. */
    @JsonPropertyDescription("The command's exit code; empty when it did not end.")
    public Integer exitCode;

    /** What went wrong: a non-zero exit, a timeout, no pod, an exec error. */
    @JsonPropertyDescription("What went wrong: a non-zero exit, a timeout, no pod, an exec error.")
    public String error;

    /** When it started (RFC 3339). */
    @JsonPropertyDescription("When it started (RFC 3339).")
    public String startTime;

    /** How long it took, in milliseconds. */
    @JsonPropertyDescription("How long it took, in milliseconds.")
    public Long durationMs;

    /** The end of its output (at most 512 bytes). */
    @JsonPropertyDescription("The end of its output (at most 512 bytes).")
    public String output;
  }

  /** One VolumeSnapshot of a backup run. */
  public static class VolumeSnapshotTaken {
    /** The source PVC. */
    @JsonPropertyDescription("The source PVC.")
    public String pvc;

    /** The VolumeSnapshot (and its temporary PVC, of the same name). */
    @JsonPropertyDescription("The VolumeSnapshot (and its temporary PVC, of the same name).")
    public String volumeSnapshot;

    /** When the CSI driver cut the snapshot (RFC 3339); empty until it has. */
    @JsonPropertyDescription("When the CSI driver cut the snapshot (RFC 3339); empty until it has.")
    public String creationTime;

    /** Whether the snapshot is ready to use. */
    @JsonPropertyDescription("Whether the snapshot is ready to use.")
    public Boolean readyToUse;

    public VolumeSnapshotTaken() {}

    public VolumeSnapshotTaken(String pvc, String volumeSnapshot) {
      this.pvc = pvc;
      this.volumeSnapshot = volumeSnapshot;
    }
  }

  /** A checkpoint folder a backup left out of its snapshot. */
  public static class SkippedCheckpoint {
    /** The folder's path in the snapshot it would have had, the PVC's name first. */
    @JsonPropertyDescription(
        "The folder's path in the snapshot it would have had, the PVC's name first.")
    public String path;

    /** Why it was left out. */
    @JsonPropertyDescription("Why it was left out.")
    public String reason;

    public SkippedCheckpoint() {}

    public SkippedCheckpoint(String path, String reason) {
      this.path = path;
      this.reason = reason;
    }
  }

  /** A failed run. */
  public static class Failure {
    /** When it failed (RFC 3339). */
    @JsonPropertyDescription("When it failed (RFC 3339).")
    public String time;

    /** A CamelCase reason, for example BackupFailed or DeadlineExceeded. */
    @JsonPropertyDescription("A CamelCase reason, for example BackupFailed or DeadlineExceeded.")
    public String reason;

    /** What went wrong, from the Job's error message. */
    @JsonPropertyDescription("What went wrong, from the Job's error message.")
    public String message;

    /** The Job that failed. */
    @JsonPropertyDescription("The Job that failed.")
    public String job;
  }

  /** A verification run. */
  public static class Verification {
    /** When it finished (RFC 3339). */
    @JsonPropertyDescription("When it finished (RFC 3339).")
    public String time;

    /** Whether no damage was found. */
    @JsonPropertyDescription("Whether no damage was found.")
    public Boolean ok;

    /** Damaged objects found. */
    @JsonPropertyDescription("Damaged objects found.")
    public Long damagedObjects;

    /** The verify Job. */
    @JsonPropertyDescription("The verify Job.")
    public String job;
  }

  /** Where one copyTo target stands. */
  public static class CopyStatus {
    /** The target's name in spec.copyTo. */
    @JsonPropertyDescription("The target's name in spec.copyTo.")
    public String name;

    /**
     * What makes a copy due, while one is: the backup Job that succeeded, or the scheduled time
     * that came; the copy starts once no other Job of the policy runs.
     */
    @JsonPropertyDescription(
        "What makes a copy due, while one is: the backup Job that succeeded, or the scheduled time"
            + " that came; the copy starts once no other Job of the policy runs.")
    public String due;

    /** The copy Job whose success makes the target's retention due, while it is. */
    @JsonPropertyDescription(
        "The copy Job whose success makes the target's retention due, while it is.")
    public String retentionDue;

    /** The last scheduled copy time that was handled (RFC 3339). */
    @JsonPropertyDescription("The last scheduled copy time that was handled (RFC 3339).")
    public String lastScheduleTime;

    /** The last scheduled prune time of the target that was handled (RFC 3339). */
    @JsonPropertyDescription(
        "The last scheduled prune time of the target that was handled (RFC 3339).")
    public String lastPruneScheduleTime;

    /** When the last copy Job ended (RFC 3339). */
    @JsonPropertyDescription("When the last copy Job ended (RFC 3339).")
    public String lastCopyTime;

    /** When the last copy Job that succeeded ended (RFC 3339). */
    @JsonPropertyDescription("When the last copy Job that succeeded ended (RFC 3339).")
    public String lastSuccessTime;

    /** The last copy Job. */
    @JsonPropertyDescription("The last copy Job.")
    public String lastJob;

    /** Whether the last copy Job copied every snapshot it was asked to. */
    @JsonPropertyDescription("Whether the last copy Job copied every snapshot it was asked to.")
    public Boolean ok;

    /** What the last copy Job did, or why it failed. */
    @JsonPropertyDescription("What the last copy Job did, or why it failed.")
    public String message;

    /** Snapshots the last copy Job wrote into the target. */
    @JsonPropertyDescription("Snapshots the last copy Job wrote into the target.")
    public Long copied;

    /** The newest of the policy's snapshots the target holds a copy of (its id in the source). */
    @JsonPropertyDescription(
        "The newest of the policy's snapshots the target holds a copy of (its id in the source).")
    public String latestSnapshotId;

    /** The id of that copy in the target. */
    @JsonPropertyDescription("The id of that copy in the target.")
    public String latestCopyId;

    /** When the backup of that snapshot started (RFC 3339). */
    @JsonPropertyDescription("When the backup of that snapshot started (RFC 3339).")
    public String latestSnapshotTime;
  }
}
