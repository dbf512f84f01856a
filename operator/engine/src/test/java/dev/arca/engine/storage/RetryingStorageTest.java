package dev.arca.engine.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How often a store is tried: a store that cannot be connected to gives up after three attempts
 * while it has never answered, after seven once it has; other failures get their own count.
 */
class RetryingStorageTest {
  MemoryStorage store;
  FaultyStorage faulty;
  RetryingStorage retrying;

  @BeforeEach
  void setUp() throws Exception {
    store = new MemoryStorage();
    store.create("config", new byte[] {1, 2, 3}, 0, 3);
    faulty = new FaultyStorage(store, 0, 0, 0, 1);
    retrying = new RetryingStorage(faulty, 4, 1);
  }

  private static StoreUnreachableException refused(boolean answeredBefore) {
    return new StoreUnreachableException(
        "cannot read config: cannot connect: Connection refused", answeredBefore, null);
  }

  @Test
  void aStoreThatNeverAnsweredIsTriedThreeTimesAndTheFailureSaysSo() {
    faulty.failNext(100, () -> refused(false));
    assertThatThrownBy(() -> retrying.read("config"))
        .isInstanceOf(StoreUnreachableException.class)
        .hasMessageContaining("Connection refused")
        .hasMessageContaining("(3 attempts in ");
    assertThat(faulty.injected.get()).isEqualTo(3);
  }

  @Test
  void aStoreThatAnsweredBeforeIsTriedSevenTimes() throws Exception {
    faulty.failNext(6, () -> refused(true));
    assertThat(retrying.read("config")).containsExactly(1, 2, 3);
    faulty.failNext(100, () -> refused(true));
    assertThatThrownBy(() -> retrying.read("config"))
        .isInstanceOf(StoreUnreachableException.class)
        .hasMessageContaining("(7 attempts in ");
    assertThat(faulty.injected.get()).isEqualTo(6 + 7);
  }

  @Test
  void otherFailuresKeepTheirOwnNumberOfAttempts() throws Exception {
    faulty.failNext(3, () -> new IOException("HTTP 503"));
    assertThat(retrying.read("config")).containsExactly(1, 2, 3);
    faulty.failNext(4, () -> new IOException("HTTP 503"));
    assertThatThrownBy(() -> retrying.read("config")).hasMessage("HTTP 503");
  }
}
