package dev.arca.engine.export;

import dev.arca.engine.ArcaException;
import dev.arca.engine.repo.SnapshotFilter;
import java.util.List;
import java.util.Locale;

/**
 * What to export.
 *
 * @param snapshot snapshot id, unique prefix or {@code latest}
 * @param before pick the newest snapshot at or before this RFC 3339 time instead (or null)
 * @param includes globs of paths to export (all when empty), as for restore
 * @param format the archive format
 * @param filter the snapshots {@code snapshot} and {@code before} may choose among
 */
public record ExportOptions(
    String snapshot, String before, List<String> includes, Format format, SnapshotFilter filter) {
  /** Options that choose among every snapshot. */
  public ExportOptions(String snapshot, String before, List<String> includes, Format format) {
    this(snapshot, before, includes, format, SnapshotFilter.ANY);
  }

  /** Archive formats. */
  public enum Format {
    TAR,
    TAR_ZST;

    /** Parses {@code tar} or {@code tar.zst}. */
    public static Format parse(String s) {
      return switch (s.toLowerCase(Locale.ROOT)) {
        case "tar" -> TAR;
        case "tar.zst", "tar.zstd" -> TAR_ZST;
        default ->
            throw ArcaException.usage("--format '" + s + "' is not known; use tar or tar.zst");
      };
    }
  }
}
