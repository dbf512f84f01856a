package dev.arca.e2e;

/**
 * Small LLM-like trees written by pods: the shell twin of {@link dev.arca.samples.LlmTrees#small},
 * which the tests that write on this machine use.
 */
final class Trees {
  private Trees() {}

  /**
   * A shell function {@code llm ROOT SEED} that writes the same shape of tree as {@link
   * dev.arca.samples.LlmTrees#small} (a valid BF16 safetensors shard, a config, an optimizer state,
   * a 40-file jsonl dataset in a folder with a space and an accent), with random bytes from
   * /dev/urandom: for pods, on any cluster.
   */
  static final String LLM_SH =
      """
      llm() {
        r=$1
        mkdir -p "$r/model" "$r/checkpoints/step-100" "$r/datasets/chat été"
        h='{"layer.0.weight":{"dtype":"BF16","shape":[131072],"data_offsets":[0,262144]},'
        h="$h"'"layer.1.weight":{"dtype":"BF16","shape":[131072],"data_offsets":[262144,524288]}}'
        n=${#h}
        {
          printf "$(printf '\\\\%03o\\\\%03o' $((n % 256)) $((n / 256)))"
          printf '\\000\\000\\000\\000\\000\\000%s' "$h"
          head -c 524288 /dev/urandom
        } > "$r/model/model-00001-of-00001.safetensors"
        printf '{"hidden_size": 512, "seed": %s}\\n' "$2" > "$r/model/config.json"
        head -c 300000 /dev/urandom > "$r/checkpoints/step-100/optimizer.bin"
        for i in $(seq 0 39); do
          printf '{"prompt": "q%s", "answer": "%s"}\\n' "$i" "$(od -An -N8 -tu8 /dev/urandom | tr -d ' ')" \\
            > "$r/datasets/chat été/part-$i.jsonl"
        done
      }
      """;
}
