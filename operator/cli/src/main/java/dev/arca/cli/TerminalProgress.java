package dev.arca.cli;

import dev.arca.engine.Progress;
import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A one-line progress display on stderr, redrawn at most a few times a second. Only used when
 * stderr is a terminal and --json is off; warnings are always printed.
 */
final class TerminalProgress implements Progress {
  private final PrintWriter err;
  private final boolean bar;
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicLong files = new AtomicLong();
  private volatile long totalBytes = -1;
  private volatile long lastDraw;
  private final long start = System.nanoTime();

  TerminalProgress(PrintWriter err, boolean json) {
    this.err = err;
    this.bar = !json && System.console() != null;
  }

  @Override
  public boolean wantsTotals() {
    return bar;
  }

  @Override
  public void total(long f, long b) {
    totalBytes = b;
  }

  @Override
  public void bytes(long n) {
    bytes.addAndGet(n);
    draw(false);
  }

  @Override
  public void fileDone() {
    files.incrementAndGet();
  }

  @Override
  public synchronized void warn(String message) {
    if (bar) {
      err.print("\r\033[K");
    }
    err.println("warning: " + message);
    err.flush();
  }

  void finish() {
    if (bar) {
      draw(true);
      err.print("\r\033[K");
      err.flush();
    }
  }

  private void draw(boolean force) {
    if (!bar) {
      return;
    }
    long now = System.nanoTime();
    if (!force && now - lastDraw < 200_000_000L) {
      return;
    }
    synchronized (this) {
      lastDraw = now;
      double secs = Math.max(1e-3, (now - start) / 1e9);
      long b = bytes.get();
      String pct = totalBytes > 0 ? String.format(" %5.1f%%", 100.0 * b / totalBytes) : "";
      err.print(
          String.format(
              "\r\033[K%s%s  %d files  %s/s",
              Output.bytes(b), pct, files.get(), Output.bytes((long) (b / secs))));
      err.flush();
    }
  }
}
