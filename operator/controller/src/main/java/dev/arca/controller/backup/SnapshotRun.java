package dev.arca.controller.backup;

import dev.arca.api.v1alpha1.BackupPolicy;
import dev.arca.api.v1alpha1.BackupPolicySpec;
import dev.arca.api.v1alpha1.BackupPolicyStatus;
import dev.arca.api.v1alpha1.BackupPolicyStatus.SnapshotWait;
import dev.arca.api.v1alpha1.BackupPolicyStatus.VolumeSnapshotTaken;
import dev.arca.controller.Events;
import dev.arca.controller.JobLookup;
import dev.arca.controller.JobOutcome;
import dev.arca.controller.Reasons;
import dev.arca.controller.WarningEvents;
import dev.arca.controller.jobs.BackupJobs;
import dev.arca.controller.jobs.BackupRun;
import dev.arca.controller.jobs.SnapshotCopies;
import dev.arca.controller.metrics.ArcaMetrics;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * copyMethod Snapshot, the side effects: a run first asks for the CSI VolumeSnapshots of all its
 * Snapshot sources, back to back ({@link #request}); the policy waits (status.snapshotWait, its
 * activeJob the Job to be) until every one is ready to use, then the temporary PVCs are made from
 * them and the Job starts ({@link #advance}). A snapshot the driver fails, one that is deleted, or
 * one not ready within the start timeout fails the run with the driver's words. Every reconcile
 * deletes the VolumeSnapshots and temporary PVCs of runs that are over ({@link #sweep}): after the
 * Job ended, after a failure, and after an operator restart, whatever the status says, since they
 * carry their Job's name.
 */
final class SnapshotRun {
  /** How often a policy waiting for its VolumeSnapshots is looked at. */
  static final Duration WHILE_WAITING = Duration.ofSeconds(2);

  /**
   * How long a VolumeSnapshot or temporary PVC whose Job does not exist (yet) is left alone: the
   * Job is created in the same reconcile that made the PVCs, so an older one is a leftover.
   */
  static final Duration GRACE = Duration.ofMinutes(1);

  private final KubernetesClient client;
  private final Events events;
  private final ArcaMetrics metrics;

  SnapshotRun(KubernetesClient client, Events events, ArcaMetrics metrics) {
    this.client = client;
    this.events = events;
    this.metrics = metrics;
  }

  /** Whether the policy has a source with copyMethod Snapshot. */
  private static boolean mayHaveLeftovers(BackupPolicy p, BackupPolicyStatus st, List<Job> jobs) {
    return needed(p)
        || st.snapshotWait != null
        || (st.lastBackup != null
            && st.lastBackup.volumeSnapshots != null
            && !st.lastBackup.volumeSnapshots.isEmpty())
        || jobs.stream().anyMatch(j -> !BackupJobs.snapshotsOf(j).isEmpty());
  }

  static boolean needed(BackupPolicy p) {
    return p.getSpec().sources.stream().anyMatch(BackupPolicySpec.Source::fromSnapshot);
  }

  /**
   * Asks for the VolumeSnapshots of {@code run}, one per Snapshot source, as close together as the
   * API allows, and records the wait; a cluster without the VolumeSnapshot API fails the run.
   */
  void request(BackupPolicy p, BackupPolicyStatus st, BackupRun run, Instant now) {
    String job = run.jobName(p.getMetadata().getName());
    SnapshotWait w = new SnapshotWait();
    w.runTime = run.time().toString();
    w.full = run.full();
    w.runNow = run.runNow();
    w.since = now.toString();
    w.volumeSnapshots = new ArrayList<>();
    for (BackupPolicySpec.Source s : p.getSpec().sources) {
      if (!s.fromSnapshot()) {
        continue;
      }
      try {
        createIfMissing(snapshots(p).resource(SnapshotCopies.volumeSnapshot(p, job, s)));
      } catch (KubernetesClientException e) {
        st.activeJob = job; // so that fail() names it
        fail(p, st, refused(s.pvc, e), now);
        return;
      }
      w.volumeSnapshots.add(new VolumeSnapshotTaken(s.pvc, SnapshotCopies.name(job, s.pvc)));
    }
    st.activeJob = job;
    st.snapshotWait = w;
    events.normal(
        p,
        Reasons.VOLUME_SNAPSHOTS_REQUESTED,
        "VolumeSnapshots of PVC "
            + String.join(", ", w.volumeSnapshots.stream().map(v -> v.pvc).toList())
            + " requested for backup Job "
            + job,
        now);
  }

  /**
   * Looks at the waiting run's VolumeSnapshots: once every one is ready to use, makes the temporary
   * PVCs and returns the run, whose Job the caller starts; null while they are not (or after a
   * failure, recorded).
   */
  BackupRun advance(BackupPolicy p, BackupPolicyStatus st, Instant now) {
    SnapshotWait w = st.snapshotWait;
    boolean allReady = true;
    for (VolumeSnapshotTaken v : w.volumeSnapshots) {
      GenericKubernetesResource snap = snapshots(p).withName(v.volumeSnapshot).get();
      if (snap == null) {
        fail(
            p,
            st,
            "VolumeSnapshot "
                + v.volumeSnapshot
                + " of PVC "
                + v.pvc
                + " was deleted"
                + " before the backup read it",
            now);
        return null;
      }
      Map<String, Object> status = map(snap.getAdditionalProperties().get("status"));
      Map<String, Object> error = map(status.get("error"));
      if (error.get("message") != null) {
        fail(
            p,
            st,
            "VolumeSnapshot "
                + v.volumeSnapshot
                + " of PVC "
                + v.pvc
                + " failed: "
                + error.get("message"),
            now);
        return null;
      }
      v.creationTime = status.get("creationTime") == null ? null : "" + status.get("creationTime");
      v.readyToUse = Boolean.TRUE.equals(status.get("readyToUse"));
      allReady &= v.readyToUse;
    }
    if (!allReady) {
      Duration timeout = JobLookup.startTimeout(p.getSpec().job);
      if (Duration.between(Instant.parse(w.since), now).compareTo(timeout) > 0) {
        fail(p, st, notReady(p, w, timeout), now);
      }
      return null;
    }
    String job = st.activeJob;
    for (VolumeSnapshotTaken v : w.volumeSnapshots) {
      PersistentVolumeClaim source =
          client.persistentVolumeClaims().inNamespace(ns(p)).withName(v.pvc).get();
      if (source == null) {
        fail(p, st, "PVC " + v.pvc + " was deleted while its VolumeSnapshot was taken", now);
        return null;
      }
      GenericKubernetesResource snap = snapshots(p).withName(v.volumeSnapshot).get();
      if (snap == null) {
        fail(p, st, "VolumeSnapshot " + v.volumeSnapshot + " was deleted before the backup", now);
        return null;
      }
      createIfMissing(
          client
              .persistentVolumeClaims()
              .inNamespace(ns(p))
              .resource(SnapshotCopies.temporaryClaim(p, job, source, restoreSize(snap), snap)));
    }
    BackupRun run = new BackupRun(Instant.parse(w.runTime), Boolean.TRUE.equals(w.full), w.runNow);
    st.snapshotWait = null;
    return run;
  }

  /**
   * Deletes what {@code p}'s runs that are over made: not the active run's, not that of a Job that
   * still runs, and not what was made in the last minute for a Job not seen yet. Its Job goes
   * (Kubernetes keeps a PVC while any pod that names it exists, even a finished one; the run's
   * result is recorded by then) and its VolumeSnapshots, which own their temporary PVCs: the
   * garbage collector deletes those once both are gone. A cluster without the VolumeSnapshot API
   * has none.
   *
   * <p>Only policies that may have such leftovers look (two list calls): those with Snapshot
   * sources, waiting for snapshots, whose last backup read snapshots, or with a Job of a run that
   * read them. A policy with none of these makes no call (at a thousand policies, the two lists
   * were a third of the operator's requests). What a run left before its policy stopped using
   * Snapshot sources, and whose Job and record are gone, stays until the policy is deleted (it owns
   * them).
   *
   * @return whether some of them are still there (being deleted, or left for a later look)
   */
  boolean sweep(BackupPolicy p, BackupPolicyStatus st, List<Job> jobs, Instant now) {
    if (!mayHaveLeftovers(p, st, jobs)) {
      return false;
    }
    Map<String, String> selector = SnapshotCopies.ofPolicy(p.getMetadata().getName());
    List<HasMetadata> left = new ArrayList<>();
    try {
      left.addAll(
          client
              .persistentVolumeClaims()
              .inNamespace(ns(p))
              .withLabels(selector)
              .list()
              .getItems());
      left.addAll(snapshots(p).withLabels(selector).list().getItems());
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        return true; // tried again at the next look
      }
    }
    boolean pending = false;
    Map<String, Boolean> over = new HashMap<>(); // by Job: its run is over
    for (HasMetadata o : left) {
      String job = o.getMetadata().getLabels().get(SnapshotCopies.COPY_FOR);
      if (job == null || job.equals(st.activeJob)) {
        continue;
      }
      pending = true;
      if (!over.getOrDefault(job, false)) {
        over.put(job, over(job, o, jobs, now));
      }
    }
    for (String job : over.keySet().stream().filter(over::get).toList()) {
      try {
        client
            .batch()
            .v1()
            .jobs()
            .inNamespace(ns(p))
            .withName(job)
            .withPropagationPolicy(DeletionPropagation.BACKGROUND)
            .delete();
        deleteSnapshots(p, job);
      } catch (KubernetesClientException e) {
        // deleted at the next look
      }
    }
    return pending;
  }

  /** Whether the run of Job {@code job} that {@code o} was made for is over. */
  private boolean over(String job, HasMetadata o, List<Job> jobs, Instant now) {
    Job j = JobLookup.find(jobs, client, o.getMetadata().getNamespace(), job);
    if (j == null) {
      String created = o.getMetadata().getCreationTimestamp();
      return created == null || Instant.parse(created).plus(GRACE).isBefore(now);
    }
    return JobOutcome.ended(j);
  }

  /** Creates the object unless it exists (a request retried after a stale status: the same one). */
  private static void createIfMissing(Resource<?> r) {
    try {
      r.create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
    }
  }

  /** Gives the waiting run up ({@code why}); its VolumeSnapshots go with the next sweep. */
  void abandon(BackupPolicy p, BackupPolicyStatus st, String why, Instant now) {
    fail(p, st, why, now);
  }

  /** The run failed before its Job started: status, condition, metric and Event. */
  private void fail(BackupPolicy p, BackupPolicyStatus st, String message, Instant now) {
    BackupPolicyStatus.Failure f =
        RunFailure.record(
            p,
            st,
            Reasons.VOLUME_SNAPSHOT_FAILED,
            "backup Job " + st.activeJob + " not started: " + message,
            st.activeJob,
            metrics,
            now);
    events.warning(p, f.reason, f.message, now);
    deleteSnapshots(p, st.activeJob);
    st.activeJob = null;
    st.snapshotWait = null;
  }

  /**
   * Deletes the VolumeSnapshots of the run of {@code job} (their temporary PVCs follow them); what
   * fails here the sweep deletes later.
   */
  private void deleteSnapshots(BackupPolicy p, String job) {
    Map<String, String> labels = SnapshotCopies.labels(p.getMetadata().getName(), job);
    try {
      // one by one: deleting by name needs no deletecollection right
      for (var s : snapshots(p).withLabels(labels).list().getItems()) {
        snapshots(p).withName(name(s)).delete();
      }
    } catch (KubernetesClientException e) {
      // the sweep deletes them once the grace is over
    }
  }

  /** Why the API server refused a VolumeSnapshot of {@code pvc}. */
  private static String refused(String pvc, KubernetesClientException e) {
    if (e.getCode() == 404) {
      return "PVC "
          + pvc
          + " has copyMethod Snapshot, but this cluster has no VolumeSnapshot API"
          + " (snapshot.storage.k8s.io/v1): install the CSI snapshot CRDs and snapshot controller,"
          + " or use copyMethod Direct";
    }
    return "the API server refused the VolumeSnapshot of PVC " + pvc + ": " + e.getMessage();
  }

  /** What the snapshots that are not ready say, with the newest Warning Event of each. */
  private String notReady(BackupPolicy p, SnapshotWait w, Duration timeout) {
    List<String> out = new ArrayList<>();
    for (VolumeSnapshotTaken v : w.volumeSnapshots) {
      if (Boolean.TRUE.equals(v.readyToUse)) {
        continue;
      }
      Event last = WarningEvents.newest(client, ns(p), "VolumeSnapshot", v.volumeSnapshot);
      out.add(
          "VolumeSnapshot "
              + v.volumeSnapshot
              + " of PVC "
              + v.pvc
              + (v.creationTime == null ? " not cut" : " cut at " + v.creationTime)
              + (last == null ? "" : "; last event: " + WarningEvents.text(last)));
    }
    return "not ready to use within "
        + timeout.toSeconds()
        + " s (spec.job.startTimeoutSeconds; does the PVCs' CSI driver support snapshots?): "
        + String.join("; ", out);
  }

  private static Quantity restoreSize(GenericKubernetesResource snap) {
    Object size =
        snap == null ? null : map(snap.getAdditionalProperties().get("status")).get("restoreSize");
    try {
      return size == null ? null : new Quantity(size.toString());
    } catch (IllegalArgumentException e) {
      return null; // the source PVC's size then
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return o instanceof Map ? (Map<String, Object>) o : Map.of();
  }

  private MixedOperation<
          GenericKubernetesResource,
          GenericKubernetesResourceList,
          Resource<GenericKubernetesResource>>
      snapshotsOp() {
    return client.genericKubernetesResources(SnapshotCopies.VOLUME_SNAPSHOTS);
  }

  private io.fabric8.kubernetes.client.dsl.NonNamespaceOperation<
          GenericKubernetesResource,
          GenericKubernetesResourceList,
          Resource<GenericKubernetesResource>>
      snapshots(BackupPolicy p) {
    return snapshotsOp().inNamespace(ns(p));
  }

  private static String ns(BackupPolicy p) {
    return p.getMetadata().getNamespace();
  }

  private static String name(HasMetadata o) {
    return o.getMetadata().getName();
  }
}
