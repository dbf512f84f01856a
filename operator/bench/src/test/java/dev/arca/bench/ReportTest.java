package dev.arca.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arca.samples.ModelShape;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/** The report's ratios, the stored-bytes lines and the chart come from the measured figures. */
class ReportTest {
  @TempDir Path tmp;

  @Test
  void ratiosStoredBytesAndChartFollowTheResults() throws Exception {
    Report.Run run = run(tmp, -1);
    Report.Section section = run.sections().get(0);

    String md = Report.render(run);
    assertThat(md).contains("- Repositories: local").doesNotContain("Bytes uploaded");
    // restic took twice arca's wall time and three times its CPU on the full backup
    assertThat(md).contains("| full backup | 10.00 s (").contains("| 2.00× |");
    assertThat(md).contains("| full backup | 20.00 s | 60.00 s | 3.00× |");
    // one-tensor: arca added 50 MiB - 40 MiB = 10 MiB for a 20 MiB tensor
    assertThat(md).contains("arca 10.00 MiB (0.50× the tensor)");
    assertThat(md).contains("restic 30.00 MiB (1.50× the tensor)");
    // the weights alone: 70 MiB stored of 100 MiB raw
    assertThat(md).contains("arca 70.00 MiB (0.700× raw)");

    assertThat(md).contains("## Synthetic data set").contains("- Page cache: dropped");

    String svg = Chart.svg(section, run.system());
    Document doc =
        DocumentBuilderFactory.newInstance()
            .newDocumentBuilder()
            .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    assertThat(doc.getDocumentElement().getTagName()).isEqualTo("svg");
    assertThat(svg).contains(">2.00×<").contains(">1.00×<").contains("Speed relative to restic");
    assertThat(Chart.speed(section, Step.FULL, "arca", "restic")).isEqualTo(2.0);
  }

  @Test
  void aRunAgainstMinioReportsUploadsAndServerCpu() throws Exception {
    String md = Report.render(run(tmp, 3 << 20));

    assertThat(md).contains("- Repositories: MinIO");
    assertThat(md).contains("Bytes uploaded").contains("| full backup | 3.00 MiB | 3.00 MiB |");
    assertThat(md).contains("CPU time of the MinIO server").contains("| full backup | 1.50 s |");
  }

  /** A run of arca and restic; {@code uploaded} -1 means local repositories. */
  private static Report.Run run(Path tmp, long uploaded) throws IOException {
    long mib = 1 << 20;
    Map<String, Map<Step, StepResult>> results = new LinkedHashMap<>();
    results.put("arca", steps(10, 20, 40 * mib, 50 * mib, 70 * mib, uploaded));
    results.put("restic", steps(20, 60, 40 * mib, 70 * mib, 95 * mib, uploaded));
    Dataset dataset =
        new Dataset(
            tmp,
            1,
            new ModelShape(64, 128, 2, 2, 2, 100),
            Map.of(),
            1,
            100 * mib,
            10,
            mib,
            mib,
            mib,
            0);
    Report.Section section =
        new Report.Section(
            dataset,
            1.5,
            new TensorRewriter.Rewrite(tmp.resolve("model/shard"), "t", 0, 20 * mib),
            new NextCheckpoint.Written(
                tmp.resolve("model-next"), 100 * mib, 50 * mib, 3, "with 3 tensors", "the tensors"),
            "model",
            100 * mib,
            "model/shard",
            50 * mib,
            results,
            Map.of("arca", 3, "restic", 3),
            10);
    Map<String, String> versions = new LinkedHashMap<>();
    versions.put("arca", "dev");
    versions.put("restic", "0.18");
    return new Report.Run(
        new SystemInfo("today", "cpu", 2, "1 GiB", "Linux", "java", "java"),
        versions,
        uploaded < 0 ? "local folders" : "MinIO on 127.0.0.1",
        "dropped before each timed step",
        java.util.List.of(section));
  }

  private static Map<Step, StepResult> steps(
      double seconds, double cpu, long before, long after, long weights, long uploaded) {
    Map<Step, StepResult> m = new EnumMap<>(Step.class);
    for (Step s : Step.values()) {
      long repo = s == Step.ONE_TENSOR ? after : s == Step.WEIGHTS ? weights : before;
      m.put(s, new StepResult(seconds, 1000, cpu, 0, repo, uploaded, uploaded < 0 ? 0 : 1.5, ""));
    }
    return m;
  }
}
