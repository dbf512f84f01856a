package dev.arca.engine.repo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The rule for "which snapshot", on plain candidates: the operator's catalog and the CLI's
 * repository listing both go through it (RestoreRequestReconcilerTest runs the same cases on the
 * catalog).
 */
class SnapshotChoiceTest {
  record S(String id, Instant time, boolean current) {}

  static final S OLD = new S("aa".repeat(32), Instant.parse("2026-11-20T02:30:00Z"), true);
  static final S NEW = new S("bb".repeat(32), Instant.parse("2026-11-25T02:30:00Z"), true);
  static final S GONE = new S("ab".repeat(32), Instant.parse("2026-11-30T02:30:00Z"), false);
  static final List<S> ALL = List.of(NEW, GONE, OLD);

  static SnapshotChoice.Outcome<S> choose(String spec, String before) {
    boolean byTime = before != null || SnapshotChoice.isLatest(spec);
    return SnapshotChoice.choose(
        ALL,
        S::id,
        S::time,
        s -> !byTime || s.current(),
        spec,
        before == null ? null : Instant.parse(before));
  }

  @Test
  void latestAndBeforeChooseAmongTheSelectedNewestFirst() {
    assertThat(choose("latest", null)).isEqualTo(new SnapshotChoice.Chosen<>(NEW));
    assertThat(choose(null, null)).isEqualTo(new SnapshotChoice.Chosen<>(NEW));
    assertThat(choose(null, "2026-11-24T00:00:00Z")).isEqualTo(new SnapshotChoice.Chosen<>(OLD));
    assertThat(choose(null, "2026-11-20T02:30:00Z")).isEqualTo(new SnapshotChoice.Chosen<>(OLD));
    assertThat(choose(null, "2026-01-01T00:00:00Z"))
        .isInstanceOf(SnapshotChoice.NoneAtOrBefore.class);
    assertThat(SnapshotChoice.choose(List.<S>of(), S::id, S::time, s -> true, "latest", null))
        .isInstanceOf(SnapshotChoice.NoneYet.class);
  }

  @Test
  void anIdOrPrefixInAnyCaseNamesOneSnapshot() {
    assertThat(choose("aaaa", null)).isEqualTo(new SnapshotChoice.Chosen<>(OLD));
    assertThat(choose("AAAA", null)).isEqualTo(new SnapshotChoice.Chosen<>(OLD));
    assertThat(choose("a", null)).isEqualTo(new SnapshotChoice.Ambiguous<>(2));
    assertThat(choose("cc", null)).isInstanceOf(SnapshotChoice.NoSuchId.class);
    assertThat(choose("", null)).isInstanceOf(SnapshotChoice.NoSuchId.class);
    // an id names any snapshot of the candidates, selected for latest or not
    assertThat(choose("abab", null)).isEqualTo(new SnapshotChoice.Chosen<>(GONE));
    assertThat(SnapshotChoice.choose(ALL, S::id, S::time, S::current, "abab", null))
        .isEqualTo(new SnapshotChoice.NotSelected<>(GONE));
  }
}
