package dev.arca.controller.jobs;

import dev.arca.api.v1alpha1.RepositorySpec;
import dev.arca.api.v1alpha1.RestoreRequest;
import dev.arca.api.v1alpha1.RestoreRequestSpec;
import dev.arca.controller.OperatorConfig;
import dev.arca.controller.RunKind;
import dev.arca.engine.backup.PathCommand;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds the restore Job (and, when asked, the target PVC) of a RestoreRequest. Snapshot paths
 * start with the source PVC's name, so the target volume is mounted at {@code /target/<source>} and
 * the restore into {@code /target} puts the files at the volume's root (or its path).
 */
public final class RestoreJobs {
  static final String TARGET = "/target";

  private RestoreJobs() {}

  /**
   * The restore Job.
   *
   * @param snapshot the snapshot argument for arca restore (an id, {@code latest})
   * @param before RFC 3339 time for --before, or null
   * @param among whose snapshots arca may choose among (and an id must name), or null for any
   * @param source the PVC name the snapshot's paths start with, or null to restore every volume of
   *     the snapshot (each into a folder of the target named after it)
   * @param node the node to run on, where the target's ReadWriteOnce volume is in use, or null
   */
  public static Job restore(
      RestoreRequest r,
      RepositorySpec repo,
      String snapshot,
      String before,
      SnapshotOwner among,
      String source,
      String node,
      OperatorConfig cfg) {
    RestoreRequestSpec spec = r.getSpec();
    List<String> cmd =
        spec.checkpoint != null
            ? checkpointOf(spec.checkpoint, Boolean.TRUE.equals(spec.verifyBeforeRestore), among)
            : restoreOf(snapshot, before, among);
    cmd.addAll(
        List.of(
            "--target",
            TARGET,
            "--json",
            "--progress-json",
            "--overwrite",
            overwrite(spec.overwrite)));
    cmd.addAll(RepositoryAccess.args(repo));
    if (source != null) {
      List<String> globs =
          spec.include == null || spec.include.isEmpty() ? List.of("**") : spec.include;
      for (String g : globs) {
        BackupJobs.rooted(source, g).forEach(x -> cmd.addAll(List.of("--include", x)));
      }
    }
    VolumeMountBuilder target =
        new VolumeMountBuilder()
            .withName("target")
            .withMountPath(source == null ? TARGET : TARGET + "/" + source);
    if (spec.target.path != null && !spec.target.path.isBlank()) {
      target.withSubPath(spec.target.path.replaceAll("^/+", ""));
    }
    List<VolumeMount> mounts = new ArrayList<>(RepositoryAccess.mounts(repo));
    mounts.add(target.build());
    List<Volume> volumes = new ArrayList<>(RepositoryAccess.volumes(repo));
    volumes.add(
        new VolumeBuilder()
            .withName("target")
            .withNewPersistentVolumeClaim(spec.target.pvc, false)
            .build());
    Container c = BackupJobs.container(cfg, spec.job, cmd, mounts, repo);
    PodSpec pod = BackupJobs.pod(cfg, spec.job, c, volumes);
    BackupJobs.pinToNode(pod, node);
    return job(r, repo, pod);
  }

  /**
   * The Job of a request with {@code pipe}: arca restore writes the dump's file into {@code arca
   * pod-exec --stdin} of the command in the database's pod {@code pod}; no volume is mounted.
   */
  public static Job pipe(
      RestoreRequest r,
      RepositorySpec repo,
      String snapshot,
      String before,
      SnapshotOwner among,
      String pod,
      OperatorConfig cfg) {
    RestoreRequestSpec spec = r.getSpec();
    List<String> cmd = restoreOf(snapshot, before, among);
    String exec = ExecAccess.podExec(spec.pipe, pod, r.getMetadata().getNamespace(), true);
    cmd.addAll(List.of("--pipe", PathCommand.format(spec.pipe.path, exec), "--json"));
    cmd.addAll(RepositoryAccess.args(repo));
    Container c = BackupJobs.container(cfg, spec.job, cmd, RepositoryAccess.mounts(repo), repo);
    return job(
        r,
        repo,
        BackupJobs.pod(
            cfg, spec.job, c, RepositoryAccess.volumes(repo), ExecAccess.name(r, "pipe")));
  }

  /**
   * {@code arca restore} of a snapshot id (or latest), or of the newest before a time, among the
   * snapshots of {@code among} (null: any).
   */
  private static List<String> restoreOf(String snapshot, String before, SnapshotOwner among) {
    List<String> cmd = restoreAmong(among);
    if (before != null) {
      cmd.addAll(List.of("--before", before));
    } else {
      cmd.add(snapshot);
    }
    return cmd;
  }

  /**
   * {@code arca restore --checkpoint} of the newest checkpoint ({@code latest}) or of a step, among
   * the snapshots of {@code among}; the source's include then says which volume's checkpoints are
   * candidates. With {@code verifyFirst}, a checkpoint whose data fails its check is passed over
   * for the next newest.
   */
  private static List<String> checkpointOf(
      String checkpoint, boolean verifyFirst, SnapshotOwner among) {
    List<String> cmd = restoreAmong(among);
    cmd.addAll(List.of("--checkpoint", checkpoint));
    if (verifyFirst) {
      cmd.add("--verify-first");
    }
    return cmd;
  }

  /** {@code arca restore} choosing only among the snapshots of {@code among} (null: any). */
  private static List<String> restoreAmong(SnapshotOwner among) {
    List<String> cmd = new ArrayList<>(List.of("arca", "restore"));
    if (among != null) {
      cmd.addAll(among.selectArgs());
    }
    return cmd;
  }

  private static Job job(RestoreRequest r, RepositorySpec repo, PodSpec pod) {
    RestoreRequestSpec spec = r.getSpec();
    Requesters.set(pod, r);
    Map<String, String> labels =
        Map.of(
            Labels.MANAGED_BY,
            "arca",
            Labels.RESTORE,
            r.getMetadata().getName(),
            Labels.RUN,
            RunKind.RESTORE.label());
    return OwnedJobs.build(
        r,
        jobName(r),
        labels,
        spec.job,
        repo,
        pod,
        spec.job != null && spec.job.backoffLimit != null ? spec.job.backoffLimit : 0);
  }

  /**
   * The Job of part {@code index} of a restore in parts into one shared target ({@code arca restore
   * ID --part I/N}), or with {@code index} -1 the folders Job that ends it ({@code
   * --folders-only}): the restore Job ({@code restore}, built for the same request) renamed and
   * with that option.
   */
  public static Job part(RestoreRequest r, Job restore, int index, int count) {
    Job j = new JobBuilder(restore).build();
    String name = partJobName(r, index);
    j.getMetadata().setName(name);
    List<String> cmd =
        new ArrayList<>(j.getSpec().getTemplate().getSpec().getContainers().get(0).getCommand());
    int at = cmd.indexOf("--target");
    cmd.addAll(at, index < 0 ? List.of("--folders-only") : List.of("--part", index + "/" + count));
    j.getSpec().getTemplate().getSpec().getContainers().get(0).setCommand(cmd);
    Map<String, String> labels = new java.util.LinkedHashMap<>(j.getMetadata().getLabels());
    labels.put(Labels.PART, index < 0 ? "folders" : String.valueOf(index));
    j.getMetadata().setLabels(labels);
    j.getSpec().getTemplate().getMetadata().setLabels(labels);
    return j;
  }

  /** {@code part} (a part's Job, {@link #part}) without its {@code --part I/N}. */
  public static Job unpart(Job part) {
    Job j = new JobBuilder(part).build();
    List<String> cmd =
        new ArrayList<>(j.getSpec().getTemplate().getSpec().getContainers().get(0).getCommand());
    int at = cmd.indexOf("--part");
    if (at >= 0) {
      cmd.remove(at + 1);
      cmd.remove(at);
    }
    j.getSpec().getTemplate().getSpec().getContainers().get(0).setCommand(cmd);
    j.getMetadata().setResourceVersion(null);
    j.getMetadata().setUid(null);
    j.getMetadata().setCreationTimestamp(null);
    j.getMetadata().setManagedFields(null);
    j.setStatus(null);
    // the Job controller's own selector and labels are made anew for the new Job
    j.getSpec().setSelector(null);
    var labels = new java.util.LinkedHashMap<>(j.getMetadata().getLabels());
    labels
        .keySet()
        .removeIf(
            k ->
                k.startsWith("batch.kubernetes.io/")
                    || k.equals("controller-uid")
                    || k.equals("job-name"));
    j.getMetadata().setLabels(labels);
    var tl = new java.util.LinkedHashMap<>(j.getSpec().getTemplate().getMetadata().getLabels());
    tl.keySet()
        .removeIf(
            k ->
                k.startsWith("batch.kubernetes.io/")
                    || k.equals("controller-uid")
                    || k.equals("job-name"));
    j.getSpec().getTemplate().getMetadata().setLabels(tl);
    return j;
  }

  /** The name of part {@code index}'s Job (-1: the folders Job) of a restore in parts. */
  public static String partJobName(RestoreRequest r, int index) {
    return Names.of(r.getMetadata().getName(), index < 0 ? "restore-folders" : "restore-p" + index);
  }

  /** The restore Job's name: one per request, fixed, so a reconcile can find it again. */
  public static String jobName(RestoreRequest r) {
    return Names.of(r.getMetadata().getName(), "restore");
  }

  /**
   * The PVC to create for {@code target.createPVC}. It has no owner: deleting the RestoreRequest
   * must never delete restored data.
   */
  public static PersistentVolumeClaim targetPvc(RestoreRequest r, Long snapshotBytes) {
    RestoreRequestSpec.CreatePvc c = r.getSpec().target.createPVC;
    String size = c.size;
    if (size == null || size.isBlank()) {
      long bytes = snapshotBytes == null ? 0 : snapshotBytes;
      long gib = Math.max(1, (long) Math.ceil(bytes * 1.2 / (1L << 30)));
      size = gib + "Gi";
    }
    List<String> modes =
        c.accessModes == null || c.accessModes.isEmpty() ? List.of("ReadWriteOnce") : c.accessModes;
    return new PersistentVolumeClaimBuilder()
        .withNewMetadata()
        .withName(r.getSpec().target.pvc)
        .withNamespace(r.getMetadata().getNamespace())
        .addToLabels(Labels.MANAGED_BY, "arca")
        .addToLabels(Labels.RESTORE, r.getMetadata().getName())
        .endMetadata()
        .withNewSpec()
        .withAccessModes(modes)
        .withStorageClassName(c.storageClassName)
        .withNewResources()
        .addToRequests("storage", new Quantity(size))
        .endResources()
        .endSpec()
        .build();
  }

  private static String overwrite(RestoreRequestSpec.Overwrite o) {
    if (o == null) {
      return "if-different";
    }
    return switch (o) {
      case Never -> "never";
      case IfDifferent -> "if-different";
      case Always -> "always";
    };
  }
}
