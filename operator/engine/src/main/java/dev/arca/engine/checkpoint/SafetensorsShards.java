package dev.arca.engine.checkpoint;

import dev.arca.engine.chunk.SafetensorsHeader;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Arca's structural rule for tensor files: every {@code *.safetensors} file in the folder (and its
 * sub-folders) has a header that parses ({@link SafetensorsHeader}: its length bounded by 100 MB
 * and by the file) and is exactly as long as that header says: 8 + header + the end of its last
 * tensor. A shard still being written, or cut short, is shorter.
 */
final class SafetensorsShards implements CompletionRule {
  @Override
  public String problem(CheckpointDir folder) throws IOException {
    return folder.firstProblem(folder.safetensors(), ": ", SafetensorsShards::problem);
  }

  private static String problem(Path f) throws IOException {
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      long size = ch.size();
      long want = SafetensorsHeader.read(ch, size).dataEnd();
      if (size < want) {
        return size + " bytes, but its header describes " + want + " (cut short or being written)";
      }
      if (size > want) {
        return size + " bytes, but its header describes only " + want;
      }
      return null;
    } catch (SafetensorsHeader.Malformed e) {
      return "not a complete safetensors file: " + e.getMessage();
    }
  }
}
