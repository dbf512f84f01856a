package dev.arca.engine.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arca.engine.ArcaException;
import dev.arca.engine.format.Checkpoint;
import dev.arca.engine.format.Snapshot;
import dev.arca.engine.repo.Snapshots;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** Which checkpoint {@code restore --checkpoint} takes first, and what it falls back to. */
class CheckpointChoiceTest {
  private static final String WHERE = "file:///repo/";

  /** A snapshot taken at minute {@code minute} recording {@code held} (null: no field at all). */
  private static Snapshots.Ref snap(int minute, List<Checkpoint> held) {
    return new Snapshots.Ref(
        "%064x".formatted(minute),
        new Snapshot(
            "2026-12-01T10:%02d:00Z".formatted(minute),
            "h",
            List.of("/data/src"),
            Map.of(),
            null,
            "full",
            "ab".repeat(32),
            List.of(),
            List.of(),
            null,
            "arca",
            null,
            held));
  }

  private static Checkpoint ckpt(String run, Long step) {
    return new Checkpoint("src/runs/" + run + "/checkpoint-" + step, step);
  }

  private static List<String> chosen(List<Snapshots.Ref> snaps, Long step) {
    return CheckpointChoice.candidates(snaps, step, WHERE, path -> true).stream()
        .map(CheckpointChoice.Candidate::describe)
        .toList();
  }

  private static String of(int minute) {
    return "of snapshot " + "%064x".formatted(minute).substring(0, 12);
  }

  private final List<Snapshots.Ref> run =
      List.of(
          snap(3, List.of(ckpt("a", 200L), ckpt("a", 300L))),
          snap(1, List.of(ckpt("a", 100L), new Checkpoint("src/runs/a/final", null))),
          snap(4, null), // a backup without --checkpoints
          snap(2, List.of(ckpt("a", 100L), ckpt("a", 200L))));

  @Test
  void latestIsTheHighestStepFromTheNewestSnapshotHoldingItThenEachLowerStep() {
    assertThat(chosen(run, null))
        .containsExactly(
            "src/runs/a/checkpoint-300 (step 300) " + of(3),
            "src/runs/a/checkpoint-200 (step 200) " + of(3),
            "src/runs/a/checkpoint-100 (step 100) " + of(2));
  }

  @Test
  void aStepIsEverySnapshotHoldingItNewestFirst() {
    assertThat(chosen(run, 200L))
        .containsExactly(
            "src/runs/a/checkpoint-200 (step 200) " + of(3),
            "src/runs/a/checkpoint-200 (step 200) " + of(2));
  }

  @Test
  void twoFoldersOfOneStepGoToTheNewerSnapshotThenByPath() {
    List<Snapshots.Ref> twoRuns =
        List.of(
            snap(1, List.of(ckpt("a", 100L), ckpt("b", 100L))), snap(2, List.of(ckpt("b", 100L))));
    assertThat(chosen(twoRuns, null))
        .containsExactly(
            "src/runs/b/checkpoint-100 (step 100) " + of(2),
            "src/runs/a/checkpoint-100 (step 100) " + of(1));
    assertThat(chosen(twoRuns, 100L))
        .containsExactly(
            "src/runs/b/checkpoint-100 (step 100) " + of(2),
            "src/runs/a/checkpoint-100 (step 100) " + of(1),
            "src/runs/b/checkpoint-100 (step 100) " + of(1));
  }

  @Test
  void nothingToChooseIsAUsageErrorThatSaysWhatIsThere() {
    assertThatThrownBy(() -> chosen(run, 250L))
        .isInstanceOf(ArcaException.class)
        .hasMessage(
            "no checkpoint of step 250 in file:///repo/; the steps recorded there: 100, 200, 300")
        .extracting(e -> ((ArcaException) e).kind())
        .isEqualTo(ArcaException.Kind.USAGE);
    List<Snapshots.Ref> noSteps =
        List.of(snap(1, List.of(new Checkpoint("src/final", null))), snap(2, null));
    assertThatThrownBy(() -> chosen(noSteps, null))
        .hasMessage(
            "no snapshot in file:///repo/ records a checkpoint with a step (backups record the"
                + " checkpoints they hold when given --checkpoints GLOB)");
    List<Checkpoint> many = new ArrayList<>();
    LongStream.rangeClosed(1, 30).forEach(s -> many.add(ckpt("a", s * 10)));
    assertThatThrownBy(() -> chosen(List.of(snap(1, many)), 5L))
        .hasMessage(
            "no checkpoint of step 5 in file:///repo/; the steps recorded there: (the 20 highest"
                + " of 30) 110, 120, 130, 140, 150, 160, 170, 180, 190, 200, 210, 220, 230, 240,"
                + " 250, 260, 270, 280, 290, 300");
  }

  @Test
  void theStepAskedForIsLatestOrAWholeNumberThatFitsInALong() {
    assertThat(CheckpointChoice.step("latest")).isNull();
    assertThat(CheckpointChoice.step("0")).isZero();
    assertThat(CheckpointChoice.step("9223372036854775807")).isEqualTo(Long.MAX_VALUE);
    for (String bad : List.of("9223372036854775808", "-1", "1e3", "", "LATEST", "step-200")) {
      assertThatThrownBy(() -> CheckpointChoice.step(bad))
          .hasMessage(
              "--checkpoint must be 'latest' or a step number (0 to 2^63-1), not '" + bad + "'");
    }
  }
}
