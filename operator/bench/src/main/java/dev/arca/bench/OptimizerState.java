package dev.arca.bench;

import dev.arca.samples.ModelShape;
import dev.arca.samples.Safetensors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Writes an FP32 optimizer-state file as a training run saves next to its weights: Adam's first and
 * second moments ({@code exp_avg}, {@code exp_avg_sq}) of the model's tensors, in order, as many as
 * fit in the budget. First moments are drawn from N(0, 1e-4) (small, signed); second moments are
 * squares of N(0, 1e-3) (positive, spread over several orders of magnitude). Real optimizer state
 * compresses about as badly as this: the low mantissa bytes are noise.
 */
final class OptimizerState {
  private static final int CHUNK = 8 << 20;

  private OptimizerState() {}

  /** Writes the file; returns its size. */
  static long write(Path file, List<ModelShape.Tensor> weights, long budget, SplittableRandom r)
      throws IOException {
    List<ModelShape.Tensor> moments = new ArrayList<>();
    long used = 0;
    for (ModelShape.Tensor w : weights) {
      long bytes = w.elements() * 4;
      if (used + 2 * bytes > budget) {
        continue; // too large for what is left: a smaller tensor may still fit
      }
      moments.add(new ModelShape.Tensor(w.name() + ".exp_avg", w.shape(), 0));
      moments.add(new ModelShape.Tensor(w.name() + ".exp_avg_sq", w.shape(), 1));
      used += 2 * bytes;
    }
    byte[] header = Safetensors.header(moments, Safetensors.PT, "F32", 4);
    ByteBuffer chunk = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
    try (FileChannel out = Safetensors.create(file, header)) {
      for (ModelShape.Tensor t : moments) {
        SplittableRandom tr = r.split();
        boolean second = t.mean() == 1;
        for (long left = t.elements(); left > 0; ) {
          int n = (int) Math.min(CHUNK / 4, left);
          chunk.clear();
          for (int i = 0; i < n; i++) {
            double g = tr.nextGaussian();
            chunk.putFloat(second ? (float) (g * g * 1e-6) : (float) (g * 1e-4));
          }
          chunk.flip();
          Safetensors.writeFully(out, chunk);
          left -= n;
        }
      }
      return out.position();
    }
  }
}
