package dev.arca.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A Job's complete result. The CLI leaves its JSON result in the container's termination message,
 * which holds 4096 bytes: a longer result is cut there to its numbers ({@code "truncated": true})
 * with {@code resultSha256} and {@code resultBytes} of the whole result, which the CLI printed as
 * one line on stdout, so in the pod's log. This finds that line and checks it against the digest,
 * so that what is recorded (the snapshots a forget removed, the objects verify found damaged) is
 * never a cut list.
 */
public final class JobResults {
  /** How many lines at the end of the log are searched (the result is printed last). */
  static final int TAIL = 50;

  /** The longest result read back from a log; a longer one counts as unavailable (and is said). */
  static final int MAX_RESULT = 64 << 20;

  /** Room in the log read for the lines around the result (progress, warnings). */
  private static final int SLACK = 1 << 20;

  private static final ObjectMapper JSON = new ObjectMapper();

  private JobResults() {}

  /**
   * The complete result for {@code summary}, the termination message of {@code pod}: itself when it
   * was not cut; the log's line with its digest when it was; else {@code summary} with {@code
   * "resultUnavailable": true} (the log is gone, or does not hold the line).
   */
  public static JsonNode complete(KubernetesClient client, Pod pod, JsonNode summary) {
    if (summary == null || !summary.path("truncated").asBoolean(false)) {
      return summary;
    }
    String sha = summary.path("resultSha256").asText("");
    long bytes = summary.path("resultBytes").asLong(-1);
    if (sha.length() == 64 && bytes > 0 && bytes <= MAX_RESULT) {
      for (String line : lastLines(client, pod, (int) bytes + SLACK)) {
        if (line.length() <= bytes // chars never outnumber UTF-8 bytes: a cheap first filter
            && sha.equals(sha256(line))) {
          try {
            return JSON.readTree(line);
          } catch (java.io.IOException e) {
            break; // the digest matched, so this cannot happen short of a broken JSON writer
          }
        }
      }
    }
    return summary instanceof com.fasterxml.jackson.databind.node.ObjectNode o
        ? o.deepCopy().put("resultUnavailable", true)
        : summary;
  }

  private static List<String> lastLines(KubernetesClient client, Pod pod, int maxBytes) {
    String log = PodLogs.tail(client, pod, TAIL, maxBytes);
    List<String> lines = new java.util.ArrayList<>(log == null ? List.of() : log.lines().toList());
    java.util.Collections.reverse(lines); // newest first
    return lines;
  }

  static String sha256(String line) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(line.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
