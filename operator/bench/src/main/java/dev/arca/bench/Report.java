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
   * @param versions per tool, its version line and where it came from
   * @param store where the repositories were (local folders, or MinIO and its version)
   * @param pageCache what was done about the page cache before each step
   * @param sections one per data set, in the order they ran
   */
  public record Run(
      SystemInfo system,
      Map<String, String> versions,
      String store,
      String pageCache,
      List<Section> sections) {}

  /**
   * What the run found on one data set.
   *
   * @param data the data set
   * @param generationSeconds how long writing it took
   * @param rewrite the tensor rewritten before the one-tensor incremental
   * @param checkpoint the new checkpoint written before its incremental
   * @param weightsFolder the folder backed up alone in the last step (relative to the data set)
   * @param weightBytes its size
   * @param largeFile the file of the one-large-file restore (relative to the data set)
   * @param largeFileBytes its size
   * @param results per tool, per step
   * @param snapshots per tool, snapshots in its repository at the end
   * @param verifiedFiles files compared byte for byte after each full restore
   */
  public record Section(
      BenchData data,
      double generationSeconds,
      TensorRewriter.Rewrite rewrite,
      NextCheckpoint.Written checkpoint,
      String weightsFolder,
      long weightBytes,
      String largeFile,
      long largeFileBytes,
      Map<String, Map<Step, StepResult>> results,
      Map<String, Integer> snapshots,
      int verifiedFiles) {

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
        case FULL, RESTORE -> data.totalBytes();
        case RESTORE_FILE -> largeFileBytes;
        case RESTORE_FOLDER -> data.folderBytes();
        case WEIGHTS -> weightBytes;
        default -> 0;
      };
    }
  }

  /** The Markdown report. */
  public static String render(Run run) {
    StringBuilder md = new StringBuilder();
    SystemInfo s = run.system();
    List<String> tools = List.copyOf(run.versions().keySet());
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
    md.append("- Page cache: ").append(run.pageCache()).append('\n');
    md.append("- Data sets: ");
    md.append(String.join(", ", run.sections().stream().map(x -> x.data().kind()).toList()));
    md.append(" (each with new repositories)\n\n");
    md.append("Tools run one after another; each step starts with the next tool in turn, so that");
    md.append(" none always runs first. Ratios are the other tool's figure over arca's: above 1,");
    md.append(" arca was faster.\n\n");
    for (Section section : run.sections()) {
      section(md, section);
    }

    md.append(
        "Notes: throughput is the bytes of the step (data set, file, folder or weights) over");
    md.append(" the wall time. Peak RSS and CPU time come from `/usr/bin/time`; bytes written are");
    md.append(" the pages the step dirtied (`ru_oublock`). Repository size is the sum of the file");
    md.append(" sizes in the repository folder. The tools run on the same data on the same");
    md.append(" machine, one after the other; `sync` runs untimed before each step. Each tool has");
    md.append(" its own repository and its default settings (chunking, compression, threads),");
    md.append(
        " except that kopia's global policy gets zstd compression, which kopia leaves off by");
    md.append(" default.\n\n");

    md.append("<details><summary>Per-step details as the tools report them</summary>\n\n");
    for (Section section : run.sections()) {
      for (Map.Entry<String, Map<Step, StepResult>> tool : section.results().entrySet()) {
        for (Map.Entry<Step, StepResult> e : tool.getValue().entrySet()) {
          StepResult r = e.getValue();
          md.append(
              String.format(
                  Locale.ROOT,
                  "- %s, %s %s: %.2f s, CPU %.2f s, peak RSS %s, written %s, repo %s%s%n",
                  section.data().kind(),
                  tool.getKey(),
                  section.data().label(e.getKey()),
                  r.seconds(),
                  r.cpuSeconds(),
                  Sizes.format(r.peakRssKb() * 1024),
                  Sizes.format(r.writtenBytes()),
                  Sizes.format(r.repoBytes()),
                  r.details().isEmpty() ? "" : "; " + r.details()));
        }
      }
    }
    md.append("\n</details>\n");
    return md.toString();
  }

  private static void section(StringBuilder md, Section run) {
    BenchData data = run.data();
    String kind = data.kind();
    md.append("## ").append(Character.toUpperCase(kind.charAt(0))).append(kind.substring(1));
    md.append(" data set\n\n");
    data.describeParts().forEach(p -> md.append("- ").append(p).append('\n'));
    md.append(
        String.format(Locale.ROOT, "- Generated in %.1f s (untimed)%n", run.generationSeconds()));
    md.append("- One large file: `").append(run.largeFile()).append("` (");
    md.append(Sizes.format(run.largeFileBytes())).append("); one folder: `");
    md.append(data.folder()).append("/` (").append(Sizes.format(data.folderBytes()));
    md.append(String.format(Locale.ROOT, " in %,d files)", data.folderFiles()));
    md.append("\n\n");

    md.append("Wall time (throughput in brackets):\n\n");
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
    md.append(data.root().relativize(rw.shard())).append("`, ").append(Sizes.format(rw.bytes()));
    md.append(", rewritten; bytes added to the repository:");
    added(md, run, Step.NO_CHANGE, Step.ONE_TENSOR, rw.bytes(), "the tensor");
    NextCheckpoint.Written cp = run.checkpoint();
    md.append("- New checkpoint: `").append(data.root().relativize(cp.folder())).append("/`, ");
    md.append(Sizes.format(cp.bytes())).append(", ").append(cp.description());
    md.append("; bytes added:");
    added(md, run, Step.RESTORE, Step.CHECKPOINT, cp.trainedBytes(), cp.reference());
    md.append("- ").append(data.weightsWhat()).append(" (`").append(run.weightsFolder());
    md.append("/`, ").append(Sizes.format(run.weightBytes())).append(") in a new repository:");
    String sep = " ";
    for (String t : run.tools()) {
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
  }

  /**
   * A table of one figure per step and tool; with {@code ratios}, each other tool's figure over
   * arca's (from {@code number}), and with {@code bytes}, a throughput beside each time.
   */
  private static void table(
      StringBuilder md,
      Section run,
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
      md.append("| ").append(run.data().label(step));
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
      StringBuilder md, Section run, Step before, Step after, long reference, String what) {
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
