package dev.arca.engine.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arca.engine.ArcaException;
import dev.arca.engine.format.RepoConfig;
import dev.arca.engine.storage.ForwardingStorage;
import dev.arca.engine.storage.MemoryStorage;
import dev.arca.engine.storage.Storage;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * {@link Repository#openOrInit}: a repository is created only where the store says there is none,
 * and only once when two callers race.
 */
class OpenOrInitTest {
  private static final char[] PW = "pw".toCharArray();
  private static final Repository.InitOptions CHEAP =
      Repository.InitOptions.defaults().withScryptN(1024);

  @Test
  void twoCallersThatFindNoneAtOnceShareOneRepository() throws Exception {
    for (int round = 0; round < 5; round++) {
      MemoryStorage storage = new MemoryStorage();
      CyclicBarrier start = new CyclicBarrier(2);
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        List<Future<Repository.Opened>> runs =
            List.of(
                pool.submit(() -> race(storage, start)), pool.submit(() -> race(storage, start)));
        Repository.Opened a = runs.get(0).get();
        Repository.Opened b = runs.get(1).get();
        assertThat(a.created() ^ b.created()).as("exactly one created it").isTrue();
        assertThat(a.repository().config().id()).isEqualTo(b.repository().config().id());
        assertThat(storage.list(Repository.KEYS)).as("the loser wrote no key slot").hasSize(1);
        assertThat(b.repository().masterKey().idKey())
            .as("both hold the one master key")
            .isEqualTo(a.repository().masterKey().idKey());
        assertThat(Repository.open(storage, PW).config().id())
            .isEqualTo(a.repository().config().id());
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void theCallerWhoseConfigCameSecondWaitsForTheWinnersKeySlot() throws Exception {
    // the winner's key slot lands half a second after its config: a loser that found no config,
    // lost the create-only write of its own and then opened at once found no key slot
    for (int round = 0; round < 3; round++) {
      Storage storage = new SlowKeySlots(new MemoryStorage());
      CyclicBarrier start = new CyclicBarrier(2);
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        Future<Repository.Opened> a = pool.submit(() -> race(storage, start));
        Future<Repository.Opened> b = pool.submit(() -> race(storage, start));
        assertThat(a.get().created() ^ b.get().created()).as("exactly one created it").isTrue();
        assertThat(a.get().repository().config().id())
            .isEqualTo(b.get().repository().config().id());
      } finally {
        pool.shutdownNow();
      }
    }
  }

  /**
   * The interleaving that failed a CI run: this caller lists no config, then another caller's whole
   * init (config, then key slot) lands before this one lists the key slots. It must open that
   * repository, not call its key slot the remains of a lost config.
   */
  @Test
  void aCallerWhoseConfigLookCameJustBeforeAnotherInitOpensThatRepository() throws Exception {
    MemoryStorage inner = new MemoryStorage();
    Repository.Opened[] winner = new Repository.Opened[1];
    Storage storage =
        new ForwardingStorage(inner) {
          @Override
          public List<ObjectInfo> list(String prefix) throws IOException {
            List<ObjectInfo> seen = inner.list(prefix);
            if (prefix.equals(dev.arca.engine.format.RepoConfig.KEY) && winner[0] == null) {
              winner[0] = Repository.openOrInit(inner, PW, CHEAP); // lands right after this look
            }
            return seen;
          }
        };
    Repository.Opened late = Repository.openOrInit(storage, PW, CHEAP);
    assertThat(winner[0].created()).isTrue();
    assertThat(late.created()).isFalse();
    assertThat(late.repository().config().id()).isEqualTo(winner[0].repository().config().id());
  }

  /** A store whose key slots take half a second to write. */
  private static final class SlowKeySlots extends ForwardingStorage {
    SlowKeySlots(Storage inner) {
      super(inner);
    }

    @Override
    public void create(String key, byte[] data, int offset, int length) throws IOException {
      if (key.startsWith(Repository.KEYS)) {
        try {
          Thread.sleep(500);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      inner.create(key, data, offset, length);
    }

    @Override
    public String describe() {
      return "slow key slots over " + inner.describe();
    }
  }

  private static Repository.Opened race(Storage storage, CyclicBarrier start) throws Exception {
    start.await();
    return Repository.openOrInit(storage, PW, CHEAP);
  }

  @Test
  void aStoreThatCannotBeListedGetsNoRepository() {
    MemoryStorage inner = new MemoryStorage();
    Storage denied =
        new Storage() {
          @Override
          public void create(String key, byte[] data, int offset, int length) throws IOException {
            inner.create(key, data, offset, length);
          }

          @Override
          public byte[] read(String key) throws IOException {
            throw new IOException("Access Denied");
          }

          @Override
          public byte[] read(String key, long offset, int length) throws IOException {
            throw new IOException("Access Denied");
          }

          @Override
          public long size(String key) throws IOException {
            throw new IOException("Access Denied");
          }

          @Override
          public List<ObjectInfo> list(String prefix) throws IOException {
            throw new IOException("Access Denied");
          }

          @Override
          public boolean delete(String key) {
            return inner.delete(key);
          }

          @Override
          public String describe() {
            return "s3://denied/repo";
          }
        };

    assertThatThrownBy(() -> Repository.openOrInit(denied, PW, CHEAP))
        .isInstanceOf(ArcaException.class)
        .hasMessageContaining("cannot tell whether a repository exists at s3://denied/repo")
        .hasMessageContaining("Access Denied");
    assertThat(inner.list("")).isEmpty();
  }

  @Test
  void anExistingRepositoryIsOpenedNotCreated() {
    MemoryStorage storage = new MemoryStorage();
    Repository first = Repository.init(storage, PW, CHEAP);

    Repository.Opened o = Repository.openOrInit(storage, PW, CHEAP);

    assertThat(o.created()).isFalse();
    assertThat(o.repository().config().id()).isEqualTo(first.config().id());
    assertThat(storage.list(RepoConfig.KEY)).hasSize(1);
  }

  @Test
  void anInitKilledBetweenItsConfigAndItsKeySlotIsReportedNotReplaced() throws Exception {
    MemoryStorage storage = new MemoryStorage();
    Repository.init(storage, PW, CHEAP);
    for (var slot : storage.list(Repository.KEYS)) {
      storage.delete(slot.key()); // as if killed after the config
    }

    assertThatThrownBy(() -> Repository.openOrInit(storage, PW, CHEAP))
        .isInstanceOf(ArcaException.class)
        .hasMessageContaining("has no key slots")
        .hasMessageContaining("delete its config and init again");
    assertThat(storage.list(Repository.KEYS)).isEmpty();
  }
}
