package dev.arca.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ReportsTest {

  private static ForgetReport forget(int removed) {
    List<ForgetReport.Decision> gone = new ArrayList<>();
    for (int i = 0; i < removed; i++) {
      gone.add(
          new ForgetReport.Decision(
              "%064x".formatted(i),
              "2026-12-0" + (i % 9 + 1) + "T00:00:00Z",
              "h",
              List.of("/d"),
              null));
    }
    return ForgetReport.of(false, List.of(), gone, 0, Map.of());
  }

  @Test
  void aReportCarriesItsSchemaAndReadsBackAsTheSameRecord() {
    BackupReport b =
        new BackupReport(
            "ab",
            null,
            "full",
            3,
            1,
            30,
            30,
            20,
            0,
            0,
            0,
            List.of("x"),
            List.of(new Checkpoint("d/checkpoint-7", 7L)),
            List.of(new SkippedCheckpoint("d/checkpoint-8", "no completion marker")),
            5,
            false);
    String line = Reports.json(b);
    assertThat(line).startsWith("{\"schema\":" + Reports.SCHEMA + ",\"snapshotId\":\"ab\"");
    Received r = Received.parse(line);
    assertThat(r.schema()).isEqualTo(Reports.SCHEMA);
    assertThat(r.as(BackupReport.class)).isEqualTo(b);
    assertThat(r.cut()).isFalse();
  }

  @Test
  void aShortReportIsItsOwnSummary() {
    String line = Reports.json(forget(3));
    assertThat(Reports.summary(line)).isEqualTo(line);
  }

  @Test
  void aLongReportIsCutToCountsWithAPointerThatFindsTheWholeLine() {
    String line = Reports.json(forget(100));
    String summary = Reports.summary(line);
    assertThat(summary.getBytes(StandardCharsets.UTF_8).length)
        .isLessThanOrEqualTo(Reports.SUMMARY_LIMIT);
    Received cut = Received.parse(summary);
    assertThat(cut.cut()).isTrue();
    ForgetReport partial = cut.as(ForgetReport.class);
    assertThat(partial.removed()).isNull();
    assertThat(partial.removedTotal()).isEqualTo(100);
    assertThat(cut.matches(line)).isTrue();
    assertThat(cut.matches(line.replace("\"h\"", "\"x\""))).isFalse();
    assertThat(Received.parse(line).as(ForgetReport.class).removed()).hasSize(100);
  }

  @Test
  void aVerifyWithThousandsOfDamagedObjectsKeepsItsCountWhenCut() {
    List<String> damaged =
        IntStream.range(0, 5000).mapToObj(i -> "pack " + i + ": missing").toList();
    String line = Reports.json(VerifyReport.of(false, 1, 2, 0, 3, damaged, List.of(), 0, 0, 9));
    VerifyReport v = Received.parse(Reports.summary(line)).as(VerifyReport.class);
    assertThat(v.ok()).isFalse();
    assertThat(v.damagedObjects()).isNull();
    assertThat(v.damagedTotal()).isEqualTo(5000L);
  }

  @Test
  void aCheckpointRestoreNamesWhatItRestoredAndWhatItRejectedAlsoWhenCut() {
    List<RestoreReport.RejectedCheckpoint> rejected = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      rejected.add(
          new RestoreReport.RejectedCheckpoint(
              "train/runs/a/checkpoint-" + (5000 - i),
              5000L - i,
              "%064x".formatted(i),
              "chunk " + "ab".repeat(32) + " of model.safetensors is damaged"));
    }
    var chosen = new RestoreReport.ChosenCheckpoint("train/runs/a/checkpoint-4960", 4960L, "cd");
    RestoreReport r =
        RestoreReport.restored("cd", 2, 2, 0, 0, List.of(), 9, 1, 0, List.of(), false, 5)
            .withCheckpoint(chosen, rejected);
    String line = Reports.json(r);
    assertThat(Received.parse(line).as(RestoreReport.class)).isEqualTo(r);

    RestoreReport cut = Received.parse(Reports.summary(line)).as(RestoreReport.class);
    assertThat(cut.checkpoint()).isEqualTo(chosen);
    assertThat(cut.checkpointsRejected()).isNull();
    assertThat(cut.checkpointsRejectedTotal()).isEqualTo(40);
  }

  @Test
  void everyRestoreReportsItsRejectedCheckpointsAndOlderReportsHaveNone() {
    String plain =
        Reports.json(
            RestoreReport.restored("cd", 1, 1, 0, 0, List.of(), 9, 1, 0, List.of(), false, 5));
    assertThat(plain).contains("\"checkpointsRejected\":[]").doesNotContain("\"checkpoint\":");
    RestoreReport old =
        Received.parse("{\"snapshotId\":\"x\",\"files\":2}").as(RestoreReport.class);
    assertThat(old.checkpoint()).isNull();
    assertThat(old.checkpointsRejectedTotal()).isNull();
  }

  @Test
  void whenEvenTheNumbersDoNotFitOnlyThePointerIsLeft() {
    String huge = "e".repeat(Reports.SUMMARY_LIMIT * 2);
    String line = Reports.json(ErrorReport.of(huge, 1));
    Received r = Received.parse(Reports.summary(line));
    assertThat(r.cut()).isTrue();
    assertThat(r.error()).isNull();
    assertThat(r.matches(line)).isTrue();
    assertThat(r.resultBytes()).isEqualTo(line.getBytes(StandardCharsets.UTF_8).length);
  }

  @Test
  void aReportFromANewerArcaIsNotMisread() {
    Received r = Received.parse("{\"schema\":" + (Reports.SCHEMA + 1) + ",\"snapshotId\":\"x\"}");
    assertThat(r.newerSchema()).isTrue();
    assertThat(r.as(BackupReport.class)).isNull();
  }

  @Test
  void aReportOfAnOlderCliWithoutSchemaStillReads() {
    Received r = Received.parse("{\"snapshotId\":\"x\",\"files\":2}");
    assertThat(r.schema()).isZero();
    assertThat(r.as(BackupReport.class).files()).isEqualTo(2);
  }

  @Test
  void outputThatIsNotJsonBecomesAnError() {
    Received r = Received.parse("Exception in thread main: boom\n");
    assertThat(r.error()).isEqualTo("Exception in thread main: boom");
    assertThat(r.as(RestoreReport.class)).isNull();
    assertThat(
            Received.parse(Reports.json(ErrorReport.of("no such snapshot", 1)))
                .as(ErrorReport.class))
        .isEqualTo(ErrorReport.of("no such snapshot", 1));
    assertThat(Received.parseLine("not json")).isNull();
  }

  @Test
  void progressLinesRoundTripAndOtherLinesAreSkipped() {
    var p = new ProgressReport.Progress(10, 100L, 10, 9L, 2);
    String line = Reports.progress(p);
    assertThat(line).startsWith(ProgressReport.PREFIX).doesNotContain("schema");
    assertThat(ProgressReport.parse(line)).isEqualTo(p);
    assertThat(ProgressReport.parse("{\"progress\":{\"bytesDo")).isNull();
    assertThat(ProgressReport.parse("arca: warning")).isNull();
    var early = new ProgressReport.Progress(0, null, null, null, 0);
    assertThat(Reports.progress(early))
        .isEqualTo("{\"progress\":{\"bytesDone\":0,\"filesDone\":0}}");
  }

  @Test
  void aWrongShapeDoesNotBind() {
    assertThat(Received.parse("{\"removed\":\"not a list\"}").as(ForgetReport.class)).isNull();
  }

  @Test
  void aLongSummaryKeepsItsNumbersAndCountsItsLists() throws Exception {
    StringBuilder list = new StringBuilder();
    for (int i = 0; i < 500; i++) {
      list.append(i == 0 ? "" : ",").append("\"models/shard-").append(i).append(".bin: denied\"");
    }
    String s =
        "{\"snapshotId\":\"" + "ab".repeat(32) + "\",\"files\":12,\"unreadable\":[" + list + "]}";
    var n = Reports.JSON.readTree(Reports.summary(s));
    assertThat(n.get("snapshotId").asText()).isEqualTo("ab".repeat(32));
    assertThat(n.get("files").asLong()).isEqualTo(12);
    assertThat(n.get("unreadableCount").asInt()).isEqualTo(500);
    assertThat(n.get("truncated").asBoolean()).isTrue();
    byte[] whole = s.getBytes(StandardCharsets.UTF_8);
    assertThat(n.get("resultBytes").asInt()).isEqualTo(whole.length);
    assertThat(n.get("resultSha256").asText())
        .isEqualTo(
            java.util.HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(whole)));
  }
}
