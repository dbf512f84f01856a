package dev.arca.bench;

import java.util.List;
import java.util.Locale;

/**
 * An SVG chart of a run: for each step, each tool's speed relative to restic (restic's wall time
 * over the tool's), as horizontal bars with a line at 1. Without restic in the run, the first tool
 * is the reference.
 */
final class Chart {
  private static final String[] COLOURS = {"#1f6feb", "#8b949e", "#d29922"};
  private static final int LEFT = 250;
  private static final int PLOT = 560;
  private static final int BAR = 16;
  private static final int GAP = 14;

  private Chart() {}

  static String svg(Report.Section run, SystemInfo system) {
    List<String> tools = run.tools();
    String reference = tools.contains("restic") ? "restic" : tools.get(0);
    double max = 1;
    for (Step step : Report.TABLE_STEPS) {
      for (String t : tools) {
        max = Math.max(max, speed(run, step, t, reference));
      }
    }
    max = Math.ceil(max * 2) / 2; // axis end: the next half
    int rowHeight = tools.size() * BAR + GAP;
    int top = 60;
    int height = top + Report.TABLE_STEPS.size() * rowHeight + 50;
    int width = LEFT + PLOT + 70;
    StringBuilder svg = new StringBuilder();
    svg.append(
        String.format(
            Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " font-family=\"sans-serif\" font-size=\"12\">%n",
            width,
            height));
    svg.append(
        String.format(
            Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, height));
    svg.append(
        String.format(
            Locale.ROOT,
            "<text x=\"10\" y=\"22\" font-size=\"15\" font-weight=\"bold\">Speed relative to %s"
                + " (%s's wall time / the tool's; longer is faster)</text>%n",
            reference,
            reference));
    svg.append(
        String.format(
            Locale.ROOT,
            "<text x=\"10\" y=\"42\" fill=\"#555\">%s, %s</text>%n",
            escape(
                Sizes.format(run.data().totalBytes())
                    + " "
                    + run.data().kind()
                    + (run.data().kind().equals("real")
                        ? " data set (model checkpoints, source trees)"
                        : " LLM-like data set")),
            escape(system.cpu() + ", " + system.cores() + " cores")));
    for (int i = 0; i < tools.size(); i++) {
      int x = LEFT + i * 110;
      svg.append(
          String.format(
              Locale.ROOT,
              "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                  + "<text x=\"%d\" y=\"%d\">%s</text>%n",
              x,
              height - 28,
              COLOURS[i % COLOURS.length],
              x + 16,
              height - 18,
              escape(tools.get(i))));
    }
    int y = top;
    for (Step step : Report.TABLE_STEPS) {
      svg.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n",
              LEFT - 8,
              y + rowHeight / 2,
              escape(run.data().label(step))));
      for (int i = 0; i < tools.size(); i++) {
        double v = speed(run, step, tools.get(i), reference);
        int w = (int) Math.round(PLOT * v / max);
        int by = y + i * BAR;
        svg.append(
            String.format(
                Locale.ROOT,
                "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"%d\" font-size=\"11\">%s</text>%n",
                LEFT,
                by,
                Math.max(w, 1),
                BAR - 2,
                COLOURS[i % COLOURS.length],
                LEFT + w + 4,
                by + BAR - 4,
                v > 0 ? String.format(Locale.ROOT, "%.2f×", v) : "—"));
      }
      y += rowHeight;
    }
    int one = LEFT + (int) Math.round(PLOT / max);
    svg.append(
        String.format(
            Locale.ROOT,
            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#000\" stroke-dasharray=\"4 3\"/>"
                + "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">1×</text>%n",
            one,
            top - 6,
            one,
            y,
            one,
            top - 10));
    svg.append("</svg>\n");
    return svg.toString();
  }

  /** The reference tool's wall time over {@code tool}'s; 0 when either is missing. */
  static double speed(Report.Section run, Step step, String tool, String reference) {
    StepResult r = run.result(tool, step);
    StepResult ref = run.result(reference, step);
    if (r == null || ref == null || r.seconds() <= 0) {
      return 0;
    }
    return ref.seconds() / r.seconds();
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
