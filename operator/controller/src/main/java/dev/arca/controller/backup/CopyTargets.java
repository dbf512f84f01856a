package dev.arca.controller.backup;

import dev.arca.api.v1alpha1.BackupPolicy;
import dev.arca.api.v1alpha1.BackupPolicySpec;
import dev.arca.api.v1alpha1.BackupPolicyStatus;
import dev.arca.controller.schedule.Schedule;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A policy's copyTo targets: their entries in status.copies, and which of their Jobs is due. A copy
 * comes due after each successful backup (targets without a schedule) or at the target's schedule;
 * the target's retention after each successful copy; its prune at its prune schedule. They start
 * one at a time, when no other Job of the policy runs, in the order of spec.copyTo.
 */
final class CopyTargets {
  private CopyTargets() {}

  /** The status entry of the target {@code name}, made when missing. */
  static BackupPolicyStatus.CopyStatus of(BackupPolicyStatus st, String name) {
    if (st.copies == null) {
      st.copies = new ArrayList<>();
    }
    for (BackupPolicyStatus.CopyStatus c : st.copies) {
      if (name.equals(c.name)) {
        return c;
      }
    }
    BackupPolicyStatus.CopyStatus c = new BackupPolicyStatus.CopyStatus();
    c.name = name;
    st.copies.add(c);
    return c;
  }

  /** Drops the entries of targets no longer in the spec. */
  static void forgetRemoved(BackupPolicySpec spec, BackupPolicyStatus st) {
    if (st.copies == null) {
      return;
    }
    List<String> names =
        spec.copyTo == null ? List.of() : spec.copyTo.stream().map(t -> t.name).toList();
    st.copies.removeIf(c -> !names.contains(c.name));
    if (st.copies.isEmpty()) {
      st.copies = null;
    }
  }

  /** A backup Job succeeded: every target without a schedule is due for a copy. */
  static void backupSucceeded(BackupPolicySpec spec, BackupPolicyStatus st, String backupJob) {
    if (spec.copyTo == null) {
      return;
    }
    for (BackupPolicySpec.CopyTarget t : spec.copyTo) {
      if (t.schedule == null) {
        of(st, t.name).due = backupJob;
      }
    }
  }

  /**
   * Notes the targets' schedules that came, and starts the first Job that is due: a target's
   * retention, then a copy, then a prune; unless {@code held} says another Job holds the repository
   * (asked only when one is due), then none waits for it. Whether one was started (or taken over),
   * or is held.
   */
  static boolean startDue(
      BackupPolicy p,
      BackupPolicyStatus st,
      Launcher launcher,
      Instant now,
      java.util.function.BooleanSupplier held) {
    BackupPolicySpec spec = p.getSpec();
    if (spec.copyTo == null) {
      return false;
    }
    for (BackupPolicySpec.CopyTarget t : spec.copyTo) {
      BackupPolicyStatus.CopyStatus c = of(st, t.name);
      if (t.schedule != null) {
        Optional<Instant> due = due(p, t.schedule, c.lastScheduleTime, now);
        if (due.isPresent()) {
          c.lastScheduleTime = due.get().toString();
          c.due = due.get().toString();
        }
      }
    }
    for (BackupPolicySpec.CopyTarget t : spec.copyTo) {
      BackupPolicyStatus.CopyStatus c = of(st, t.name);
      if ((c.retentionDue != null || c.due != null) && held.getAsBoolean()) {
        return true;
      }
      if (c.retentionDue != null) {
        String after = c.retentionDue;
        c.retentionDue = null;
        if (t.retention != null || spec.retention != null) {
          launcher.forgetCopies(p, st, t, after, now);
          return true;
        }
      }
      if (c.due != null) {
        String trigger = c.due;
        c.due = null;
        launcher.copy(p, st, t, trigger, now);
        return true;
      }
      if (t.prune != null) {
        Optional<Instant> due = due(p, t.prune.schedule, c.lastPruneScheduleTime, now);
        if (due.isPresent() && held.getAsBoolean()) {
          return true;
        }
        if (due.isPresent()) {
          c.lastPruneScheduleTime = due.get().toString();
          launcher.pruneCopies(p, st, t, due.get(), now);
          return true;
        }
      }
    }
    return false;
  }

  /** The earliest of {@code wake} and the targets' next copy and prune times. */
  static Instant nextWake(BackupPolicySpec spec, Instant wake, Instant now) {
    Instant w = wake;
    if (spec.copyTo == null) {
      return w;
    }
    for (BackupPolicySpec.CopyTarget t : spec.copyTo) {
      for (String schedule : new String[] {t.schedule, t.prune == null ? null : t.prune.schedule}) {
        if (schedule != null) {
          Optional<Instant> next = Schedule.parse(schedule, spec.timeZone).next(now);
          if (next.isPresent() && next.get().isBefore(w)) {
            w = next.get();
          }
        }
      }
    }
    return w;
  }

  private static Optional<Instant> due(BackupPolicy p, String schedule, String last, Instant now) {
    return BackupPolicyReconciler.due(p, schedule, last, now);
  }
}
