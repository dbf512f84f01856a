package dev.arca.bench;

import dev.arca.samples.Safetensors;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.SplittableRandom;

/**
 * Rewrites one tensor of a safetensors shard in place with new N(mean, 0.02) BF16 values, as a
 * fine-tuning step that touches a single weight matrix would: the file keeps its size and header,
 * only that tensor's byte range changes, and the file's modification time moves forward.
 */
public final class TensorRewriter {
  private final long seed;

  /** A rewriter whose new values come from {@code seed}. */
  public TensorRewriter(long seed) {
    this.seed = seed;
  }

  /**
   * What was rewritten.
   *
   * @param shard the file
   * @param tensor the tensor's name
   * @param offset the file offset of its first byte
   * @param bytes its size in bytes
   */
  public record Rewrite(Path shard, String tensor, long offset, long bytes) {}

  /** Rewrites {@code tensor} inside {@code shard} and reports its byte range. */
  public Rewrite rewrite(Path shard, String tensor) throws IOException {
    return rewrite(
        shard,
        tensor,
        (out, entry) -> {
          double mean = entry.shape().length == 1 ? 1.0 : 0.0; // norms sit around 1
          Safetensors.writeGaussian(
              out, new SplittableRandom(seed), mean, entry.size(), new byte[8 << 20]);
        });
  }

  /** Writes a tensor's new bytes: exactly {@code entry.size()} at the channel's position. */
  @FunctionalInterface
  interface Fill {
    /** Writes the new content of {@code entry} to {@code out}. */
    void write(FileChannel out, SafetensorsReader.Entry entry) throws IOException;
  }

  /**
   * Rewrites the BF16 {@code tensor} inside {@code shard} in place with what {@code fill} writes,
   * makes sure the file's modification time moves forward, and reports the byte range.
   */
  static Rewrite rewrite(Path shard, String tensor, Fill fill) throws IOException {
    SafetensorsReader.Header header = SafetensorsReader.readHeader(shard);
    SafetensorsReader.Entry entry = header.entry(tensor);
    if (!entry.dtype().equals("BF16")) {
      throw new IOException(tensor + " is " + entry.dtype() + ", not BF16");
    }
    FileTime before = Files.getLastModifiedTime(shard);
    long offset = header.dataStart() + entry.begin();
    try (FileChannel out = FileChannel.open(shard, StandardOpenOption.WRITE)) {
      out.position(offset);
      fill.write(out, entry);
      if (out.position() != offset + entry.size()) {
        throw new IOException(tensor + ": wrote " + (out.position() - offset) + " bytes");
      }
    }
    // Coarse file system clocks could leave the time unchanged; make sure it moves forward.
    FileTime after = Files.getLastModifiedTime(shard);
    if (after.compareTo(before) <= 0) {
      Files.setLastModifiedTime(shard, FileTime.fromMillis(before.toMillis() + 1000));
    }
    return new Rewrite(shard, tensor, offset, entry.size());
  }
}
