package dev.arca.engine.format;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * A garbage mark ({@code garbage/<sha256>}): packs that one prune run found unneeded. They are
 * deleted only by a later prune run, once the mark is older than the grace period and only if no
 * snapshot needs them by then; until then backups do not deduplicate against them. See FORMAT.md,
 * "Prune".
 *
 * @param time when the mark was made (RFC 3339, UTC, the marking host's clock)
 * @param deleteAfter the earliest time a prune run may delete the packs: {@code time} plus the
 *     grace period chosen by the run that made the mark
 * @param packs hex ids of the marked packs
 */
public record GarbageMark(
    @JsonProperty("time") String time,
    @JsonProperty("deleteAfter") String deleteAfter,
    @JsonProperty("packs") List<String> packs) {
  public static final String PREFIX = "garbage/";
}
