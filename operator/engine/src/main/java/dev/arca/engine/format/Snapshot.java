package dev.arca.engine.format;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.util.List;
import java.util.Map;

/**
 * A snapshot object ({@code snapshots/<sha256>}): the commit point of a backup. Everything it
 * refers to was stored and indexed before it was written.
 *
 * @param time when the backup started (RFC 3339, UTC)
 * @param host the host name recorded for parent matching
 * @param paths the absolute source paths, in the order given
 * @param tags user tags
 * @param parent id of the snapshot used for change detection, if any
 * @param mode {@code full} or {@code incremental}
 * @param tree id of the root tree blob (one entry per source path, named by its base name)
 * @param includes include globs used
 * @param excludes exclude globs used
 * @param stats what the run read and stored
 * @param program the program and version that wrote it
 * @param repairedFrom the id of the damaged snapshot this one was made from by {@code arca repair
 *     snapshots} (which left out the files it could not keep); absent for backups
 * @param checkpoints the training checkpoints it holds whole, by path; absent when the backup was
 *     not asked to look for checkpoints (read within bounds by {@link CheckpointsReader})
 * @param copiedFrom in snapshots written by {@code arca copy}: the repository and snapshot this one
 *     is a copy of; absent for backups
 * @param rewrittenFrom in snapshots written by {@code arca rewrite}: the id of the snapshot this
 *     one was made from, without the paths the rewrite erased and with the files it filtered;
 *     absent otherwise
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Snapshot(
    @JsonProperty("time") String time,
    @JsonProperty("host") String host,
    @JsonProperty("paths") List<String> paths,
    @JsonProperty("tags") Map<String, String> tags,
    @JsonProperty("parent") String parent,
    @JsonProperty("mode") String mode,
    @JsonProperty("tree") String tree,
    @JsonProperty("includes") List<String> includes,
    @JsonProperty("excludes") List<String> excludes,
    @JsonProperty("stats") Stats stats,
    @JsonProperty("program") String program,
    @JsonProperty("repairedFrom") String repairedFrom,
    @JsonProperty("checkpoints") @JsonDeserialize(using = CheckpointsReader.class)
        List<Checkpoint> checkpoints,
    @JsonProperty("copiedFrom") CopiedFrom copiedFrom,
    @JsonProperty("rewrittenFrom") String rewrittenFrom) {

  public static final String PREFIX = "snapshots/";

  /** A snapshot that is no copy. */
  public Snapshot(
      String time,
      String host,
      List<String> paths,
      Map<String, String> tags,
      String parent,
      String mode,
      String tree,
      List<String> includes,
      List<String> excludes,
      Stats stats,
      String program,
      String repairedFrom,
      List<Checkpoint> checkpoints) {
    this(
        time,
        host,
        paths,
        tags,
        parent,
        mode,
        tree,
        includes,
        excludes,
        stats,
        program,
        repairedFrom,
        checkpoints,
        null,
        null);
  }

  /** A snapshot that may be a copy, and is no rewrite. */
  public Snapshot(
      String time,
      String host,
      List<String> paths,
      Map<String, String> tags,
      String parent,
      String mode,
      String tree,
      List<String> includes,
      List<String> excludes,
      Stats stats,
      String program,
      String repairedFrom,
      List<Checkpoint> checkpoints,
      CopiedFrom copiedFrom) {
    this(
        time,
        host,
        paths,
        tags,
        parent,
        mode,
        tree,
        includes,
        excludes,
        stats,
        program,
        repairedFrom,
        checkpoints,
        copiedFrom,
        null);
  }

  /**
   * This snapshot rewritten by {@code arca rewrite}: the same in every field but {@code tree},
   * {@code stats}, {@code checkpoints} and {@code program}, with {@code rewrittenFrom} naming it
   * ({@code id}).
   */
  public Snapshot asRewrite(
      String id, String tree, Stats stats, List<Checkpoint> checkpoints, String program) {
    return new Snapshot(
        time,
        host,
        paths,
        tags,
        parent,
        mode,
        tree,
        includes,
        excludes,
        stats,
        program,
        repairedFrom,
        checkpoints,
        copiedFrom,
        id);
  }

  /**
   * Where a copied snapshot comes from.
   *
   * @param repository the source repository's id (its {@code config}'s {@code id}, 32 hex digits)
   * @param snapshot the source snapshot's id (64 hex digits)
   */
  public record CopiedFrom(
      @JsonProperty("repository") String repository, @JsonProperty("snapshot") String snapshot) {}

  /**
   * This snapshot as a copy of {@code from}, with {@code parent}, {@code tree} and {@code stats}.
   */
  public Snapshot asCopy(String parent, String tree, Stats stats, String program, CopiedFrom from) {
    return new Snapshot(
        time,
        host,
        paths,
        tags,
        parent,
        parent == null ? "full" : "incremental",
        tree,
        includes,
        excludes,
        stats,
        program,
        null,
        checkpoints,
        from);
  }

  /** A snapshot written by a backup. */
  public Snapshot(
      String time,
      String host,
      List<String> paths,
      Map<String, String> tags,
      String parent,
      String mode,
      String tree,
      List<String> includes,
      List<String> excludes,
      Stats stats,
      String program) {
    this(
        time, host, paths, tags, parent, mode, tree, includes, excludes, stats, program, null,
        null);
  }

  /** Counters of one backup run. */
  public record Stats(
      @JsonProperty("files") long files,
      @JsonProperty("dirs") long dirs,
      @JsonProperty("bytes") long bytes,
      @JsonProperty("newBytes") long newBytes,
      @JsonProperty("storedBytes") long storedBytes,
      @JsonProperty("unchangedFiles") long unchangedFiles,
      @JsonProperty("skippedSpecial") long skippedSpecial,
      @JsonProperty("changedWhileReading") long changedWhileReading) {

    /**
     * These counts without {@code files} files, {@code dirs} folders and {@code bytes} bytes left
     * out of the snapshot (none below zero); the other counters stay.
     */
    public Stats without(long files, long dirs, long bytes) {
      return new Stats(
          Math.max(0, this.files - files),
          Math.max(0, this.dirs - dirs),
          Math.max(0, this.bytes - bytes),
          newBytes,
          storedBytes,
          unchangedFiles,
          skippedSpecial,
          changedWhileReading);
    }
  }
}
