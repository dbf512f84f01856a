package dev.arca.controller.backup;

import dev.arca.api.v1alpha1.BackupPolicy;
import dev.arca.api.v1alpha1.BackupPolicyStatus;
import dev.arca.contract.CopyReport;
import dev.arca.controller.Events;
import dev.arca.controller.JobOutcome;
import dev.arca.controller.Reasons;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Instant;
import java.util.List;

/**
 * Turns a finished copy Job into its target's entry of status.copies and an Event: what it copied,
 * the newest snapshot the target now holds, or why it failed (the source's damaged paths among
 * them). A copy that succeeded makes the target's retention due.
 */
final class CopyRecorder {
  /** Damaged paths an Event or message names at most; the Job's log has them all. */
  static final int DAMAGE_NAMED = 5;

  private final Events events;

  CopyRecorder(Events events) {
    this.events = events;
  }

  void record(
      BackupPolicy p, BackupPolicyStatus st, Job job, String target, JobOutcome o, Instant now) {
    if (target == null) {
      return; // a copy Job without its label: not this operator's
    }
    BackupPolicyStatus.CopyStatus c = CopyTargets.of(st, target);
    c.lastJob = job.getMetadata().getName();
    c.lastCopyTime = now.toString();
    CopyReport r = o.result() == null ? null : o.result().as(CopyReport.class);
    if (r != null && r.snapshots() == null) { // a cut summary whose complete report is gone
      c.ok = o.succeeded();
      c.copied = null;
      c.message =
          "copy Job "
              + c.lastJob
              + (o.succeeded() ? " succeeded" : " failed: " + o.message())
              + "; its complete report is no longer in its pod's log";
      if (o.succeeded()) {
        c.lastSuccessTime = now.toString();
        c.retentionDue = c.lastJob;
        events.normal(p, Reasons.COPY_SUCCEEDED, "copyTo target " + target + ": " + c.message, now);
      } else {
        events.warning(p, Reasons.COPY_FAILED, "copyTo target " + target + ": " + c.message, now);
      }
      return;
    }
    if (r != null) {
      latest(c, r.snapshots());
      c.copied = r.snapshots().stream().filter(s -> CopyReport.COPIED.equals(s.outcome())).count();
    } else {
      c.copied = null;
    }
    c.ok = o.succeeded() && r != null && r.ok();
    if (Boolean.TRUE.equals(c.ok)) {
      c.lastSuccessTime = now.toString();
      c.retentionDue = c.lastJob;
      long present =
          r.snapshots().stream().filter(s -> CopyReport.PRESENT.equals(s.outcome())).count();
      c.message = "copied " + c.copied + " snapshots; " + present + " were there already";
      events.normal(p, Reasons.COPY_SUCCEEDED, "copyTo target " + target + ": " + c.message, now);
      return;
    }
    c.message = failure(r, o);
    events.warning(p, Reasons.COPY_FAILED, "copyTo target " + target + ": " + c.message, now);
  }

  /** The newest snapshot the report says the target holds. */
  private static void latest(BackupPolicyStatus.CopyStatus c, List<CopyReport.Copied> all) {
    for (CopyReport.Copied s : all) {
      if (s.targetId() != null
          && (c.latestSnapshotTime == null || s.time().compareTo(c.latestSnapshotTime) >= 0)) {
        c.latestSnapshotId = s.sourceId();
        c.latestCopyId = s.targetId();
        c.latestSnapshotTime = s.time();
      }
    }
  }

  private static String failure(CopyReport r, JobOutcome o) {
    if (r == null) {
      return "Job failed: " + o.message();
    }
    StringBuilder m = new StringBuilder();
    for (CopyReport.Copied s : r.snapshots()) {
      if (CopyReport.FAILED.equals(s.outcome())) {
        if (m.length() > 0) {
          m.append("; ");
        }
        m.append("snapshot ")
            .append(s.sourceId(), 0, 12)
            .append(" not copied, the source is damaged: ");
        List<String> d = s.damaged() == null ? List.of() : s.damaged();
        m.append(String.join(", ", d.subList(0, Math.min(DAMAGE_NAMED, d.size()))));
        if (d.size() > DAMAGE_NAMED) {
          m.append(" and ").append(d.size() - DAMAGE_NAMED).append(" more");
        }
      }
    }
    if (!r.unreadable().isEmpty()) {
      if (m.length() > 0) {
        m.append("; ");
      }
      m.append(r.unreadable().size()).append(" snapshots of the source cannot be read");
    }
    return m.length() == 0 ? "Job failed: " + o.message() : m.toString();
  }
}
