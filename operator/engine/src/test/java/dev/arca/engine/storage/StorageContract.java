package dev.arca.engine.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The contract every {@link Storage} implementation must meet; subclasses provide the store. */
public abstract class StorageContract {
  /** A new, empty store. */
  protected abstract Storage newStorage() throws Exception;

  /**
   * A new, empty store that sends objects of a few MiB in pieces (multipart parts, resumable
   * chunks, blocks), where the store has them; by default {@link #newStorage()}.
   */
  protected Storage newStorageWithSmallPieces() throws Exception {
    return newStorage();
  }

  @Test
  void largeObjectsGoUpInPiecesAndReadBackWhole() throws Exception {
    try (Storage s = newStorageWithSmallPieces()) {
      byte[] big = new byte[(13 << 20) + 12345];
      new java.util.Random(7).nextBytes(big);
      s.create("data/00/big", big);
      assertThat(s.read("data/00/big")).isEqualTo(big);
      assertThat(s.read("data/00/big", 12 << 20, 1000))
          .isEqualTo(java.util.Arrays.copyOfRange(big, 12 << 20, (12 << 20) + 1000));
      // the same bytes again (a retried upload) may pass or be refused; other bytes are refused;
      // either way the object stays as it was
      try {
        s.create("data/00/big", big);
      } catch (ObjectExistsException alsoFine) {
        // a store that does not tell a retry from a second writer
      }
      assertThat(s.read("data/00/big")).isEqualTo(big);
      big[0] ^= 1;
      assertThatThrownBy(() -> s.create("data/00/big", big))
          .isInstanceOf(ObjectExistsException.class);
      big[0] ^= 1;
      assertThat(s.read("data/00/big")).isEqualTo(big);
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void createdObjectsReadBackWholeAndByRange() throws Exception {
    try (Storage s = newStorage()) {
      s.create("data/ab/abc", bytes("hello, world"));
      assertThat(s.read("data/ab/abc")).isEqualTo(bytes("hello, world"));
      assertThat(s.read("data/ab/abc", 7, 5)).isEqualTo(bytes("world"));
      byte[] into = bytes("..........");
      s.read("data/ab/abc", 0, 5, into);
      assertThat(into).isEqualTo(bytes("hello....."));
      assertThat(s.size("data/ab/abc")).isEqualTo(12);
      assertThat(s.size("data/ab/none")).isEqualTo(-1);
    }
  }

  @Test
  void objectsAreNeverOverwritten() throws Exception {
    try (Storage s = newStorage()) {
      s.create("snapshots/x", bytes("first"));
      assertThatThrownBy(() -> s.create("snapshots/x", bytes("second")))
          .isInstanceOf(ObjectExistsException.class);
      assertThat(s.read("snapshots/x")).isEqualTo(bytes("first"));
    }
  }

  @Test
  void missingObjectsAndShortRangesFailLoudly() throws Exception {
    try (Storage s = newStorage()) {
      assertThatThrownBy(() -> s.read("index/none")).isInstanceOf(ObjectMissingException.class);
      assertThatThrownBy(() -> s.read("index/none", 0, 1))
          .isInstanceOf(ObjectMissingException.class);
      s.create("index/short", bytes("abc"));
      assertThatThrownBy(() -> s.read("index/short", 1, 10))
          .isInstanceOf(ObjectMissingException.class)
          .hasMessageContaining("index/short");
      assertThatThrownBy(() -> s.read("index/short", 1, 10, new byte[10]))
          .isInstanceOf(ObjectMissingException.class)
          .hasMessageContaining("index/short");
    }
  }

  @Test
  void openRangeStreamsExactlyTheRangeAndFailsPastTheEnd() throws Exception {
    try (Storage s = newStorage()) {
      byte[] pack = new byte[(9 << 20) + 123];
      new java.util.Random(5).nextBytes(pack);
      s.create("data/ab/pack", pack);
      long from = 1_000_003;
      int length = pack.length - 1_000_003 - 17;
      try (java.io.InputStream in = s.openRange("data/ab/pack", from, length)) {
        byte[] got = in.readAllBytes();
        assertThat(got)
            .isEqualTo(java.util.Arrays.copyOfRange(pack, (int) from, (int) from + length));
        assertThat(in.read()).isEqualTo(-1);
      }
      try (java.io.InputStream in = s.openRange("data/ab/pack", 0, pack.length)) {
        assertThat(in.readNBytes(10)).isEqualTo(java.util.Arrays.copyOf(pack, 10));
      } // closed long before its end: the store stays usable
      assertThat(s.read("data/ab/pack", 5, 3)).isEqualTo(java.util.Arrays.copyOfRange(pack, 5, 8));
      try (java.io.InputStream in = s.openRange("data/ab/pack", 7, 0)) {
        assertThat(in.read()).isEqualTo(-1);
      }
      // a range that runs past the end fails loudly, on opening or at the latest on reading
      assertThatThrownBy(
              () -> {
                try (java.io.InputStream in = s.openRange("data/ab/pack", pack.length - 100, 200)) {
                  in.readAllBytes();
                }
              })
          .isInstanceOf(ObjectMissingException.class)
          .hasMessageContaining("data/ab/pack");
      assertThatThrownBy(
              () -> {
                try (java.io.InputStream in = s.openRange("data/ab/none", 0, 10)) {
                  in.readAllBytes();
                }
              })
          .isInstanceOf(ObjectMissingException.class);
    }
  }

  @Test
  void listFindsEveryObjectUnderAPrefixWithSizes() throws Exception {
    try (Storage s = newStorage()) {
      s.create("data/00/a", new byte[3]);
      s.create("data/ff/b", new byte[5]);
      s.create("index/c", new byte[7]);
      s.create("config", new byte[1]);
      java.time.Instant before = java.time.Instant.now().minusSeconds(120);
      assertThat(s.list("data/"))
          .extracting(Storage.ObjectInfo::key, Storage.ObjectInfo::size)
          .containsExactlyInAnyOrder(
              org.assertj.core.groups.Tuple.tuple("data/00/a", 3L),
              org.assertj.core.groups.Tuple.tuple("data/ff/b", 5L));
      assertThat(s.list("index/"))
          .singleElement()
          .satisfies(
              o -> {
                assertThat(o.key()).isEqualTo("index/c");
                assertThat(o.size()).isEqualTo(7);
                // creation times drive prune's grace period: they must be there and recent
                assertThat(o.modified()).isNotNull().isAfter(before);
              });
      assertThat(s.list("snapshots/")).isEmpty();
    }
  }

  @Test
  void deleteRemovesAndToleratesMissing() throws Exception {
    try (Storage s = newStorage()) {
      s.create("data/00/a", new byte[3]);
      s.delete("data/00/a");
      s.delete("data/00/a");
      assertThat(s.size("data/00/a")).isEqualTo(-1);
      assertThat(s.list("data/")).isEmpty();
    }
  }

  @Test
  void aListedObjectIsReadNoFurtherThanItsListedSize() throws Exception {
    try (Storage s = newStorage()) {
      s.create("snapshots/a", "0123456789".getBytes(StandardCharsets.UTF_8));
      s.create("snapshots/b", new byte[0]);
      Storage.ObjectInfo a = s.list("snapshots/a").get(0);
      Storage.ObjectInfo b = s.list("snapshots/b").get(0);
      assertThat(s.read(a)).asString(StandardCharsets.UTF_8).isEqualTo("0123456789");
      assertThat(s.read(b)).isEmpty();
      // replaced since it was listed: a larger object is read only as far as the listing said
      s.delete("snapshots/a");
      s.create("snapshots/a", new byte[1 << 20]);
      assertThat(s.read(a)).hasSize(10);
      s.delete("snapshots/b");
      s.create("snapshots/b", new byte[3]);
      assertThatThrownBy(() -> s.read(b)).isInstanceOf(java.io.IOException.class);
      // and a smaller one, or none, fails
      s.delete("snapshots/a");
      s.create("snapshots/a", new byte[4]);
      assertThatThrownBy(() -> s.read(a)).isInstanceOf(java.io.IOException.class);
      s.delete("snapshots/a");
      assertThatThrownBy(() -> s.read(a)).isInstanceOf(java.io.IOException.class);
    }
  }

  @Test
  void purgeRemovesTheObjectAndOnlyIt() throws Exception {
    try (Storage s = newStorage()) {
      s.create("keys/aa", new byte[] {1, 2});
      s.create("keys/aab", new byte[] {3});
      s.purge("keys/aa");
      s.purge("keys/aa");
      s.purge("keys/never-written");
      assertThat(s.size("keys/aa")).isEqualTo(-1);
      assertThat(s.list("keys/")).extracting(Storage.ObjectInfo::key).containsExactly("keys/aab");
    }
  }

  @Test
  void aPrefixedStoreSeesOnlyItsOwnObjects() throws Exception {
    try (Storage s = newStorage()) {
      Storage inner = new PrefixedStorage(s, "domains/x/", "domain x");
      inner.create("keys/k", new byte[] {7});
      s.create("keys/k", new byte[] {8});
      s.create("domains/xy/keys/k", new byte[] {9});
      assertThat(inner.list("keys/")).extracting(Storage.ObjectInfo::key).containsExactly("keys/k");
      assertThat(inner.read("keys/k")).containsExactly(7);
      assertThat(s.read("domains/x/keys/k")).containsExactly(7);
      assertThat(s.list("keys/")).extracting(Storage.ObjectInfo::key).containsExactly("keys/k");
      inner.purge("keys/k");
      assertThat(s.read("keys/k")).containsExactly(8);
      assertThat(inner.list("")).isEmpty();
    }
  }

  @Test
  void concurrentCreatesOfOneKeyLeaveExactlyOneWinner() throws Exception {
    try (Storage s = newStorage()) {
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<Boolean>> results = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
          byte[] payload = bytes("writer-" + i);
          results.add(
              pool.submit(
                  () -> {
                    try {
                      s.create("keys/k", payload);
                      return true;
                    } catch (ObjectExistsException e) {
                      return false;
                    }
                  }));
        }
        int winners = 0;
        for (Future<Boolean> f : results) {
          winners += f.get() ? 1 : 0;
        }
        assertThat(winners).isEqualTo(1);
        assertThat(new String(s.read("keys/k"), StandardCharsets.UTF_8)).startsWith("writer-");
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void describeNamesTheStoreWithoutSecrets() throws Exception {
    try (Storage s = newStorage()) {
      assertThat(s.describe()).isNotBlank();
    }
  }
}
