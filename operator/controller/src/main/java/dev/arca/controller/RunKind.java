package dev.arca.controller;

import java.util.Locale;

/**
 * The kinds of Job the operator runs, each with the {@code arca} command it runs, the value of its
 * {@code arca.dev/run} label and metric {@code kind}, and the reasons its start and failure get.
 */
public enum RunKind {
  /** {@code arca backup}: one run of a BackupPolicy. */
  BACKUP(Reasons.BACKUP_STARTED, Reasons.BACKUP_FAILED),
  /** {@code arca restore}: a RestoreRequest. */
  RESTORE(Reasons.RESTORE_STARTED, Reasons.RESTORE_FAILED),
  /** {@code arca forget}: a policy's retention, after each good backup. */
  FORGET(Reasons.RETENTION_STARTED, Reasons.RETENTION_FAILED),
  /** {@code arca prune}: a policy's prune schedule. */
  PRUNE(Reasons.PRUNE_STARTED, Reasons.PRUNE_FAILED),
  /** {@code arca verify}: a policy's verify schedule. */
  VERIFY(Reasons.VERIFY_STARTED, Reasons.VERIFY_FAILED),
  /** {@code arca copy}: a copyTo target's copies, after a good backup or on its schedule. */
  COPY(Reasons.COPY_STARTED, Reasons.COPY_FAILED),
  /** {@code arca snapshots}: a SnapshotCatalog's import of a repository's snapshots. */
  IMPORT(Reasons.IMPORT_STARTED, Reasons.IMPORT_FAILED),
  /** {@code arca rewrite}: an ErasureRequest's rewrite of a policy's snapshots. */
  REWRITE(Reasons.ERASURE_STARTED, Reasons.ERASURE_FAILED),
  /** {@code arca hooks}: the before or after hooks of a backup run. */
  HOOKS(Reasons.HOOKS_STARTED, Reasons.HOOK_FAILED);

  private final String startedReason;
  private final String failedReason;

  RunKind(String startedReason, String failedReason) {
    this.startedReason = startedReason;
    this.failedReason = failedReason;
  }

  /** The {@code arca} command, the {@code arca.dev/run} label's value and the metric's kind. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The reason of the Event that says a Job of this kind started. */
  public String startedReason() {
    return startedReason;
  }

  /** The reason of a Job of this kind that failed (unless it ran out of time). */
  public String failedReason() {
    return failedReason;
  }

  /**
   * The kind a Job's {@code arca.dev/run} label names; a Job without the label is a backup (as Jobs
   * of the first releases were), one with a value this operator does not know is null.
   */
  public static RunKind ofLabel(String value) {
    if (value == null) {
      return BACKUP;
    }
    for (RunKind k : values()) {
      if (k.label().equals(value)) {
        return k;
      }
    }
    return null;
  }
}
