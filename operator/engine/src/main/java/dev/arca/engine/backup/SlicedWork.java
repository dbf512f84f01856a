package dev.arca.engine.backup;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * Runs a task on every index of a range, in slices shared by the calling thread and a few helpers
 * on an executor: each thread claims the next slice until none is left. The caller works too and
 * waits only for slices a helper has claimed, so the work ends even when the executor's threads are
 * all busy (the helpers then find nothing left to claim). Used where one folder holds many entries
 * and each costs a disk read with a cold page cache: lstat one after the other, 50,000 files in one
 * folder took 1.8-2.0 s here, on four threads 0.7-1.1 s.
 */
final class SlicedWork {
  /** Indexes per slice: large enough that claiming costs nothing beside the work. */
  static final int SLICE = 256;

  private SlicedWork() {}

  /**
   * Calls {@code task} with every index in {@code [0, n)} once, on this thread and up to {@code
   * helpers} tasks on {@code executor}; returns when every call has returned, and throws what a
   * call threw (the rest of its slice is then left out).
   */
  static void run(int n, int helpers, Executor executor, IntConsumer task)
      throws InterruptedException {
    int slices = (n + SLICE - 1) / SLICE;
    AtomicInteger next = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(slices);
    AtomicReference<Throwable> failed = new AtomicReference<>();
    Runnable worker =
        () -> {
          for (int s; (s = next.getAndIncrement()) < slices; ) {
            try {
              for (int i = s * SLICE, end = Math.min(n, i + SLICE); i < end; i++) {
                task.accept(i);
              }
            } catch (RuntimeException | Error e) {
              failed.compareAndSet(null, e);
            } finally {
              done.countDown();
            }
          }
        };
    for (int h = 0; h < Math.min(helpers, slices - 1); h++) {
      try {
        executor.execute(worker);
      } catch (RejectedExecutionException e) {
        break; // shutting down: this thread does the rest
      }
    }
    worker.run();
    done.await();
    if (failed.get() instanceof RuntimeException e) {
      throw e;
    } else if (failed.get() instanceof Error e) {
      throw e;
    }
  }
}
