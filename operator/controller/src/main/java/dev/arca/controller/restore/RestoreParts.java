package dev.arca.controller.restore;

import dev.arca.api.v1alpha1.Progress;
import dev.arca.api.v1alpha1.RestoreRequest;
import dev.arca.api.v1alpha1.RestoreRequestStatus;
import dev.arca.api.v1alpha1.RestoreRequestStatus.Phase;
import dev.arca.contract.Received;
import dev.arca.contract.Reports;
import dev.arca.contract.RestoreReport;
import dev.arca.controller.Events;
import dev.arca.controller.JobLookup;
import dev.arca.controller.JobOutcome;
import dev.arca.controller.OperatorConfig;
import dev.arca.controller.ProgressWatch;
import dev.arca.controller.Reasons;
import dev.arca.controller.RunKind;
import dev.arca.controller.jobs.RestoreJobs;
import dev.arca.controller.metrics.ArcaMetrics;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A RestoreRequest with one target and {@code spec.parallelism} above 1: its Jobs restore one
 * snapshot into one ReadWriteMany volume at once, each its share of the files ({@code arca restore
 * ID --part I/N}, each file checked by SHA-256), then a last Job makes the links and folder
 * metadata ({@code --folders-only}), and the request records the parts' figures together. A part
 * that fails fails the request, naming it; the others are stopped (the target holds what they
 * wrote, as after any failed restore).
 */
final class RestoreParts {
  private final KubernetesClient client;
  private final OperatorConfig cfg;
  private final Events events;
  private final ArcaMetrics metrics;

  RestoreParts(KubernetesClient client, OperatorConfig cfg, Events events, ArcaMetrics metrics) {
    this.client = client;
    this.cfg = cfg;
    this.events = events;
    this.metrics = metrics;
  }

  /** Whether {@code r} restores in parts into one target. */
  static boolean applies(RestoreRequest r) {
    return r.getSpec().target != null
        && r.getSpec().parallelism != null
        && r.getSpec().parallelism > 1;
  }

  /** Starts the parts, follows them, then the folders Job; records the end. */
  void reconcile(RestoreRequest r, RestoreRequestStatus st, List<Job> jobs, Instant now) {
    if (st.parts == null) {
      start(r, st, now);
    } else if (st.jobName == null) {
      followParts(r, st, jobs, now);
    } else {
      followFolders(r, st, jobs, now);
    }
  }

  private void start(RestoreRequest r, RestoreRequestStatus st, Instant now) {
    int n = r.getSpec().parallelism;
    RestoreStart.Outcome o = new RestoreStart(client, cfg, events).startParts(r, now, n);
    if (o.job() == null) {
      RestoreRecorder.refused(r, st, o.reason(), o.message(), events, now);
      return;
    }
    RestoreRequestReconciler.markStarted(r, st, o.plan(), null, now.toString(), now);
    st.message = st.message + ", in " + n + " parts";
    st.parts = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      RestoreRequestStatus.PartStatus p = new RestoreRequestStatus.PartStatus();
      p.index = i;
      p.job = RestoreJobs.partJobName(r, i);
      p.phase = Phase.Running;
      st.parts.add(p);
    }
    done(st);
    events.normal(r, Reasons.RESTORE_STARTED, st.message, now);
  }

  private void followParts(RestoreRequest r, RestoreRequestStatus st, List<Job> jobs, Instant now) {
    boolean running = false;
    for (RestoreRequestStatus.PartStatus p : st.parts) {
      if (p.phase != Phase.Running) {
        continue;
      }
      Job job = JobLookup.find(jobs, client, r.getMetadata().getNamespace(), p.job);
      JobOutcome o =
          job == null
              ? new JobOutcome(
                  true,
                  false,
                  Reasons.JOB_DELETED,
                  "its Job was deleted before it ended",
                  null,
                  null)
              : JobOutcome.observe(
                  client, job, RunKind.RESTORE, now, JobLookup.startTimeout(r.getSpec().job));
      if (!o.finished()) {
        running |= o.pod() != null && o.pod().running();
        o = watch(r, p, job, o, now);
        if (!o.finished()) {
          continue;
        }
      }
      RestoreReport rep = o.result() == null ? null : o.result().as(RestoreReport.class);
      if (rep != null) {
        p.files = rep.files();
        p.bytes = rep.bytes();
        if (o.succeeded()) {
          p.progress = finished(rep);
        }
      }
      if (!o.succeeded()) {
        p.phase = Phase.Failed;
        p.message = o.message();
        fail(r, st, job, p, o, now);
        return;
      }
      p.phase = Phase.Succeeded;
    }
    if (running && st.phase == Phase.Pending) {
      st.phase = Phase.Running;
    }
    done(st);
    if (st.parts.stream().allMatch(p -> p.phase == Phase.Succeeded)) {
      startFolders(r, st, jobs, now);
    }
  }

  /** Reads a running part's progress; a part stalled past its timeout is given up, named. */
  private JobOutcome watch(
      RestoreRequest r, RestoreRequestStatus.PartStatus p, Job job, JobOutcome o, Instant now) {
    if (o.pod() == null || !o.pod().running()) {
      return o;
    }
    ProgressWatch.Watched w = ProgressWatch.watch(client, job, o, p.progress, r.getSpec().job, now);
    p.progress = w.progress();
    return w.outcome();
  }

  /** A succeeded part's progress: all of what it restored. */
  private static Progress finished(RestoreReport rep) {
    Progress done = new Progress();
    done.bytesDone = rep.bytes();
    done.bytesTotal = rep.bytes();
    done.filesDone = rep.files();
    done.percent = 100;
    return done;
  }

  /** Every part restored its files: the folders Job, a copy of part 0's with --folders-only. */
  private void startFolders(
      RestoreRequest r, RestoreRequestStatus st, List<Job> jobs, Instant now) {
    Job part0 = JobLookup.find(jobs, client, r.getMetadata().getNamespace(), st.parts.get(0).job);
    if (part0 == null) {
      RestoreRecorder.refused(
          r,
          st,
          Reasons.JOB_DELETED,
          "Job "
              + st.parts.get(0).job
              + " was deleted before the folders Job could be made from it; the files are restored,"
              + " the links and folder metadata are not: apply the request again under a new name",
          events,
          now);
      return;
    }
    Job folders = RestoreJobs.part(r, RestoreJobs.unpart(part0), -1, st.parts.size());
    String refused = new RestoreStart(client, cfg, events).create(folders);
    if (refused != null) {
      RestoreRecorder.refused(r, st, Reasons.JOB_NOT_CREATED, refused, events, now);
      return;
    }
    st.jobName = folders.getMetadata().getName();
  }

  private void followFolders(
      RestoreRequest r, RestoreRequestStatus st, List<Job> jobs, Instant now) {
    RestoreRecorder recorder = new RestoreRecorder(client, events, metrics);
    Job job = JobLookup.find(jobs, client, r.getMetadata().getNamespace(), st.jobName);
    if (job == null) {
      recorder.finish(
          r,
          st,
          null,
          new JobOutcome(
              true,
              false,
              Reasons.JOB_DELETED,
              "Job " + st.jobName + " was deleted before it ended; its result is unknown",
              null,
              null),
          now);
      return;
    }
    JobOutcome o =
        JobOutcome.observe(
            client, job, RunKind.RESTORE, now, JobLookup.startTimeout(r.getSpec().job));
    if (!o.finished()) {
      return;
    }
    RestoreReport folders = o.result() == null ? null : o.result().as(RestoreReport.class);
    RestoreReport all = joined(r, st, jobs, folders);
    recorder.finish(
        r,
        st,
        job,
        new JobOutcome(
            true,
            o.succeeded(),
            o.reason(),
            o.message(),
            all == null ? o.result() : Received.parse(Reports.json(all)),
            null),
        now);
  }

  /** The parts' reports and the folders Job's, as one; null when the folders Job left none. */
  private RestoreReport joined(
      RestoreRequest r, RestoreRequestStatus st, List<Job> jobs, RestoreReport folders) {
    if (folders == null) {
      return null;
    }
    long files = 0;
    long written = 0;
    long unchanged = 0;
    long kept = 0;
    long bytes = 0;
    List<String> keptPaths = new ArrayList<>();
    List<String> failures = new ArrayList<>(folders.failures());
    boolean damaged = folders.damaged();
    for (RestoreRequestStatus.PartStatus p : st.parts) {
      Job job = JobLookup.find(jobs, client, r.getMetadata().getNamespace(), p.job);
      Received got = job == null ? null : JobOutcome.of(job, client, RunKind.RESTORE).result();
      RestoreReport rep = got == null ? null : got.as(RestoreReport.class);
      if (rep == null) {
        files += p.files == null ? 0 : p.files;
        bytes += p.bytes == null ? 0 : p.bytes;
        continue;
      }
      files += rep.files();
      written += rep.written();
      unchanged += rep.unchanged();
      kept += rep.kept();
      bytes += rep.bytes();
      rep.keptPaths().stream().limit(Math.max(0, 20 - keptPaths.size())).forEach(keptPaths::add);
      failures.addAll(rep.failures());
      damaged |= rep.damaged();
    }
    return RestoreReport.restored(
        folders.snapshotId(),
        files,
        written,
        unchanged,
        kept,
        keptPaths,
        bytes,
        folders.dirs(),
        folders.symlinks(),
        failures,
        damaged,
        st.startTime == null
            ? folders.durationMs()
            : java.time.Duration.between(Instant.parse(st.startTime), Instant.now()).toMillis());
  }

  /** Part {@code p} failed: so does the request; the parts still running are stopped. */
  private void fail(
      RestoreRequest r,
      RestoreRequestStatus st,
      Job job,
      RestoreRequestStatus.PartStatus p,
      JobOutcome o,
      Instant now) {
    for (RestoreRequestStatus.PartStatus other : st.parts) {
      if (other.phase == Phase.Running) {
        client
            .batch()
            .v1()
            .jobs()
            .inNamespace(r.getMetadata().getNamespace())
            .withName(other.job)
            .withPropagationPolicy(DeletionPropagation.BACKGROUND)
            .delete();
        other.phase = Phase.Failed;
        other.message = "stopped: part " + p.index + " failed";
      }
    }
    done(st);
    new RestoreRecorder(client, events, metrics)
        .finish(
            r,
            st,
            job,
            new JobOutcome(
                true,
                false,
                o.reason(),
                "part "
                    + p.index
                    + " of "
                    + st.parts.size()
                    + " (Job "
                    + p.job
                    + ") failed: "
                    + o.message(),
                o.result(),
                null),
            now);
  }

  private static void done(RestoreRequestStatus st) {
    long ok = st.parts.stream().filter(p -> p.phase == Phase.Succeeded).count();
    st.partsDone = ok + "/" + st.parts.size();
  }
}
