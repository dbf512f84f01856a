package dev.arca.controller;

import dev.arca.contract.Received;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;

/**
 * A Job's complete report. The CLI leaves its report in the container's termination message, which
 * holds 4096 bytes: a longer report is cut there to its numbers with a pointer to the whole report,
 * which the CLI printed as one line on stdout, so in the pod's log ({@link
 * dev.arca.contract.Reports#summary}). This finds that line and checks it against the pointer's
 * digest, so that what is recorded (the snapshots a forget removed, the objects verify found
 * damaged) is never a cut list.
 */
public final class JobResults {
  /** How many lines at the end of the log are searched (the report is printed last). */
  static final int TAIL = 50;

  /** The longest report read back from a log; a longer one counts as unavailable (and is said). */
  static final int MAX_RESULT = 64 << 20;

  /** Room in the log read for the lines around the report (progress, warnings). */
  private static final int SLACK = 1 << 20;

  private JobResults() {}

  /**
   * The complete report for {@code summary}, the termination message of {@code pod}: itself when it
   * was not cut; the log's line it points at when it was; else {@code summary} marked {@linkplain
   * Received#isUnavailable unavailable} (the log is gone, or does not hold the line).
   */
  public static Received complete(KubernetesClient client, Pod pod, Received summary) {
    if (summary == null || !summary.cut()) {
      return summary;
    }
    long bytes = summary.resultBytes();
    if (bytes > 0 && bytes <= MAX_RESULT) {
      for (String line : lastLines(client, pod, (int) bytes + SLACK)) {
        if (summary.matches(line)) {
          Received whole = Received.parseLine(line);
          if (whole != null) {
            return whole;
          }
          break; // the digest matched, so this cannot happen short of a broken JSON writer
        }
      }
    }
    return summary.unavailable();
  }

  private static List<String> lastLines(KubernetesClient client, Pod pod, int maxBytes) {
    String log = PodLogs.tail(client, pod, TAIL, maxBytes);
    List<String> lines = new java.util.ArrayList<>(log == null ? List.of() : log.lines().toList());
    java.util.Collections.reverse(lines); // newest first
    return lines;
  }
}
