package dev.arca.controller.backup;

import dev.arca.api.v1alpha1.BackupPolicy;
import dev.arca.api.v1alpha1.BackupPolicyStatus;
import dev.arca.controller.Conditions;
import dev.arca.controller.Events;
import dev.arca.controller.JobPod;
import dev.arca.controller.Reasons;
import java.time.Instant;
import java.util.Map;

/**
 * The conditions of one reconcile of a policy (Ready, Suspended, Running) and what became of its
 * run-now request, with an Event where something changed that a user must hear about.
 */
final class PolicyState {
  private final BackupPolicy p;
  private final BackupPolicyStatus st;
  private final Events events;
  private final Instant now;
  private final long gen;

  PolicyState(BackupPolicy p, BackupPolicyStatus st, Events events, Instant now) {
    this.p = p;
    this.st = st;
    this.events = events;
    this.now = now;
    this.gen = p.getMetadata().getGeneration() == null ? 0 : p.getMetadata().getGeneration();
  }

  /** Ready=False with the problem; a Warning Event when the problem is new. */
  void notReady(PolicyValidator.Problem problem) {
    boolean news =
        !problem.message().equals(message(Conditions.READY))
            || !Long.valueOf(gen).equals(st.observedGeneration);
    Conditions.set(
        st.conditions, Conditions.READY, false, problem.reason(), problem.message(), gen, now);
    st.observedGeneration = gen;
    st.nextScheduleTime = null;
    if (news) {
      events.warning(p, problem.reason(), problem.message(), now);
    }
  }

  /** Ready=True, and Suspended as the spec says, with an Event when it changes. */
  void ready(boolean suspended) {
    String zone = p.getSpec().timeZone;
    String schedule =
        p.getSpec().schedule + (zone == null || zone.isBlank() ? " (UTC)" : " (" + zone + ")");
    Conditions.set(
        st.conditions,
        Conditions.READY,
        true,
        suspended ? Reasons.SUSPENDED : Reasons.SCHEDULED,
        suspended ? "valid; suspended, so nothing starts" : "schedule " + schedule,
        gen,
        now);
    st.observedGeneration = gen;
    boolean was = Conditions.isTrue(st.conditions, Reasons.SUSPENDED);
    Conditions.set(
        st.conditions,
        Reasons.SUSPENDED,
        suspended,
        suspended ? Reasons.SUSPENDED : Reasons.NOT_SUSPENDED,
        suspended
            ? "spec.suspend is true: no backup, prune or verify run starts, scheduled or run-now"
            : "runs start on schedule " + schedule,
        gen,
        now);
    if (suspended && !was) {
      events.normal(
          p, Reasons.SUSPENDED, "suspended: no runs start until spec.suspend is false", now);
    } else if (!suspended && was) {
      events.normal(p, "Resumed", "resumed: runs start on schedule " + schedule, now);
    }
  }

  /** Whether the run-now annotation holds a value not handled yet. */
  boolean runNowAsked() {
    String value = runNowValue();
    return value != null && !value.equals(st.lastRunNowRequest);
  }

  /** Refuses a new run-now request, once, with an Event; it is not replayed later. */
  void refuseRunNow(String why) {
    if (!runNowAsked()) {
      return;
    }
    String value = runNowValue();
    runNowHandled("refused: " + why);
    events.warning(
        p,
        Reasons.RUN_NOW_REFUSED,
        "run-now request '" + value + "' refused: " + why + "; set a new value to ask again",
        now);
  }

  /** Records the run-now request as handled, with what became of it. */
  void runNowHandled(String result) {
    st.lastRunNowRequest = runNowValue();
    st.lastRunNowResult = result;
  }

  /**
   * Running=True only while the active Job's pod runs; False with reason JobStarting while the Job
   * waits for its pod to start, and Idle without a Job.
   */
  void running(JobPod pod) {
    if (st.activeJob == null) {
      Conditions.set(
          st.conditions, Conditions.RUNNING, false, Reasons.IDLE, "no Job is running", gen, now);
    } else if (pod != null && pod.running()) {
      Conditions.set(
          st.conditions,
          Conditions.RUNNING,
          true,
          Reasons.JOB_RUNNING,
          "Job " + st.activeJob + " is running",
          gen,
          now);
    } else {
      String why =
          st.hooks != null && Hooks.BEFORE.equals(st.hooks.phase)
              ? "its before hooks run (Job " + st.hooks.job + ")"
              : st.snapshotWait != null
                  ? "its VolumeSnapshots are being taken (copyMethod Snapshot)"
                  : pod == null || pod.pod() == null
                      ? "its pod has not been created yet"
                      : pod.waiting() == null ? "its pod is pending" : pod.waiting();
      Conditions.set(
          st.conditions,
          Conditions.RUNNING,
          false,
          Reasons.JOB_STARTING,
          "Job " + st.activeJob + " is waiting to start: " + why,
          gen,
          now);
    }
  }

  private String runNowValue() {
    Map<String, String> a = p.getMetadata().getAnnotations();
    return a == null ? null : a.get(BackupPolicyReconciler.RUN_NOW);
  }

  private String message(String type) {
    return st.conditions.stream()
        .filter(c -> type.equals(c.getType()))
        .map(c -> c.getMessage())
        .findFirst()
        .orElse(null);
  }
}
