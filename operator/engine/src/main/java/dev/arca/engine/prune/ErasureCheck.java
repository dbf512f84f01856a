package dev.arca.engine.prune;

import dev.arca.contract.PruneReport;
import dev.arca.engine.format.BlobIndex;
import dev.arca.engine.format.Hex;
import dev.arca.engine.format.Packs;
import dev.arca.engine.repo.ErasureRecords;
import dev.arca.engine.repo.GarbageMarks;
import dev.arca.engine.repo.Repository;
import dev.arca.engine.storage.Storage;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where the blobs of each erasure stand once a prune run has swept and marked: a blob is gone when
 * no index entry (as the run read the index) and no pack its erasure record names lies in a pack
 * the store still lists; needed again when a snapshot needs it now; otherwise pending, with why. An
 * erasure whose every blob is gone is complete, and its records are removed: the run's report is
 * its proof.
 */
final class ErasureCheck {
  /** Pending blobs named per erasure. */
  static final int WAITING = 100;

  private ErasureCheck() {}

  static List<PruneReport.Erasure> run(
      Repository repo, RepoState s, Set<String> retainedPacks, PruneOptions o, Instant now)
      throws IOException {
    if (s.erasures.isEmpty()) {
      return List.of();
    }
    Set<String> listed = o.dryRun() ? s.packs.keySet() : listPacks(repo);
    Map<String, Instant> until =
        markedUntil(o.dryRun() ? s.marks : GarbageMarks.list(repo, m -> {}));
    Map<String, Set<String>> where = new HashMap<>();
    for (List<BlobIndex.Location> entries : s.indexObjects.values()) {
      for (BlobIndex.Location l : entries) {
        String id = Hex.of(l.id());
        if (s.erased.contains(id)) {
          where.computeIfAbsent(id, k -> new HashSet<>()).add(Hex.of(l.pack()));
        }
      }
    }
    Map<String, List<ErasureRecords.Ref>> byRun = new LinkedHashMap<>();
    for (ErasureRecords.Ref r : s.erasures) {
      byRun.computeIfAbsent(r.record().run(), k -> new ArrayList<>()).add(r);
    }
    List<PruneReport.Erasure> out = new ArrayList<>();
    for (List<ErasureRecords.Ref> records : byRun.values()) {
      Judge j = new Judge(s, listed, until, retainedPacks, where, o, now);
      records.forEach(j::add);
      PruneReport.Erasure e = j.result(records.get(0).record());
      if (e.complete() && !o.dryRun()) {
        for (ErasureRecords.Ref r : records) {
          repo.storage().delete(r.key());
        }
      }
      out.add(e);
    }
    return out;
  }

  /** Judges the blobs of one erasure (all its records). */
  private static final class Judge {
    private final RepoState s;
    private final Set<String> listed;
    private final Map<String, Instant> until;
    private final Set<String> retained;
    private final Map<String, Set<String>> where;
    private final PruneOptions o;
    private final Instant now;
    private final Set<String> seen = new HashSet<>();
    private final Set<String> shared = new HashSet<>();
    private final List<String> waiting = new ArrayList<>();
    private long gone;
    private long pending;
    private long again;
    private long kept;
    private Instant latest;

    Judge(
        RepoState s,
        Set<String> listed,
        Map<String, Instant> until,
        Set<String> retained,
        Map<String, Set<String>> where,
        PruneOptions o,
        Instant now) {
      this.s = s;
      this.listed = listed;
      this.until = until;
      this.retained = retained;
      this.where = where;
      this.o = o;
      this.now = now;
    }

    void add(ErasureRecords.Ref r) {
      r.record().shared().forEach(b -> shared.add(b.blob()));
      for (ErasureRecords.Erased e : r.record().erased()) {
        if (seen.add(e.blob())) {
          judge(e);
        }
      }
    }

    private void judge(ErasureRecords.Erased e) {
      if (s.used.contains(e.blob())) {
        again++;
        note(e.blob() + ": a snapshot written since needs it again");
        return;
      }
      Set<String> packs = new LinkedHashSet<>(e.packs());
      packs.addAll(where.getOrDefault(e.blob(), Set.of()));
      List<String> still = packs.stream().filter(listed::contains).toList();
      if (still.isEmpty()) {
        gone++;
        if (packs.stream().anyMatch(retained::contains)) {
          kept++;
        }
        return;
      }
      pending++;
      String pack = still.get(0);
      Instant due = until.get(pack);
      if (due != null) {
        latest = latest == null || due.isAfter(latest) ? due : latest;
        note(e.blob() + ": in pack " + pack + ", marked; deleted by a prune run after " + due);
      } else if (young(pack)) {
        note(
            e.blob()
                + ": in pack "
                + pack
                + ", younger than the grace period; a later prune run marks it");
      } else {
        note(e.blob() + ": in pack " + pack + ", not marked yet; the next prune run marks it");
      }
    }

    private boolean young(String pack) {
      RepoState.Pack p = s.packs.get(pack);
      return p != null && p.created() != null && p.created().isAfter(now.minus(o.grace()));
    }

    private void note(String why) {
      if (waiting.size() < WAITING) {
        waiting.add(why);
      }
    }

    PruneReport.Erasure result(ErasureRecords.Record first) {
      return new PruneReport.Erasure(
          first.run(),
          first.time(),
          first.snapshots().size(),
          seen.size(),
          gone,
          pending,
          again,
          shared.size(),
          kept,
          pending == 0 && again == 0,
          latest == null ? null : latest.toString(),
          List.copyOf(waiting));
    }
  }

  private static Set<String> listPacks(Repository repo) throws IOException {
    Set<String> out = new HashSet<>();
    for (Storage.ObjectInfo i : repo.storage().list(Packs.PREFIX)) {
      out.add(Packs.idOf(i.key()));
    }
    return out;
  }

  private static Map<String, Instant> markedUntil(List<GarbageMarks.Ref> marks) {
    Map<String, Instant> out = new HashMap<>();
    for (GarbageMarks.Ref m : marks) {
      for (String pack : m.mark().packs()) {
        out.merge(pack, m.deleteAfter(), (a, b) -> a.isAfter(b) ? a : b);
      }
    }
    return out;
  }
}
