package dev.arca.engine.checkpoint;

import dev.arca.engine.ArcaException;
import java.util.List;

/**
 * What a backup is told about checkpoints ({@code --checkpoints}, {@code --checkpoint-complete}).
 *
 * @param folders globs of checkpoint folders over paths in the snapshot, the source's root name
 *     first, as include globs ({@code train/runs/*}{@code /checkpoint-*}); none: the backup looks
 *     for no checkpoints
 * @param complete {@value #AUTO} (the markers of known writers) or the name of a file that must
 *     exist in a checkpoint folder
 */
public record CheckpointSpec(List<String> folders, String complete) {
  /** The completion rule that knows the common writers' markers. */
  public static final String AUTO = "auto";

  /** No checkpoint folders: the backup treats every folder alike. */
  public static final CheckpointSpec NONE = new CheckpointSpec(List.of(), AUTO);

  /** Checks the marker name: a usage error unless it is one file name. */
  public CheckpointSpec {
    folders = folders == null ? List.of() : List.copyOf(folders);
    complete = complete == null ? AUTO : complete;
    if (complete.isEmpty()
        || complete.contains("/")
        || complete.indexOf('\0') >= 0
        || complete.equals(".")
        || complete.equals("..")) {
      throw ArcaException.usage(
          "--checkpoint-complete '"
              + complete
              + "' is neither 'auto' nor a file name (no '/', not '.' or '..')");
    }
  }

  /** Whether the backup looks for checkpoint folders at all. */
  public boolean isEmpty() {
    return folders.isEmpty();
  }
}
