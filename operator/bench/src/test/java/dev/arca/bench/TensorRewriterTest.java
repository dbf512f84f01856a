package dev.arca.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TensorRewriterTest {
  @TempDir Path tmp;

  @Test
  void onlyTheTensorsBytesChange() throws IOException {
    Dataset set = new DatasetGenerator(5).generate(tmp.resolve("set"), 2L << 20);
    String name = set.shape().middleDownProjection();
    Path shard = set.shardOf(name);
    byte[] before = Files.readAllBytes(shard);
    Files.setLastModifiedTime(shard, FileTime.fromMillis(1_000_000_000_000L));

    TensorRewriter.Rewrite r = new TensorRewriter(99).rewrite(shard, name);

    byte[] after = Files.readAllBytes(shard);
    assertThat(after).hasSameSizeAs(before);
    assertThat(r.bytes()).isEqualTo(SafetensorsReader.readHeader(shard).entry(name).size());
    assertThat(r.bytes()).isEqualTo(2L * set.shape().hidden() * set.shape().intermediate());
    int changedInside = 0;
    for (int i = 0; i < before.length; i++) {
      boolean inside = i >= r.offset() && i < r.offset() + r.bytes();
      if (!inside) {
        assertThat(after[i]).as("byte %d outside the tensor", i).isEqualTo(before[i]);
      } else if (after[i] != before[i]) {
        changedInside++;
      }
    }
    assertThat(changedInside).isGreaterThan((int) (r.bytes() / 2));
    assertThat(Files.getLastModifiedTime(shard).toMillis()).isGreaterThan(1_000_000_000_000L);

    // The same seed writes the same new content.
    Files.write(shard, before);
    new TensorRewriter(99).rewrite(shard, name);
    assertThat(Files.readAllBytes(shard)).isEqualTo(after);
  }
}
