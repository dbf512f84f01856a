package dev.arca.cli;

import dev.arca.contract.ProgressReport;
import dev.arca.engine.Progress;
import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Progress on stderr: a one-line display redrawn a few times a second when stderr is a terminal and
 * --json is off, or with --progress-json one JSON line every few seconds ({@code
 * {"progress":{...}}}, what the operator reads from a Job's log). Warnings are always printed.
 */
final class TerminalProgress implements Progress {
  private final PrintWriter err;
  private final boolean bar;
  private final boolean jsonLines;
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicLong files = new AtomicLong();
  private volatile long totalBytes = -1;
  private volatile long lastDraw;
  private final long start = System.nanoTime();

  TerminalProgress(PrintWriter err, boolean json) {
    this(err, json, false);
  }

  TerminalProgress(PrintWriter err, boolean json, boolean progressJson) {
    this.err = err;
    this.jsonLines = progressJson;
    this.bar = !progressJson && !json && System.console() != null;
  }

  @Override
  public boolean wantsTotals() {
    return bar || jsonLines;
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
    if (jsonLines) {
      draw(true);
    }
    if (bar) {
      draw(true);
      err.print("\r\033[K");
      err.flush();
    }
  }

  private void draw(boolean force) {
    if (!bar && !jsonLines) {
      return;
    }
    long now = System.nanoTime();
    if (!force && now - lastDraw < (jsonLines ? 5_000_000_000L : 200_000_000L)) {
      return;
    }
    if (jsonLines) {
      line(now);
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

  private synchronized void line(long now) {
    lastDraw = now;
    double secs = Math.max(1e-3, (now - start) / 1e9);
    long b = bytes.get();
    Long total = null;
    Integer percent = null;
    Long eta = null;
    if (totalBytes > 0) {
      total = totalBytes;
      percent = (int) Math.min(100, 100 * b / totalBytes);
      double rate = b / secs;
      if (rate > 0) {
        eta = (long) (Math.max(0, totalBytes - b) / rate);
      }
    }
    Output.progressLine(err, new ProgressReport.Progress(b, total, percent, eta, files.get()));
  }
}
