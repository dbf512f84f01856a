package dev.arca.engine.repo;

import dev.arca.engine.ArcaException;
import dev.arca.engine.ArcaException.Kind;
import dev.arca.engine.crypto.ChunkIds;
import dev.arca.engine.format.Hex;
import dev.arca.engine.format.ObjectCodec;
import dev.arca.engine.format.RepoConfig;
import dev.arca.engine.storage.ObjectExistsException;
import dev.arca.engine.storage.ObjectLock;
import dev.arca.engine.storage.ObjectMissingException;
import dev.arca.engine.storage.PrefixedStorage;
import dev.arca.engine.storage.Storage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Key domains (FORMAT.md "Key domains"): repositories of their own, each with its config, key slots
 * and master key, under {@code domains/<name>/} of one store. A domain's data is encrypted under
 * its master key and deduplicated within it only. Destroying a domain writes a clear record of the
 * destruction and then removes every version of every key slot: from then on no password opens the
 * domain, whatever stays of its objects (locked or replicated) until a {@link #sweep} removes them.
 */
public final class KeyDomains {
  /** Where domains live: {@code domains/<name>/}. */
  public static final String PREFIX = ObjectLock.DOMAIN_PREFIX;

  /** A domain's name: a DNS label, as a Kubernetes namespace's, so one can name the other. */
  public static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

  /** The largest destruction record the format allows: a small JSON object. */
  static final int MAX_RECORD = 64 << 10;

  private KeyDomains() {}

  /** Checks {@code name} as a domain name; returns it. */
  public static String check(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw ArcaException.usage(
          "key domain '"
              + name
              + "' is not a valid name: 1 to 63 lower-case letters, digits and '-', starting and"
              + " ending with a letter or digit (like a Kubernetes namespace)");
    }
    return name;
  }

  /**
   * The domain a setting names ({@code --domain}, {@code ARCA_DOMAIN}), checked; null when it names
   * none (absent or blank: the repository at the store's root).
   */
  public static String named(String setting) {
    return setting == null || setting.isBlank() ? null : check(setting.trim());
  }

  /** The key of domain {@code name}'s destruction record in the repository's store. */
  public static String destroyedKey(String name) {
    return PREFIX + name + "/" + ObjectLock.DESTROYED;
  }

  /**
   * The store of domain {@code name} in {@code root}, which a repository is opened or created in
   * like any other. Fails when the domain was destroyed: its name is never used again, so nothing
   * new is written where its objects are swept.
   */
  public static Storage storage(Storage root, String name) {
    check(name);
    refuseDestroyed(root, name);
    return new PrefixedStorage(root, PREFIX + name + "/", "key domain " + name);
  }

  /**
   * Fails when domain {@code name} was destroyed; callers check again after creating a domain, in
   * case a destruction came between.
   */
  public static void refuseDestroyed(Storage root, String name) {
    Destruction d = destruction(root, name);
    if (d != null) {
      throw new ArcaException(
          Kind.WRONG_KEY,
          "key domain '"
              + name
              + "' of "
              + root.describe()
              + " was destroyed"
              + (d.record() == null ? "" : " at " + d.record().time() + " by " + who(d.record()))
              + ": no password opens its snapshots any more, and its name is not used again"
              + " (pick another domain name)");
    }
  }

  /**
   * Fails when {@code store} is a key domain's (as {@link #storage} gives it) and that domain has
   * been destroyed since: checked after a repository is opened or created, and by every writer just
   * before it commits (a backup that ran while its domain was destroyed writes no snapshot).
   */
  public static void refuseIfDestroyed(Storage store) {
    if (store instanceof PrefixedStorage p && p.prefix().startsWith(PREFIX)) {
      String name = p.prefix().substring(PREFIX.length(), p.prefix().length() - 1);
      if (NAME.matcher(name).matches()) {
        refuseDestroyed(p.outer(), name);
      }
    }
  }

  /**
   * A domain's destruction: its record ({@code null} when damaged: the record's presence alone says
   * the domain is destroyed) and what is wrong with it.
   */
  public record Destruction(AuditLog.Record record, String problem) {}

  /** Domain {@code name}'s destruction, or null while it is not destroyed. */
  public static Destruction destruction(Storage root, String name) {
    String key = destroyedKey(check(name));
    try {
      long size = root.size(key);
      if (size < 0) {
        return null;
      }
      if (size > MAX_RECORD) {
        return new Destruction(null, key + " is larger than a destruction record can be");
      }
      byte[] raw = root.read(new Storage.ObjectInfo(key, size));
      AuditLog.Record r = ObjectCodec.JSON.readValue(raw, AuditLog.Record.class);
      if (r == null || r.time() == null) {
        return new Destruction(null, key + " has no time");
      }
      try {
        Instant.parse(r.time());
      } catch (java.time.format.DateTimeParseException e) {
        return new Destruction(null, key + " has a time that is no RFC 3339 instant");
      }
      return new Destruction(r, null);
    } catch (ObjectMissingException gone) {
      return null;
    } catch (IOException e) {
      if (e instanceof com.fasterxml.jackson.core.JacksonException) {
        return new Destruction(null, key + " cannot be parsed");
      }
      throw new ArcaException(
          Kind.ERROR, "cannot read " + key + " of " + root.describe() + ": " + e.getMessage(), e);
    }
  }

  /**
   * One domain as its objects show it, read without any key.
   *
   * @param name its name
   * @param keySlots how many key slots it has
   * @param objects how many objects it holds (the destruction record not counted)
   * @param bytes their size
   * @param destruction its destruction, or null
   */
  public record Domain(
      String name, int keySlots, long objects, long bytes, Destruction destruction) {}

  /**
   * The domains of {@code root}; {@code strays} hears the keys under {@code domains/} that belong
   * to no valid domain name (left alone, and never opened).
   */
  public static List<Domain> list(Storage root, java.util.function.Consumer<String> strays) {
    Map<String, long[]> counts = new TreeMap<>(); // objects, bytes, key slots
    for (Storage.ObjectInfo o : listed(root, PREFIX)) {
      String rest = o.key().substring(PREFIX.length());
      int slash = rest.indexOf('/');
      String name = slash < 0 ? rest : rest.substring(0, slash);
      if (slash < 0 || !NAME.matcher(name).matches()) {
        strays.accept(o.key());
        continue;
      }
      String inside = rest.substring(slash + 1);
      long[] c = counts.computeIfAbsent(name, n -> new long[3]);
      if (inside.startsWith(Repository.KEYS)) {
        c[2]++;
      }
      if (!inside.equals(ObjectLock.DESTROYED)) {
        c[0]++;
        c[1] += o.size();
      }
    }
    List<Domain> out = new ArrayList<>();
    counts.forEach(
        (name, c) -> out.add(new Domain(name, (int) c[2], c[0], c[1], destruction(root, name))));
    return out;
  }

  /**
   * What destroying domain {@code name} removes, and the token that confirms exactly this: it
   * changes when the domain's config or any key slot does.
   *
   * @param domain the domain
   * @param keySlots the keys of its key slots, which the destruction removes (every version)
   * @param objects how many other objects it holds, unreadable once the slots are gone
   * @param bytes their size
   * @param token what {@link #destroy} must be given
   */
  public record Plan(
      String domain, List<String> keySlots, long objects, long bytes, String token) {}

  /** What destroying domain {@code name} of {@code root} would do; nothing is changed. */
  public static Plan plan(Storage root, String name) {
    check(name);
    String prefix = PREFIX + name + "/";
    List<String> slots = new ArrayList<>();
    long objects = 0;
    long bytes = 0;
    boolean destroyed = false;
    for (Storage.ObjectInfo o : listed(root, prefix)) {
      String inside = o.key().substring(prefix.length());
      if (inside.startsWith(Repository.KEYS)) {
        slots.add(o.key());
      } else if (inside.equals(ObjectLock.DESTROYED)) {
        destroyed = true;
      } else {
        objects++;
        bytes += o.size();
      }
    }
    if (slots.isEmpty() && objects == 0 && !destroyed) {
      throw new ArcaException(
          Kind.NO_REPOSITORY,
          "no key domain '" + name + "' in " + root.describe() + " (arca key domains lists them)");
    }
    slots.sort(null);
    return new Plan(name, List.copyOf(slots), objects, bytes, token(root, name, slots));
  }

  private static String token(Storage root, String name, List<String> slots) {
    try {
      MessageDigest d = ChunkIds.sha256();
      d.update(("arca-destroy-domain-v1\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
      String config = PREFIX + name + "/" + RepoConfig.KEY;
      long size = root.size(config);
      if (size >= 0 && size <= RepoConfig.MAX_SIZE) {
        d.update(root.read(new Storage.ObjectInfo(config, size)));
      }
      for (String s : slots) {
        d.update(("\n" + s).getBytes(StandardCharsets.UTF_8));
      }
      return Hex.of(d.digest()).substring(0, 16);
    } catch (ObjectMissingException gone) {
      return token(root, name, slots); // the config went meanwhile: a token without it
    } catch (IOException e) {
      throw new ArcaException(
          Kind.ERROR, "cannot read key domain '" + name + "' of " + root.describe() + ": " + e, e);
    }
  }

  /**
   * What a destruction did.
   *
   * @param domain the domain
   * @param removed the key slots it removed, with every version
   * @param record its destruction record (an earlier one when the domain was destroyed before and
   *     this run finished it)
   */
  public record Destroyed(String domain, List<String> removed, AuditLog.Record record) {}

  /**
   * Destroys domain {@code name}: checks {@code token} against a new {@link #plan}, writes {@code
   * record} as the domain's destruction record (create-only: a destruction run again keeps the
   * first record), then removes every version of every key slot and checks that none is left. A run
   * that fails part way leaves the domain destroyed (it cannot be opened or created again) with
   * some key slots left: run it again to remove them.
   */
  public static Destroyed destroy(Storage root, String name, String token, AuditLog.Record record)
      throws IOException {
    Plan plan = plan(root, name);
    if (token == null || !plan.token().equals(token)) {
      throw ArcaException.usage(
          "confirmation token '"
              + token
              + "' does not match key domain '"
              + name
              + "' as it is now (its config or key slots differ from when the token was given):"
              + " run arca key destroy-domain "
              + name
              + " again without --confirm to see what it destroys");
    }
    byte[] bytes = ObjectCodec.JSON.writeValueAsBytes(record);
    AuditLog.Record kept = record;
    try {
      root.create(destroyedKey(name), bytes);
    } catch (ObjectExistsException before) {
      Destruction d = destruction(root, name);
      kept = d == null || d.record() == null ? record : d.record();
    }
    List<String> removed = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    for (String slot : plan.keySlots()) {
      try {
        root.purge(slot);
        removed.add(slot);
      } catch (IOException e) {
        failed.add(slot + " (" + e.getMessage() + ")");
      }
    }
    List<Storage.ObjectInfo> left = listed(root, PREFIX + name + "/" + Repository.KEYS);
    if (!failed.isEmpty() || !left.isEmpty()) {
      throw new ArcaException(
          Kind.ERROR,
          "key domain '"
              + name
              + "' is marked destroyed, but "
              + (failed.isEmpty() ? left.size() + " key slot(s) are still there" : "")
              + String.join(", ", failed)
              + "; run the destruction again to remove them");
    }
    return new Destroyed(name, List.copyOf(removed), kept);
  }

  /**
   * What a sweep did.
   *
   * @param removed objects removed for good (every version)
   * @param bytes their size
   * @param locked objects under Object Lock retention, left in place for a sweep after then
   * @param lockedUntil the latest retention date among them, or null
   * @param failed objects that could not be removed, with why
   */
  public record Sweep(
      long removed, long bytes, long locked, Instant lockedUntil, List<String> failed) {}

  /**
   * Removes the objects of destroyed domain {@code name}, every version of each where the store
   * allows; an object under Object Lock retention is left in place (still listed, so a later sweep
   * finds it) and counted as locked until its date. The destruction record stays, so the name stays
   * unused.
   */
  public static Sweep sweep(Storage root, String name, Instant now) {
    if (destruction(root, name) == null) {
      throw ArcaException.usage(
          "key domain '" + name + "' is not destroyed: prune it with its password like any other");
    }
    String prefix = PREFIX + name + "/";
    long removed = 0;
    long bytes = 0;
    long locked = 0;
    Instant until = null;
    List<String> failed = new ArrayList<>();
    for (Storage.ObjectInfo o : listed(root, prefix)) {
      if (o.key().equals(destroyedKey(name))) {
        continue;
      }
      try {
        Instant retained = root.retainedUntil(o.key());
        if (retained != null && retained.isAfter(now)) {
          locked++;
          until = until == null || retained.isAfter(until) ? retained : until;
        } else {
          root.purge(o.key());
          removed++;
          bytes += o.size();
        }
      } catch (IOException e) {
        failed.add(o.key() + " (" + e.getMessage() + ")");
      }
    }
    return new Sweep(removed, bytes, locked, until, List.copyOf(failed));
  }

  private static List<Storage.ObjectInfo> listed(Storage root, String prefix) {
    try {
      return root.list(prefix);
    } catch (IOException e) {
      throw new ArcaException(
          Kind.ERROR,
          "cannot list " + prefix + " of " + root.describe() + ": " + e.getMessage(),
          e);
    }
  }

  private static String who(AuditLog.Record r) {
    return (r.user() == null ? "?" : r.user())
        + "@"
        + (r.host() == null ? "?" : r.host())
        + (r.requester() == null ? "" : " for " + r.requester());
  }
}
