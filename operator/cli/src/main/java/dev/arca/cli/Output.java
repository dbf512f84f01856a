package dev.arca.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
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
        java.nio.file.Files.writeString(java.nio.file.Path.of(summary), text);
      } catch (java.io.IOException | RuntimeException e) {
        System.err.println("arca: cannot write the summary to " + summary + ": " + e.getMessage());
      }
    }
  }

  /** One JSON line, nothing else (no summary file): progress lines on stderr. */
  static String jsonLine(PrintWriter out, Object value) {
    try {
      String text = JSON.writeValueAsString(value);
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
