package dev.arca.engine.repair;

import dev.arca.engine.ArcaException;
import dev.arca.engine.Progress;
import dev.arca.engine.backup.Futures;
import dev.arca.engine.format.BlobIndex;
import dev.arca.engine.format.Hex;
import dev.arca.engine.format.IndexFile;
import dev.arca.engine.format.Limits;
import dev.arca.engine.format.Packs;
import dev.arca.engine.repo.Repository;
import dev.arca.engine.repo.SealedObjects;
import dev.arca.engine.storage.ObjectMissingException;
import dev.arca.engine.storage.Storage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code arca repair index}: rebuilds the index from the packs' own headers (FORMAT.md "Packs":
 * every pack ends with a sealed list of its blobs). Every listed pack's header is read (its last
 * bytes only), new index objects naming every blob of every readable pack are written, and only
 * then are the index objects listed at the start deleted, damaged ones included. A run killed
 * half-way leaves duplicate index entries, never fewer. Index objects that backups write meanwhile
 * are kept; run it while no prune runs.
 */
public final class IndexRepair {
  /** Headers read at once (each takes one or two ranged reads). */
  private static final int READERS = 8;

  /** Bytes read from a pack's end in one go: a header of about 1,400 blobs. */
  private static final int TAIL = 64 << 10;

  private IndexRepair() {}

  /**
   * What a run found and did.
   *
   * @param dryRun nothing was changed
   * @param packs packs listed
   * @param packsIndexed packs whose header was read: their blobs are in the new index
   * @param packsUnknown of those, packs the old index did not name at all
   * @param packsGone packs the old index named that are not in the store
   * @param unreadablePacks packs whose header cannot be read, each "key: why" (their blobs stay
   *     missing; {@code arca repair snapshots} leaves out the files that need them)
   * @param oldIndexObjects index objects replaced
   * @param damagedIndexObjects of those, the ones that could not be read, each "key: why"
   * @param oldEntries entries of the readable old index objects
   * @param newEntries entries written
   * @param durationMs wall time
   */
  public record Result(
      boolean dryRun,
      int packs,
      int packsIndexed,
      int packsUnknown,
      int packsGone,
      List<String> unreadablePacks,
      int oldIndexObjects,
      List<String> damagedIndexObjects,
      long oldEntries,
      long newEntries,
      long durationMs) {}

  public static Result run(Repository repo, boolean dryRun, Progress progress) throws IOException {
    long t0 = System.nanoTime();
    Storage st = repo.storage();
    List<Storage.ObjectInfo> oldIndex = st.list(IndexFile.PREFIX);
    Set<String> known = new HashSet<>();
    List<String> damagedIndex = new ArrayList<>();
    long oldEntries = 0;
    for (Storage.ObjectInfo o : oldIndex) {
      BlobIndex one = new BlobIndex();
      try {
        IndexFile.decodeInto(SealedObjects.open(repo, o, SealedObjects.Kind.INDEX), one, o.key());
      } catch (ObjectMissingException gone) {
        continue;
      } catch (ArcaException e) {
        if (e.kind() != ArcaException.Kind.INTEGRITY) {
          throw e;
        }
        damagedIndex.add(o.key() + ": " + e.getMessage());
        continue;
      }
      oldEntries += one.size();
      one.packIds().forEach(p -> known.add(Hex.of(p)));
    }
    List<Storage.ObjectInfo> packs = new ArrayList<>(st.list(Packs.PREFIX));
    packs.removeIf(p -> Packs.idOf(p.key()) == null); // not named as packs are: not packs
    Set<String> listed = new HashSet<>();
    packs.forEach(p -> listed.add(Packs.idOf(p.key())));
    int gone = (int) known.stream().filter(p -> !listed.contains(p)).count();

    Map<String, String> unreadable = new TreeMap<>();
    List<BlobIndex.Location> batch = new ArrayList<>();
    long newEntries = 0;
    int indexed = 0;
    int unknown = 0;
    ExecutorService pool = Executors.newFixedThreadPool(READERS, IndexRepair::daemon);
    try {
      List<Future<List<BlobIndex.Location>>> headers = new ArrayList<>();
      for (Storage.ObjectInfo p : packs) {
        headers.add(pool.submit(() -> header(repo, p)));
      }
      for (int i = 0; i < packs.size(); i++) {
        Storage.ObjectInfo p = packs.get(i);
        List<BlobIndex.Location> blobs;
        try {
          blobs = Futures.join(headers.get(i));
        } catch (ArcaException e) {
          if (e.kind() != ArcaException.Kind.INTEGRITY) {
            throw e;
          }
          unreadable.put(p.key(), e.getMessage());
          continue;
        } catch (ObjectMissingException e) {
          continue; // deleted meanwhile (a prune run, against the advice above)
        }
        indexed++;
        unknown += known.contains(Packs.idOf(p.key())) ? 0 : 1;
        batch.addAll(blobs);
        newEntries += blobs.size();
        if (batch.size() >= Repository.INDEX_SPLIT) {
          flush(repo, batch, dryRun);
        }
        progress.fileDone();
      }
    } finally {
      pool.shutdownNow();
    }
    flush(repo, batch, dryRun);
    if (!dryRun) {
      for (Storage.ObjectInfo o : oldIndex) {
        st.delete(o.key());
      }
    }
    return new Result(
        dryRun,
        packs.size(),
        indexed,
        unknown,
        gone,
        unreadable.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).toList(),
        oldIndex.size(),
        List.copyOf(damagedIndex),
        oldEntries,
        newEntries,
        (System.nanoTime() - t0) / 1_000_000);
  }

  /** The blobs a pack's header lists, read from the pack's end within the format's limits. */
  static List<BlobIndex.Location> header(Repository repo, Storage.ObjectInfo p) throws IOException {
    String key = p.key();
    Limits.check(p.size(), Limits.MAX_PACK, key);
    int tailLength = (int) Math.min(p.size(), TAIL);
    byte[] tail = repo.storage().read(key, p.size() - tailLength, tailLength);
    int len = Packs.headerLength(tail, p.size(), key);
    byte[] sealed = tail;
    int off = tailLength - 4 - len;
    if (off < 0) {
      sealed = repo.storage().read(key, p.size() - 4 - len, len);
      off = 0;
    }
    byte[] id = Hex.parse(Packs.idOf(key));
    List<BlobIndex.Location> out = new ArrayList<>();
    for (Packs.Entry e :
        Packs.readHeader(sealed, off, len, p.size() - 4 - len, repo.cipher(), key)) {
      out.add(
          new BlobIndex.Location(
              e.id(), id, e.offset(), e.length(), e.rawLength(), e.type(), e.codec()));
    }
    return out;
  }

  private static void flush(Repository repo, List<BlobIndex.Location> batch, boolean dryRun)
      throws IOException {
    if (!dryRun && !batch.isEmpty()) {
      repo.saveIndexes(batch);
    }
    batch.clear();
  }

  private static Thread daemon(Runnable r) {
    Thread t = new Thread(r, "arca-repair");
    t.setDaemon(true);
    return t;
  }
}
