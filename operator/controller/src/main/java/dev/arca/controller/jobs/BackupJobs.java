package dev.arca.controller.jobs;

import dev.arca.api.v1alpha1.BackupPolicy;
import dev.arca.api.v1alpha1.BackupPolicySpec;
import dev.arca.api.v1alpha1.BackupPolicyStatus;
import dev.arca.api.v1alpha1.JobOverrides;
import dev.arca.api.v1alpha1.RepositorySpec;
import dev.arca.controller.OperatorConfig;
import dev.arca.controller.RunKind;
import dev.arca.engine.backup.PathCommand;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.NodeSelectorTermBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builds the Job of one backup run of a BackupPolicy. */
public final class BackupJobs {
  /** Where source volumes are mounted: {@code /data/<pvc>}, so snapshot paths are PVC names. */
  public static final String DATA = "/data";

  /** The container's termination message, where the CLI writes its JSON result. */
  static final String SUMMARY = "/dev/termination-log";

  /** A scratch volume at /tmp: the container's root filesystem is read-only. */
  static final String TMP = "tmp";

  private BackupJobs() {}

  public static Job backup(BackupPolicy p, BackupRun run, OperatorConfig cfg) {
    return backup(p, run, cfg, null, Map.of());
  }

  /**
   * The backup Job; with {@code node}, pinned to that node (where a ReadWriteOnce source is in use
   * by a running pod) through a required node affinity on the node's name. {@code dumpPods} names
   * the pod of each dump source, by its path (ExecTargets). A source with copyMethod Snapshot is
   * mounted from its temporary PVC ({@link SnapshotCopies}) at its own PVC's path.
   */
  public static Job backup(
      BackupPolicy p,
      BackupRun run,
      OperatorConfig cfg,
      String node,
      Map<String, String> dumpPods) {
    return build(p, run, cfg, node, dumpPods, null);
  }

  /**
   * The Job of one part of a backup run in parts ({@code arca backup --part I/N --run ID}): the
   * backup Job's pod, mounting the part's PVCs, pinned to its node if it has one. When the parts
   * split one file set every part is given all the sources (and the dumps, which only part 0 runs:
   * only its pod gets the exec account); otherwise each part gets its own, and the run's sources as
   * {@code --run-source}.
   */
  public static Job part(
      BackupPolicy p,
      BackupRun run,
      OperatorConfig cfg,
      PartJob part,
      Map<String, String> dumpPods) {
    return build(p, run, cfg, part.node(), dumpPods, part);
  }

  /**
   * The Job that joins the parts of run {@code runId} into one snapshot ({@code arca commit}): no
   * volumes, the repository's access only. It has the run's Job name and the backup Job's labels
   * and annotations, so it is recorded as the run's backup Job.
   */
  public static Job commit(
      BackupPolicy p, BackupRun run, OperatorConfig cfg, String runId, int parts) {
    BackupPolicySpec spec = p.getSpec();
    String policy = p.getMetadata().getName();
    List<String> cmd =
        new ArrayList<>(
            List.of("arca", "commit", "--json", "--run", runId, "--parts", String.valueOf(parts)));
    cmd.addAll(RepositoryAccess.args(spec.repository));
    Container c =
        container(
            cfg,
            spec.job,
            cmd,
            new ArrayList<>(RepositoryAccess.mounts(spec.repository)),
            spec.repository);
    PodSpec pod =
        pod(cfg, spec.job, c, new ArrayList<>(RepositoryAccess.volumes(spec.repository)), null);
    return job(p, run, spec, run.jobName(policy), Labels.forPolicy(policy, RunKind.BACKUP), pod);
  }

  /**
   * The sources a backup run's snapshot has, in the order a single Job gives them: the volumes at
   * {@code /data/<pvc>}, then the dumps as {@code stream:PATH}.
   */
  public static List<String> runSources(BackupPolicySpec spec) {
    List<String> out = new ArrayList<>();
    spec.sources.stream().filter(s -> s.pvc != null).forEach(s -> out.add(DATA + "/" + s.pvc));
    spec.sources.stream()
        .filter(s -> s.dump != null)
        .forEach(s -> out.add("stream:" + s.dump.path));
    return out;
  }

  private static Job build(
      BackupPolicy p,
      BackupRun run,
      OperatorConfig cfg,
      String node,
      Map<String, String> dumpPods,
      PartJob part) {
    BackupPolicySpec spec = p.getSpec();
    String policy = p.getMetadata().getName();
    List<String> cmd = new ArrayList<>(List.of("arca", "backup", "--json", "--progress-json"));
    if (part != null) {
      cmd.addAll(List.of("--part", part.index() + "/" + part.count(), "--run", part.runId()));
      if (!part.split()) {
        runSources(spec).forEach(src -> cmd.addAll(List.of("--run-source", src)));
      }
    }
    // The host and tags name the owner: each policy's snapshots chain to their own parents, and
    // retention and restores select them and no others.
    SnapshotOwner owner = SnapshotOwner.of(p);
    cmd.addAll(List.of("--host", owner.host()));
    owner.tags(spec.tags).forEach((k, v) -> cmd.addAll(List.of("--tag", k + "=" + v)));
    if (run.full()) {
      cmd.add("--full");
    }
    cmd.addAll(RepositoryAccess.args(spec.repository));
    if (spec.repository.initialize == RepositorySpec.Initialize.IfMissing) {
      cmd.add("--init-if-missing"); // opt-in: a typo in the URL then makes a new repository
    }
    List<BackupPolicySpec.Source> volumeSources =
        spec.sources.stream().filter(s -> s.pvc != null).toList();
    cmd.addAll(filters(volumeSources));
    cmd.addAll(checkpoints(volumeSources));
    List<Volume> volumes = new ArrayList<>(RepositoryAccess.volumes(spec.repository));
    List<VolumeMount> mounts = new ArrayList<>(RepositoryAccess.mounts(spec.repository));
    boolean dumps = false;
    for (BackupPolicySpec.Source s : spec.sources) {
      if (part != null && !part.mounts(s)) {
        continue; // another part's
      }
      if (s.dump != null) {
        // the dump runs in its pod through the exec API; its output becomes the file s.dump.path
        String pod = dumpPods.getOrDefault(s.dump.path, s.dump.pod);
        String exec = ExecAccess.podExec(s.dump, pod, p.getMetadata().getNamespace(), false);
        cmd.addAll(List.of("--stream", PathCommand.format(s.dump.path, exec)));
        dumps = part == null || part.dumps();
        continue;
      }
      String vol = Names.of("src", Names.sha256(s.pvc).substring(0, 10));
      // a Snapshot source is read from its temporary PVC, at the same path
      String claim = s.fromSnapshot() ? SnapshotCopies.name(run.jobName(policy), s.pvc) : s.pvc;
      volumes.add(
          new VolumeBuilder().withName(vol).withNewPersistentVolumeClaim(claim, true).build());
      mounts.add(
          new VolumeMountBuilder()
              .withName(vol)
              .withMountPath(DATA + "/" + s.pvc)
              .withReadOnly(true)
              .build());
      cmd.add(DATA + "/" + s.pvc);
    }
    Container c = container(cfg, spec.job, cmd, mounts, spec.repository);
    Map<String, String> labels = Labels.forPolicy(policy, RunKind.BACKUP);
    String name = run.jobName(policy);
    if (part != null) {
      name = run.partJobName(policy, part.index());
      labels.put(Labels.RUN, Labels.PART_RUN);
      labels.put(Labels.PART, String.valueOf(part.index()));
    }
    PodSpec pod = pod(cfg, spec.job, c, volumes, dumps ? ExecAccess.name(p, "dump") : null);
    pinToNode(pod, node);
    return job(p, run, spec, name, labels, pod);
  }

  private static Job job(
      BackupPolicy p,
      BackupRun run,
      BackupPolicySpec spec,
      String name,
      Map<String, String> labels,
      PodSpec pod) {
    Requesters.set(pod, p);
    return new JobBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(p.getMetadata().getNamespace())
        .withLabels(labels)
        .addToAnnotations(Labels.SCHEDULED_TIME, run.time().toString())
        .addToAnnotations(Labels.MODE, run.full() ? "full" : "incremental")
        .withOwnerReferences(Owners.controller(p))
        .endMetadata()
        .withNewSpec()
        .withBackoffLimit(orDefault(spec.job == null ? null : spec.job.backoffLimit, 0))
        .withActiveDeadlineSeconds(spec.job == null ? null : spec.job.activeDeadlineSeconds)
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(labels)
        .addToLabels(RepositoryAccess.podLabels(spec.repository))
        .endMetadata()
        .withSpec(pod)
        .endTemplate()
        .endSpec()
        .build();
  }

  /**
   * Records on {@code job} the VolumeSnapshots it reads (annotation {@link
   * Labels#VOLUME_SNAPSHOTS}), so that its result names them and their times whatever happens to
   * the operator meanwhile.
   */
  public static void recordSnapshots(Job job, List<BackupPolicyStatus.VolumeSnapshotTaken> taken) {
    if (taken.isEmpty()) {
      return;
    }
    List<BackupPolicyStatus.VolumeSnapshotTaken> kept = new ArrayList<>();
    for (BackupPolicyStatus.VolumeSnapshotTaken t : taken) {
      BackupPolicyStatus.VolumeSnapshotTaken k =
          new BackupPolicyStatus.VolumeSnapshotTaken(t.pvc, t.volumeSnapshot);
      k.creationTime = t.creationTime;
      kept.add(k);
    }
    job.getMetadata().getAnnotations().put(Labels.VOLUME_SNAPSHOTS, Serialization.asJson(kept));
  }

  /** The VolumeSnapshots {@code job} read ({@link #recordSnapshots}); none when unreadable. */
  public static List<BackupPolicyStatus.VolumeSnapshotTaken> snapshotsOf(Job job) {
    var a = job.getMetadata().getAnnotations();
    String json = a == null ? null : a.get(Labels.VOLUME_SNAPSHOTS);
    if (json == null) {
      return List.of();
    }
    try {
      return List.of(Serialization.unmarshal(json, BackupPolicyStatus.VolumeSnapshotTaken[].class));
    } catch (RuntimeException e) {
      return List.of(); // edited by hand: the run's result stands without them
    }
  }

  /** Include and exclude globs of each source, rooted at its PVC's name. */
  static List<String> filters(List<BackupPolicySpec.Source> sources) {
    boolean anyInclude = sources.stream().anyMatch(s -> s.include != null && !s.include.isEmpty());
    List<String> out = new ArrayList<>();
    for (BackupPolicySpec.Source s : sources) {
      if (anyInclude) {
        List<String> inc = s.include == null || s.include.isEmpty() ? List.of("**") : s.include;
        inc.forEach(g -> rooted(s.pvc, g).forEach(r -> out.addAll(List.of("--include", r))));
      }
      if (s.exclude != null) {
        s.exclude.forEach(g -> rooted(s.pvc, g).forEach(r -> out.addAll(List.of("--exclude", r))));
      }
    }
    return out;
  }

  /**
   * The checkpoint folders of each source ({@code --checkpoints}), rooted at its PVC's name as its
   * includes are, and their completion rule ({@code --checkpoint-complete}: the validator makes
   * every source give the same one).
   */
  static List<String> checkpoints(List<BackupPolicySpec.Source> sources) {
    List<String> out = new ArrayList<>();
    String complete = null;
    for (BackupPolicySpec.Source s : sources) {
      if (s.checkpoints != null && s.checkpoints.paths != null) {
        s.checkpoints.paths.forEach(
            g -> rooted(s.pvc, g).forEach(r -> out.addAll(List.of("--checkpoints", r))));
        complete = complete != null ? complete : s.checkpoints.complete;
      }
    }
    if (complete != null) {
      out.addAll(List.of("--checkpoint-complete", complete));
    }
    return out;
  }

  /**
   * A glob relative to a volume as globs over snapshot paths, which start with the PVC's name. A
   * leading {@code **}{@code /} also matches at the volume's top level, as users expect.
   */
  static List<String> rooted(String pvc, String glob) {
    String g = glob.startsWith("/") ? glob.substring(1) : glob;
    if (g.startsWith("**/")) {
      return List.of(pvc + "/" + g.substring(3), pvc + "/" + g);
    }
    return List.of(pvc + "/" + g);
  }

  public static Container container(
      OperatorConfig cfg,
      JobOverrides o,
      List<String> cmd,
      List<VolumeMount> mounts,
      RepositorySpec repo) {
    var resources = o != null && o.resources != null ? o.resources : cfg.jobResources();
    var env = new ArrayList<>(repo == null ? List.of() : RepositoryAccess.env(repo));
    env.add(new EnvVarBuilder().withName("ARCA_SUMMARY_FILE").withValue(SUMMARY).build());
    JavaHeap.env(resources).ifPresent(env::add);
    return new ContainerBuilder()
        .withName("arca")
        .withImage(cfg.engineImage())
        .withImagePullPolicy("IfNotPresent")
        .withCommand(cmd)
        .withEnv(env)
        .withResources(resources)
        .withVolumeMounts(mounts)
        .addNewVolumeMount()
        .withName(TMP)
        .withMountPath("/tmp")
        .endVolumeMount()
        .withSecurityContext(cfg.jobContainerSecurityContext())
        .withTerminationMessagePath(SUMMARY)
        .withTerminationMessagePolicy("FallbackToLogsOnError")
        .build();
  }

  public static PodSpec pod(OperatorConfig cfg, JobOverrides o, Container c, List<Volume> volumes) {
    return pod(cfg, o, c, volumes, null);
  }

  /**
   * The Job's pod, with the admin's pod security context and what the resource's {@code
   * podSecurityContext} may tighten in it ({@link SecurityContexts}). With {@code execAccount} (a
   * Job that runs commands in other pods), that account and its token, unless the resource names
   * its own account; otherwise no API token at all.
   */
  public static PodSpec pod(
      OperatorConfig cfg, JobOverrides o, Container c, List<Volume> volumes, String execAccount) {
    JobOverrides x = o == null ? new JobOverrides() : o;
    String sa =
        x.serviceAccountName != null
            ? x.serviceAccountName
            : execAccount != null ? execAccount : cfg.jobServiceAccount();
    return new PodSpecBuilder()
        .withRestartPolicy("Never")
        .withContainers(c)
        .withVolumes(volumes)
        .addNewVolume()
        .withName(TMP)
        .withNewEmptyDir()
        .endEmptyDir()
        .endVolume()
        .withServiceAccountName(sa == null || sa.isBlank() ? null : sa)
        .withAutomountServiceAccountToken(execAccount != null)
        .withNodeSelector(x.nodeSelector)
        .withTolerations(x.tolerations)
        .withAffinity(x.affinity)
        .withPriorityClassName(x.priorityClassName)
        // the resource's settings merged into the admin's; what they may not loosen stays as is
        // (validation refused the resource before a Job is built: this is the second line)
        .withSecurityContext(SecurityContexts.of(cfg, x).context())
        .build();
  }

  /**
   * Requires the pod to run on {@code node} (null: leaves it alone), where a ReadWriteOnce volume
   * it mounts is in use, through a required node affinity on the node's name. The affinity of the
   * resource's job settings stays: the node's name joins each of its required node terms (so the
   * pod runs there only if that node also satisfies them), and its preferences and pod
   * (anti-)affinity are kept.
   */
  static void pinToNode(PodSpec pod, String node) {
    if (node == null) {
      return;
    }
    var onNode =
        new NodeSelectorRequirementBuilder()
            .withKey("metadata.name")
            .withOperator("In")
            .withValues(node)
            .build();
    // a copy: the pod spec's affinity is the resource's own object
    var affinity =
        pod.getAffinity() == null ? new AffinityBuilder() : new AffinityBuilder(pod.getAffinity());
    var given = pod.getAffinity() == null ? null : pod.getAffinity().getNodeAffinity();
    List<NodeSelectorTerm> required =
        given == null || given.getRequiredDuringSchedulingIgnoredDuringExecution() == null
            ? List.of()
            : given.getRequiredDuringSchedulingIgnoredDuringExecution().getNodeSelectorTerms();
    List<NodeSelectorTerm> terms = new ArrayList<>();
    for (NodeSelectorTerm t : required.isEmpty() ? List.of(new NodeSelectorTerm()) : required) {
      terms.add(new NodeSelectorTermBuilder(t).addToMatchFields(onNode).build());
    }
    pod.setAffinity(
        affinity
            .editOrNewNodeAffinity()
            .withNewRequiredDuringSchedulingIgnoredDuringExecution()
            .withNodeSelectorTerms(terms)
            .endRequiredDuringSchedulingIgnoredDuringExecution()
            .endNodeAffinity()
            .build());
  }

  private static Integer orDefault(Integer v, int d) {
    return v == null ? d : v;
  }
}
