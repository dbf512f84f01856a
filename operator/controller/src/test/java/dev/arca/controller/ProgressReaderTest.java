package dev.arca.controller;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class ProgressReaderTest {
  static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");

  @Test
  void theNewestProgressLineWinsAndOtherLinesAreIgnored() {
    String log =
        "warning: models/tmp.bin: cannot be read\n"
            + "{\"progress\":{\"bytesDone\":10,\"bytesTotal\":100,\"percent\":10,\"etaSeconds\":90,\"filesDone\":1}}\n"
            + "{\"progress\":{\"bytesDone\":42,\"bytesTotal\":100,\"percent\":42,\"etaSeconds\":58,\"filesDone\":7}}\n"
            + "{\"progress\":{\"bytesDone\":50,\"byt"; // cut off mid-line by the log tail
    var p = ProgressReader.parse(log, NOW);
    assertThat(p.percent).isEqualTo(42);
    assertThat(p.bytesDone).isEqualTo(42);
    assertThat(p.bytesTotal).isEqualTo(100);
    assertThat(p.etaSeconds).isEqualTo(58);
    assertThat(p.filesDone).isEqualTo(7);
    assertThat(p.updatedAt).isEqualTo(NOW.toString());
  }

  @Test
  void noProgressLineMeansNoProgress() {
    assertThat(ProgressReader.parse("starting\n", NOW)).isNull();
    assertThat(ProgressReader.parse("", NOW)).isNull();
  }
}
