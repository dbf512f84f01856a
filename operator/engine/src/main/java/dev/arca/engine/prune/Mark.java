package dev.arca.engine.prune;

import dev.arca.engine.format.BlobIndex;
import dev.arca.engine.format.Hex;
import dev.arca.engine.format.Packs;
import dev.arca.engine.repo.GarbageMarks;
import dev.arca.engine.repo.Repository;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The marking half of prune: finds packs that no snapshot needs and repacks partly used packs until
 * the unused bytes left are within the allowed share, then marks both kinds of old pack in one
 * garbage mark. Packs younger than the grace period are left alone: they may belong to a backup
 * that has not committed its snapshot yet.
 */
final class Mark {
  long usedBytes;
  long unusedBytes;
  int marked;
  long markedBytes;
  int repacked;
  long repackedBytes;
  List<String> packs = List.of();

  /** Damaged copies met while repacking. */
  List<dev.arca.engine.repo.DamageRecords.Entry> damaged = List.of();

  /** A partly used pack. */
  private record Partial(
      String pack, long size, long unused, List<BlobIndex.Location> used, boolean first) {}

  /** Whether {@code l} is a blob an erasure removes that no snapshot needs. */
  private static boolean erasedHere(RepoState s, BlobIndex.Location l) {
    if (s.erased.isEmpty()) {
      return false;
    }
    String id = Hex.of(l.id());
    return s.erased.contains(id) && !s.used.contains(id);
  }

  void run(Repository repo, RepoState s, PruneOptions o, Instant now) throws IOException {
    Set<String> pending = GarbageMarks.markedPacks(s.marks);
    Map<String, List<BlobIndex.Location>> byPack = s.entriesByPack();
    Map<String, List<BlobIndex.Location>> usedIn = new HashMap<>();
    for (String id : s.used) {
      BlobIndex.Location l = s.index.get(Hex.parse(id));
      if (l != null) {
        usedIn.computeIfAbsent(Hex.of(l.pack()), k -> new ArrayList<>()).add(l);
      }
    }
    Instant oldEnough = now.minus(o.grace());
    List<String> garbage = new ArrayList<>();
    List<Partial> partial = new ArrayList<>();
    long partialUnused = 0;
    for (Map.Entry<String, RepoState.Pack> e : s.packs.entrySet()) {
      String pack = e.getKey();
      List<BlobIndex.Location> used = usedIn.getOrDefault(pack, List.of());
      long usedHere = used.stream().mapToLong(BlobIndex.Location::length).sum();
      usedBytes += usedHere;
      if (pending.contains(pack)) {
        continue;
      }
      boolean old = e.getValue().created() == null || !e.getValue().created().isAfter(oldEnough);
      long entries =
          byPack.getOrDefault(pack, List.of()).stream().mapToLong(BlobIndex.Location::length).sum();
      if (used.isEmpty()) {
        unusedBytes += e.getValue().size();
        if (old) {
          garbage.add(pack);
          markedBytes += e.getValue().size();
        }
      } else if (entries > usedHere) {
        unusedBytes += entries - usedHere;
        if (old) {
          // copies known to be damaged, and blobs an erasure removes, leave with the pack
          boolean first =
              byPack.get(pack).stream().anyMatch(l -> s.damage.damaged(l) || erasedHere(s, l));
          partial.add(new Partial(pack, e.getValue().size(), entries - usedHere, used, first));
          partialUnused += entries - usedHere;
        }
      }
    }
    // Packs holding copies known to be damaged, or blobs an erasure removes, first, whatever they
    // waste: what they still hold is copied out, so the damage (or the erased data) leaves with
    // them. Then the most wasteful packs, until what is left unused is within the allowed share.
    partial.sort(
        Comparator.comparing((Partial p) -> !p.first())
            .thenComparingDouble(p -> -(double) p.unused() / p.size()));
    long allowed = (long) (o.maxUnusedPercent() / 100.0 * usedBytes);
    List<Partial> chosen = new ArrayList<>();
    for (Partial p : partial) {
      if (partialUnused <= allowed && !p.first()) {
        break;
      }
      chosen.add(p);
      partialUnused -= p.unused();
    }
    // A pack holding the only copy of a needed blob known to be damaged stays as it is: copying
    // would spread the damage, and marking would turn a damaged blob into a missing one.
    chosen.removeIf(p -> p.used().stream().anyMatch(s.damage::damaged));
    if (!o.dryRun() && !chosen.isEmpty()) {
      Repacker r = new Repacker(repo);
      List<Partial> copied = new ArrayList<>();
      for (Partial p : chosen) {
        if (r.copy(Packs.key(Hex.parse(p.pack())), p.size(), p.used())) {
          copied.add(p);
        }
      }
      chosen = copied;
      r.finish();
      repackedBytes = r.bytes();
      damaged = r.damaged();
    } else {
      repackedBytes = chosen.stream().mapToLong(p -> p.size() - p.unused()).sum();
    }
    repacked = chosen.size();
    List<String> all = new ArrayList<>(garbage);
    chosen.forEach(p -> all.add(p.pack()));
    marked = all.size();
    markedBytes += chosen.stream().mapToLong(Partial::size).sum();
    packs = all;
    if (!o.dryRun() && !all.isEmpty()) {
      GarbageMarks.save(repo, all, now, now.plus(o.grace()));
    }
  }
}
