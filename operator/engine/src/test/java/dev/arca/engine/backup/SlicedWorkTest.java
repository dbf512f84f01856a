package dev.arca.engine.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SlicedWorkTest {
  private final ExecutorService pool = Executors.newFixedThreadPool(3);

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  @Test
  void everyIndexOnceAcrossSliceEdgesWithHelpers() throws Exception {
    for (int n :
        new int[] {0, 1, SlicedWork.SLICE, SlicedWork.SLICE + 1, 10 * SlicedWork.SLICE - 3}) {
      AtomicIntegerArray calls = new AtomicIntegerArray(n);
      SlicedWork.run(n, 3, pool, calls::incrementAndGet);
      for (int i = 0; i < n; i++) {
        assertThat(calls.get(i)).as("calls of index %d of %d", i, n).isEqualTo(1);
      }
    }
  }

  @Test
  void endsWhenTheExecutorNeverRunsTheHelpers() throws Exception {
    AtomicIntegerArray calls = new AtomicIntegerArray(5_000);
    SlicedWork.run(5_000, 3, task -> {}, calls::incrementAndGet); // every thread busy elsewhere
    for (int i = 0; i < 5_000; i++) {
      assertThat(calls.get(i)).isEqualTo(1);
    }
  }

  @Test
  void aFailingCallIsThrownToTheCallerAfterTheOtherSlicesEnded() {
    assertThatThrownBy(
            () ->
                SlicedWork.run(
                    5_000,
                    3,
                    pool,
                    i -> {
                      if (i == 4_000) {
                        throw new IllegalStateException("index " + i);
                      }
                    }))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("index 4000");
  }
}
