package dev.arca.engine;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;

/**
 * The engine's worker threads: named (so a thread dump says whose they are) and daemons, so that a
 * pool a failed run did not shut down never keeps the JVM from exiting.
 */
public final class DaemonThreads {
  private DaemonThreads() {}

  /** Threads named {@code name}, daemons. */
  public static ThreadFactory named(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  /** A fixed pool of {@code n} such threads. */
  public static ExecutorService pool(int n, String name) {
    return Executors.newFixedThreadPool(n, named(name));
  }
}
