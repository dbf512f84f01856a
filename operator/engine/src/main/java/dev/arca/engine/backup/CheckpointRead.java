package dev.arca.engine.backup;

import java.util.concurrent.atomic.AtomicReference;

/**
 * A complete checkpoint folder while the walk reads it: what it holds is counted apart ({@link
 * #counters}), and the first file that changed, vanished or could not be read tears it, so that the
 * folder is left out of the snapshot rather than stored as a mix.
 */
final class CheckpointRead {
  /** Marks a checkpoint folder found incomplete: it is not walked at all. */
  static final CheckpointRead INCOMPLETE = new CheckpointRead("");

  private final String rel;
  private final Counters counters = new Counters();
  private final AtomicReference<String> torn = new AtomicReference<>();

  /** The checkpoint folder at {@code rel} (its path in the snapshot). */
  CheckpointRead(String rel) {
    this.rel = rel;
  }

  String rel() {
    return rel;
  }

  /** What the folder holds, counted into the run's figures only if it is kept. */
  Counters counters() {
    return counters;
  }

  /** Tears the checkpoint for {@code reason}; the first reason is the one reported. */
  void tear(String reason) {
    torn.compareAndSet(null, reason);
  }

  /** Why the checkpoint is torn, or null. */
  String torn() {
    return torn.get();
  }
}
