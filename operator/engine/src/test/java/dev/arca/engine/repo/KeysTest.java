package dev.arca.engine.repo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arca.engine.Fixtures;
import dev.arca.engine.storage.ForwardingStorage;
import dev.arca.engine.storage.MemoryStorage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Removing a password: its key slot goes with every version the store keeps; where the credentials
 * may not remove versions, the slot still goes and the result says what may be left.
 */
class KeysTest {
  /** A store in memory that keeps a log of purges, and refuses them when told to. */
  static final class Store extends ForwardingStorage {
    final List<String> purged = new ArrayList<>();
    boolean refuse;

    Store() {
      super(new MemoryStorage());
    }

    @Override
    public void purge(String key) throws IOException {
      if (refuse) {
        throw new IOException("Access Denied (s3:ListBucketVersions)");
      }
      purged.add(key);
      inner.purge(key);
    }
  }

  @Test
  void aRemovedKeyGoesWithEveryVersionOrSaysWhatMayBeLeft() throws Exception {
    Store store = new Store();
    Repository repo = Fixtures.repo(store);
    String second = Keys.add(repo, "second".toCharArray(), 1024);
    String third = Keys.add(repo, "third".toCharArray(), 1024);

    Keys.Removed removed = Keys.remove(repo, second.substring(0, 10));
    assertThat(removed.id()).isEqualTo(second);
    assertThat(removed.versionsKept()).isNull();
    assertThat(store.purged).containsExactly("keys/" + second);

    store.refuse = true;
    Keys.Removed kept = Keys.remove(repo, third);
    assertThat(kept.versionsKept()).contains("Access Denied");
    assertThat(Keys.list(repo)).extracting(Keys.Info::id).doesNotContain(second, third);
    assertThat(Keys.list(repo)).hasSize(1);
  }
}
