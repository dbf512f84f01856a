package dev.arca.controller.restore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arca.api.v1alpha1.BackupPolicy;
import dev.arca.api.v1alpha1.BackupPolicySpec;
import dev.arca.api.v1alpha1.RepositorySpec;
import dev.arca.api.v1alpha1.RestoreRequest;
import dev.arca.api.v1alpha1.RestoreRequestSpec;
import dev.arca.api.v1alpha1.RestoreRequestStatus.Phase;
import dev.arca.api.v1alpha1.SecretKeyRef;
import dev.arca.api.v1alpha1.Snapshot;
import dev.arca.api.v1alpha1.SnapshotSpec;
import dev.arca.controller.JobNodes;
import dev.arca.controller.MockCluster;
import dev.arca.controller.OperatorConfig;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.javaoperatorsdk.operator.Operator;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The real RestoreRequest reconciler against fabric8's mock API server in CRUD mode. */
@EnableKubernetesMockClient(crud = true)
class RestoreRequestReconcilerTest {
  static final String NS = "llm";
  static final String OLD = "aa".repeat(32);
  static final String NEW = "bb".repeat(32);
  KubernetesClient client;
  io.fabric8.kubernetes.client.server.mock.KubernetesMockServer server;
  Operator operator;

  @BeforeEach
  void setUp() throws Exception {
    MockCluster.installCrds(client);
    createPolicy(client);
    snapshot("models-old", OLD, "2026-11-20T02:30:00Z", List.of("models"), 10L << 30);
    snapshot("models-new", NEW, "2026-11-25T02:30:00Z", List.of("models"), 12L << 30);
    operator =
        MockCluster.start(
            client,
            new RestoreRequestReconciler(
                OperatorConfig.fromEnv(Map.of()),
                Clock.systemUTC(),
                new dev.arca.controller.metrics.ArcaMetrics(
                    new io.micrometer.core.instrument.simple.SimpleMeterRegistry())));
  }

  /** The BackupPolicy "models" (its PVC and password Secret) the requests refer to. */
  static void createPolicy(KubernetesClient client) {
    MockCluster.pvcAndSecret(client, NS, "models", "pw");
    BackupPolicy p = new BackupPolicy();
    p.getMetadata().setName("models");
    p.getMetadata().setNamespace(NS);
    p.setSpec(new BackupPolicySpec());
    p.getSpec().schedule = "@daily";
    p.getSpec().repository = new RepositorySpec();
    p.getSpec().repository.url = "s3://bucket/models";
    p.getSpec().repository.passwordSecretRef = new SecretKeyRef("pw", "password");
    client.resources(BackupPolicy.class).inNamespace(NS).resource(p).create();
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    operator.stop();
    dev.arca.controller.ApiCalls.assertAllGranted(server);
  }

  void snapshot(String name, String id, String time, List<String> pvcs, long bytes) {
    Snapshot s = new Snapshot();
    s.getMetadata().setName(name);
    s.getMetadata().setNamespace(NS);
    s.setSpec(new SnapshotSpec());
    s.getSpec().policy = "models";
    s.getSpec().snapshotId = id;
    s.getSpec().time = time;
    s.getSpec().pvcs = pvcs;
    s.getSpec().bytes = bytes;
    client.resources(Snapshot.class).inNamespace(NS).resource(s).create();
  }

  RestoreRequest request(String name) {
    RestoreRequest r = new RestoreRequest();
    r.getMetadata().setName(name);
    r.getMetadata().setNamespace(NS);
    r.setSpec(new RestoreRequestSpec());
    r.getSpec().policyRef = new RestoreRequestSpec.PolicyRef();
    r.getSpec().policyRef.name = "models";
    r.getSpec().target = new RestoreRequestSpec.Target();
    r.getSpec().target.pvc = "models";
    return r;
  }

  RestoreRequest create(RestoreRequest r) {
    return client.resources(RestoreRequest.class).inNamespace(NS).resource(r).create();
  }

  RestoreRequest get(String name) {
    return client.resources(RestoreRequest.class).inNamespace(NS).withName(name).get();
  }

  static <T> T await(String what, Supplier<T> probe) throws InterruptedException {
    return MockCluster.await(what, probe);
  }

  /** The command of the restore Job of {@code request}, once there is one. */
  List<String> command(String request) throws InterruptedException {
    return job(request).getSpec().getTemplate().getSpec().getContainers().get(0).getCommand();
  }

  Job job(String request) throws InterruptedException {
    return await("the restore Job", () -> jobs(request).stream().findFirst().orElse(null));
  }

  List<Job> jobs(String request) {
    return client
        .batch()
        .v1()
        .jobs()
        .inNamespace(NS)
        .withLabel("arca.dev/restore", request)
        .list()
        .getItems();
  }

  RestoreRequest inPhase(String name, Phase phase) throws InterruptedException {
    return await(
        name + " " + phase,
        () -> {
          RestoreRequest r = get(name);
          return r.getStatus() != null && r.getStatus().phase == phase ? r : null;
        });
  }

  @Test
  void latestRestoresTheNewestSnapshotIntoTheVolumeRootAndReportsTheResult() throws Exception {
    create(request("latest"));
    Job job = job("latest");
    var c = job.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(c.getCommand())
        .containsSubsequence("arca", "restore", NEW, "--target", "/target")
        .contains("--include", "models/**");
    assertThat(c.getVolumeMounts())
        .anySatisfy(
            m -> {
              assertThat(m.getMountPath()).isEqualTo("/target/models");
              assertThat(m.getReadOnly()).isNotEqualTo(Boolean.TRUE);
            });
    // Pending until the Job's pod runs, then Running
    // started ("restoring ..."), then the Job's event: its pod has not started yet
    RestoreRequest pending =
        await(
            "Pending, waiting to start",
            () -> {
              RestoreRequest q = get("latest");
              return q.getStatus() != null
                      && q.getStatus().phase == Phase.Pending
                      && q.getStatus().message.contains("waiting to start")
                  ? q
                  : null;
            });
    assertThat(pending.getStatus().snapshotId).isEqualTo(NEW);
    MockCluster.runningPod(client, job);
    assertThat(inPhase("latest", Phase.Running).getStatus().message)
        .contains("restoring", "into PVC models");

    MockCluster.finish(
        client,
        job,
        true,
        "{\"snapshotId\":\""
            + NEW
            + "\",\"files\":7,\"written\":5,\"unchanged\":2,\"kept\":0,\"keptPaths\":[],"
            + "\"bytes\":1234}");
    RestoreRequest done = inPhase("latest", Phase.Succeeded);
    assertThat(done.getStatus().files).isEqualTo(7);
    assertThat(done.getStatus().written).isEqualTo(5);
    assertThat(done.getStatus().unchanged).isEqualTo(2);
    assertThat(done.getStatus().kept).isZero();
    assertThat(done.getStatus().size).isEqualTo("1.2 KiB");
    assertThat(done.getStatus().message)
        .contains("7 files, 5 written (1.2 KiB), 2 already right")
        .doesNotContain("kept");
    assertThat(condition(done, "Complete").getReason()).isEqualTo("Succeeded");
  }

  @Test
  void theRequesterFromTheAdmissionAnnotationGoesToTheStatusTheEventAndTheJobsAuditRecord()
      throws Exception {
    RestoreRequest r = request("asked");
    r.getMetadata()
        .setAnnotations(java.util.Map.of(RestoreRequest.REQUESTED_BY, "jane@example.com"));
    create(r);
    var env = job("asked").getSpec().getTemplate().getSpec().getContainers().get(0).getEnv();
    assertThat(env)
        .anySatisfy(
            e -> {
              assertThat(e.getName()).isEqualTo("ARCA_AUDIT_REQUESTER");
              assertThat(e.getValue())
                  .isEqualTo("jane@example.com (RestoreRequest " + NS + "/asked)");
            });
    assertThat(
            await(
                "requestedBy",
                () -> {
                  RestoreRequest q = get("asked");
                  return q.getStatus() == null ? null : q.getStatus().requestedBy;
                }))
        .isEqualTo("jane@example.com");
    assertThat(
            await(
                    "the RestoreStarted event",
                    () ->
                        client.v1().events().inNamespace(NS).list().getItems().stream()
                            .filter(e -> "RestoreStarted".equals(e.getReason()))
                            .filter(e -> "asked".equals(e.getInvolvedObject().getName()))
                            .findFirst()
                            .orElse(null))
                .getMessage())
        .contains("for jane@example.com");

    create(request("unannotated"));
    var plain = job("unannotated").getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(plain.getEnv())
        .anySatisfy(
            e -> assertThat(e.getValue()).startsWith("unknown user (no arca.dev/requested-by)"));
  }

  @Test
  void filesKeptByOverwriteNeverAreNamedInTheMessageAndAWarning() throws Exception {
    RestoreRequest r = request("never");
    r.getSpec().overwrite = RestoreRequestSpec.Overwrite.Never;
    create(r);
    Job job = job("never");
    MockCluster.finish(
        client,
        job,
        true,
        "{\"snapshotId\":\""
            + NEW
            + "\",\"files\":305,\"written\":10,\"unchanged\":292,\"kept\":3,"
            + "\"keptPaths\":[\"models/a.bin\",\"models/b.bin\",\"models/c.bin\"],\"bytes\":473}");
    RestoreRequest done = inPhase("never", Phase.Succeeded);
    assertThat(done.getStatus().kept).isEqualTo(3);
    assertThat(done.getStatus().keptFiles)
        .containsExactly("models/a.bin", "models/b.bin", "models/c.bin");
    assertThat(done.getStatus().message)
        .contains("305 files, 10 written (473 B), 292 already right")
        .contains("3 differ from the snapshot and were kept (overwrite: Never)")
        .contains("models/a.bin, models/b.bin, models/c.bin");
    assertThat(condition(done, "Complete").getReason()).isEqualTo("KeptDifferentFiles");
    assertWarning("never", "KeptDifferentFiles");
  }

  /** A Warning Event with {@code reason} about the request {@code name} was recorded. */
  void assertWarning(String name, String reason) {
    assertThat(client.v1().events().inNamespace(NS).list().getItems())
        .anySatisfy(
            e -> {
              assertThat(e.getType()).isEqualTo("Warning");
              assertThat(e.getReason()).isEqualTo(reason);
              assertThat(e.getInvolvedObject().getName()).isEqualTo(name);
            });
  }

  static io.fabric8.kubernetes.api.model.Condition condition(RestoreRequest r, String type) {
    return r.getStatus().conditions.stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void beforePicksTheNewestSnapshotAtOrBeforeTheTime() throws Exception {
    RestoreRequest r = request("before");
    r.getSpec().before = "2026-11-24T00:00:00Z";
    r.getSpec().include = List.of("checkpoints/step-100/**");
    create(r);
    var cmd = command("before");
    assertThat(cmd).contains(OLD).contains("models/checkpoints/step-100/**").doesNotContain(NEW);
  }

  @Test
  void aCheckpointRestoreLeavesTheChoiceAndTheCheckToTheJobWithinTheVolume() throws Exception {
    RestoreRequest r = request("resume");
    r.getSpec().checkpoint = "latest";
    r.getSpec().verifyBeforeRestore = true;
    create(r);
    assertThat(command("resume"))
        .containsSubsequence("arca", "restore", "--checkpoint", "latest", "--verify-first")
        .containsSubsequence("--include", "models/**")
        .doesNotContain(NEW, OLD, "latest-snapshot");
    RestoreRequest pending = inPhase("resume", Phase.Pending);
    assertThat(pending.getStatus().snapshotId).as("chosen by the Job").isNull();
    assertThat(condition(pending, "Ready").getMessage())
        .isEqualTo("restoring checkpoint latest (checked first) of models into PVC models");
    MockCluster.finish(
        client,
        job("resume"),
        true,
        "{\"snapshotId\":\""
            + OLD
            + "\",\"files\":2,\"written\":2,\"unchanged\":0,\"kept\":0,\"bytes\":2048,"
            + "\"checkpoint\":{\"path\":\"models/runs/a/checkpoint-200\",\"step\":200,"
            + "\"snapshotId\":\""
            + OLD
            + "\"},\"checkpointsRejected\":[{\"path\":\"models/runs/a/checkpoint-300\","
            + "\"step\":300,\"snapshotId\":\""
            + NEW
            + "\",\"reason\":\"blob 1234 is damaged\"}]}");
    RestoreRequest resumed = inPhase("resume", Phase.Succeeded);
    assertThat(resumed.getStatus().snapshotId).isEqualTo(OLD);
    assertThat(resumed.getStatus().checkpoint.path).isEqualTo("models/runs/a/checkpoint-200");
    assertThat(resumed.getStatus().checkpoint.step).isEqualTo(200);
    assertThat(resumed.getStatus().checkpointsRejected)
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.path).isEqualTo("models/runs/a/checkpoint-300");
              assertThat(c.snapshotId).isEqualTo(NEW);
              assertThat(c.reason).isEqualTo("blob 1234 is damaged");
            });
    assertThat(resumed.getStatus().message)
        .startsWith(
            "restored checkpoint models/runs/a/checkpoint-200 of snapshot "
                + OLD.substring(0, 12)
                + " into PVC models: 2 files");
    assertWarning("resume", "CheckpointsRejected");

    RestoreRequest step = request("step");
    step.getSpec().checkpoint = "1200";
    create(step);
    assertThat(command("step"))
        .containsSubsequence("--checkpoint", "1200")
        .doesNotContain("--verify-first");

    RestoreRequest both = request("both");
    both.getSpec().checkpoint = "latest";
    both.getSpec().snapshot = NEW;
    create(both);
    assertThat(inPhase("both", Phase.Failed).getStatus().message)
        .startsWith("spec.checkpoint chooses the snapshot and the folder itself");
    RestoreRequest alone = request("verify-alone");
    alone.getSpec().verifyBeforeRestore = true;
    create(alone);
    assertThat(inPhase("verify-alone", Phase.Failed).getStatus().message)
        .isEqualTo("spec.verifyBeforeRestore applies to a checkpoint restore");
  }

  @Test
  void byIdPrefixOrSnapshotName() throws Exception {
    RestoreRequest r = request("by-id");
    r.getSpec().snapshot = "aaaa";
    create(r);
    assertThat(command("by-id")).contains(OLD);
    // the engine's rule: a prefix in any case (SnapshotChoiceTest has the same cases)
    RestoreRequest upper = request("by-upper-prefix");
    upper.getSpec().snapshot = "AAAA";
    create(upper);
    assertThat(command("by-upper-prefix")).contains(OLD);
    RestoreRequest n = request("by-name");
    n.getSpec().snapshot = "models-new";
    create(n);
    assertThat(command("by-name")).contains(NEW);
  }

  @Test
  void intoACreatedPvcSizedFromTheSnapshotAndNotOwnedByTheRequest() throws Exception {
    RestoreRequest r = request("fresh");
    r.getSpec().target.pvc = "models-restored";
    r.getSpec().target.createPVC = new RestoreRequestSpec.CreatePvc();
    r.getSpec().target.createPVC.storageClassName = "fast";
    create(r);
    job("fresh");
    PersistentVolumeClaim pvc =
        client.persistentVolumeClaims().inNamespace(NS).withName("models-restored").get();
    assertThat(pvc.getSpec().getResources().getRequests().get("storage").toString())
        .isEqualTo("15Gi"); // 12 GiB + 20%
    assertThat(pvc.getSpec().getStorageClassName()).isEqualTo("fast");
    assertThat(pvc.getMetadata().getOwnerReferences()).isNullOrEmpty();
  }

  @Test
  void aReconcileThatDoesNotSeeTheStartedStatusAdoptsTheJobAndItsOwnPvc() throws Exception {
    RestoreRequest r = request("stale");
    r.getSpec().target.pvc = "stale-restored";
    r.getSpec().target.createPVC = new RestoreRequestSpec.CreatePvc();
    create(r);
    Job job = job("stale");
    inPhase("stale", Phase.Pending);
    // As if the status patch were lost (a stale cache, an operator crash): the next reconcile
    // sees no status, but the PVC and the Job it made exist.
    MockCluster.retryOnConflict(
        () ->
            client
                .resources(RestoreRequest.class)
                .inNamespace(NS)
                .withName("stale")
                .editStatus(
                    x -> {
                      x.setStatus(null);
                      return x;
                    }));
    // A change to the Job is an event for the reconciler; it must come after the operator's cache
    // has the lost status, which the test cannot see, so the Job is touched until one does.
    AtomicInteger touches = new AtomicInteger();
    RestoreRequest again =
        await(
            "stale Pending again",
            () -> {
              if (touches.getAndIncrement() % 10 == 0) {
                touch(job, touches.get());
              }
              RestoreRequest q = get("stale");
              return q.getStatus() != null && q.getStatus().phase == Phase.Pending ? q : null;
            });
    assertThat(again.getStatus().jobName).isEqualTo(job.getMetadata().getName());
    assertThat(
            client
                .batch()
                .v1()
                .jobs()
                .inNamespace(NS)
                .withLabel("arca.dev/restore", "stale")
                .list()
                .getItems())
        .hasSize(1);
  }

  private void touch(Job job, int n) {
    client
        .batch()
        .v1()
        .jobs()
        .inNamespace(NS)
        .withName(job.getMetadata().getName())
        .edit(
            j -> {
              j.getMetadata().getAnnotations().put("touched", String.valueOf(n));
              return j;
            });
  }

  @Test
  void whatDoesNotExistFailsWithAMessageSayingWhat() throws Exception {
    RestoreRequest noPolicy = request("no-policy");
    noPolicy.getSpec().policyRef.name = "nope";
    create(noPolicy);
    assertThat(inPhase("no-policy", Phase.Failed).getStatus().message)
        .contains("spec.policyRef.name")
        .contains("'nope'");

    RestoreRequest noSnap = request("no-snap");
    noSnap.getSpec().snapshot = "ffff";
    create(noSnap);
    assertThat(inPhase("no-snap", Phase.Failed).getStatus().message)
        .contains("spec.snapshot")
        .contains("'ffff'");

    RestoreRequest tooEarly = request("too-early");
    tooEarly.getSpec().before = "2020-01-01T00:00:00Z";
    create(tooEarly);
    assertThat(inPhase("too-early", Phase.Failed).getStatus().message)
        .contains("no snapshot at or before");

    RestoreRequest noPvc = request("no-pvc");
    noPvc.getSpec().target.pvc = "absent";
    create(noPvc);
    assertThat(inPhase("no-pvc", Phase.Failed).getStatus().message)
        .contains("spec.target.pvc")
        .contains("createPVC");

    snapshot("two-vols", "cc".repeat(32), "2026-11-26T02:30:00Z", List.of("a", "b"), 1L);
    RestoreRequest two = request("two");
    two.getSpec().snapshot = "two-vols";
    create(two);
    assertThat(inPhase("two", Phase.Failed).getStatus().message)
        .contains("spec.sourcePVC")
        .contains("a, b");

    RestoreRequest neither = request("neither");
    neither.getSpec().policyRef = null;
    create(neither);
    assertThat(inPhase("neither", Phase.Failed).getStatus().message)
        .contains("exactly one of policyRef, repository and catalogRef");

    // the Jobs run under the runtime's default seccomp profile, which a request may not undo
    RestoreRequest unconfined = request("unconfined");
    unconfined.getSpec().job = new dev.arca.api.v1alpha1.JobOverrides();
    unconfined.getSpec().job.podSecurityContext =
        new io.fabric8.kubernetes.api.model.PodSecurityContextBuilder()
            .withNewSeccompProfile()
            .withType("Unconfined")
            .endSeccompProfile()
            .build();
    create(unconfined);
    var refused = inPhase("unconfined", Phase.Failed).getStatus();
    assertThat(refused.message).startsWith("spec.job.podSecurityContext.seccompProfile: ");
    assertThat(refused.conditions)
        .anySatisfy(c -> assertThat(c.getReason()).isEqualTo("SecurityContextRefused"));

    assertThat(client.batch().v1().jobs().inNamespace(NS).list().getItems()).isEmpty();
  }

  @Test
  void latestChoosesAmongThisPolicysSnapshotsAndTheJobChecksTheOwnerInTheRepository()
      throws Exception {
    // a newer catalog entry of an earlier policy of the same name (deleted and created again)
    snapshot("models-earlier", "ee".repeat(32), "2026-11-30T02:30:00Z", List.of("models"), 1L);
    Snapshot earlier =
        client.resources(Snapshot.class).inNamespace(NS).withName("models-earlier").get();
    earlier.getSpec().policyUid = "uid-of-an-earlier-policy";
    client.resources(Snapshot.class).inNamespace(NS).resource(earlier).update();

    create(request("own"));
    List<String> cmd = command("own");
    assertThat(cmd)
        .containsSubsequence(
            "arca", "restore", "--host", NS + "/models", "--tag", "arca.dev/policy=models", NEW)
        .doesNotContain("ee".repeat(32));
  }

  @Test
  void anInlineRepositoryNeedsASnapshotIdOrWhoseSnapshotsToChooseAmong() throws Exception {
    RestoreRequest latest = inline("inline-latest");
    create(latest);
    assertThat(inPhase("inline-latest", Phase.Failed).getStatus().message)
        .contains("spec.snapshot")
        .contains("name the snapshot by id");

    // another namespace's snapshots: for a cluster admin to allow
    RestoreRequest other = inline("inline-other");
    other.getSpec().from = new RestoreRequestSpec.SnapshotSource();
    other.getSpec().from.namespace = "team-b";
    other.getSpec().from.policy = "training";
    create(other);
    assertThat(inPhase("inline-other", Phase.Failed).getStatus().message)
        .contains("spec.from.namespace", "restores.fromOtherNamespaces");
    RestorePlan allowed = RestorePlan.resolve(other, client, true);
    assertThat(allowed.among().selectArgs())
        .containsExactly("--host", "team-b/training", "--tag", "arca.dev/policy=training");
    assertThat(allowed.snapshot()).isEqualTo("latest");

    // this namespace's other policy, named with from: arca chooses among its snapshots
    RestoreRequest from = inline("inline-from");
    from.getSpec().from = new RestoreRequestSpec.SnapshotSource();
    from.getSpec().from.namespace = NS;
    from.getSpec().from.policy = "training";
    create(from);
    assertThat(command("inline-from"))
        .containsSubsequence(
            "arca",
            "restore",
            "--host",
            NS + "/training",
            "--tag",
            "arca.dev/policy=training",
            "latest");

    // an id: among the snapshots of this namespace's policies only
    RestoreRequest byId = inline("inline-id");
    byId.getSpec().snapshot = "abcdef12";
    create(byId);
    assertThat(command("inline-id"))
        .containsSubsequence("arca", "restore", "--tag", "arca.dev/namespace=" + NS, "abcdef12")
        .doesNotContain("--host");
  }

  /** A pod in {@code phase} on {@code node} that mounts {@code pvc}, labelled (key, value, ...). */
  void pod(String name, String pvc, String phase, String node, String... labels) {
    Map<String, String> l = new java.util.HashMap<>();
    for (int i = 0; i < labels.length; i += 2) {
      l.put(labels[i], labels[i + 1]);
    }
    MockCluster.podMounting(client, NS, name, pvc, phase, node, l);
  }

  @Test
  void aVolumeThatPodsStillMountIsNotRestoredIntoAndThePodsAreNamed() throws Exception {
    pod("app-0", "models", "Running", "node-1");
    pod("app-1", "models", "Pending", null);
    pod("import-5x7", "models", "Succeeded", "node-1");
    pod("import-9k2", "models", "Failed", "node-2");
    pod("other-0", "datasets", "Running", "node-1");
    create(request("busy"));
    RestoreRequest failed = inPhase("busy", Phase.Failed);
    assertThat(failed.getStatus().message)
        .isEqualTo(
            "spec.target.pvc: PVC 'models' is in use by pods app-0, app-1 (Pending); stop them,"
                + " or set spec.target.allowInUse: true to restore into a volume in use");
    assertThat(condition(failed, "Ready").getReason()).isEqualTo("TargetInUse");
    assertWarning("busy", "TargetInUse");
    Thread.sleep(500); // a Job would follow the status within this
    assertThat(jobs("busy")).isEmpty();
  }

  @Test
  void finishedPodsAndThePodsOfThisRequestsOwnJobAreNotUsers() throws Exception {
    pod("import-5x7", "models", "Succeeded", "node-1");
    pod("import-9k2", "models", "Failed", "node-2");
    // a pod of this request's own Job (an earlier attempt, seen by a reconcile that has no status)
    pod(
        "mine-restore-x1",
        "models",
        "Running",
        "node-3",
        "app.kubernetes.io/managed-by",
        "arca",
        "arca.dev/restore",
        "mine");
    create(request("mine"));
    Job job = job("mine");
    assertThat(JobNodes.pinnedTo(job)).isEmpty();
    assertThat(inPhase("mine", Phase.Pending).getStatus().jobName)
        .isEqualTo(job.getMetadata().getName());

    // to any other request, that Job's pod is a user like any other
    create(request("late"));
    assertThat(inPhase("late", Phase.Failed).getStatus().message)
        .contains("in use by pod mine-restore-x1;");
  }

  /**
   * A request with allowInUse into the PVC {@code name} of {@code accessMode}, which running pods
   * {@code name-0}, {@code name-1}, ... use on {@code nodes}.
   */
  void allowedIntoVolumeInUse(String name, String accessMode, String... nodes) {
    MockCluster.pvc(client, NS, name, accessMode);
    for (int i = 0; i < nodes.length; i++) {
      pod(name + "-" + i, name, "Running", nodes[i]);
    }
    RestoreRequest r = request(name);
    r.getSpec().target.pvc = name;
    r.getSpec().target.allowInUse = true;
    create(r);
  }

  @Test
  void allowInUseRestoresAReadWriteOnceVolumeFromTheNodeItsPodsRunOn() throws Exception {
    allowedIntoVolumeInUse("ckpt", "ReadWriteOnce", "gpu-node-7", "gpu-node-7");
    assertThat(JobNodes.pinnedTo(job("ckpt"))).containsExactly("gpu-node-7");
    assertThat(inPhase("ckpt", Phase.Pending).getStatus().conditions)
        .anySatisfy(
            c ->
                assertThat(c.getMessage())
                    .contains("into PVC ckpt")
                    .contains("in use by pods ckpt-0, ckpt-1")
                    .contains("on node gpu-node-7"));

    // a volume every node can mount is restored from anywhere
    allowedIntoVolumeInUse("shared", "ReadWriteMany", "node-1", "node-2");
    assertThat(JobNodes.pinnedTo(job("shared"))).isEmpty();
  }

  @Test
  void aReadWriteOncePodVolumeInUseIsRefusedEvenWithAllowInUse() throws Exception {
    allowedIntoVolumeInUse("solo", "ReadWriteOncePod", "node-1");
    RestoreRequest failed = inPhase("solo", Phase.Failed);
    assertThat(failed.getStatus().message)
        .startsWith("spec.target.pvc: PVC 'solo' is in use by pod solo-0;")
        .contains("ReadWriteOncePod")
        .contains("no second pod can mount it")
        .doesNotContain("set spec.target.allowInUse");
    assertThat(condition(failed, "Ready").getReason()).isEqualTo("TargetInUse");
    Thread.sleep(500);
    assertThat(jobs("solo")).isEmpty();

    // in use on two nodes: not guessing which node to restore from
    allowedIntoVolumeInUse("split", "ReadWriteOnce", "node-a", "node-b");
    RestoreRequest conflict = inPhase("split", Phase.Failed);
    assertThat(conflict.getStatus().message).contains("node-a, node-b");
    assertThat(condition(conflict, "Ready").getReason()).isEqualTo("PlacementConflict");
    assertThat(jobs("split")).isEmpty();
  }

  @Test
  void aFailedRestoreJobIsReportedAsARestoreFailure() throws Exception {
    create(request("broken"));
    Job job = job("broken");
    MockCluster.finish(
        client,
        job,
        false,
        "{\"ok\":false,\"error\":\"snapshot is damaged: pack gone\",\"exitCode\":3}");
    RestoreRequest failed = inPhase("broken", Phase.Failed);
    assertThat(failed.getStatus().message).contains("pack gone");
    assertThat(condition(failed, "Complete").getReason()).isEqualTo("RestoreFailed");
  }

  @Test
  void aRestoreHungBeforeItsFirstProgressReportIsGivenUpAfterItsStallTimeout() throws Exception {
    RestoreRequest r = request("mute");
    r.getSpec().job = new dev.arca.api.v1alpha1.JobOverrides();
    r.getSpec().job.stallTimeoutSeconds = 60L;
    create(r);
    Job job = job("mute");
    MockCluster.runningPod(
        client, server, job, "mute-pod", Instant.now().minusSeconds(90), "opening repository\n");
    RestoreRequest failed = inPhase("mute", Phase.Failed);
    assertThat(failed.getStatus().message)
        .contains(
            "(since its container started, before its first progress report;"
                + " stallTimeoutSeconds is 60)");
    assertThat(condition(failed, "Complete").getReason()).isEqualTo("ProgressStalled");
    assertWarning("mute", "ProgressStalled");
    await("the stalled Job deleted", () -> jobs("mute").isEmpty() ? true : null);
  }

  /** A request into the PVC models from the policy's repository given inline. */
  private RestoreRequest inline(String name) {
    RestoreRequest r = request(name);
    r.getSpec().policyRef = null;
    r.getSpec().repository = new RepositorySpec();
    r.getSpec().repository.url = "s3://bucket/models";
    r.getSpec().repository.passwordSecretRef = new SecretKeyRef("pw", "password");
    return r;
  }
}
