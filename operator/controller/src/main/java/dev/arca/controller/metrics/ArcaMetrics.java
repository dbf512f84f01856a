package dev.arca.controller.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** The operator's metrics: what an alert on "no successful backup for too long" needs, and more. */
public final class ArcaMetrics {
  private final MeterRegistry registry;
  private final Map<String, AtomicLong> gauges = new ConcurrentHashMap<>();

  /** Uids of deleted policies (the latest thousand), whose gauges must not come back. */
  private final Map<String, Boolean> deleted =
      new java.util.LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          return size() > 1000;
        }
      };

  public ArcaMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** A finished run of {@code kind} (backup, restore, forget, prune, verify). */
  public void run(String namespace, String owner, String kind, boolean ok, Duration took) {
    Tags tags = Tags.of("namespace", namespace, "kind", kind, "result", ok ? "success" : "failure");
    Counter.builder("arca_runs_total")
        .description("Finished Jobs by kind and result")
        .tags(tags)
        .register(registry)
        .increment();
    if (took != null && !took.isNegative()) {
      Timer.builder("arca_run_duration_seconds")
          .description("Wall time of finished Jobs")
          .tags(tags)
          .register(registry)
          .record(took);
    }
  }

  /**
   * A successful backup of {@code policy}: when it finished and what it stored. Like {@link
   * #policy}, sets nothing for a policy {@link #forgetPolicy} removed (a Job that ended after its
   * policy was deleted).
   */
  public synchronized void backup(
      String namespace, String policy, String uid, Instant finished, long bytes, long stored) {
    if (uid != null && deleted.containsKey(uid)) {
      return;
    }
    gauge(
            "arca_backup_last_success_timestamp_seconds",
            "Time of the last successful backup",
            namespace,
            policy)
        .set(finished.getEpochSecond());
    gauge("arca_backup_last_bytes", "Bytes of the files in the last backup", namespace, policy)
        .set(bytes);
    gauge(
            "arca_backup_last_stored_bytes",
            "Bytes the last backup added to the repository",
            namespace,
            policy)
        .set(stored);
  }

  /**
   * What a policy's status says, as gauges the chart's alerts use; set on every reconcile, so that
   * a restarted or newly elected operator reports them too.
   *
   * @param uid the policy's uid: no gauges come back for a policy {@link #forgetPolicy} removed
   * @param created when the policy was created: the overdue alert counts from it until the first
   *     success, so a policy that never succeeds is noticed too
   * @param lastSuccess completion of the last successful backup, or null if none yet
   * @param lastFailed whether the latest backup run failed
   * @param interval time between two scheduled runs; zero when the policy is suspended
   * @param damageFound whether the last verification found damaged objects
   */
  public synchronized void policy(
      String namespace,
      String policy,
      String uid,
      Instant created,
      Instant lastSuccess,
      boolean lastFailed,
      Duration interval,
      boolean damageFound) {
    if (uid != null && deleted.containsKey(uid)) {
      return; // a reconcile that ended after the policy was deleted: its gauges stay gone
    }
    if (created != null) {
      gauge(
              "arca_backup_policy_created_timestamp_seconds",
              "Time the BackupPolicy was created",
              namespace,
              policy)
          .set(created.getEpochSecond());
    }
    if (lastSuccess != null) {
      gauge(
              "arca_backup_last_success_timestamp_seconds",
              "Time of the last successful backup",
              namespace,
              policy)
          .set(lastSuccess.getEpochSecond());
    }
    gauge(
            "arca_backup_last_failed",
            "1 when the latest backup run of the policy failed",
            namespace,
            policy)
        .set(lastFailed ? 1 : 0);
    gauge(
            "arca_backup_interval_seconds",
            "Time between two scheduled backups of the policy (0 when suspended)",
            namespace,
            policy)
        .set(interval.getSeconds());
    gauge(
            "arca_verify_damage_found",
            "1 when the last verification of the policy's repository found damage",
            namespace,
            policy)
        .set(damageFound ? 1 : 0);
  }

  /**
   * The parts of a policy's running backup run: how many, how many succeeded, and the bytes each
   * has read (a run in one Job, or none: 0 parts).
   */
  public synchronized void parts(
      String namespace, String policy, int total, long succeeded, List<Long> bytesByPart) {
    gauge("arca_backup_parts", "Parts of the running backup run (0: none)", namespace, policy)
        .set(total);
    gauge(
            "arca_backup_parts_succeeded",
            "Parts of the running backup run that succeeded",
            namespace,
            policy)
        .set(succeeded);
    for (int i = 0; i < bytesByPart.size(); i++) {
      String part = String.valueOf(i);
      long v = bytesByPart.get(i);
      gauges
          .computeIfAbsent(
              "arca_backup_part_bytes_done|" + part + "|" + namespace + "|" + policy,
              k -> {
                AtomicLong g = new AtomicLong();
                Gauge.builder("arca_backup_part_bytes_done", g, AtomicLong::get)
                    .description("Bytes read so far by each part of the running backup run")
                    .tags("namespace", namespace, "policy", policy, "part", part)
                    .register(registry);
                return g;
              })
          .set(v);
    }
  }

  /**
   * Removes every gauge of a deleted policy, so that no alert fires for a policy that no longer
   * exists (its last success would otherwise age forever).
   */
  public synchronized void forgetPolicy(String namespace, String policy, String uid) {
    if (uid != null) {
      deleted.put(uid, Boolean.TRUE);
    }
    String suffix = "|" + namespace + "|" + policy;
    gauges.keySet().removeIf(k -> k.endsWith(suffix));
    registry.getMeters().stream()
        .filter(m -> m.getId().getName().startsWith("arca_"))
        .filter(m -> namespace.equals(m.getId().getTag("namespace")))
        .filter(m -> policy.equals(m.getId().getTag("policy")))
        .toList()
        .forEach(registry::remove);
  }

  private AtomicLong gauge(String name, String help, String namespace, String policy) {
    return gauges.computeIfAbsent(
        name + "|" + namespace + "|" + policy,
        k -> {
          AtomicLong v = new AtomicLong();
          Gauge.builder(name, v, AtomicLong::get)
              .description(help)
              .tags("namespace", namespace, "policy", policy)
              .register(registry);
          return v;
        });
  }
}
