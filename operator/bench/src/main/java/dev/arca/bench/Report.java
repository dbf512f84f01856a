package dev.arca.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders the results of a run as Markdown. */
public final class Report {
  private static final List<Step> TABLE_STEPS =
      List.of(Step.FULL, Step.NO_CHANGE, Step.ONE_TENSOR, Step.RESTORE);

  private Report() {}

  /**
   * What a run found.
   *
   * @param system machine and JVMs
   * @param dataset the data set
   * @param rewrite the tensor rewritten before the one-tensor incremental
   * @param results per tool, per step
   * @param versions per tool, its version line and where it came from
   * @param snapshots per tool, snapshots in its repository at the end
   * @param verifiedFiles files compared byte for byte after each restore
   */
  public record Run(
      SystemInfo system,
      Dataset dataset,
      TensorRewriter.Rewrite rewrite,
      Map<String, Map<Step, StepResult>> results,
      Map<String, String> versions,
      Map<String, Integer> snapshots,
      int verifiedFiles) {}

  /** The Markdown report. */
  public static String render(Run run) {
    StringBuilder md = new StringBuilder();
    SystemInfo s = run.system();
    List<String> tools = List.copyOf(run.results().keySet());
    List<String> others = tools.stream().filter(t -> !t.equals("arca")).toList();
    md.append("# Arca vs ").append(String.join(" and ", others)).append("\n\n");
    md.append("- Date: ").append(s.date()).append('\n');
    md.append("- Machine: ").append(s.cpu()).append(", ").append(s.cores()).append(" cores, ");
    md.append(s.memory()).append(" memory, ").append(s.os()).append('\n');
    md.append("- Java running arca: ").append(s.toolJava()).append('\n');
    md.append("- Java running the benchmark: ").append(s.benchJava()).append('\n');
    run.versions()
        .forEach((tool, v) -> md.append("- ").append(tool).append(": ").append(v).append('\n'));
    md.append("- Data set: ").append(run.dataset().describe()).append("\n\n");

    // wall time per tool, then each competitor's time over arca's (> 1: arca was faster)
    md.append("| Step |");
    tools.forEach(t -> md.append(' ').append(t).append(" time |"));
    others.forEach(t -> md.append(' ').append(t).append("/arca |"));
    md.append('\n').append("|---|").append("--:|".repeat(tools.size() + others.size()));
    md.append('\n');
    long total = run.dataset().totalBytes();
    for (Step step : TABLE_STEPS) {
      boolean throughput = step == Step.FULL || step == Step.RESTORE;
      StepResult a = result(run, "arca", step);
      md.append("| ").append(step.label());
      for (String t : tools) {
        md.append(" | ").append(time(result(run, t, step), throughput ? total : 0));
      }
      for (String t : others) {
        StepResult r = result(run, t, step);
        md.append(" | ").append(a == null || r == null ? "—" : ratio(r.seconds(), a.seconds()));
      }
      md.append(" |\n");
    }
    md.append('\n');

    md.append("| Step |");
    tools.forEach(t -> md.append(' ').append(t).append(" peak RSS |"));
    tools.forEach(t -> md.append(' ').append(t).append(" repo size |"));
    md.append('\n').append("|---|").append("--:|".repeat(2 * tools.size())).append('\n');
    for (Step step : TABLE_STEPS) {
      md.append("| ").append(step.label());
      for (String t : tools) {
        StepResult r = result(run, t, step);
        md.append(" | ").append(r == null ? "—" : Sizes.format(r.peakRssKb() * 1024));
      }
      for (String t : tools) {
        StepResult r = result(run, t, step);
        md.append(" | ").append(r == null ? "—" : Sizes.format(r.repoBytes()));
      }
      md.append(" |\n");
    }
    md.append('\n');

    TensorRewriter.Rewrite rw = run.rewrite();
    md.append("Rewritten tensor: `").append(rw.tensor()).append("` in `");
    md.append(rw.shard().getFileName()).append("`, ").append(Sizes.format(rw.bytes())).append(".");
    md.append(" Bytes added to the repository by the one-tensor incremental:");
    String sep = " ";
    for (String tool : run.results().keySet()) {
      long added = added(run, tool);
      md.append(sep).append(tool).append(' ').append(Sizes.format(added));
      md.append(String.format(Locale.ROOT, " (%.2f× the tensor)", (double) added / rw.bytes()));
      sep = ", ";
    }
    md.append(".\n\n");
    md.append("Restore check: the restored tree of each tool matched the source byte for byte ");
    md.append(String.format(Locale.ROOT, "(SHA-256 of all %,d files).", run.verifiedFiles()));
    md.append(" Snapshots at the end:");
    sep = " ";
    for (Map.Entry<String, Integer> e : run.snapshots().entrySet()) {
      md.append(sep).append(e.getKey()).append(' ').append(e.getValue());
      sep = ", ";
    }
    md.append(".\n\n");

    md.append("Notes: time is wall time; a ratio > 1 means arca was faster; throughput is the");
    md.append(" data set size over the wall time. Peak RSS is `/usr/bin/time`'s maximum resident");
    md.append(" set size. Repository size is the sum of the file sizes in the repository folder");
    md.append(" after the step. The tools read the same data from a warm page cache on the same");
    md.append(" machine, one after the other (arca first in each phase); `sync` runs untimed");
    md.append(" between steps. Each tool has its own fresh repository on local disk and its");
    md.append(" default settings (chunking, compression, threads), except that kopia's global");
    md.append(" policy gets zstd compression, which kopia leaves off by default.\n\n");

    md.append("<details><summary>Per-step details as the tools report them</summary>\n\n");
    for (Map.Entry<String, Map<Step, StepResult>> tool : run.results().entrySet()) {
      for (Map.Entry<Step, StepResult> e : tool.getValue().entrySet()) {
        StepResult r = e.getValue();
        md.append(
            String.format(
                Locale.ROOT,
                "- %s %s: %.2f s, peak RSS %s, repo %s%s%n",
                tool.getKey(),
                e.getKey().label(),
                r.seconds(),
                Sizes.format(r.peakRssKb() * 1024),
                Sizes.format(r.repoBytes()),
                r.details().isEmpty() ? "" : "; " + r.details()));
      }
    }
    md.append("\n</details>\n");
    return md.toString();
  }

  /** Repository growth of the one-tensor incremental. */
  static long added(Run run, String tool) {
    Map<Step, StepResult> steps = run.results().get(tool);
    return steps.get(Step.ONE_TENSOR).repoBytes() - steps.get(Step.NO_CHANGE).repoBytes();
  }

  private static StepResult result(Run run, String tool, Step step) {
    Map<Step, StepResult> steps = run.results().get(tool);
    return steps == null ? null : steps.get(step);
  }

  private static String time(StepResult r, long bytes) {
    if (r == null) {
      return "—";
    }
    String t = String.format(Locale.ROOT, "%.2f s", r.seconds());
    if (bytes > 0 && r.seconds() > 0) {
      t += " (" + Sizes.format((long) (bytes / r.seconds())) + "/s)";
    }
    return t;
  }

  private static String ratio(double other, double arca) {
    return arca > 0 ? String.format(Locale.ROOT, "%.2f×", other / arca) : "—";
  }
}
