package dev.arca.engine.checkpoint;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * DeepSpeed's marker: after saving the tag folder {@code global_stepN}, DeepSpeed writes the tag
 * into the file {@code latest} beside it. A folder is complete when {@code latest} names it, or
 * names a tag with a higher step (older tags were complete when {@code latest} named them).
 */
final class DeepSpeedLatest implements CompletionRule {
  /** The file's name, in the tag folder's parent. */
  static final String LATEST = "latest";

  /** The longest {@code latest} file read: a tag is a folder name. */
  static final int MAX_BYTES = 4096;

  /** Why a folder with no {@code latest} file beside it fails this rule. */
  static final String NO_LATEST = "no DeepSpeed " + LATEST + " file beside it";

  @Override
  public String problem(CheckpointDir folder) throws IOException {
    String tag = tag(folder.path());
    if (tag == null) {
      return NO_LATEST;
    }
    if (tag.equals(folder.name())) {
      return null;
    }
    Long named = Step.of(tag);
    Long mine = Step.of(folder.name());
    if (named != null && mine != null && named > mine) {
      return null;
    }
    return "DeepSpeed's " + LATEST + " names " + shown(tag) + ", not this folder or a later step";
  }

  /** The tag {@code latest} names (trimmed), or null when there is no such file of a tag's size. */
  private static String tag(Path folder) throws IOException {
    Path parent = folder.getParent();
    Path latest = parent == null ? null : parent.resolve(LATEST);
    if (latest == null || !CheckpointDir.isFile(latest)) {
      return null;
    }
    byte[] b = CheckpointDir.readSmall(latest, MAX_BYTES);
    return b == null ? null : new String(b, StandardCharsets.UTF_8).trim();
  }

  /** A tag as a reason quotes it: on one line, at most 100 characters. */
  private static String shown(String tag) {
    String one = tag.replaceAll("\\p{Cntrl}", "?");
    return "'" + (one.length() > 100 ? one.substring(0, 100) + "..." : one) + "'";
  }
}
