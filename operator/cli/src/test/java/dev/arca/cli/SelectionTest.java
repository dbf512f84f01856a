package dev.arca.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SNAPSHOT arguments: full id, unique prefix, {@code latest} and {@code --before TIME}. */
class SelectionTest {
  @TempDir Path tmp;

  private TestRepo repo;
  private String older;
  private String newer;
  private Instant olderTime;
  private Instant newerTime;

  @BeforeEach
  void twoSnapshots() throws InterruptedException {
    repo = new TestRepo(tmp).init();
    repo.writeTree();
    older = repo.backup().get("snapshotId").asText();
    Thread.sleep(20);
    TestRepo.write(tmp.resolve("src/a.txt"), "second\n".getBytes(StandardCharsets.UTF_8));
    newer = repo.backup().get("snapshotId").asText();
    JsonNode snaps = repo.json("snapshots").get("snapshots");
    assertThat(snaps.get(0).get("id").asText()).isEqualTo(older);
    assertThat(snaps.get(1).get("id").asText()).isEqualTo(newer);
    olderTime = OffsetDateTime.parse(snaps.get(0).get("time").asText()).toInstant();
    newerTime = OffsetDateTime.parse(snaps.get(1).get("time").asText()).toInstant();
    assertThat(olderTime).isBefore(newerTime);
  }

  @Test
  void snapshotsListsOnlyThoseOfTheHostAndTagsAsked() {
    String tagged =
        repo.backup("--host", "team-a/training", "--tag", "k=v").get("snapshotId").asText();
    JsonNode some = repo.json("snapshots", "--host", "team-a/training", "--tag", "k=v");
    assertThat(some.get("snapshots")).hasSize(1);
    assertThat(some.get("snapshots").get(0).get("id").asText()).isEqualTo(tagged);
    assertThat(repo.json("snapshots", "--tag", "k=other").get("snapshots")).isEmpty();
    assertThat(repo.json("snapshots").get("snapshots")).hasSize(3);
  }

  @Test
  void fullIdSelectsThatSnapshot() {
    assertThat(lsId(older)).isEqualTo(older);
    assertThat(lsId(newer)).isEqualTo(newer);
  }

  @Test
  void uniquePrefixSelectsThatSnapshot() {
    // Two random ids share their first 8 hex digits with probability 2^-32.
    assertThat(lsId(older.substring(0, 8))).isEqualTo(older);
    assertThat(lsId(newer.substring(0, 8))).isEqualTo(newer);
  }

  @Test
  void latestSelectsTheNewestSnapshot() {
    assertThat(lsId("latest")).isEqualTo(newer);
  }

  @Test
  void beforeATimeBetweenTwoSnapshotsSelectsTheOlder() {
    Instant between = olderTime.plus(Duration.between(olderTime, newerTime).dividedBy(2));
    Path target = tmp.resolve("restore");

    JsonNode r =
        repo.json("restore", "--before", between.toString(), "--target", target.toString());

    assertThat(r.get("snapshotId").asText()).isEqualTo(older);
    assertThat(TestRepo.read(target.resolve("src/a.txt")))
        .isEqualTo("hello arca\n".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void beforeHonoursTimeZoneOffsets() {
    Instant between = olderTime.plus(Duration.between(olderTime, newerTime).dividedBy(2));
    String withOffset = OffsetDateTime.ofInstant(between, ZoneOffset.ofHours(2)).toString();

    JsonNode ls = repo.json("ls", "latest", "--before", withOffset);

    assertThat(ls.get("snapshotId").asText()).isEqualTo(older);
  }

  @Test
  void beforeIsInclusive() {
    assertThat(
            repo.json("ls", "latest", "--before", olderTime.toString()).get("snapshotId").asText())
        .isEqualTo(older);
    assertThat(
            repo.json("ls", "latest", "--before", newerTime.toString()).get("snapshotId").asText())
        .isEqualTo(newer);
  }

  @Test
  void beforeAllSnapshotsIsAnError() {
    String early = olderTime.minusSeconds(3600).toString();

    Cli.Result r = repo.cli("ls", "latest", "--before", early);

    assertThat(r.exitCode()).as("%s", r).isEqualTo(2);
    assertThat(r.stderr()).contains(early);
  }

  @Test
  void beforeThatIsNotRfc3339IsAUsageError() {
    Cli.Result r = repo.cli("ls", "latest", "--before", "yesterday");

    assertThat(r.exitCode()).as("%s", r).isEqualTo(2);
    assertThat(r.stderr()).contains("yesterday").contains("RFC 3339");
  }

  @Test
  void unknownIdIsAUsageErrorNamingTheId() {
    String unknown = "0000000000000000deadbeef";

    Cli.Result r = repo.cli("ls", unknown);

    assertThat(r.exitCode()).as("%s", r).isEqualTo(2);
    assertThat(r.stderr()).contains(unknown);
    assertThat(r.stdout()).isEmpty();
  }

  @Test
  void unknownIdForRestoreIsAUsageErrorAndWritesNothing() {
    String unknown = "0000000000000000deadbeef";
    Path target = tmp.resolve("restore");

    Cli.Result r = repo.cli("restore", unknown, "--target", target.toString());

    assertThat(r.exitCode()).as("%s", r).isEqualTo(2);
    assertThat(r.stderr()).contains(unknown);
    assertThat(target.resolve("src")).doesNotExist();
  }

  @Test
  void idAndBeforeTogetherIsAUsageError() {
    Cli.Result r = repo.cli("ls", older, "--before", newerTime.toString());

    assertThat(r.exitCode()).as("%s", r).isEqualTo(2);
    assertThat(r.stderr()).contains("--before");
  }

  private String lsId(String spec) {
    return repo.json("ls", spec).get("snapshotId").asText();
  }
}
