package dev.arca.engine.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arca.engine.ArcaException;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The in-memory index keeps every location exactly through many doublings, and grows to {@link
 * BlobIndex#MAX_ENTRIES} blobs: its id array once overflowed Java's array limit at 2^25 blobs (a
 * {@code NegativeArraySizeException} on a repository of 33.5 million chunks).
 */
class BlobIndexTest {
  @Test
  void keepsEveryLocationThroughGrowth() {
    BlobIndex index = new BlobIndex();
    SplittableRandom random = new SplittableRandom(7);
    int n = 50_000; // 1024 slots at first: six doublings
    byte[][] ids = new byte[n][32];
    byte[] pack = new byte[32];
    for (int i = 0; i < n; i++) {
      random.nextBytes(ids[i]);
      pack[0] = (byte) (i / 10);
      pack[1] = (byte) (i / 10 >> 8);
      BlobType type = i % 7 == 0 ? BlobType.TREE : BlobType.DATA;
      assertThat(index.add(ids[i], pack, i, i + 1, i + 2, type, (byte) (i % 5))).isTrue();
    }
    assertThat(index.size()).isEqualTo(n);
    assertThat(index.add(ids[3], new byte[32], 9, 9, 9, BlobType.DATA, (byte) 0)).isFalse();
    for (int i = 0; i < n; i += 97) {
      BlobIndex.Location l = index.get(ids[i]);
      assertThat(l.id()).isEqualTo(ids[i]);
      assertThat(l.pack()[0]).isEqualTo((byte) (i / 10));
      assertThat(l.pack()[1]).isEqualTo((byte) (i / 10 >> 8));
      assertThat(List.of(l.offset(), l.length(), l.rawLength())).containsExactly(i, i + 1, i + 2);
      assertThat(l.type()).isEqualTo(i % 7 == 0 ? BlobType.TREE : BlobType.DATA);
      assertThat(l.codec()).isEqualTo((byte) (i % 5));
    }
    byte[] other = ids[0].clone();
    other[31] ^= 1; // same hash, another id
    assertThat(index.contains(other)).isFalse();
    assertThat(index.all().get(n - 1).id()).isEqualTo(ids[n - 1]);
    assertThat(index.packIds()).hasSize(n / 10);
  }

  @Test
  void growsPastTheOldLimitUpToMaxEntries() {
    assertThat(BlobIndex.grownCapacity(1024)).isEqualTo(2048);
    // from 2^25 blobs on, 32-byte ids no longer fit one byte array: they are longs now
    assertThat(BlobIndex.grownCapacity(1 << 25)).isEqualTo(1 << 26);
    assertThat(BlobIndex.grownCapacity(BlobIndex.MAX_ENTRIES / 2)).isEqualTo(BlobIndex.MAX_ENTRIES);
    assertThat((long) BlobIndex.MAX_ENTRIES * 4).isLessThan(Integer.MAX_VALUE);
    assertThatThrownBy(() -> BlobIndex.grownCapacity(BlobIndex.MAX_ENTRIES))
        .isInstanceOf(ArcaException.class)
        .hasMessageContaining("more than " + BlobIndex.MAX_ENTRIES + " blobs");
  }
}
