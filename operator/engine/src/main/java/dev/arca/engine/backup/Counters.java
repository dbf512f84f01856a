package dev.arca.engine.backup;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/** What a backup run counted, updated from many threads. */
final class Counters {
  final AtomicLong files = new AtomicLong();
  final AtomicLong dirs = new AtomicLong();
  final AtomicLong bytes = new AtomicLong();
  final AtomicLong unchanged = new AtomicLong();
  final AtomicLong special = new AtomicLong();
  final AtomicLong changed = new AtomicLong();
  final Queue<String> unreadable = new ConcurrentLinkedQueue<>();

  /** Adds the files, folders, bytes and unchanged files {@code other} counted. */
  void add(Counters other) {
    files.addAndGet(other.files.get());
    dirs.addAndGet(other.dirs.get());
    bytes.addAndGet(other.bytes.get());
    unchanged.addAndGet(other.unchanged.get());
  }
}
