package dev.arca.engine.checkpoint;

import dev.arca.engine.fs.Globs;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The checkpoint rules of one backup: which folders are checkpoints, and whether one is complete
 * (its marker rule, then the structural rules, must all pass).
 */
public final class CheckpointRules {
  private final Globs folders;
  private final CompletionRule marker;
  private final List<CompletionRule> structure = List.of(new SafetensorsShards(), new ShardIndex());

  private CheckpointRules(Globs folders, CompletionRule marker) {
    this.folders = folders;
    this.marker = marker;
  }

  /** The rules {@code spec} asks for; a bad glob is a usage error naming it. */
  public static CheckpointRules of(CheckpointSpec spec) {
    CompletionRule marker =
        spec.complete().equals(CheckpointSpec.AUTO)
            ? new KnownWriters()
            : new MarkerFile(spec.complete());
    return new CheckpointRules(Globs.compile(spec.folders(), "--checkpoints"), marker);
  }

  /** Whether there are any checkpoint folders to look for. */
  public boolean isEmpty() {
    return folders.isEmpty();
  }

  /**
   * Whether the folder at {@code path}, its path in the snapshot ({@code
   * train/runs/a/checkpoint-100}), is a checkpoint folder.
   */
  public boolean matches(String path) {
    return folders.matches(path);
  }

  /**
   * Why the checkpoint folder {@code folder} is incomplete, or null when it is complete. A folder
   * that cannot be read is incomplete, and the reason says so.
   */
  public String problem(Path folder) {
    try {
      CheckpointDir dir = CheckpointDir.scan(folder);
      String p = marker.problem(dir);
      for (int i = 0; p == null && i < structure.size(); i++) {
        p = structure.get(i).problem(dir);
      }
      return p;
    } catch (IOException e) {
      return "cannot be checked (" + e + ")";
    }
  }
}
