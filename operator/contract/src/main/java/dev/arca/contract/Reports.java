package dev.arca.contract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The one codec of the contract: writes a report as one JSON line with its schema version, fits it
 * into a termination message, and reads it back.
 *
 * <p>A report longer than {@link #SUMMARY_LIMIT} is never cut where it is whole: the CLI prints it
 * complete as one line on stdout (so in a Job's log) and writes to the termination message a
 * {@linkplain #summary summary}: every number and string of the report, each list {@code x}
 * replaced by {@code xCount}, and {@code "truncated": true} with {@code resultSha256} and {@code
 * resultBytes} of the complete line, by which a reader finds and checks it ({@link
 * Received#matches}).
 */
public final class Reports {
  /** The schema version of every report this module writes; readers accept it and older ones. */
  public static final int SCHEMA = 1;

  /** The most a termination message holds (the kubelet cuts it at 4096 bytes). */
  public static final int SUMMARY_LIMIT = 4096;

  static final ObjectMapper JSON =
      JsonMapper.builder()
          .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();

  private Reports() {}

  /**
   * {@code report} (a record of this package, or a map for a command without one) as one JSON line,
   * with {@code "schema"} first.
   */
  public static String json(Object report) {
    try {
      JsonNode tree = JSON.valueToTree(report);
      if (tree instanceof ObjectNode o) {
        ObjectNode withSchema = JSON.createObjectNode().put("schema", SCHEMA);
        withSchema.setAll(o);
        tree = withSchema;
      }
      return JSON.writeValueAsString(tree);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new IllegalStateException("cannot write a report: " + e.getMessage(), e);
    }
  }

  /** A progress line as {@code --progress-json} prints it (not a report: it has no schema). */
  public static String progress(ProgressReport.Progress progress) {
    try {
      return JSON.writeValueAsString(new ProgressReport(progress));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * {@code line} as it fits a termination message: itself when short enough; otherwise its numbers
   * and strings with each list replaced by its count, plus the pointer to {@code line}; and when
   * even that is too long, the pointer alone.
   */
  public static String summary(String line) {
    byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
    if (bytes.length <= SUMMARY_LIMIT) {
      return line;
    }
    String sha = sha256(bytes);
    ObjectNode pointer =
        JSON.createObjectNode()
            .put("truncated", true)
            .put("resultSha256", sha)
            .put("resultBytes", bytes.length);
    try {
      if (JSON.readTree(line) instanceof ObjectNode node) {
        List<String> lists = new ArrayList<>();
        node.fieldNames().forEachRemaining(f -> lists.add(f));
        for (String f : lists) {
          if (node.get(f).isArray()) {
            node.put(f + "Count", node.remove(f).size());
          }
        }
        node.setAll(pointer);
        String small = JSON.writeValueAsString(node);
        if (small.getBytes(StandardCharsets.UTF_8).length <= SUMMARY_LIMIT) {
          return small;
        }
      }
      return JSON.writeValueAsString(pointer);
    } catch (JsonProcessingException e) {
      return pointer.toString();
    }
  }

  /** The SHA-256 of a line's UTF-8 bytes, in hex: how a summary points at its complete report. */
  public static String sha256(String line) {
    return sha256(line.getBytes(StandardCharsets.UTF_8));
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
