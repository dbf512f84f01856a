package dev.arca.controller;

/**
 * Every reason the operator gives, in conditions and Events, in one place (condition types are in
 * {@link Conditions}). A Job's start and failure reasons come from its kind ({@link RunKind}).
 */
public final class Reasons {
  private Reasons() {}

  /** The spec contradicts itself or a rule of the API (the message names the field). */
  public static final String INVALID_SPEC = "InvalidSpec";

  /** A cron schedule or time zone cannot be parsed. */
  public static final String INVALID_SCHEDULE = "InvalidSchedule";

  /** A Secret or key the spec names does not exist. */
  public static final String MISSING_SECRET = "MissingSecret";

  /** A check of the spec against the cluster could not be made (the API refused). */
  public static final String CHECK_FAILED = "CheckFailed";

  /** The spec asks for database dumps, which this installation does not allow. */
  public static final String DUMPS_DISABLED = "DumpsDisabled";

  /** A restore names another namespace's snapshots, which this installation does not allow. */
  public static final String CROSS_NAMESPACE_RESTORE_NOT_ALLOWED =
      "CrossNamespaceRestoreNotAllowed";

  /** A Job's security context would be looser than the installation allows. */
  public static final String SECURITY_CONTEXT_REFUSED = "SecurityContextRefused";

  /** The volumes of one Job cannot all be mounted on one node. */
  public static final String PLACEMENT_CONFLICT = "PlacementConflict";

  /** A restore target PVC is mounted by a running pod. */
  public static final String TARGET_IN_USE = "TargetInUse";

  /** A RestoreRequest names a BackupPolicy that does not exist. */
  public static final String POLICY_NOT_FOUND = "PolicyNotFound";

  /** No snapshot matches what a RestoreRequest asks for. */
  public static final String SNAPSHOT_NOT_FOUND = "SnapshotNotFound";

  /** An id prefix matches more than one snapshot. */
  public static final String SNAPSHOT_AMBIGUOUS = "SnapshotAmbiguous";

  /** A piped restore names a dump the snapshot does not hold. */
  public static final String DUMP_NOT_IN_SNAPSHOT = "DumpNotInSnapshot";

  /** No running pod matches a dump's selector. */
  public static final String DUMP_POD_NOT_FOUND = "DumpPodNotFound";

  /** No running pod matches a piped restore's selector. */
  public static final String POD_NOT_FOUND = "PodNotFound";

  /** A RestoreRequest's snapshot and target are settled. */
  public static final String RESOLVED = "Resolved";

  /** A BackupPolicy is Ready and runs on its schedule. */
  public static final String SCHEDULED = "Scheduled";

  /** A BackupPolicy is suspended (spec.suspend); also the condition's type. */
  public static final String SUSPENDED = "Suspended";

  /** A BackupPolicy is not suspended. */
  public static final String NOT_SUSPENDED = "NotSuspended";

  /** No Job of the policy runs. */
  public static final String IDLE = "Idle";

  /** A Job's pod waits to start. */
  public static final String JOB_STARTING = "JobStarting";

  /** A Job's pod runs. */
  public static final String JOB_RUNNING = "JobRunning";

  /** The API server refused to create a Job. */
  public static final String JOB_NOT_CREATED = "JobNotCreated";

  /** A Job was deleted before it ended. */
  public static final String JOB_DELETED = "JobDeleted";

  /** A Job's pod cannot start (image, Secret key, volume, scheduling); the Job was deleted. */
  public static final String POD_CANNOT_START = "PodCannotStart";

  /** A Job's container was killed for exceeding its memory limit (Kubernetes' own reason, kept). */
  public static final String OOM_KILLED = "OOMKilled";

  /**
   * A running backup or restore made no progress for its stallTimeoutSeconds; its Job was deleted.
   */
  public static final String PROGRESS_STALLED = "ProgressStalled";

  /** A Job ran past its activeDeadlineSeconds (Kubernetes' own reason, kept). */
  public static final String DEADLINE_EXCEEDED = "DeadlineExceeded";

  /** A Job ended well. */
  public static final String COMPLETED = "Completed";

  /**
   * The API server refused a call midway; what was done so far is recorded and the rest retried.
   */
  public static final String API_ERROR = "ApiError";

  /** Reconciling failed unexpectedly; retried with back-off (see Conditions.RECONCILED). */
  public static final String RECONCILE_ERROR = "ReconcileError";

  /** A backup Job started. */
  public static final String BACKUP_STARTED = "BackupStarted";

  /** A hook Job (the before or after hooks of a backup run) started. */
  public static final String HOOKS_STARTED = "HooksStarted";

  /** The hooks of a phase ran, none failing its run. */
  public static final String HOOKS_SUCCEEDED = "HooksSucceeded";

  /** A hook failed (a non-zero exit, a timeout, no pod), or its Job did. */
  public static final String HOOK_FAILED = "HookFailed";

  /** Event: a backup run asked for the CSI VolumeSnapshots of its Snapshot sources. */
  public static final String VOLUME_SNAPSHOTS_REQUESTED = "VolumeSnapshotsRequested";

  /**
   * A backup run's VolumeSnapshot failed: the cluster has no VolumeSnapshot API, the driver
   * reported an error, or the snapshot was not ready to use within the start timeout.
   */
  public static final String VOLUME_SNAPSHOT_FAILED = "VolumeSnapshotFailed";

  /** A backup Job failed. */
  public static final String BACKUP_FAILED = "BackupFailed";

  /** A part of a backup run in parts failed; the run made no snapshot. */
  public static final String BACKUP_PART_FAILED = "BackupPartFailed";

  /** Every part of a backup run in parts succeeded; the Job that joins them started. */
  public static final String BACKUP_PARTS_DONE = "BackupPartsDone";

  /** A backup Job ended well. */
  public static final String BACKUP_SUCCEEDED = "BackupSucceeded";

  /** A scheduled run came due while a Job of the policy still ran. */
  public static final String RUN_SKIPPED = "RunSkipped";

  /** A scheduled run came due past its startingDeadlineSeconds. */
  public static final String RUN_MISSED = "RunMissed";

  /** The run-now annotation could not be honoured (the message says why). */
  public static final String RUN_NOW_REFUSED = "RunNowRefused";

  /** A backup created the repository (spec.repository.initialize: IfMissing). */
  public static final String REPOSITORY_INITIALIZED = "RepositoryInitialized";

  /** A checkpoint restore passed over newer checkpoints whose data failed the check first. */
  public static final String CHECKPOINTS_REJECTED = "CheckpointsRejected";

  /** A backup left checkpoint folders out of its snapshot (incomplete, or changed while read). */
  public static final String CHECKPOINTS_SKIPPED = "CheckpointsSkipped";

  /** A forget Job applying the retention rules started. */
  public static final String RETENTION_STARTED = "RetentionStarted";

  /** Retention removed snapshots and their Snapshot objects. */
  public static final String RETENTION_APPLIED = "RetentionApplied";

  /** A forget Job failed. */
  public static final String RETENTION_FAILED = "RetentionFailed";

  /** A forget's complete result is gone from its pod's log: some Snapshot objects stay. */
  public static final String RETENTION_RESULT_INCOMPLETE = "RetentionResultIncomplete";

  /** A prune Job started. */
  public static final String PRUNE_STARTED = "PruneStarted";

  /** A prune Job ended well. */
  public static final String PRUNE_SUCCEEDED = "PruneSucceeded";

  /** A prune Job failed. */
  public static final String PRUNE_FAILED = "PruneFailed";

  /** A copy Job (of a copyTo target) started. */
  public static final String COPY_STARTED = "CopyStarted";

  /** A copy Job ended well: the target holds a copy of every snapshot of the policy. */
  public static final String COPY_SUCCEEDED = "CopySucceeded";

  /** A copy Job failed, or left snapshots uncopied (the source's damage). */
  public static final String COPY_FAILED = "CopyFailed";

  /** A RestoreRequest's catalogRef names no SnapshotCatalog. */
  public static final String CATALOG_NOT_FOUND = "CatalogNotFound";

  /** An ErasureRequest's rewrite or prune Job started. */
  public static final String ERASURE_STARTED = "ErasureStarted";

  /** An ErasureRequest's Job failed, or it cannot start (its policy is gone). */
  public static final String ERASURE_FAILED = "ErasureFailed";

  /** An ErasureRequest ended: its snapshots are rewritten and the prune's verdict recorded. */
  public static final String ERASURE_SUCCEEDED = "ErasureSucceeded";

  /** A SnapshotCatalog's import Job started. */
  public static final String IMPORT_STARTED = "ImportStarted";

  /** A SnapshotCatalog's import ended well: its Snapshot objects match the repository. */
  public static final String IMPORT_SUCCEEDED = "ImportSucceeded";

  /** A SnapshotCatalog's import Job failed. */
  public static final String IMPORT_FAILED = "ImportFailed";

  /** A verify Job started. */
  public static final String VERIFY_STARTED = "VerifyStarted";

  /** Verify found no damage. */
  public static final String VERIFY_SUCCEEDED = "VerifySucceeded";

  /** A verify Job failed without a damage report. */
  public static final String VERIFY_FAILED = "VerifyFailed";

  /** Verify found damaged objects. */
  public static final String DAMAGE_FOUND = "DamageFound";

  /** A restore created its target PVC (spec.target.createPVC). */
  public static final String PVC_CREATED = "PVCCreated";

  /** A restore Job started. */
  public static final String RESTORE_STARTED = "RestoreStarted";

  /** A restore Job failed. */
  public static final String RESTORE_FAILED = "RestoreFailed";

  /** A restore Job ended well. */
  public static final String RESTORE_SUCCEEDED = "RestoreSucceeded";

  /** A restore ended well and every file is as in the snapshot. */
  public static final String SUCCEEDED = "Succeeded";

  /** A restore ended well but kept files that differ from the snapshot (overwrite: Never). */
  public static final String KEPT_DIFFERENT_FILES = "KeptDifferentFiles";
}
