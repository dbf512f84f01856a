package dev.arca.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arca.api.v1alpha1.Progress;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.util.List;

/**
 * Reads a running Job's progress: the newest {@code {"progress":{...}}} line the arca CLI (started
 * with --progress-json) printed to its log.
 */
public final class ProgressReader {
  private static final ObjectMapper JSON = new ObjectMapper();
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
      String line = lines.get(i).strip();
      if (!line.startsWith("{\"progress\"")) {
        continue;
      }
      try {
        JsonNode p = JSON.readTree(line).get("progress");
        Progress out = new Progress();
        out.bytesDone = p.path("bytesDone").isNumber() ? p.get("bytesDone").asLong() : null;
        out.bytesTotal = p.path("bytesTotal").isNumber() ? p.get("bytesTotal").asLong() : null;
        out.filesDone = p.path("filesDone").isNumber() ? p.get("filesDone").asLong() : null;
        out.percent = p.path("percent").isNumber() ? p.get("percent").asInt() : null;
        out.etaSeconds = p.path("etaSeconds").isNumber() ? p.get("etaSeconds").asLong() : null;
        out.updatedAt = now.toString();
        return out;
      } catch (java.io.IOException notJson) {
        // a cut line: look further back
      }
    }
    return null;
  }
}
