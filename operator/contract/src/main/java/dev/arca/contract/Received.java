package dev.arca.contract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A report as a reader received it: from a termination message (perhaps a {@linkplain
 * Reports#summary cut summary}) or a log line. Typed views come from {@link #as}; a summary that
 * was cut is replaced by the complete report when its reader finds the line it {@linkplain #matches
 * points at}, and marked {@linkplain #unavailable unavailable} when it cannot.
 */
public final class Received {
  private final ObjectNode json;
  private final boolean unavailable;

  private Received(ObjectNode json, boolean unavailable) {
    this.json = json;
    this.unavailable = unavailable;
  }

  /**
   * The report in {@code text}; text that is not a JSON object (a crash before the CLI could write
   * its report) becomes an error report carrying that text.
   */
  public static Received parse(String text) {
    Received r = parseLine(text);
    return r != null
        ? r
        : new Received(Reports.JSON.createObjectNode().put("error", text.strip()), false);
  }

  /** The report on one line of a log, or null when the line is not a JSON object. */
  public static Received parseLine(String line) {
    try {
      return Reports.JSON.readTree(line) instanceof ObjectNode o ? new Received(o, false) : null;
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  /** The schema version the report carries; 0 for reports of CLIs older than the contract. */
  public int schema() {
    return json.path("schema").asInt(0);
  }

  /** Whether a newer arca wrote this report than this reader knows ({@link Reports#SCHEMA}). */
  public boolean newerSchema() {
    return schema() > Reports.SCHEMA;
  }

  /** Whether this is a summary whose lists were cut to counts (see {@link Reports#summary}). */
  public boolean cut() {
    return json.path("truncated").asBoolean(false);
  }

  /** The length in bytes of the complete report a cut summary points at; -1 when none. */
  public long resultBytes() {
    return json.path("resultBytes").asLong(-1);
  }

  /** Whether {@code line} is the complete report this cut summary points at (same SHA-256). */
  public boolean matches(String line) {
    String sha = json.path("resultSha256").asText("");
    long bytes = resultBytes();
    return sha.length() == 64
        && bytes > 0
        && line.length() <= bytes // chars never outnumber UTF-8 bytes: a cheap first filter
        && sha.equals(Reports.sha256(line));
  }

  /** This cut summary, marked as one whose complete report could not be found. */
  public Received unavailable() {
    return new Received(json, true);
  }

  /** Whether the report was cut and its complete form could not be found (its lists are lost). */
  public boolean isUnavailable() {
    return unavailable;
  }

  /** The error an error report (or unparseable output) carries, or null. */
  public String error() {
    JsonNode e = json.get("error");
    return e != null && e.isTextual() ? e.asText() : null;
  }

  /**
   * The report as {@code type} (one of this package's reports), or null when it does not bind (an
   * error report read as anything but {@link ErrorReport}, fields of the wrong type, a newer
   * schema). The lists of a cut summary are null; the reports' {@code ...Total()} methods fall back
   * to the counts.
   */
  public <T> T as(Class<T> type) {
    if (newerSchema() || (error() != null && type != ErrorReport.class)) {
      return null;
    }
    try {
      return Reports.JSON.treeToValue(json, type);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      return null;
    }
  }

  /** The report's JSON, as received. */
  @Override
  public String toString() {
    return json.toString();
  }
}
