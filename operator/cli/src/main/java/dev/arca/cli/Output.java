package dev.arca.cli;

import dev.arca.contract.ErrorReport;
import dev.arca.contract.ProgressReport;
import dev.arca.contract.Reports;
import dev.arca.engine.format.FileName;
import java.io.PrintWriter;

/**
 * Printing results: one JSON report on stdout with --json (the types of {@code dev.arca.contract}),
 * short human lines otherwise.
 */
final class Output {
  private Output() {}

  /**
   * Prints {@code report} as one JSON line ({@link Reports#json}); when {@code ARCA_SUMMARY_FILE}
   * is set (the operator's Jobs set it to the container's termination message file), writes its
   * {@linkplain Reports#summary summary} there too: the same line when it fits, otherwise its
   * numbers with a pointer to the line.
   */
  static void json(PrintWriter out, Object report) {
    String text = jsonLine(out, report);
    String summary = System.getenv("ARCA_SUMMARY_FILE");
    if (summary != null && !summary.isBlank()) {
      try {
        java.nio.file.Files.writeString(java.nio.file.Path.of(summary), Reports.summary(text));
      } catch (java.io.IOException | RuntimeException e) {
        System.err.println("arca: cannot write the summary to " + summary + ": " + e.getMessage());
      }
    }
  }

  /**
   * One JSON line, nothing else (no summary file). A byte of a file name that is not valid UTF-8,
   * should one reach a message unshown, is written {@code \\xNN} as in {@code ls}, rather than as a
   * lone surrogate that JSON readers would garble.
   */
  static String jsonLine(PrintWriter out, Object report) {
    return print(out, Reports.json(report));
  }

  /** One progress line for {@code --progress-json}. */
  static void progressLine(PrintWriter err, ProgressReport.Progress p) {
    print(err, Reports.progress(p));
  }

  private static String print(PrintWriter out, String json) {
    String text = FileName.displayInJson(json);
    out.println(text);
    out.flush();
    return text;
  }

  static ErrorReport error(String message, int exitCode) {
    return ErrorReport.of(message, exitCode);
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
