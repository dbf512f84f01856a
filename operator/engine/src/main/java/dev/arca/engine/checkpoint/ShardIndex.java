package dev.arca.engine.checkpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;

/**
 * Arca's structural rule for sharded weights: a {@code *.safetensors.index.json} (such as {@code
 * model.safetensors.index.json}) parses, has a {@code weight_map}, and every shard file it names is
 * present beside it. Writers save the index last; an index naming a missing shard means the shards
 * are not all written yet, or some were lost.
 */
final class ShardIndex implements CompletionRule {
  /** The largest index read: real ones are a few hundred KiB even for the largest models. */
  static final int MAX_BYTES = 16 << 20;

  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public String problem(CheckpointDir folder) throws IOException {
    return folder.firstProblem(folder.indexes(), " ", ShardIndex::problem);
  }

  private static String problem(Path index) throws IOException {
    byte[] bytes = CheckpointDir.readSmall(index, MAX_BYTES);
    if (bytes == null) {
      return "is larger than a shard index may be (" + MAX_BYTES + " bytes)";
    }
    JsonNode map;
    try {
      map = JSON.readTree(bytes).path("weight_map");
    } catch (JsonProcessingException e) {
      return "does not parse (" + e.getOriginalMessage() + ")";
    }
    if (!map.isObject()) {
      return "has no weight_map";
    }
    Set<String> shards = new TreeSet<>();
    for (Iterator<JsonNode> it = map.elements(); it.hasNext(); ) {
      JsonNode v = it.next();
      if (!v.isTextual()) {
        return "has a weight_map value that is not a file name: " + v;
      }
      shards.add(v.asText());
    }
    for (String shard : shards) {
      if (!isRelative(shard)) {
        return "names shard '" + shard + "', which is not a file beside it";
      }
      if (!CheckpointDir.isFile(index.resolveSibling(shard))) {
        return "names shard " + shard + ", which is not present";
      }
    }
    return null;
  }

  /** Whether {@code name} is a path below the index's folder: no empty, '.' or '..' names. */
  private static boolean isRelative(String name) {
    if (name.indexOf('\0') >= 0) {
      return false;
    }
    for (String part : name.split("/", -1)) {
      if (part.isEmpty() || part.equals(".") || part.equals("..")) {
        return false;
      }
    }
    return true;
  }
}
