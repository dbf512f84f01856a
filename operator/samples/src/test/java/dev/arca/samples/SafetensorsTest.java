package dev.arca.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The safetensors writer's layout, its determinism, and rewriting one tensor in place. */
class SafetensorsTest {
  @TempDir Path tmp;

  static final List<ModelShape.Tensor> TENSORS =
      List.of(
          new ModelShape.Tensor("w", new long[] {4, 8}, 0),
          new ModelShape.Tensor("norm", new long[] {8}, 1));

  @Test
  void theHeaderIsCompactJsonPaddedToEightBytesAndTheDataFollows() throws Exception {
    Path f = tmp.resolve("m.safetensors");
    long size = Safetensors.write(f, TENSORS, new SplittableRandom(1), Safetensors.PT);

    byte[] all = Files.readAllBytes(f);
    long n = ByteBuffer.wrap(all, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    String header = new String(all, 8, (int) n, StandardCharsets.UTF_8);
    assertThat(n % 8).isZero();
    assertThat(header.strip())
        .isEqualTo(
            "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"w\":{\"dtype\":\"BF16\",\"shape\":[4,8],\"data_offsets\":[0,64]},"
                + "\"norm\":{\"dtype\":\"BF16\",\"shape\":[8],\"data_offsets\":[64,80]}}");
    assertThat(size).isEqualTo(all.length).isEqualTo(8 + n + 80);
    // norms sit around 1, weights around 0
    short first =
        ByteBuffer.wrap(all, (int) (8 + n + 64), 2).order(ByteOrder.LITTLE_ENDIAN).getShort();
    assertThat(Bf16.toFloat(first)).isBetween(0.8f, 1.2f);
  }

  @Test
  void theSameSeedsWriteTheSameBytesAndOneTensorRewrittenChangesOnlyItsRange() throws Exception {
    Path a = tmp.resolve("a.safetensors");
    Path b = tmp.resolve("b.safetensors");
    Safetensors.write(a, TENSORS, new long[] {1, 2}, Safetensors.PT);
    Safetensors.write(b, TENSORS, new long[] {1, 2}, Safetensors.PT);
    assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));

    byte[] before = Files.readAllBytes(a);
    Safetensors.overwrite(a, 64, 16, 1, new SplittableRandom(3));
    byte[] after = Files.readAllBytes(a);
    int data = before.length - 80;
    assertThat(after).hasSameSizeAs(before);
    assertThat(Arrays.copyOf(after, data + 64)).isEqualTo(Arrays.copyOf(before, data + 64));
    assertThat(after).isNotEqualTo(before);
  }

  @Test
  void treeDigestsTellWhatDiffers() throws Exception {
    LlmTrees.small(tmp.resolve("x"), 5);
    LlmTrees.small(tmp.resolve("y"), 5);
    assertThat(TreeDigest.differences(tmp.resolve("x"), tmp.resolve("y"), 10)).isEmpty();
    assertThat(TreeDigest.of(tmp.resolve("x")))
        .containsKeys(
            "model/model-00001-of-00001.safetensors",
            "model/config.json",
            "checkpoints/step-100/optimizer.bin",
            "datasets/chat été/part-39.jsonl");

    Files.delete(tmp.resolve("y/model/config.json"));
    Files.writeString(tmp.resolve("y/datasets/chat été/part-0.jsonl"), "changed\n");
    Files.writeString(tmp.resolve("y/extra"), "new\n");
    assertThat(TreeDigest.differences(tmp.resolve("x"), tmp.resolve("y"), 10))
        .containsExactly(
            "content differs: datasets/chat été/part-0.jsonl",
            "unexpected file extra",
            "missing file model/config.json");
  }
}
