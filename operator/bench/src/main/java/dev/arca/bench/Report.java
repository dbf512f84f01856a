package dev.arca.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/** Renders the results of a run as Markdown. */
public final class Report {
  /** The steps in the tables, in the order of the report. */
  static final List<Step> TABLE_STEPS =
      List.of(
          Step.FULL,
          Step.NO_CHANGE,
          Step.ONE_TENSOR,
          Step.CHECKPOINT,
          Step.RESTORE,
          Step.RESTORE_FILE,
          Step.RESTORE_FOLDER,
          Step.WEIGHTS);

  private Report() {}

  /**
   * What a run found.
   *
   * @param system machine and JVMs
   * @param dataset the data set
   * @param rewrite the tensor rewritten before the one-tensor incremental
   * @param checkpoint the new checkpoint written before its incremental
   * @param weightBytes size of {@code model/}, backed up alone in the last step
   * @param largeFile the file of the one-large-file restore (relative to the data set)
   * @param largeFileBytes its size
   * @param folder the folder of the one-folder restore
   * @param results per tool, per step
   * @param versions per tool, its version line and where it came from
   * @param snapshots per tool, snapshots in its repository at the end
   * @param verifiedFiles files compared byte for byte after each full restore
   * @param store where the repositories were (local folders, or MinIO and its version)
   */
  public record Run(
      SystemInfo system,
      Dataset dataset,
      TensorRewriter.Rewrite rewrite,
      NextCheckpoint.Written checkpoint,
      long weightBytes,
      String largeFile,
      long largeFileBytes,
      String folder,
      Map<String, Map<Step, StepResult>> results,
      Map<String, String> versions,
      Map<String, Integer> snapshots,
      int verifiedFiles,
      String store) {

    /** Whether the repositories were in MinIO (uploads and server CPU were measured). */
    boolean s3() {
      return results.values().stream()
          .flatMap(m -> m.values().stream())
          .anyMatch(r -> r.uploadedBytes() >= 0);
    }

    List<String> tools() {
      return List.copyOf(results.keySet());
    }

    StepResult result(String tool, Step step) {
      Map<Step, StepResult> steps = results.get(tool);
      return steps == null ? null : steps.get(step);
    }

    /** The bytes a step moves, for a throughput figure; 0 when throughput means nothing. */
    long bytesOf(Step step) {
      return switch (step) {
        case FULL, RESTORE -> dataset.totalBytes();
        case RESTORE_FILE -> largeFileBytes;
        case RESTORE_FOLDER -> dataset.jsonlBytes();
        case WEIGHTS -> weightBytes;
        default -> 0;
      };
    }
  }

  /** The Markdown report. */
  public static String render(Run run) {
    StringBuilder md = new StringBuilder();
    SystemInfo s = run.system();
    List<String> tools = run.tools();
    List<String> others = tools.stream().filter(t -> !t.equals("arca")).toList();
    md.append("# Arca vs ").append(String.join(" and ", others)).append("\n\n");
    md.append("- Date: ").append(s.date()).append('\n');
    md.append("- Machine: ").append(s.cpu()).append(", ").append(s.cores()).append(" cores, ");
    md.append(s.memory()).append(" memory, ").append(s.os()).append('\n');
    md.append("- Java running arca: ").append(s.toolJava()).append('\n');
    md.append("- Java running the benchmark: ").append(s.benchJava()).append('\n');
    run.versions()
        .forEach((tool, v) -> md.append("- ").append(tool).append(": ").append(v).append('\n'));
    md.append("- Repositories: ").append(run.store()).append('\n');
    md.append("- Data set: ").append(run.dataset().describe()).append("\n");
    md.append("- One large file: `").append(run.largeFile()).append("` (");
    md.append(Sizes.format(run.largeFileBytes())).append("); one folder: `");
    md.append(run.folder()).append("/` (").append(Sizes.format(run.dataset().jsonlBytes()));
    md.append(String.format(Locale.ROOT, " in %,d files)", run.dataset().jsonlFiles()));
    md.append("\n\n");

    md.append("Tools run one after another; each step starts with the next tool in turn (full");
    md.append(" backup and no-change incremental with the first), so that none always runs first.");
    md.append("\n\n");
    md.append("Wall time (a ratio is the other tool's time over arca's: above 1, arca was faster;");
    md.append(" throughput in brackets):\n\n");
    table(md, run, " time", true, r -> time(r.seconds()), StepResult::seconds, run::bytesOf);
    md.append("CPU time (user + system):\n\n");
    table(md, run, " CPU", true, r -> time(r.cpuSeconds()), StepResult::cpuSeconds, st -> 0L);
    md.append("Peak resident memory:\n\n");
    table(md, run, " peak RSS", false, r -> Sizes.format(r.peakRssKb() * 1024), null, st -> 0L);
    md.append("Bytes written by the step (repository, cache and restored files):\n\n");
    table(md, run, " written", false, r -> Sizes.format(r.writtenBytes()), null, st -> 0L);
    if (run.s3()) {
      md.append("Bytes uploaded (S3 request bytes MinIO received during the step):\n\n");
      table(md, run, " uploaded", false, r -> Sizes.format(r.uploadedBytes()), null, st -> 0L);
      md.append("CPU time of the MinIO server during the step (beside the tool's own):\n\n");
      table(md, run, " MinIO CPU", false, r -> time(r.serverCpuSeconds()), null, st -> 0L);
      md.append("Repository size after the step (MinIO's files for the bucket):\n\n");
    } else {
      md.append("Repository size after the step:\n\n");
    }
    table(md, run, " repo", false, r -> Sizes.format(r.repoBytes()), null, st -> 0L);

    TensorRewriter.Rewrite rw = run.rewrite();
    md.append("Stored bytes:\n\n");
    md.append("- One-tensor incremental: `").append(rw.tensor()).append("` in `");
    md.append(rw.shard().getFileName()).append("`, ").append(Sizes.format(rw.bytes()));
    md.append(", rewritten; bytes added to the repository:");
    added(md, run, Step.NO_CHANGE, Step.ONE_TENSOR, rw.bytes(), "the tensor");
    NextCheckpoint.Written cp = run.checkpoint();
    md.append("- New checkpoint: `").append(cp.folder().getFileName()).append("/`, ");
    md.append(Sizes.format(cp.bytes())).append(" with ").append(cp.trainedTensors());
    md.append(" tensors (").append(Sizes.format(cp.trainedBytes()));
    md.append(") rewritten and the rest as in `model/`; bytes added:");
    added(md, run, Step.RESTORE, Step.CHECKPOINT, cp.trainedBytes(), "the rewritten tensors");
    md.append("- BF16 weights alone (`model/`, ").append(Sizes.format(run.weightBytes()));
    md.append(") in a new repository:");
    String sep = " ";
    for (String t : tools) {
      StepResult r = run.result(t, Step.WEIGHTS);
      if (r != null) {
        md.append(sep).append(t).append(' ').append(Sizes.format(r.repoBytes()));
        md.append(
            String.format(Locale.ROOT, " (%.3f× raw)", (double) r.repoBytes() / run.weightBytes()));
        sep = ", ";
      }
    }
    md.append(".\n\n");

    md.append("Restore check: every restore was compared file by file with the source ");
    md.append(
        String.format(
            Locale.ROOT, "(SHA-256; %,d files in the full restore).", run.verifiedFiles()));
    md.append(" Snapshots at the end:");
    sep = " ";
    for (Map.Entry<String, Integer> e : run.snapshots().entrySet()) {
      md.append(sep).append(e.getKey()).append(' ').append(e.getValue());
      sep = ", ";
    }
    md.append(".\n\n");

    md.append(
        "Notes: throughput is the bytes of the step (data set, file, folder or weights) over");
    md.append(" the wall time. Peak RSS and CPU time come from `/usr/bin/time`; bytes written are");
    md.append(" the pages the step dirtied (`ru_oublock`). Repository size is the sum of the file");
    md.append(
        " sizes in the repository folder. The tools read the same data from a warm page cache");
    md.append(" on the same machine, one after the other (arca first in each phase); `sync` runs");
    md.append(
        " untimed between steps, and restored trees are kept until the end. Each tool has its");
    md.append(" own repository on local disk and its default settings (chunking, compression,");
    md.append(" threads), except that kopia's global policy gets zstd compression, which kopia");
    md.append(" leaves off by default.\n\n");

    md.append("<details><summary>Per-step details as the tools report them</summary>\n\n");
    for (Map.Entry<String, Map<Step, StepResult>> tool : run.results().entrySet()) {
      for (Map.Entry<Step, StepResult> e : tool.getValue().entrySet()) {
        StepResult r = e.getValue();
        md.append(
            String.format(
                Locale.ROOT,
                "- %s %s: %.2f s, CPU %.2f s, peak RSS %s, written %s, repo %s%s%n",
                tool.getKey(),
                e.getKey().label(),
                r.seconds(),
                r.cpuSeconds(),
                Sizes.format(r.peakRssKb() * 1024),
                Sizes.format(r.writtenBytes()),
                Sizes.format(r.repoBytes()),
                r.details().isEmpty() ? "" : "; " + r.details()));
      }
    }
    md.append("\n</details>\n");
    return md.toString();
  }

  /**
   * A table of one figure per step and tool; with {@code ratios}, each other tool's figure over
   * arca's (from {@code number}), and with {@code bytes}, a throughput beside each time.
   */
  private static void table(
      StringBuilder md,
      Run run,
      String heading,
      boolean ratios,
      Function<StepResult, String> cell,
      java.util.function.ToDoubleFunction<StepResult> number,
      java.util.function.ToLongFunction<Step> bytes) {
    List<String> tools = run.tools();
    List<String> others =
        ratios ? tools.stream().filter(t -> !t.equals("arca")).toList() : List.of();
    md.append("| Step |");
    tools.forEach(t -> md.append(' ').append(t).append(heading).append(" |"));
    others.forEach(t -> md.append(' ').append(t).append("/arca |"));
    md.append('\n').append("|---|").append("--:|".repeat(tools.size() + others.size()));
    md.append('\n');
    for (Step step : TABLE_STEPS) {
      md.append("| ").append(step.label());
      for (String t : tools) {
        StepResult r = run.result(t, step);
        String c = r == null ? "—" : cell.apply(r);
        long b = bytes.applyAsLong(step);
        if (r != null && b > 0 && r.seconds() > 0) {
          c += " (" + Sizes.format((long) (b / r.seconds())) + "/s)";
        }
        md.append(" | ").append(c);
      }
      StepResult a = run.result("arca", step);
      for (String t : others) {
        StepResult r = run.result(t, step);
        md.append(" | ");
        md.append(
            a == null || r == null || number.applyAsDouble(a) <= 0
                ? "—"
                : String.format(
                    Locale.ROOT, "%.2f×", number.applyAsDouble(r) / number.applyAsDouble(a)));
      }
      md.append(" |\n");
    }
    md.append('\n');
  }

  private static void added(
      StringBuilder md, Run run, Step before, Step after, long reference, String what) {
    String sep = " ";
    for (String tool : run.tools()) {
      StepResult b = run.result(tool, before);
      StepResult a = run.result(tool, after);
      if (a == null || b == null) {
        continue;
      }
      long added = a.repoBytes() - b.repoBytes();
      md.append(sep).append(tool).append(' ').append(Sizes.format(added));
      md.append(String.format(Locale.ROOT, " (%.2f× %s)", (double) added / reference, what));
      sep = ", ";
    }
    md.append(".\n");
  }

  private static String time(double seconds) {
    return String.format(Locale.ROOT, "%.2f s", seconds);
  }
}
