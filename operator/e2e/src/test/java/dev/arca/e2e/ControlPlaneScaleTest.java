package dev.arca.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arca.api.v1alpha1.BackupPolicy;
import dev.arca.contract.BackupReport;
import dev.arca.contract.Reports;
import dev.arca.controller.OperatorConfig;
import dev.arca.controller.OperatorMain;
import dev.arca.testcluster.cluster.LocalCluster;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * The control plane at scale (issue 24, item 6): 1,000 BackupPolicies in 100 namespaces, each
 * scheduled every minute, on a control plane of their own (etcd, kube-apiserver, the controller
 * manager without its Job controller) and the real operator wiring ({@link OperatorMain}) in this
 * JVM. The test plays the Jobs' part: each Job the operator creates ends at once, with a pod whose
 * termination message is a backup report. Over {@code arca.scale.minutes} schedule slots (default
 * 1, what CI runs; the next slot starts too, so the window's runs are not the last) it checks that
 * every policy ran exactly once per slot (no missed, no doubled run, none skipped), and measures
 * how late runs start after their minute (p50, p99, max), the operator's API requests (by verb and
 * resource, and status patches per run) and the heap of this JVM. It writes them to {@code
 * target/control-plane-scale.md}.
 */
@Isolated // it measures; nothing else should share the two cores
class ControlPlaneScaleTest {
  static final int NAMESPACES = Integer.getInteger("arca.scale.namespaces", 100);
  static final int PER_NAMESPACE = Integer.getInteger("arca.scale.perNamespace", 10);
  static final int MINUTES = Integer.getInteger("arca.scale.minutes", 1);

  /** Requests the operator's client sent, by "VERB resource[/status]". */
  private final Map<String, AtomicLong> requests = new ConcurrentHashMap<>();

  /** The backup Jobs the operator created, by "namespace/policy", by scheduled minute. */
  private final Map<String, Map<Instant, Integer>> slots = new ConcurrentHashMap<>();

  /** How late each Job was created after its scheduled minute (ms). */
  private final List<Long> delaysMs = Collections.synchronizedList(new ArrayList<>());

  /** The Jobs ended as good backups, by "namespace/policy". */
  private final Map<String, AtomicLong> ended = new ConcurrentHashMap<>();

  /**
   * Jobs of schedule slots before this one are ended; those of this slot (the one after the window)
   * are left running. By slot, not by the clock: on a loaded machine a window's Job may be created
   * or ended late, and it must still end before the next slot's run finds it running.
   */
  private volatile Instant leaveRunningFrom = Instant.MAX;

  @Test
  void aThousandPoliciesRunOnScheduleWithNoMissedOrDoubledRunAndNoPatchStorm() throws Exception {
    try (LocalCluster c =
        LocalCluster.startWithout("job-controller", "pod-garbage-collector-controller")) {
      KubernetesClient admin = c.client();
      for (Path crd : Files.list(Cluster.CHECKOUT.resolve("crds")).sorted().toList()) {
        c.kubectl("apply", "--server-side", "-f", crd.toString()).orFail();
      }
      setUp(admin);
      ExecutorService finisher = Executors.newFixedThreadPool(4);
      var jobs =
          admin
              .batch()
              .v1()
              .jobs()
              .inAnyNamespace()
              .inform(
                  new ResourceEventHandler<Job>() {
                    @Override
                    public void onAdd(Job job) {
                      if (job.getStatus() == null
                          || job.getStatus().getConditions() == null
                          || job.getStatus().getConditions().isEmpty()) {
                        seen(job);
                        finisher.submit(() -> finish(admin, job));
                      }
                    }

                    @Override
                    public void onUpdate(Job before, Job after) {}

                    @Override
                    public void onDelete(Job job, boolean unknown) {}
                  });
      KubernetesClient counted = countingClient(c.kubeconfig());
      Instant first = Instant.now().plusSeconds(40).truncatedTo(ChronoUnit.MINUTES).plusSeconds(60);
      OperatorMain operator =
          OperatorMain.start(
              counted,
              OperatorConfig.fromEnv(
                  Map.of("ARCA_ENGINE_IMAGE", "arca:scale", "ARCA_METRICS_PORT", "0")));
      long heapPeak = 0;
      // The slot after the window starts too (it is not counted), so that the window's last runs
      // are not the last the operator sees; its Jobs are left running, and the test closes the
      // operator 5 s into it once what it ended is recorded (at most 20 s later), well before
      // the next slot: a run of that slot left active by the test must not be due again while
      // the operator still runs (it would count as skipped).
      leaveRunningFrom = first.plus(Duration.ofMinutes(MINUTES));
      Instant end = leaveRunningFrom.plusSeconds(5);
      Instant measuredFrom = null;
      Map<String, Long> before = null;
      try {
        while (Instant.now().isBefore(end)) {
          if (measuredFrom == null && Instant.now().isAfter(first)) {
            measuredFrom = Instant.now();
            before = snapshot(); // the start-up's listing and first reconciles are not counted
          }
          Thread.sleep(5_000);
          heapPeak = Math.max(heapPeak, usedHeapAfterGc());
        }
        awaitRecorded(admin);
      } finally {
        operator.close();
        jobs.close();
        finisher.shutdownNow();
      }
      report(admin, first, measuredFrom, before, heapPeak);
      counted.close();
    }
  }

  /**
   * Waits (at most 20 s) until the operator has recorded every run the test ended: as many Snapshot
   * objects as ended Jobs, twice in a row (a Job being ended when the test stopped may still
   * count).
   */
  private void awaitRecorded(KubernetesClient admin) throws InterruptedException {
    Instant end = Instant.now().plusSeconds(20);
    int same = 0;
    while (same < 2 && Instant.now().isBefore(end)) {
      Thread.sleep(1_000);
      long done = ended.values().stream().mapToLong(AtomicLong::get).sum();
      long recorded =
          admin
              .genericKubernetesResources("arca.dev/v1alpha1", "Snapshot")
              .inAnyNamespace()
              .list()
              .getItems()
              .size();
      same = recorded == done ? same + 1 : 0;
    }
  }

  /** The namespaces with their Secret, PVC and policies, eight namespaces at a time. */
  private static void setUp(KubernetesClient admin) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<java.util.concurrent.Future<?>> made = new ArrayList<>();
      for (int n = 0; n < NAMESPACES; n++) {
        String ns = "scale-" + n;
        made.add(pool.submit(() -> setUp(admin, ns)));
      }
      for (var f : made) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static void setUp(KubernetesClient admin, String ns) {
    admin
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
        .create();
    admin
        .secrets()
        .inNamespace(ns)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("pw")
                .endMetadata()
                .addToStringData("password", "x")
                .build())
        .create();
    admin
        .persistentVolumeClaims()
        .inNamespace(ns)
        .resource(
            new PersistentVolumeClaimBuilder()
                .withNewMetadata()
                .withName("models")
                .endMetadata()
                .withNewSpec()
                .withAccessModes("ReadWriteOnce")
                .withNewResources()
                .addToRequests("storage", new Quantity("1Gi"))
                .endResources()
                .endSpec()
                .build())
        .create();
    for (int i = 0; i < PER_NAMESPACE; i++) {
      admin.resources(BackupPolicy.class).inNamespace(ns).resource(policy(ns, "p" + i)).create();
    }
  }

  /** A policy of the namespace's PVC, every minute, to an S3 bucket no Job ever reaches. */
  private static BackupPolicy policy(String ns, String name) {
    BackupPolicy p = new BackupPolicy();
    p.getMetadata().setName(name);
    p.getMetadata().setNamespace(ns);
    var spec = new dev.arca.api.v1alpha1.BackupPolicySpec();
    spec.schedule = "* * * * *";
    var src = new dev.arca.api.v1alpha1.BackupPolicySpec.Source();
    src.pvc = "models";
    spec.sources = List.of(src);
    spec.repository = new dev.arca.api.v1alpha1.RepositorySpec();
    spec.repository.url = "s3://bucket/" + ns + "/" + name;
    spec.repository.passwordSecretRef = new dev.arca.api.v1alpha1.SecretKeyRef("pw", "password");
    p.setSpec(spec);
    return p;
  }

  /** Counts a new backup Job in its policy's slot, and how late it came. */
  private void seen(Job job) {
    String at = job.getMetadata().getAnnotations().get("arca.dev/scheduled-time");
    if (at == null) {
      return;
    }
    Instant slot = Instant.parse(at);
    slots
        .computeIfAbsent(policyOf(job), k -> new ConcurrentHashMap<>())
        .merge(slot, 1, Integer::sum);
    delaysMs.add(
        Duration.between(slot, Instant.parse(job.getMetadata().getCreationTimestamp())).toMillis());
  }

  private static String policyOf(Job job) {
    return job.getMetadata().getNamespace()
        + "/"
        + job.getMetadata().getLabels().get("arca.dev/policy");
  }

  /** Ends {@code job} as a good backup: its pod's termination message, then the Job's status. */
  private void finish(KubernetesClient admin, Job job) {
    String at = job.getMetadata().getAnnotations().get("arca.dev/scheduled-time");
    if (at == null || !Instant.parse(at).isBefore(leaveRunningFrom)) {
      return;
    }
    String ns = job.getMetadata().getNamespace();
    String name = job.getMetadata().getName();
    try {
      Pod pod =
          admin
              .pods()
              .inNamespace(ns)
              .resource(
                  new PodBuilder()
                      .withNewMetadata()
                      .withName(name + "-x")
                      .addToLabels("job-name", name)
                      .withOwnerReferences(
                          new OwnerReferenceBuilder()
                              .withApiVersion("batch/v1")
                              .withKind("Job")
                              .withName(name)
                              .withUid(job.getMetadata().getUid())
                              .withController(true)
                              .build())
                      .endMetadata()
                      .withNewSpec()
                      .withNodeName("scale-node")
                      .withRestartPolicy("Never")
                      .addNewContainer()
                      .withName("arca")
                      .withImage("arca:scale")
                      .endContainer()
                      .endSpec()
                      .build())
              .create();
      Instant now = Instant.now();
      pod.setStatus(
          new io.fabric8.kubernetes.api.model.PodStatusBuilder()
              .withPhase("Succeeded")
              .withContainerStatuses(
                  new ContainerStatusBuilder()
                      .withName("arca")
                      .withImage("arca:scale")
                      .withImageID("")
                      .withReady(false)
                      .withRestartCount(0)
                      .withNewState()
                      .withNewTerminated()
                      .withExitCode(0)
                      .withReason("Completed")
                      .withMessage(Reports.json(report()))
                      .endTerminated()
                      .endState()
                      .build())
              .build());
      admin.pods().inNamespace(ns).resource(pod).updateStatus();
      admin
          .batch()
          .v1()
          .jobs()
          .inNamespace(ns)
          .withName(name)
          .editStatus(
              j ->
                  new JobBuilder(j)
                      .withNewStatus()
                      .withStartTime(now.toString())
                      .withCompletionTime(now.plusSeconds(1).toString())
                      .withSucceeded(1)
                      .withConditions(
                          new JobConditionBuilder()
                              .withType("SuccessCriteriaMet")
                              .withStatus("True")
                              .withReason("CompletionsReached")
                              .withMessage("Reached expected number of succeeded pods")
                              .build(),
                          new JobConditionBuilder()
                              .withType("Complete")
                              .withStatus("True")
                              .withReason("CompletionsReached")
                              .withMessage("Reached expected number of succeeded pods")
                              .build())
                      .endStatus()
                      .build());
      ended.computeIfAbsent(policyOf(job), k -> new AtomicLong()).incrementAndGet();
    } catch (RuntimeException e) {
      System.err.println("scale: could not end Job " + ns + "/" + name + ": " + e);
    }
  }

  private static final Random RANDOM = new Random();

  private static BackupReport report() {
    byte[] id = new byte[32];
    RANDOM.nextBytes(id);
    return new BackupReport(
        HexFormat.of().formatHex(id),
        null,
        "incremental",
        10,
        2,
        1000,
        0,
        0,
        10,
        0,
        0,
        List.of(),
        List.of(),
        List.of(),
        5,
        false);
  }

  /** A client that counts its requests by verb and resource. */
  private KubernetesClient countingClient(Path kubeconfig) throws Exception {
    Config cfg = Config.fromKubeconfig(Files.readString(kubeconfig));
    return new KubernetesClientBuilder()
        .withConfig(cfg)
        .withHttpClientBuilderConsumer(
            b ->
                b.addOrReplaceInterceptor(
                    "count",
                    new Interceptor() {
                      @Override
                      public void before(
                          BasicBuilder builder, HttpRequest request, RequestTags tags) {
                        requests
                            .computeIfAbsent(key(request), k -> new AtomicLong())
                            .incrementAndGet();
                      }
                    }))
        .build();
  }

  /** "VERB resource" (with /status for the status subresource, watch for watches). */
  static String key(HttpRequest r) {
    String path = r.uri().getPath();
    String[] parts = path.split("/");
    String resource = "?";
    for (int i = 0; i < parts.length; i++) {
      if (parts[i].equals("namespaces") && i + 2 < parts.length) {
        resource = parts[i + 2];
      } else if (resource.equals("?") && i == parts.length - 1) {
        resource = parts[i];
      }
    }
    if (path.endsWith("/status")) {
      resource += "/status";
    }
    String q = r.uri().getQuery();
    String verb = r.method();
    if (q != null && q.contains("watch=true")) {
      verb = "WATCH";
    }
    return verb + " " + resource;
  }

  private Map<String, Long> snapshot() {
    Map<String, Long> out = new TreeMap<>();
    requests.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  private static long usedHeapAfterGc() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private void report(
      KubernetesClient admin,
      Instant first,
      Instant measuredFrom,
      Map<String, Long> before,
      long heapPeak)
      throws Exception {
    int missed = 0;
    int doubled = 0;
    long skipped = 0;
    long runs = 0;
    long unrecorded = 0;
    List<String> problems = new ArrayList<>();
    for (int n = 0; n < NAMESPACES; n++) {
      String ns = "scale-" + n;
      Map<String, Long> snapshots = new TreeMap<>();
      for (var s :
          admin
              .genericKubernetesResources("arca.dev/v1alpha1", "Snapshot")
              .inNamespace(ns)
              .list()
              .getItems()) {
        snapshots.merge(s.getMetadata().getLabels().get("arca.dev/policy"), 1L, Long::sum);
      }
      for (int i = 0; i < PER_NAMESPACE; i++) {
        String policy = ns + "/p" + i;
        Map<Instant, Integer> bySlot = slots.getOrDefault(policy, Map.of());
        for (int m = 0; m < MINUTES; m++) {
          Instant slot = first.plus(Duration.ofMinutes(m));
          int count = bySlot.getOrDefault(slot, 0);
          runs += count;
          if (count == 0) {
            missed++;
            if (problems.size() < 10) {
              problems.add(policy + " missed " + slot);
            }
          } else if (count > 1) {
            doubled++;
            problems.add(policy + " ran " + count + " times at " + slot);
          }
        }
        long done = ended.getOrDefault(policy, new AtomicLong()).get();
        long recorded = snapshots.getOrDefault("p" + i, 0L);
        if (recorded != done) {
          unrecorded += Math.abs(done - recorded);
          if (problems.size() < 20) {
            problems.add(policy + ": " + done + " runs ended, " + recorded + " recorded");
          }
        }
        BackupPolicy p =
            admin.resources(BackupPolicy.class).inNamespace(ns).withName("p" + i).get();
        skipped +=
            p.getStatus() == null || p.getStatus().skippedRuns == null
                ? 0
                : p.getStatus().skippedRuns;
      }
    }
    Collections.sort(delaysMs);
    Map<String, Long> after = snapshot();
    double seconds = Duration.between(measuredFrom, Instant.now()).toMillis() / 1000.0;
    StringBuilder md = new StringBuilder();
    int policies = NAMESPACES * PER_NAMESPACE;
    md.append("# Control plane at scale\n\n")
        .append(policies)
        .append(" BackupPolicies in ")
        .append(NAMESPACES)
        .append(" namespaces, every minute, ")
        .append(MINUTES)
        .append(" schedule slots from ")
        .append(first)
        .append("\n\n")
        .append("| figure | value |\n|---|--:|\n")
        .append("| runs recorded (Snapshot objects in the slots) | ")
        .append(runs)
        .append(" |\n")
        .append("| missed slots | ")
        .append(missed)
        .append(" |\n")
        .append("| doubled slots | ")
        .append(doubled)
        .append(" |\n")
        .append("| runs ended but not recorded once (Snapshot objects) | ")
        .append(unrecorded)
        .append(" |\n")
        .append("| runs skipped (status.skippedRuns) | ")
        .append(skipped)
        .append(" |\n")
        .append("| start delay after the minute, p50 | ")
        .append(pct(delaysMs, 50))
        .append(" ms |\n")
        .append("| start delay, p99 | ")
        .append(pct(delaysMs, 99))
        .append(" ms |\n")
        .append("| start delay, max | ")
        .append(pct(delaysMs, 100))
        .append(" ms |\n")
        .append("| heap used after GC, peak (operator + this test's Job player) | ")
        .append(heapPeak >> 20)
        .append(" MiB |\n");
    long total = 0;
    long statusPatches = 0;
    StringBuilder byVerb = new StringBuilder();
    for (Map.Entry<String, Long> e : after.entrySet()) {
      long d = e.getValue() - before.getOrDefault(e.getKey(), 0L);
      if (d == 0) {
        continue;
      }
      total += d;
      if (e.getKey().equals("PATCH backuppolicies/status")
          || e.getKey().equals("PUT backuppolicies/status")) {
        statusPatches += d;
      }
      byVerb
          .append("| ")
          .append(e.getKey())
          .append(" | ")
          .append(d)
          .append(" | ")
          .append(String.format("%.1f", d / seconds))
          .append(" |\n");
    }
    md.append("| operator API requests per second | ")
        .append(String.format("%.1f", total / seconds))
        .append(" |\n")
        .append("| policy status writes per run | ")
        .append(String.format("%.2f", runs == 0 ? 0.0 : (double) statusPatches / runs))
        .append(" |\n\n| request | count | per second |\n|---|--:|--:|\n")
        .append(byVerb);
    Path out = Path.of("target", "control-plane-scale.md");
    Files.writeString(out, md.toString());
    System.out.println(md);
    assertThat(problems).as("missed or doubled runs").isEmpty();
    assertThat(missed).isZero();
    assertThat(doubled).isZero();
    assertThat(unrecorded).isZero();
    assertThat(skipped).isZero();
    assertThat((double) statusPatches / runs)
        .as("status writes per run: start, end and little else (no patch storm)")
        .isLessThanOrEqualTo(4.0);
  }

  private static long pct(List<Long> sorted, int p) {
    if (sorted.isEmpty()) {
      return -1;
    }
    int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
  }
}
