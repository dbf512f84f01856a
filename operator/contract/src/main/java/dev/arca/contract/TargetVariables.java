package dev.arca.contract;

/**
 * How {@code arca copy} is told its target's settings: each environment variable {@code NAME} of a
 * repository has a target form {@code ARCA_TO_NAME}, and Arca's own variables {@code ARCA_NAME} the
 * form {@code ARCA_TO_NAME} ({@code ARCA_TO_PASSWORD}, {@code ARCA_TO_REPO}). The operator writes
 * the target's variables of a copy Job in these forms; the CLI reads them back.
 */
public final class TargetVariables {
  /** What every target form starts with. */
  public static final String PREFIX = "ARCA_TO_";

  private TargetVariables() {}

  /** The target form of the variable {@code name}. */
  public static String of(String name) {
    return name.startsWith("ARCA_") ? PREFIX + name.substring(5) : PREFIX + name;
  }
}
