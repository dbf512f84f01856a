package dev.arca.engine.backup;

/**
 * How a backup divides its memory, all from one figure: the bytes of chunks in flight ({@link
 * BackupOptions#memoryBudget}, by default a sixth of the heap). Data packs are built in memory, one
 * filling while the others upload, so their number and size follow the budget too: a small budget
 * closes packs early (never below 16 MiB, the low end of the format's 16 to 64 MiB, unless the
 * repository asks for smaller ones) and keeps one pack fewer in memory.
 *
 * @param packTarget size at which a data pack is closed (the repository's own target or less)
 * @param packsInMemory data packs held at once, being filled or uploaded
 */
record MemoryPlan(int packTarget, int packsInMemory) {
  static final int MIN_PACK_TARGET = 16 << 20;

  /** Budgets from this size up keep three packs in memory (two uploading), smaller ones two. */
  static final int THREE_PACKS_FROM = 64 << 20;

  static MemoryPlan of(long chunkBudget, int repositoryPackTarget) {
    long fromBudget = chunkBudget * 2 / 5;
    long floor = Math.min(MIN_PACK_TARGET, repositoryPackTarget);
    int target = (int) Math.max(floor, Math.min(repositoryPackTarget, fromBudget));
    return new MemoryPlan(target, chunkBudget >= THREE_PACKS_FROM ? 3 : 2);
  }
}
