package dev.arca.engine.repo;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.arca.engine.ArcaException;
import dev.arca.engine.crypto.ChunkIds;
import dev.arca.engine.format.Hex;
import dev.arca.engine.storage.ObjectMissingException;
import dev.arca.engine.storage.Storage;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Writer sessions ({@code sessions/<sha256>}, FORMAT.md "Prune"): a running backup announces itself
 * with a sealed object naming when it started, and writes it anew every {@link #REFRESH} while it
 * runs (objects are never overwritten: a new object, then the old one deleted). Prune does not
 * delete the packs of a mark that a live session may depend on, so a backup of any length never
 * commits a snapshot whose packs a prune deleted while it ran.
 */
public final class WriterSessions {
  public static final String PREFIX = "sessions/";

  /** How often a running backup writes its session anew. */
  public static final Duration REFRESH = Duration.ofMinutes(5);

  /** A session not written anew for this long is dead: its backup was killed or stalled. */
  public static final Duration TTL = Duration.ofMinutes(30);

  /** The largest session object the format allows: a small JSON object. */
  static final int MAX_SESSION = 64 << 10;

  private WriterSessions() {}

  /**
   * One session object.
   *
   * @param session the session's random id (the same in every object it writes)
   * @param host the host it runs on
   * @param started when the backup started (its clock), before it listed the garbage marks
   * @param refreshed when this object was written (its clock)
   */
  public record Session(
      @JsonProperty("session") String session,
      @JsonProperty("host") String host,
      @JsonProperty("started") String started,
      @JsonProperty("refreshed") String refreshed) {

    public Instant startedAt() {
      return Instant.parse(started);
    }

    public Instant refreshedAt() {
      return Instant.parse(refreshed);
    }
  }

  /**
   * A listed session object.
   *
   * @param key its key
   * @param session what it says, or null when it cannot be read
   * @param stored when the store created it
   * @param problem why it cannot be read, or null
   */
  public record Ref(String key, Session session, Instant stored, String problem) {
    /** When it was last written: its own word, or the store's for one that cannot be read. */
    public Instant refreshedAt() {
      return session != null ? session.refreshedAt() : stored;
    }

    /** Whether a prune at {@code now} must count on its backup still running. */
    public boolean liveAt(Instant now) {
      Instant r = refreshedAt();
      return r == null || r.plus(TTL).isAfter(now);
    }

    /**
     * Whether its backup may depend on the packs of a mark made at {@code markTime}: it may have
     * listed the marks before that mark existed ({@code margin} allows for the hosts' clocks). One
     * that cannot be read holds every mark.
     */
    public boolean holds(Instant markTime, Duration margin) {
      return session == null || markTime.isAfter(session.startedAt().minus(margin));
    }
  }

  /** Writes {@code s} as a new object; returns its key. */
  public static String write(Repository repo, Session s) throws IOException {
    byte[] stored = repo.codec().sealJson(s);
    String key = PREFIX + Hex.of(ChunkIds.sha256().digest(stored));
    repo.storage().create(key, stored);
    return key;
  }

  /**
   * Every session object. One that cannot be read is listed with its problem: prune counts it as a
   * live writer that may need anything until the store's time says it is stale.
   */
  public static List<Ref> list(Repository repo) throws IOException {
    List<Ref> out = new ArrayList<>();
    for (Storage.ObjectInfo o : repo.storage().list(PREFIX)) {
      try {
        dev.arca.engine.format.Limits.check(o.size(), MAX_SESSION, o.key());
        Session s =
            repo.codec().openJson(repo.storage().read(o), Session.class, MAX_SESSION, o.key());
        s.startedAt();
        s.refreshedAt();
        out.add(new Ref(o.key(), s, o.modified(), null));
      } catch (ObjectMissingException ended) {
        // its backup ended, or wrote it anew, while we listed
      } catch (ArcaException | java.time.format.DateTimeParseException | NullPointerException e) {
        out.add(new Ref(o.key(), null, o.modified(), String.valueOf(e.getMessage())));
      }
    }
    return out;
  }
}
