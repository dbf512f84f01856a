package dev.arca.contract;

import java.util.List;

/**
 * What {@code arca hooks --json} prints: the hooks of one phase of a backup run, each in each of
 * its pods, in the order they ran.
 *
 * @param phase before or after
 * @param failed whether a hook that fails its run (onError Fail) failed
 * @param startTime when the first hook started (RFC 3339, the pod's clock)
 * @param endTime when the last one ended
 * @param hooks one entry per hook and pod; a hook with no pod has one entry without a pod
 */
public record HooksReport(
    String phase, boolean failed, String startTime, String endTime, List<Hook> hooks) {

  /**
   * One hook in one pod.
   *
   * @param name the hook's name
   * @param pod the pod it ran in; null when it had none
   * @param exitCode the command's exit code; null when it did not end (a timeout, no pod, an exec
   *     error)
   * @param timedOut whether it ran out of time and was abandoned
   * @param error what went wrong, when it did not run or end
   * @param startTime when it started (RFC 3339)
   * @param durationMs how long it took
   * @param output the end of its stdout and stderr (at most {@link #OUTPUT_KEPT} bytes)
   * @param failsRun whether its failure fails the run (onError Fail)
   */
  public record Hook(
      String name,
      String pod,
      Integer exitCode,
      boolean timedOut,
      String error,
      String startTime,
      long durationMs,
      String output,
      boolean failsRun) {

    /** How many bytes of a hook's output a report keeps: its end. */
    public static final int OUTPUT_KEPT = 512;

    /** Whether it ran and exited 0. */
    public boolean ok() {
      return exitCode != null && exitCode == 0;
    }
  }
}
