package dev.arca.contract;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A line {@code --progress-json} prints to stderr every few seconds: {@code {"progress":{...}}}.
 * The operator reads the newest one from a running Job's log.
 *
 * @param progress the numbers
 */
public record ProgressReport(Progress progress) {
  /** How progress lines start: a reader skips every other line by this prefix. */
  public static final String PREFIX = "{\"progress\"";

  /**
   * How far a run is; a number not known yet is absent.
   *
   * @param bytesDone bytes read (backup) or written (restore) so far
   * @param bytesTotal bytes to do, when known
   * @param percent {@code bytesDone} of {@code bytesTotal}, 0 to 100
   * @param etaSeconds the estimated seconds left, at the rate so far
   * @param filesDone files done so far
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Progress(
      long bytesDone, Long bytesTotal, Integer percent, Long etaSeconds, long filesDone) {}

  /** The progress on one log line, or null when the line is not a progress line. */
  public static Progress parse(String line) {
    String s = line.strip();
    if (!s.startsWith(PREFIX)) {
      return null;
    }
    try {
      ProgressReport r = Reports.JSON.readValue(s, ProgressReport.class);
      return r.progress();
    } catch (com.fasterxml.jackson.core.JsonProcessingException | RuntimeException e) {
      return null; // a cut line
    }
  }
}
