package dev.arca.engine.fs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Chunk arrays are reused, sized in powers of two, and idle ones never exceed the cap. */
class BufferPoolTest {
  @Test
  void reusesGivenArraysAndSizesInPowersOfTwo() {
    BufferPool pool = new BufferPool(8 << 20);
    byte[] a = pool.take(3_000_000);
    assertThat(a.length).isEqualTo(4 << 20);
    assertThat(pool.take(10).length).isEqualTo(64 << 10);

    pool.give(a);
    assertThat(pool.take(4 << 20)).isSameAs(a);
    pool.give(a);
    // a smaller request may take the idle array of up to four times its size
    assertThat(pool.take(1 << 20)).isSameAs(a);
    pool.give(a);
    assertThat(pool.take(512 << 10)).isNotSameAs(a).hasSize(512 << 10);
  }

  @Test
  void keepsNoMoreIdleBytesThanItsCap() {
    BufferPool pool = new BufferPool(4 << 20);
    byte[] first = pool.take(4 << 20);
    byte[] second = pool.take(4 << 20);
    pool.give(first);
    pool.give(second); // over the cap: dropped
    pool.give(new byte[1000]); // not from the pool: ignored

    assertThat(pool.take(4 << 20)).isSameAs(first);
    assertThat(pool.take(4 << 20)).isNotSameAs(second).isNotSameAs(first);
  }
}
