package dev.arca.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arca.samples.Bf16;
import dev.arca.samples.TreeDigest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetGeneratorTest {
  private static final long SIZE = 3L << 20;

  @TempDir Path tmp;

  @Test
  void shardsAreValidSafetensors() throws IOException {
    Dataset set = new DatasetGenerator(7).generate(tmp.resolve("set"), SIZE);
    List<Path> shards = list(set.root().resolve("model"), ".safetensors");
    assertThat(shards).hasSize(set.shards()).isNotEmpty();
    assertThat(shards.get(0).getFileName().toString())
        .isEqualTo(String.format("model-00001-of-%05d.safetensors", shards.size()));
    long tensors = 0;
    for (Path shard : shards) {
      SafetensorsReader.Header header = SafetensorsReader.readHeader(shard);
      assertThat(header.dataStart() % 8).isZero();
      assertThat(header.metadata()).containsEntry("format", "pt");
      long expected = 0;
      for (SafetensorsReader.Entry e : header.entries()) {
        assertThat(e.dtype()).isEqualTo("BF16");
        assertThat(e.begin()).as("contiguous: %s", e.name()).isEqualTo(expected);
        long elements = 1;
        for (long d : e.shape()) {
          elements *= d;
        }
        assertThat(e.size()).isEqualTo(elements * 2);
        expected = e.end();
      }
      assertThat(header.dataEnd()).isEqualTo(Files.size(shard));
      tensors += header.entries().size();
    }
    assertThat(tensors).isEqualTo(set.shape().tensors().size());
    assertThat(set.root().resolve("model/config.json")).isRegularFile();
    assertThat(set.root().resolve("model/tokenizer.json")).isRegularFile();
    assertThat(set.root().resolve("dumps/app.sql")).isRegularFile();
  }

  @Test
  void weightsLookNormal() throws IOException {
    Dataset set = new DatasetGenerator(3).generate(tmp.resolve("set"), SIZE);
    String name = set.shape().middleDownProjection();
    Path shard = set.shardOf(name);
    SafetensorsReader.Entry e = SafetensorsReader.readHeader(shard).entry(name);
    byte[] bytes = Files.readAllBytes(shard);
    int start = (int) (SafetensorsReader.readHeader(shard).dataStart() + e.begin());
    double sum = 0;
    double squares = 0;
    int n = (int) (e.size() / 2);
    for (int i = 0; i < n; i++) {
      short v = (short) ((bytes[start + 2 * i] & 0xFF) | (bytes[start + 2 * i + 1] << 8));
      double f = Bf16.toFloat(v);
      sum += f;
      squares += f * f;
    }
    double mean = sum / n;
    double std = Math.sqrt(squares / n - mean * mean);
    assertThat(mean).isBetween(-0.002, 0.002);
    assertThat(std).isBetween(0.019, 0.021);
  }

  @Test
  void sameSeedSameBytesAndAboutTheRequestedSize() throws IOException {
    Dataset a = new DatasetGenerator(11).generate(tmp.resolve("a"), SIZE);
    Dataset b = new DatasetGenerator(11).generate(tmp.resolve("b"), SIZE);
    Map<String, String> digestA = TreeDigest.of(a.root());
    assertThat(digestA).isEqualTo(TreeDigest.of(b.root()));
    assertThat(a.fileCount()).isEqualTo(digestA.size());
    long onDisk = sizeOf(a.root());
    assertThat(onDisk).isEqualTo(a.totalBytes());
    assertThat((double) onDisk).isBetween(SIZE * 0.9, SIZE * 1.1);
    assertThat((double) a.weightBytes() / onDisk).isBetween(0.6, 0.8);
    SafetensorsReader.Header optimizer =
        SafetensorsReader.readHeader(a.root().resolve("checkpoint/optimizer-state.safetensors"));
    assertThat(optimizer.entries()).isNotEmpty().allMatch(e -> e.dtype().equals("F32"));
    assertThat(a.optimizerBytes()).isGreaterThan(SIZE / 20).isLessThanOrEqualTo(SIZE / 10 + 8192);
    assertThat(a.jsonlFiles()).isGreaterThan(10);

    Dataset other = new DatasetGenerator(12).generate(tmp.resolve("c"), SIZE);
    assertThat(TreeDigest.of(other.root())).isNotEqualTo(digestA);
  }

  @Test
  void sizesParse() {
    assertThat(Sizes.parse("2g")).isEqualTo(2L << 30);
    assertThat(Sizes.parse("200M")).isEqualTo(200L << 20);
    assertThat(Sizes.parse("1.5GiB")).isEqualTo(3L << 29);
    assertThat(Sizes.parse("512k")).isEqualTo(512L << 10);
    assertThat(Sizes.parse("1000")).isEqualTo(1000);
    assertThat(Sizes.format(3L << 29)).isEqualTo("1.50 GiB");
  }

  static List<Path> list(Path dir, String suffix) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(suffix)).sorted().toList();
    }
  }

  static long sizeOf(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }
}
