package dev.arca.controller;

import dev.arca.api.v1alpha1.Progress;
import dev.arca.contract.ProgressReport;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.util.List;

/**
 * Reads a running Job's progress: the newest {@code {"progress":{...}}} line the arca CLI (started
 * with --progress-json) printed to its log.
 */
public final class ProgressReader {
  private static final int TAIL = 40;

  /** Progress lines are short: forty of them fit many times over. */
  private static final int MAX_BYTES = 1 << 20;

  private ProgressReader() {}

  /**
   * The latest progress in the log of {@code pod} (a Job's running pod), or null when there is none
   * yet, or the log cannot be read.
   */
  public static Progress read(KubernetesClient client, Pod pod, Instant now) {
    if (pod == null) {
      return null;
    }
    String log = PodLogs.tail(client, pod, TAIL, MAX_BYTES);
    return log == null ? null : parse(log, now); // progress is best effort
  }

  static Progress parse(String log, Instant now) {
    List<String> lines = log.lines().toList();
    for (int i = lines.size() - 1; i >= 0; i--) {
      ProgressReport.Progress p = ProgressReport.parse(lines.get(i));
      if (p == null) {
        continue; // another line, or a cut one: look further back
      }
      Progress out = new Progress();
      out.bytesDone = p.bytesDone();
      out.bytesTotal = p.bytesTotal();
      out.filesDone = p.filesDone();
      out.percent = p.percent();
      out.etaSeconds = p.etaSeconds();
      out.updatedAt = now.toString();
      return out;
    }
    return null;
  }
}
