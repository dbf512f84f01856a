package dev.arca.engine.backup;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The chunk budget follows the heap, and the packs in memory follow the budget, within bounds that
 * keep a backup fast and inside its heap.
 */
class MemoryBudgetTest {
  private static final long MIB = 1 << 20;

  @Test
  void budgetIs16MiBAThreadWithinASixthOfTheHeapAnd32To128MiB() {
    assertThat(BackupOptions.defaultMemoryBudget(512 * MIB, 2)).isEqualTo((int) (32 * MIB));
    assertThat(BackupOptions.defaultMemoryBudget(512 * MIB, 4)).isEqualTo((int) (64 * MIB));
    assertThat(BackupOptions.defaultMemoryBudget(512 * MIB, 6)).isEqualTo((int) (512 * MIB / 6));
    assertThat(BackupOptions.defaultMemoryBudget(4096 * MIB, 16)).isEqualTo((int) (128 * MIB));
    assertThat(BackupOptions.defaultMemoryBudget(4096 * MIB, 6)).isEqualTo((int) (96 * MIB));
    assertThat(BackupOptions.defaultMemoryBudget(96 * MIB, 8)).isEqualTo((int) (32 * MIB));
  }

  @Test
  void packsFollowTheBudgetDownTo16MiB() {
    int repoTarget = (int) (32 * MIB);
    // the default heap's budget with eight threads: the repository's packs, three in memory
    assertThat(MemoryPlan.of(BackupOptions.defaultMemoryBudget(512 * MIB, 8), repoTarget))
        .isEqualTo(new MemoryPlan(repoTarget, 3));
    // a 256 MiB heap: smaller packs, one fewer in memory
    MemoryPlan small = MemoryPlan.of(BackupOptions.defaultMemoryBudget(256 * MIB, 8), repoTarget);
    assertThat(small.packTarget()).isBetween((int) (16 * MIB), (int) (20 * MIB));
    assertThat(small.packsInMemory()).isEqualTo(2);
    // never below 16 MiB, unless the repository's own target is smaller
    assertThat(MemoryPlan.of(32 * MIB, repoTarget)).isEqualTo(new MemoryPlan((int) (16 * MIB), 2));
    assertThat(MemoryPlan.of(32 * MIB, (int) MIB)).isEqualTo(new MemoryPlan((int) MIB, 2));
  }

  @Test
  void defaultOptionsTakeTheBudgetOfThisJvmAndTheirThreads() {
    long heap = Runtime.getRuntime().maxMemory();
    assertThat(BackupOptions.of().withThreads(3).memoryBudget())
        .isEqualTo(BackupOptions.defaultMemoryBudget(heap, 3));
    assertThat(BackupOptions.of().withThreads(8).memoryBudget())
        .isEqualTo(BackupOptions.defaultMemoryBudget(heap, 8));
    assertThat(BackupOptions.of().withMemoryBudget(20 << 20).memoryBudget()).isEqualTo(20 << 20);
  }
}
