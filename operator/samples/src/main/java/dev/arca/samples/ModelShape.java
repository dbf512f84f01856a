package dev.arca.samples;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The architecture of a Llama-like decoder-only transformer, sized so that its BF16 weights take
 * about a given number of bytes.
 *
 * @param hidden the hidden size
 * @param intermediate the MLP's intermediate size
 * @param layers the number of decoder layers
 * @param heads attention heads
 * @param kvHeads key/value heads (grouped-query attention)
 * @param vocab the vocabulary size (embedding and LM head rows)
 */
public record ModelShape(
    int hidden, int intermediate, int layers, int heads, int kvHeads, int vocab) {

  /** Bytes per BF16 element. */
  public static final int BF16_BYTES = 2;

  private static final int[] HIDDEN_SIZES = {
    4096, 3072, 2560, 2048, 1536, 1024, 768, 512, 384, 256, 128, 64, 32
  };
  private static final int TYPICAL_VOCAB = 32_000;
  private static final int MIN_LAYERS = 8;

  /**
   * One weight tensor.
   *
   * @param name the tensor's name, as in Hugging Face checkpoints
   * @param shape its dimensions
   * @param mean the mean its values are drawn around (1 for norms, 0 otherwise)
   */
  public record Tensor(String name, long[] shape, double mean) {
    /** Number of elements. */
    public long elements() {
      return Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    }

    /** Size in bytes as BF16. */
    public long bytes() {
      return elements() * BF16_BYTES;
    }
  }

  /**
   * Picks the widest model whose {@value #MIN_LAYERS} layers take at most 70% of the budget, gives
   * the embedding and LM head a 32k vocabulary (at most 30% of the budget), adds as many layers as
   * fit and finally widens the vocabulary to use up the rest.
   */
  public static ModelShape forBudget(long weightBytes) {
    long budget = weightBytes / BF16_BYTES; // in parameters
    int hidden = HIDDEN_SIZES[HIDDEN_SIZES.length - 1];
    for (int h : HIDDEN_SIZES) {
      if (MIN_LAYERS * perLayer(h) <= budget * 0.7) {
        hidden = h;
        break;
      }
    }
    long layerParams = perLayer(hidden);
    long embedBudget = Math.min(2L * TYPICAL_VOCAB * hidden, (long) (budget * 0.3));
    int layers = (int) Math.max(1, (budget - embedBudget - hidden) / layerParams);
    long left = budget - layers * layerParams - hidden;
    int vocab = (int) Math.max(64, left / (2L * hidden) / 64 * 64);
    return new ModelShape(
        hidden, intermediate(hidden), layers, hidden / headDim(hidden), kvHeads(hidden), vocab);
  }

  private static int headDim(int hidden) {
    return Math.max(16, Math.min(128, hidden / 16));
  }

  private static int kvHeads(int hidden) {
    return Math.max(1, hidden / headDim(hidden) / 4);
  }

  private static int intermediate(int hidden) {
    int multiple = hidden >= 1024 ? 256 : 32;
    int raw = (int) Math.ceil(hidden * 8.0 / 3.0);
    return (raw + multiple - 1) / multiple * multiple;
  }

  private static long perLayer(int hidden) {
    long kvDim = (long) kvHeads(hidden) * headDim(hidden);
    long attention = 2L * hidden * hidden + 2L * kvDim * hidden;
    long mlp = 3L * hidden * intermediate(hidden);
    return attention + mlp + 2L * hidden;
  }

  /** Width of the key and value projections. */
  public int kvDim() {
    return kvHeads * (hidden / heads);
  }

  /** All tensors in checkpoint order: embedding, the layers, the final norm and the LM head. */
  public List<Tensor> tensors() {
    List<Tensor> out = new ArrayList<>();
    out.add(matrix("model.embed_tokens.weight", vocab, hidden));
    for (int i = 0; i < layers; i++) {
      String p = "model.layers." + i + ".";
      out.add(norm(p + "input_layernorm.weight"));
      out.add(matrix(p + "self_attn.q_proj.weight", hidden, hidden));
      out.add(matrix(p + "self_attn.k_proj.weight", kvDim(), hidden));
      out.add(matrix(p + "self_attn.v_proj.weight", kvDim(), hidden));
      out.add(matrix(p + "self_attn.o_proj.weight", hidden, hidden));
      out.add(norm(p + "post_attention_layernorm.weight"));
      out.add(matrix(p + "mlp.gate_proj.weight", intermediate, hidden));
      out.add(matrix(p + "mlp.up_proj.weight", intermediate, hidden));
      out.add(matrix(p + "mlp.down_proj.weight", hidden, intermediate));
    }
    out.add(norm("model.norm.weight"));
    out.add(matrix("lm_head.weight", vocab, hidden));
    return out;
  }

  /** The tensor a benchmark rewrites: the MLP down projection of the middle layer. */
  public String middleDownProjection() {
    return "model.layers." + (layers / 2) + ".mlp.down_proj.weight";
  }

  /** Total size of all tensors in bytes. */
  public long bytes() {
    return tensors().stream().mapToLong(Tensor::bytes).sum();
  }

  private Tensor matrix(String name, long rows, long cols) {
    return new Tensor(name, new long[] {rows, cols}, 0.0);
  }

  private Tensor norm(String name) {
    return new Tensor(name, new long[] {hidden}, 1.0);
  }
}
