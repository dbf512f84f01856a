package dev.arca.bench;

import dev.arca.samples.Bf16;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fine-tuning run simulated on real weights, as Adam moves them: the FP32 master weights, first
 * and second moments of every trained tensor live in memory, and each {@link #advance} runs Adam
 * steps on them. Each step draws every element's gradient from N(0, s²), with {@code s} a
 * per-tensor scale between 1e-4 and 3e-3 (log-uniform), updates {@code m = β1 m + (1 - β1) g} and
 * {@code v = β2 v + (1 - β2) g²} ({@link #BETA1}, {@link #BETA2}) and moves the weight by {@code lr
 * m̂ / (sqrt(v̂) + ε)} with the bias-corrected moments, as PyTorch's AdamW without weight decay
 * does. Frozen tensors (no gradient, no optimizer state) never change.
 *
 * <p>With {@link #LEARNING_RATE} and {@link #SAVE_STEPS} steps between checkpoints a weight moves
 * by about {@code lr * sqrt(steps)} = 3.5e-4 between checkpoints: a small change next to the
 * weights' spread (a few 1e-2), so their distribution stays the model's, but larger than the BF16
 * rounding step of most values, so most stored BF16 values of a trained tensor change, as in real
 * fine-tuning. Real gradients are not independent from step to step; this keeps the simulation to
 * what a backup tool sees: which bytes change and how much their distribution shifts.
 *
 * <p>Every tensor draws from its own random stream, derived from the seed, its index and its step
 * count, so the result does not depend on the order or the threads the tensors are updated in.
 */
final class SimulatedTraining {
  static final double BETA1 = 0.9;
  static final double BETA2 = 0.999;
  static final double EPS = 1e-8;
  static final double LEARNING_RATE = 5e-5;

  /** Optimizer steps between two checkpoints ({@code save_steps}). */
  static final int SAVE_STEPS = 50;

  /** One tensor of the model. */
  static final class Param {
    final String name;
    final String dtype;
    final long[] shape;
    final boolean trained;

    /** FP32 values (master weights) of a float tensor, else null. */
    final float[] w;

    /** The first and second moments of a trained tensor, else null. */
    final float[] m;

    final float[] v;

    /** The stored bytes of a tensor that is not F32 (such as I64 position ids), else null. */
    final byte[] raw;

    final double gradScale;

    /** Adam steps this tensor has taken. */
    int step;

    Param(
        String name,
        String dtype,
        long[] shape,
        float[] w,
        byte[] raw,
        boolean trained,
        double gradScale) {
      if ((w == null) == (raw == null) || (trained && w == null)) {
        throw new IllegalArgumentException(name + ": a tensor has float values or raw bytes");
      }
      this.name = name;
      this.dtype = dtype;
      this.shape = shape;
      this.w = w;
      this.raw = raw;
      this.trained = trained;
      this.m = trained ? new float[w.length] : null;
      this.v = trained ? new float[w.length] : null;
      this.gradScale = gradScale;
    }

    /** Number of elements. */
    long elements() {
      long n = 1;
      for (long d : shape) {
        n *= d;
      }
      return n;
    }
  }

  private final List<Param> params;
  private final long seed;
  private int globalStep;

  /** A run over {@code params} (the model's tensors in file order) drawing from {@code seed}. */
  SimulatedTraining(List<Param> params, long seed) {
    this.params = List.copyOf(params);
    this.seed = seed;
  }

  /** The gradient scale of the {@code index}-th tensor: log-uniform in [1e-4, 3e-3]. */
  static double gradScale(long seed, int index) {
    double u = new SplittableRandom(mix(seed, index, -1)).nextDouble();
    return Math.pow(10, -4 + u * Math.log10(30));
  }

  List<Param> params() {
    return params;
  }

  /** Optimizer steps taken so far (the checkpoint's {@code global_step}). */
  int globalStep() {
    return globalStep;
  }

  /**
   * Runs {@code steps} Adam steps on every trained tensor, in parallel; returns the fraction of the
   * trained tensors' BF16 values that changed.
   */
  double advance(int steps) {
    AtomicLong changed = new AtomicLong();
    AtomicLong total = new AtomicLong();
    java.util.stream.IntStream.range(0, params.size())
        .parallel()
        .filter(i -> params.get(i).trained)
        .forEach(
            i -> {
              changed.addAndGet(advance(i, steps));
              total.addAndGet(params.get(i).w.length);
            });
    globalStep += steps;
    return total.get() == 0 ? 0 : (double) changed.get() / total.get();
  }

  /**
   * Runs {@code steps} Adam steps on the {@code index}-th tensor alone; returns how many of its
   * BF16 values changed.
   */
  long advance(int index, int steps) {
    Param p = params.get(index);
    if (!p.trained) {
      throw new IllegalArgumentException(p.name + " is frozen");
    }
    double[] lr = new double[steps];
    double[] secondCorrection = new double[steps];
    for (int s = 0; s < steps; s++) {
      int t = p.step + s + 1;
      lr[s] = LEARNING_RATE / (1 - Math.pow(BETA1, t));
      secondCorrection[s] = 1 / (1 - Math.pow(BETA2, t));
    }
    SplittableRandom random = new SplittableRandom(mix(seed, index, p.step));
    double scale = p.gradScale;
    float[] w = p.w;
    float[] m = p.m;
    float[] v = p.v;
    long changed = 0;
    for (int i = 0; i < w.length; i++) {
      double wi = w[i];
      double mi = m[i];
      double vi = v[i];
      for (int s = 0; s < steps; s++) {
        double g = scale * random.nextGaussian();
        mi = BETA1 * mi + (1 - BETA1) * g;
        vi = BETA2 * vi + (1 - BETA2) * g * g;
        wi -= lr[s] * mi / (Math.sqrt(vi * secondCorrection[s]) + EPS);
      }
      float next = (float) wi;
      if (Bf16.fromFloat(next) != Bf16.fromFloat(w[i])) {
        changed++;
      }
      w[i] = next;
      m[i] = (float) mi;
      v[i] = (float) vi;
    }
    p.step += steps;
    return changed;
  }

  /**
   * A well-spread seed for tensor {@code index} at step {@code step} of a run from {@code seed}.
   */
  static long mix(long seed, int index, int step) {
    long h = seed;
    h = mix64(h ^ (0x9E3779B97F4A7C15L * (index + 1)));
    return mix64(h ^ (0xC2B2AE3D27D4EB4FL * (step + 2L)));
  }

  private static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
