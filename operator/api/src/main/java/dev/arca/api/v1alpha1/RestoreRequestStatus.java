package dev.arca.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** How a RestoreRequest went. */
public class RestoreRequestStatus {
  /**
   * Pending (the Job's pod has not started yet), Running, Succeeded or Failed. Succeeded with kept
   * files above 0 means the volume holds a mix of versions.
   */
  @JsonPropertyDescription(
      "Pending (the Job's pod has not started yet), Running, Succeeded or Failed. Succeeded with"
          + " kept files above 0 means the volume holds a mix of versions.")
  public Phase phase;

  /** The spec generation this status describes. */
  @JsonPropertyDescription("The spec generation this status describes.")
  public Long observedGeneration;

  /** Ready (the request is valid) and Complete. */
  @JsonPropertyDescription("Ready (the request is valid) and Complete.")
  public List<Condition> conditions = new ArrayList<>();

  /** The snapshot id the request resolved to. */
  @JsonPropertyDescription("The snapshot id the request resolved to.")
  public String snapshotId;

  /** The restore Job. */
  @JsonPropertyDescription("The restore Job.")
  public String jobName;

  /** When the Job started (RFC 3339). */
  @JsonPropertyDescription("When the Job started (RFC 3339).")
  public String startTime;

  /**
   * Who asked for the restore: the Kubernetes user or ServiceAccount the chart's admission policy
   * wrote into the arca.dev/requested-by annotation when the request was created (unknown without
   * it). Recorded in the repository's audit trail with the restore.
   */
  @JsonPropertyDescription(
      "Who asked for the restore: the Kubernetes user or ServiceAccount the chart's admission"
          + " policy wrote into the arca.dev/requested-by annotation when the request was created"
          + " (unknown without it). Recorded in the repository's audit trail with the restore.")
  public String requestedBy;

  /** When the Job finished (RFC 3339). */
  @JsonPropertyDescription("When the Job finished (RFC 3339).")
  public String completionTime;

  /** Regular files the snapshot's selection holds (files = written + unchanged + kept + failed). */
  @JsonPropertyDescription(
      "Regular files the snapshot's selection holds (files = written + unchanged + kept + failed).")
  public Long files;

  /** Files written from the snapshot. */
  @JsonPropertyDescription("Files written from the snapshot.")
  public Long written;

  /** Files that already had the snapshot's content and were left as they were. */
  @JsonPropertyDescription(
      "Files that already had the snapshot's content and were left as they were.")
  public Long unchanged;

  /**
   * Files that differ from the snapshot and were left alone (overwrite: Never): the volume holds a
   * mix of the two versions.
   */
  @JsonPropertyDescription(
      "Files that differ from the snapshot and were left alone (overwrite: Never): the volume"
          + " holds a mix of the two versions.")
  public Long kept;

  /** The first 20 kept files by path. */
  @JsonPropertyDescription("The first 20 kept files by path.")
  public List<String> keptFiles;

  /** Bytes written. */
  @JsonPropertyDescription("Bytes written.")
  public Long bytes;

  /** The bytes written as a readable size, for example 1.5 GiB. */
  @JsonPropertyDescription("The bytes written as a readable size, for example 1.5 GiB.")
  public String size;

  /** Progress of the running restore. */
  @JsonPropertyDescription("Progress of the running restore.")
  public Progress progress;

  /** A human-readable summary, or what went wrong. */
  @JsonPropertyDescription("A human-readable summary, or what went wrong.")
  public String message;

  /** With spec.checkpoint: the checkpoint restored (snapshotId says from which snapshot). */
  @JsonPropertyDescription(
      "With spec.checkpoint: the checkpoint restored (snapshotId says from which snapshot).")
  public SnapshotSpec.CheckpointRef checkpoint;

  /**
   * With verifyBeforeRestore: the newer checkpoints passed over because their data failed the
   * check, in the order tried, with what was wrong; the first {@value #REJECTED_LISTED}.
   */
  @JsonPropertyDescription(
      "With verifyBeforeRestore: the newer checkpoints passed over because their data failed the"
          + " check, in the order tried, with what was wrong; the first 20.")
  public List<RejectedCheckpoint> checkpointsRejected;

  /** The most passed-over checkpoints the status lists. */
  public static final int REJECTED_LISTED = 20;

  /** With spec.targets: each target's own RestoreRequest and how it stands. */
  @JsonPropertyDescription("With spec.targets: each target's own RestoreRequest and how it stands.")
  public List<TargetStatus> targets;

  /** With spec.targets: targets restored and checked, of all, for example 2/3. */
  @JsonPropertyDescription(
      "With spec.targets: targets restored and checked, of all, for example 2/3.")
  public String targetsDone;

  /**
   * With spec.parallelism and one target: the Jobs that restore their shares of the files into it.
   */
  @JsonPropertyDescription(
      "With spec.parallelism and one target: the Jobs that restore their shares of the files into"
          + " it.")
  public List<PartStatus> parts;

  /** With spec.parallelism and one target: parts done, of all, for example 2/3. */
  @JsonPropertyDescription(
      "With spec.parallelism and one target: parts done, of all, for example 2/3.")
  public String partsDone;

  /** One part of a restore in parts into one target. */
  public static class PartStatus {
    /** The part's number, from 0. */
    @JsonPropertyDescription("The part's number, from 0.")
    public Integer index;

    /** Its Job. */
    @JsonPropertyDescription("Its Job.")
    public String job;

    /** Its phase. */
    @JsonPropertyDescription("Its phase.")
    public Phase phase;

    /** Files it restored (written or already right). */
    @JsonPropertyDescription("Files it restored (written or already right).")
    public Long files;

    /** Bytes it wrote. */
    @JsonPropertyDescription("Bytes it wrote.")
    public Long bytes;

    /**
     * How far it is, from its Job's progress reports while it runs (100% once it succeeded); a part
     * that reports no progress for the Job's stall timeout is given up, naming it.
     */
    @JsonPropertyDescription(
        "How far it is, from its Job's progress reports while it runs (100% once it succeeded); a"
            + " part that reports no progress for the Job's stall timeout is given up, naming it.")
    public Progress progress;

    /** What went wrong, if anything. */
    @JsonPropertyDescription("What went wrong, if anything.")
    public String message;
  }

  /** One target of a request with spec.targets. */
  public static class TargetStatus {
    /** The target PVC. */
    @JsonPropertyDescription("The target PVC.")
    public String pvc;

    /** The RestoreRequest that restores into it. */
    @JsonPropertyDescription("The RestoreRequest that restores into it.")
    public String request;

    /** Its phase; empty while it waits for its turn (spec.parallelism). */
    @JsonPropertyDescription("Its phase; empty while it waits for its turn (spec.parallelism).")
    public Phase phase;

    /** Files it restored (written or already right). */
    @JsonPropertyDescription("Files it restored (written or already right).")
    public Long files;

    /** Bytes it wrote. */
    @JsonPropertyDescription("Bytes it wrote.")
    public Long bytes;

    /** Its message: what it does, or what went wrong. */
    @JsonPropertyDescription("Its message: what it does, or what went wrong.")
    public String message;
  }

  /** A checkpoint a restore passed over. */
  public static class RejectedCheckpoint {
    /** Its folder's path in the snapshot. */
    @JsonPropertyDescription("Its folder's path in the snapshot.")
    public String path;

    /** Its step. */
    @JsonPropertyDescription("Its step.")
    public Long step;

    /** The snapshot holding it. */
    @JsonPropertyDescription("The snapshot holding it.")
    public String snapshotId;

    /** What is missing or damaged. */
    @JsonPropertyDescription("What is missing or damaged.")
    public String reason;
  }

  /** Phases of a restore. */
  public enum Phase {
    Pending,
    Running,
    Succeeded,
    Failed
  }
}
