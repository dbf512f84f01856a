package dev.arca.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.arca.engine.format.FileName;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Printing results: one JSON object on stdout with --json, short human lines otherwise. */
final class Output {
  private static final ObjectMapper JSON =
      new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  private Output() {}

  /**
   * Prints {@code value} as one JSON line; when {@code ARCA_SUMMARY_FILE} is set (the operator's
   * Jobs set it to the container's termination message file), writes the same JSON there too.
   */
  static void json(PrintWriter out, Object value) {
    String text = jsonLine(out, value);
    String summary = System.getenv("ARCA_SUMMARY_FILE");
    if (summary != null && !summary.isBlank()) {
      try {
        java.nio.file.Files.writeString(java.nio.file.Path.of(summary), fitted(text));
      } catch (java.io.IOException | RuntimeException e) {
        System.err.println("arca: cannot write the summary to " + summary + ": " + e.getMessage());
      }
    }
  }

  /** The most a termination message holds (the kubelet cuts it at 4096 bytes). */
  static final int SUMMARY_LIMIT = 4096;

  /**
   * The summary as it fits a termination message: whole when short enough, otherwise with its lists
   * cut to counts and {@code "truncated": true}, so it still parses and keeps every number, and
   * with a pointer to the complete result: {@code resultSha256} and {@code resultBytes} of the JSON
   * line printed on stdout (the last line of the pod's log with that SHA-256 is the whole result).
   */
  static String fitted(String text) {
    byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    if (bytes.length <= SUMMARY_LIMIT) {
      return text;
    }
    String sha =
        dev.arca.engine.format.Hex.of(dev.arca.engine.crypto.ChunkIds.sha256().digest(bytes));
    String pointer =
        "{\"truncated\":true,\"resultSha256\":\""
            + sha
            + "\",\"resultBytes\":"
            + bytes.length
            + "}";
    try {
      var node = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(text);
      List<String> lists = new java.util.ArrayList<>();
      node.fieldNames()
          .forEachRemaining(
              f -> {
                if (node.get(f).isArray()) {
                  lists.add(f);
                }
              });
      for (String f : lists) {
        int n = node.get(f).size();
        node.remove(f);
        node.put(f + "Count", n);
      }
      node.put("truncated", true);
      node.put("resultSha256", sha);
      node.put("resultBytes", bytes.length);
      String small = JSON.writeValueAsString(node);
      return small.length() <= SUMMARY_LIMIT ? small : pointer;
    } catch (JsonProcessingException | ClassCastException e) {
      return pointer;
    }
  }

  /**
   * One JSON line, nothing else (no summary file): progress lines on stderr. A byte of a file name
   * that is not valid UTF-8, should one reach a message unshown, is written {@code \\xNN} as in
   * {@code ls}, rather than as a lone surrogate that JSON readers would garble.
   */
  static String jsonLine(PrintWriter out, Object value) {
    try {
      String text = FileName.displayInJson(JSON.writeValueAsString(value));
      out.println(text);
      out.flush();
      return text;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static Map<String, Object> error(String message, int exitCode) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("ok", false);
    m.put("error", message);
    m.put("exitCode", exitCode);
    return m;
  }

  static String describe(Throwable t) {
    String m = t.getMessage();
    return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }

  static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = n;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format("%.1f %s", v, units[u]);
  }
}
