package dev.arca.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** What to restore, from where, into which volume. */
@ValidationRule(
    value =
        "[has(self.policyRef), has(self.repository), has(self.catalogRef)].filter(x, x).size() == 1",
    message = "give exactly one of policyRef, repository and catalogRef")
@ValidationRule(
    value = "!(has(self.snapshot) && has(self.before))",
    message = "give either snapshot or before, not both")
@ValidationRule(
    value = "[has(self.target), has(self.targets), has(self.pipe)].filter(x, x).size() == 1",
    message =
        "give exactly one of target (a PVC), targets (several PVCs) and pipe (a command in a pod)")
@ValidationRule(
    value =
        "!has(self.parallelism) || has(self.targets) || (has(self.target) && !has(self.checkpoint))",
    message =
        "parallelism applies to targets, or to one ReadWriteMany target (not with checkpoint or"
            + " pipe)")
@ValidationRule(
    value = "!has(self.targets) || !has(self.checkpoint)",
    message =
        "targets restore one snapshot into several PVCs; a checkpoint restore goes into one target")
@ValidationRule(
    value =
        "!has(self.targets) || !has(self.from) || (has(self.snapshot) &&"
            + " self.snapshot.matches('^[0-9a-f]{8,64}$'))",
    message = "targets with from need the snapshot by id: every target must get the same snapshot")
@ValidationRule(
    value = "!has(self.pipe) || (!has(self.include) && !has(self.sourcePVC))",
    message = "pipe names its one file by path; include and sourcePVC apply to a target")
@ValidationRule(
    value =
        "has(self.policyRef) || has(self.catalogRef) || has(self.from)"
            + " || (has(self.snapshot) && self.snapshot.matches('^[0-9a-f]{8,64}$'))",
    message =
        "a repository given inline may hold many teams' snapshots: name the snapshot by id (8 to"
            + " 64 hex digits) or say whose snapshots to choose among with from")
@ValidationRule(
    value =
        "!has(self.checkpoint) || (!has(self.snapshot) && !has(self.before) && !has(self.include)"
            + " && !has(self.pipe))",
    message =
        "checkpoint chooses the snapshot and the folder itself: give it without snapshot, before,"
            + " include and pipe")
@ValidationRule(
    value = "!has(self.verifyBeforeRestore) || has(self.checkpoint)",
    message = "verifyBeforeRestore applies to a checkpoint restore")
@ValidationRule(
    value = "self == oldSelf",
    message = "a RestoreRequest cannot be changed; create a new one")
public class RestoreRequestSpec {
  /** The BackupPolicy whose repository to restore from (exclusive with repository). */
  @JsonPropertyDescription(
      "The BackupPolicy whose repository to restore from (exclusive with repository).")
  public PolicyRef policyRef;

  /** A repository given inline (exclusive with policyRef). */
  @JsonPropertyDescription("A repository given inline (exclusive with policyRef).")
  public RepositorySpec repository;

  /**
   * A SnapshotCatalog in the same namespace: restore from its repository, choosing among the
   * Snapshot objects it imported (latest, before, an id or prefix, or an object's name); the
   * snapshot's owner is checked again in the repository.
   */
  @JsonPropertyDescription(
      "A SnapshotCatalog in the same namespace: restore from its repository, choosing among the"
          + " Snapshot objects it imported (latest, before, an id or prefix, or an object's name);"
          + " the snapshot's owner is checked again in the repository.")
  public CatalogRef catalogRef;

  /**
   * Whose snapshots to choose among, for a restore from a repository shared by several namespaces
   * or into another namespace (disaster recovery): the namespace and BackupPolicy name that wrote
   * them. Without it, a policyRef restores only its own policy's snapshots, and an inline
   * repository needs a snapshot id.
   */
  @JsonPropertyDescription(
      "Whose snapshots to choose among, for a restore from a repository shared by several"
          + " namespaces or into another namespace (disaster recovery): the namespace and"
          + " BackupPolicy name that wrote them. Without it, a policyRef restores only its own"
          + " policy's snapshots, and an inline repository needs a snapshot id.")
  public SnapshotSource from;

  /** latest (the default), a snapshot id or unique prefix, or the name of a Snapshot object. */
  @JsonPropertyDescription(
      "latest (the default), a snapshot id or unique prefix, or the name of a Snapshot object.")
  public String snapshot;

  /** Restore the newest snapshot at or before this time (RFC 3339) instead. */
  @JsonPropertyDescription("Restore the newest snapshot at or before this time (RFC 3339) instead.")
  @Pattern("^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$")
  public String before;

  /**
   * Which volume of the snapshot to restore, by its PVC name; required when the snapshot holds
   * several.
   */
  @JsonPropertyDescription(
      "Which volume of the snapshot to restore, by its PVC name; required when the snapshot holds several.")
  public String sourcePVC;

  /**
   * Restore one training checkpoint instead of a whole snapshot: {@code latest} (the checkpoint
   * with the highest step among the policy's snapshots) or a step number; the newest snapshot
   * holding it is read, and only the checkpoint's folder is restored, at its path in the volume.
   * The policy's sources must name their checkpoint folders (spec.sources[].checkpoints).
   */
  @JsonPropertyDescription(
      "Restore one training checkpoint instead of a whole snapshot: latest (the checkpoint with"
          + " the highest step among the policy's snapshots) or a step number; the newest snapshot"
          + " holding it is read, and only the checkpoint's folder is restored, at its path in the"
          + " volume. The policy's sources must name their checkpoint folders"
          + " (spec.sources[].checkpoints).")
  @Pattern("^(latest|[0-9]{1,18})$")
  public String checkpoint;

  /**
   * With checkpoint: read and check every byte of the chosen checkpoint before restoring it; if any
   * is missing or damaged, fall back to the next newest checkpoint that passes, and say so in the
   * status.
   */
  @JsonPropertyDescription(
      "With checkpoint: read and check every byte of the chosen checkpoint before restoring it; if"
          + " any is missing or damaged, fall back to the next newest checkpoint that passes, and"
          + " say so in the status.")
  public Boolean verifyBeforeRestore;

  /** Globs of paths inside the volume to restore (default: everything). */
  @JsonPropertyDescription("Globs of paths inside the volume to restore (default: everything).")
  public List<String> include;

  /** Where to restore: a PVC; or use pipe. */
  @JsonPropertyDescription("Where to restore: a PVC; or use pipe.")
  public Target target;

  /**
   * Restore the same snapshot into several PVCs at once (the weights volume of every serving
   * replica): the snapshot is resolved once, then each target gets a RestoreRequest of its own,
   * named REQUEST-PVC and owned by this one, whose Job restores and checks every file by SHA-256;
   * they all run at once. This request succeeds when every target did (status.targets). Each target
   * names its own PVC.
   */
  @JsonPropertyDescription(
      "Restore the same snapshot into several PVCs at once (the weights volume of every serving"
          + " replica): the snapshot is resolved once, then each target gets a RestoreRequest of"
          + " its own, named REQUEST-PVC and owned by this one, whose Job restores and checks every"
          + " file by SHA-256; they all run at once. This request succeeds when every target did"
          + " (status.targets). Each target names its own PVC.")
  @io.fabric8.generator.annotation.Size(min = 2, max = 64)
  public List<Target> targets;

  /**
   * With targets: how many of them restore at once (default: all); the others start, in order, as
   * earlier ones end. With one target, a ReadWriteMany PVC (or createPVC with accessModes
   * [ReadWriteMany]): how many Jobs restore into it at once, each its share of the files (large
   * files dealt out by size, small ones by a hash of their path), and each checking its files by
   * SHA-256; a last Job then makes links and folder metadata. The snapshot must resolve to an id
   * (with from, give it by id).
   */
  @JsonPropertyDescription(
      "With targets: how many of them restore at once (default: all); the others start, in order,"
          + " as earlier ones end. With one target, a ReadWriteMany PVC (or createPVC with"
          + " accessModes [ReadWriteMany]): how many Jobs restore into it at once, each its share"
          + " of the files (large files dealt out by size, small ones by a hash of their path), and"
          + " each checking its files by SHA-256; a last Job then makes links and folder metadata."
          + " The snapshot must resolve to an id (with from, give it by id).")
  @io.fabric8.generator.annotation.Min(1)
  @io.fabric8.generator.annotation.Max(64)
  public Integer parallelism;

  /**
   * Instead of a PVC: write one file of the snapshot (a database dump) into a command in a running
   * pod, for example psql; the restore Job then gets the right to exec into pods of this namespace.
   */
  @JsonPropertyDescription(
      "Instead of a PVC: write one file of the snapshot (a database dump) into a command in a"
          + " running pod, for example psql; the restore Job then gets the right to exec into pods"
          + " of this namespace.")
  public PipeTarget pipe;

  /**
   * What to do with files that exist in the target: Never, IfDifferent (default) or Always replace
   * them.
   */
  @JsonPropertyDescription(
      "What to do with files that exist in the target: Never, IfDifferent (default) or Always replace them.")
  public Overwrite overwrite;

  /** Settings of the restore Job. */
  @JsonPropertyDescription("Settings of the restore Job.")
  public JobOverrides job;

  /** The owner of the snapshots a restore chooses among. */
  public static class SnapshotSource {
    /** Namespace of the BackupPolicy that wrote the snapshots. */
    @JsonPropertyDescription("Namespace of the BackupPolicy that wrote the snapshots.")
    @Required
    @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
    public String namespace;

    /** Name of the BackupPolicy that wrote the snapshots (it need not exist any more). */
    @JsonPropertyDescription(
        "Name of the BackupPolicy that wrote the snapshots (it need not exist any more).")
    @Required
    @Pattern("^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$")
    public String policy;
  }

  /** A SnapshotCatalog in the same namespace. */
  public static class CatalogRef {
    /** Name of the SnapshotCatalog. */
    @JsonPropertyDescription("Name of the SnapshotCatalog.")
    @Required
    public String name;
  }

  /** A BackupPolicy in the same namespace. */
  public static class PolicyRef {
    /** Name of the BackupPolicy. */
    @JsonPropertyDescription("Name of the BackupPolicy.")
    @Required
    public String name;
  }

  /** The volume to restore into. */
  public static class Target {
    /** Name of the PersistentVolumeClaim to restore into. */
    @JsonPropertyDescription("Name of the PersistentVolumeClaim to restore into.")
    @Required
    @io.fabric8.generator.annotation.Size(min = 1, max = 253)
    public String pvc;

    /** Create the PVC first (it must not exist); without this the PVC must exist. */
    @JsonPropertyDescription(
        "Create the PVC first (it must not exist); without this the PVC must exist.")
    public CreatePvc createPVC;

    /** Folder inside the volume to restore into (default: its root). */
    @JsonPropertyDescription("Folder inside the volume to restore into (default: its root).")
    public String path;

    /**
     * Restore even while pods that have not finished (Pending, Running, Unknown) mount the PVC:
     * they see files change under them. Without it (the default) such a request fails and names the
     * pods. With it, a ReadWriteOnce volume in use is restored from its pods' node; a
     * ReadWriteOncePod volume in use cannot be mounted by a second pod at all, so the request still
     * fails.
     */
    @JsonPropertyDescription(
        "Restore even while pods that have not finished (Pending, Running, Unknown) mount the PVC:"
            + " they see files change under them. Without it (the default) such a request fails"
            + " and names the pods. With it, a ReadWriteOnce volume in use is restored from its"
            + " pods' node; a ReadWriteOncePod volume in use cannot be mounted by a second pod at"
            + " all, so the request still fails.")
    public Boolean allowInUse;
  }

  /** A PVC for Arca to create. */
  public static class CreatePvc {
    /** Requested size, for example 200Gi (default: the snapshot's bytes plus 20%). */
    @JsonPropertyDescription(
        "Requested size, for example 200Gi (default: the snapshot's bytes plus 20%).")
    public String size;

    /** Storage class (default: the cluster's default). */
    @JsonPropertyDescription("Storage class (default: the cluster's default).")
    public String storageClassName;

    /** Access modes (default ReadWriteOnce). */
    @JsonPropertyDescription("Access modes (default ReadWriteOnce).")
    public List<String> accessModes;
  }

  /** Overwrite policies, as arca restore --overwrite takes them. */
  public enum Overwrite {
    Never,
    IfDifferent,
    Always
  }
}
