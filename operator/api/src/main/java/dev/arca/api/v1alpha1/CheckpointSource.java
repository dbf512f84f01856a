package dev.arca.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/**
 * Where a volume holds training checkpoints: those folders enter a snapshot only whole (complete,
 * and unchanged while read); the others are left out of that run and listed in the status.
 */
public class CheckpointSource {
  /**
   * Globs of checkpoint folders inside the volume, as include globs: {@code runs/*}{@code
   * /checkpoint-*}, or {@code global_step*} for a folder of that name at any depth.
   */
  @JsonPropertyDescription(
      "Globs of checkpoint folders inside the volume, as include globs: runs/*/checkpoint-*, or"
          + " global_step* for a folder of that name at any depth.")
  @Required
  @Size(min = 1, max = 32)
  public List<String> paths;

  /**
   * When a checkpoint folder is complete: {@code auto} (the default) for the markers of the writers
   * Arca knows (the Hugging Face Trainer's trainer_state.json, DeepSpeed's latest, PyTorch
   * Distributed Checkpoint's .metadata), or the name of a file the trainer writes last into the
   * folder. Every safetensors file and shard index in it must be whole too. One Job reads all of a
   * policy's volumes, so every source of a policy gives the same value.
   */
  @JsonPropertyDescription(
      "When a checkpoint folder is complete: auto (the default) for the markers of the writers"
          + " Arca knows (the Hugging Face Trainer's trainer_state.json, DeepSpeed's latest,"
          + " PyTorch Distributed Checkpoint's .metadata), or the name of a file the trainer writes"
          + " last into the folder. Every safetensors file and shard index in it must be whole too."
          + " One Job reads all of a policy's volumes, so every source of a policy gives the same"
          + " value.")
  @Pattern("^[^/\\x00]+$")
  public String complete;
}
