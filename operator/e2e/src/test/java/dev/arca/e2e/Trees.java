package dev.arca.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Small LLM-like trees (a safetensors shard, a jsonl dataset, a config) and their hashes. */
final class Trees {
  private Trees() {}

  /** Writes a model folder, a checkpoint folder and a dataset under {@code root}. */
  static void llm(Path root, long seed) throws IOException {
    Random r = new Random(seed);
    Files.createDirectories(root.resolve("model"));
    Files.write(
        root.resolve("model/model-00001-of-00001.safetensors"), safetensors(r, 2, 256 * 1024));
    Files.writeString(
        root.resolve("model/config.json"), "{\"hidden_size\": 512, \"seed\": " + seed + "}\n");
    Files.createDirectories(root.resolve("checkpoints/step-100"));
    Files.write(root.resolve("checkpoints/step-100/optimizer.bin"), bytes(r, 300_000));
    Path data = root.resolve("datasets/chat été");
    Files.createDirectories(data);
    for (int i = 0; i < 40; i++) {
      Files.writeString(
          data.resolve("part-" + i + ".jsonl"),
          "{\"prompt\": \"q" + i + "\", \"answer\": \"" + r.nextLong() + "\"}\n");
    }
  }

  /**
   * A shell function {@code llm ROOT SEED} that writes the same shape of tree as {@link #llm} (a
   * valid BF16 safetensors shard, a config, an optimizer state, a 40-file jsonl dataset in a folder
   * with a space and an accent), with random bytes from /dev/urandom: for pods, on any cluster.
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

  /** A valid safetensors file of {@code tensors} BF16 tensors of {@code bytes} bytes each. */
  static byte[] safetensors(Random r, int tensors, int bytes) {
    StringBuilder h = new StringBuilder("{");
    for (int t = 0; t < tensors; t++) {
      h.append(t == 0 ? "" : ",")
          .append("\"layer.")
          .append(t)
          .append(".weight\":{\"dtype\":\"BF16\",\"shape\":[")
          .append(bytes / 2)
          .append("],\"data_offsets\":[")
          .append((long) t * bytes)
          .append(',')
          .append((long) (t + 1) * bytes)
          .append("]}");
    }
    byte[] header = h.append('}').toString().getBytes(StandardCharsets.UTF_8);
    ByteBuffer b =
        ByteBuffer.allocate(8 + header.length + tensors * bytes).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(header.length).put(header).put(bytes(r, tensors * bytes));
    return b.array();
  }

  static byte[] bytes(Random r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return b;
  }

  /** SHA-256 of every regular file under {@code root}, by relative path. */
  static Map<String, String> hashes(Path root) {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        if (Files.isRegularFile(p)) {
          MessageDigest d = MessageDigest.getInstance("SHA-256");
          out.put(
              root.relativize(p).toString(),
              HexFormat.of().formatHex(d.digest(Files.readAllBytes(p))));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }
}
