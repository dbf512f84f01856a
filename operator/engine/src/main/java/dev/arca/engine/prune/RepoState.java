package dev.arca.engine.prune;

import dev.arca.engine.ArcaException;
import dev.arca.engine.format.BlobIndex;
import dev.arca.engine.format.Hex;
import dev.arca.engine.format.IndexFile;
import dev.arca.engine.format.Packs;
import dev.arca.engine.repo.DamageRecords;
import dev.arca.engine.repo.ErasureRecords;
import dev.arca.engine.repo.GarbageMarks;
import dev.arca.engine.repo.Parts;
import dev.arca.engine.repo.References;
import dev.arca.engine.repo.Repository;
import dev.arca.engine.repo.SealedObjects;
import dev.arca.engine.repo.Snapshots;
import dev.arca.engine.repo.WriterSessions;
import dev.arca.engine.storage.ObjectMissingException;
import dev.arca.engine.storage.Storage;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What prune sees of a repository at one moment: packs with sizes and ages, each index object's
 * entries, garbage marks, snapshots, and the blobs the snapshots need. Marks and the index are read
 * before the snapshots, so a snapshot committed meanwhile is seen with everything it needs.
 */
final class RepoState {
  /** A listed pack. */
  record Pack(long size, Instant created) {}

  final Map<String, Pack> packs = new HashMap<>();
  final Map<String, List<BlobIndex.Location>> indexObjects = new LinkedHashMap<>();
  final List<GarbageMarks.Ref> marks;

  /** The damage records: damaged copies are neither preferred nor copied when repacking. */
  final DamageRecords.Known damage;

  /** Damage records that cannot be read (keys). */
  final List<String> unreadableDamage = new ArrayList<>();

  final BlobIndex index;
  final List<Snapshots.Ref> snapshots;

  /** The part objects of runs not yet committed, whose trees are roots like snapshots'. */
  final List<Parts.Ref> parts = new ArrayList<>();

  /** Part objects older than {@link Parts#LIFE} (readable or not): prune deletes them (keys). */
  final List<String> staleParts = new ArrayList<>();

  final Set<String> used;

  /** The erasure records: what rewrites erased, for prune to remove and confirm gone. */
  final List<ErasureRecords.Ref> erasures;

  /** Erasure records that cannot be read (key to why): reported, kept. */
  final Map<String, String> unreadableErasures = new java.util.TreeMap<>();

  /** Blobs the erasure records list as erased (hex ids). */
  final Set<String> erased = new java.util.HashSet<>();

  /** The writer sessions, listed after everything else (see {@link Sweep}). */
  final List<WriterSessions.Ref> sessions;

  private RepoState(Repository repo, Instant now) throws IOException {
    Snapshots.Listing listing = Snapshots.list(repo);
    if (!listing.unreadable().isEmpty()) {
      throw ArcaException.integrity(
          "prune stopped, nothing was deleted: it must see every snapshot, and these cannot be"
              + " read: "
              + String.join("; ", listing.unreadable().values())
              + ". Repair them (arca repair snapshots) or remove them (arca forget ID)");
    }
    snapshots = listing.readable();
    listParts(repo, now);
    marks = stopOnDamage(() -> GarbageMarks.list(repo));
    Set<String> marked = GarbageMarks.markedPacks(marks);
    damage = DamageRecords.list(repo, (key, why) -> unreadableDamage.add(key));
    erasures = ErasureRecords.list(repo, unreadableErasures::put);
    erasures.forEach(r -> r.record().erased().forEach(e -> erased.add(e.blob())));
    for (Storage.ObjectInfo o : repo.storage().list(IndexFile.PREFIX)) {
      BlobIndex one = new BlobIndex();
      try {
        stopOnDamage(
            () -> {
              IndexFile.decodeInto(
                  SealedObjects.open(repo, o, SealedObjects.Kind.INDEX), one, o.key());
              return null;
            });
      } catch (ObjectMissingException gone) {
        continue; // replaced by a concurrent prune
      }
      indexObjects.put(o.key(), one.all());
    }
    for (Storage.ObjectInfo o : repo.storage().list(Packs.PREFIX)) {
      packs.put(Packs.idOf(o.key()), new Pack(o.size(), o.modified()));
    }
    index = merged(marked);
    List<String> roots = new ArrayList<>();
    snapshots.forEach(s -> roots.add(s.snapshot().tree()));
    parts.forEach(p -> roots.add(p.part().snapshot().tree()));
    used = References.ofTrees(repo, index, roots);
    sessions = WriterSessions.list(repo);
  }

  /**
   * The part objects: live ones are roots; stale ones go. One that cannot be read may be a live
   * root, so prune stops while it is younger than {@link Parts#LIFE}.
   */
  private void listParts(Repository repo, Instant now) throws IOException {
    Parts.Listing pl = Parts.list(repo);
    for (Parts.Ref r : pl.readable()) {
      if (Parts.live(r, now)) {
        parts.add(r);
      } else {
        staleParts.add(r.key());
      }
    }
    for (Map.Entry<String, String> e : pl.unreadable().entrySet()) {
      Instant stored = pl.unreadableStored().get(e.getKey());
      if (stored == null || stored.plus(Parts.LIFE).isAfter(now)) {
        throw ArcaException.integrity(
            "prune stopped, nothing was deleted: it must see every part of a running backup, and"
                + " this one cannot be read: "
                + e.getValue()
                + ". It is deleted once it is "
                + Parts.LIFE.toDays()
                + " days old");
      }
      staleParts.add(e.getKey());
    }
  }

  /** Something prune must read whole: damage stops prune before it deletes anything. */
  private interface Read<T> {
    T get() throws IOException;
  }

  private static <T> T stopOnDamage(Read<T> read) throws IOException {
    try {
      return read.get();
    } catch (ArcaException e) {
      if (e.kind() != ArcaException.Kind.INTEGRITY) {
        throw e;
      }
      throw ArcaException.integrity(
          "prune stopped, nothing was deleted: "
              + e.getMessage()
              + "; run 'arca verify', then 'arca repair index'");
    }
  }

  /** The repository as prune sees it at {@code now} (which part objects are stale). */
  static RepoState load(Repository repo, Instant now) throws IOException {
    return new RepoState(repo, now);
  }

  /**
   * All index entries in one index; locations outside {@code avoid}, in listed packs and not
   * recorded as damaged win.
   */
  private BlobIndex merged(Set<String> avoid) {
    BlobIndex preferred = new BlobIndex();
    List<BlobIndex.Location> rest = new ArrayList<>();
    for (List<BlobIndex.Location> entries : indexObjects.values()) {
      for (BlobIndex.Location l : entries) {
        String pack = Hex.of(l.pack());
        if (avoid.contains(pack) || !packs.containsKey(pack) || damage.damaged(l)) {
          rest.add(l);
        } else {
          add(preferred, l);
        }
      }
    }
    rest.forEach(l -> add(preferred, l));
    return preferred;
  }

  static void add(BlobIndex into, BlobIndex.Location l) {
    into.add(l.id(), l.pack(), l.offset(), l.length(), l.rawLength(), l.type(), l.codec());
  }

  /** Index entries by pack (hex id). */
  Map<String, List<BlobIndex.Location>> entriesByPack() {
    Map<String, List<BlobIndex.Location>> out = new HashMap<>();
    for (List<BlobIndex.Location> entries : indexObjects.values()) {
      for (BlobIndex.Location l : entries) {
        out.computeIfAbsent(Hex.of(l.pack()), k -> new ArrayList<>()).add(l);
      }
    }
    return out;
  }
}
