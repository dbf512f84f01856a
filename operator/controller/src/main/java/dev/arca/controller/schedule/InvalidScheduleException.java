package dev.arca.controller.schedule;

/** A schedule or time zone that cannot be used; the message names the field and the fix. */
public final class InvalidScheduleException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String field;

  public InvalidScheduleException(String field, String problem) {
    super(field + " " + problem);
    this.field = field;
  }

  /** The spec field at fault ({@code schedule} or {@code timeZone}). */
  public String field() {
    return field;
  }
}
