package dev.arca.cli;

import dev.arca.engine.ArcaException;
import dev.arca.engine.checkpoint.CheckpointSpec;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code arca backup}'s checkpoint options: which folders are checkpoints, and when complete. */
final class CheckpointOptions {
  @Option(
      names = "--checkpoints",
      paramLabel = "GLOB",
      description = {
        "Training checkpoint folders, as --include globs (repeatable; the PATH's name first):",
        "'train/runs/*/checkpoint-*', 'global_step*' (any depth). Only whole ones are stored;",
        "others are left out, reported."
      })
  List<String> globs = new ArrayList<>();

  @Option(
      names = "--checkpoint-complete",
      paramLabel = "auto|MARKER",
      description = {
        "When a checkpoint folder is complete. 'auto' (default): a known writer's marker is",
        "there (trainer_state.json; DeepSpeed's latest naming it or a later step; .metadata).",
        "MARKER: the file MARKER is in it.",
        "Either way every *.safetensors file in it must be whole, and every",
        "*.safetensors.index.json must name only shards that are present."
      })
  String complete;

  /** The checkpoint rules asked for; a marker without globs, or not a file name, is refused. */
  CheckpointSpec spec() {
    if (complete != null && globs.isEmpty()) {
      throw ArcaException.usage("--checkpoint-complete needs --checkpoints GLOB");
    }
    return new CheckpointSpec(globs, complete);
  }
}
