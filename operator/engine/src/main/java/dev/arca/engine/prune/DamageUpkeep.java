package dev.arca.engine.prune;

import dev.arca.engine.format.Packs;
import dev.arca.engine.repo.DamageRecords;
import dev.arca.engine.repo.Repository;
import dev.arca.engine.storage.Storage;
import java.io.IOException;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Keeps the damage records current at the end of a prune run: records the damage repacking met, and
 * removes records that no longer say anything (every pack they name is gone) or that cannot be read
 * (whatever they said is lost either way; the damage they named is found again by reads and {@code
 * verify}).
 */
final class DamageUpkeep {
  private DamageUpkeep() {}

  /** Returns how many records were removed. */
  static int run(Repository repo, RepoState s, List<DamageRecords.Entry> found, Instant now)
      throws IOException {
    DamageRecords.save(repo, s.damage, found, "prune", now);
    Set<String> packs = new HashSet<>();
    for (Storage.ObjectInfo o : repo.storage().list(Packs.PREFIX)) {
      packs.add(Packs.idOf(o.key()));
    }
    int removed = 0;
    for (DamageRecords.Ref r : s.damage.refs()) {
      if (r.record().entries().stream().noneMatch(e -> packs.contains(e.pack()))) {
        removed += delete(repo, r.key());
      }
    }
    for (String key : s.unreadableDamage) {
      removed += delete(repo, key);
    }
    return removed;
  }

  private static int delete(Repository repo, String key) throws IOException {
    return repo.storage().delete(key) ? 1 : 0;
  }
}
