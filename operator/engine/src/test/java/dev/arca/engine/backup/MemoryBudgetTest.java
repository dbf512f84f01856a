package dev.arca.engine.backup;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The chunk budget follows the heap, within bounds that keep a backup fast and inside it. */
class MemoryBudgetTest {
  private static final long MIB = 1 << 20;

  @Test
  void budgetIsASixthOfTheHeapBetween32And128MiB() {
    assertThat(BackupOptions.defaultMemoryBudget(512 * MIB)).isEqualTo((int) (512 * MIB / 6));
    assertThat(BackupOptions.defaultMemoryBudget(4096 * MIB)).isEqualTo((int) (128 * MIB));
    assertThat(BackupOptions.defaultMemoryBudget(96 * MIB)).isEqualTo((int) (32 * MIB));
  }

  @Test
  void defaultOptionsTakeTheBudgetOfThisJvm() {
    assertThat(BackupOptions.of().memoryBudget())
        .isEqualTo(BackupOptions.defaultMemoryBudget(Runtime.getRuntime().maxMemory()));
  }
}
