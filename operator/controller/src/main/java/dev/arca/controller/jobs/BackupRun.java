package dev.arca.controller.jobs;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * One backup run of a policy.
 *
 * @param time the scheduled time, or when a run-now request was seen
 * @param full whether this run re-reads every byte ({@code fullEvery})
 * @param runNow the value of the run-now annotation that asked for it, or null when scheduled
 */
public record BackupRun(Instant time, boolean full, String runNow) {
  private static final DateTimeFormatter MINUTE =
      DateTimeFormatter.ofPattern("yyyyMMddHHmm").withZone(ZoneOffset.UTC);

  /** The Job name: the policy, the kind and the minute (or the run-now request's hash). */
  public String jobName(String policy) {
    String suffix =
        runNow == null
            ? "backup-" + MINUTE.format(time)
            : "backup-now-" + Names.sha256(runNow).substring(0, 10);
    return Names.of(policy, suffix);
  }

  /** The Job name of part {@code index} of this run. */
  public String partJobName(String policy, int index) {
    String suffix =
        runNow == null
            ? "backup-" + MINUTE.format(time)
            : "backup-now-" + Names.sha256(runNow).substring(0, 10);
    return Names.of(policy, suffix + "-p" + index);
  }

  /**
   * The run's id in the repository, unique among every policy's runs there: the policy's uid and
   * the run's Job name.
   */
  public String runId(String policyUid, String policy) {
    return (policyUid == null ? "policy" : policyUid) + "." + jobName(policy);
  }
}
