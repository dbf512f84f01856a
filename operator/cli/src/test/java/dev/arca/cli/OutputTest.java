package dev.arca.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** Summaries for termination messages stay parseable JSON under the kubelet's 4 KiB limit. */
class OutputTest {
  @Test
  void aShortSummaryIsKeptWhole() {
    String s = "{\"snapshotId\":\"ab\",\"files\":3,\"unreadable\":[\"a: denied\"]}";
    assertThat(Output.fitted(s)).isEqualTo(s);
  }

  @Test
  void aLongSummaryKeepsItsNumbersAndCountsItsLists() throws Exception {
    StringBuilder list = new StringBuilder();
    for (int i = 0; i < 500; i++) {
      list.append(i == 0 ? "" : ",")
          .append("\"models/shard-")
          .append(i)
          .append(".bin: permission denied\"");
    }
    String s =
        "{\"snapshotId\":\"" + "ab".repeat(32) + "\",\"files\":12,\"unreadable\":[" + list + "]}";
    String fitted = Output.fitted(s);
    assertThat(fitted.length()).isLessThanOrEqualTo(Output.SUMMARY_LIMIT);
    JsonNode n = Cli.JSON.readTree(fitted);
    assertThat(n.get("snapshotId").asText()).isEqualTo("ab".repeat(32));
    assertThat(n.get("files").asLong()).isEqualTo(12);
    assertThat(n.get("unreadableCount").asInt()).isEqualTo(500);
    assertThat(n.get("truncated").asBoolean()).isTrue();
    // and it points at the whole result: the JSON line printed on stdout
    byte[] whole = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertThat(n.get("resultBytes").asInt()).isEqualTo(whole.length);
    assertThat(n.get("resultSha256").asText())
        .isEqualTo(
            java.util.HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(whole)));
  }
}
