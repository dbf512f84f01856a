package dev.arca.engine.repo;

import dev.arca.engine.ArcaException;
import dev.arca.engine.DaemonThreads;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A writer's session (a backup, a repair): written before the backup lists the garbage marks,
 * written anew every {@link WriterSessions#REFRESH} by a thread of its own, deleted when the backup
 * ends. Before the snapshot is written, {@link #checkAlive} refuses the commit if the session went
 * too long without being written anew (a stalled process, a store that refused the writes): a prune
 * may then have taken the backup for dead and deleted packs it needs.
 */
public final class SessionKeeper implements AutoCloseable {
  /** How often the keeper looks at the clock (the clock may be a test's). */
  private static final long TICK_MILLIS = 200;

  private final Repository repo;
  private final Clock clock;
  private final WriterSessions.Session first;
  private final ScheduledExecutorService timer;
  private volatile String key;
  private volatile Instant written;

  private SessionKeeper(Repository repo, Clock clock, String host) throws IOException {
    this.repo = repo;
    this.clock = clock;
    byte[] id = new byte[16];
    new SecureRandom().nextBytes(id);
    Instant now = clock.instant();
    this.first =
        new WriterSessions.Session(
            HexFormat.of().formatHex(id), host, now.toString(), now.toString());
    this.key = WriterSessions.write(repo, first);
    this.written = now;
    this.timer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("arca-session"));
    timer.scheduleWithFixedDelay(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** Opens the session of a backup that starts now. */
  public static SessionKeeper open(Repository repo, Clock clock, String host) throws IOException {
    return new SessionKeeper(repo, clock, host);
  }

  /** When the session started: marks made after this may hold packs the backup needs. */
  public Instant started() {
    return first.startedAt();
  }

  private void tick() {
    Instant now = clock.instant();
    if (Duration.between(written, now).compareTo(WriterSessions.REFRESH) < 0) {
      return;
    }
    try {
      String fresh =
          WriterSessions.write(
              repo,
              new WriterSessions.Session(
                  first.session(), first.host(), first.started(), now.toString()));
      String old = key;
      key = fresh;
      written = now;
      repo.storage().delete(old);
    } catch (IOException | RuntimeException e) {
      // tried again at the next tick; checkAlive refuses the commit if this goes on too long
    }
  }

  /**
   * Throws unless the session was written recently enough that no prune can have taken it for dead:
   * within half its time to live.
   */
  public void checkAlive() {
    Duration since = Duration.between(written, clock.instant());
    if (since.compareTo(WriterSessions.TTL.dividedBy(2)) > 0) {
      throw new ArcaException(
          ArcaException.Kind.ERROR,
          "this run could not renew its writer session for "
              + since.toMinutes()
              + " minutes (a stalled process or a store refusing writes), so a prune may have"
              + " deleted data it needs; no snapshot was written. Run it again");
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      repo.storage().delete(key);
    } catch (IOException | RuntimeException e) {
      // a session left behind dies by itself after its time to live
    }
  }
}
