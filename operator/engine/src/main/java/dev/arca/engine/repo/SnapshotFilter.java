package dev.arca.engine.repo;

import dev.arca.engine.format.Snapshot;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Which snapshots a command may choose among: those of one host (when given) carrying every one of
 * the given tags. {@code latest} and {@code --before} pick among them, and a snapshot asked for by
 * id must be one of them: the operator narrows a tenant's restores this way to the snapshots its
 * own policy wrote.
 *
 * @param host the host a snapshot must have, or null for any
 * @param tags tags a snapshot must carry, each with exactly this value
 */
public record SnapshotFilter(String host, Map<String, String> tags) {
  /** Every snapshot. */
  public static final SnapshotFilter ANY = new SnapshotFilter(null, Map.of());

  public SnapshotFilter {
    tags = tags == null ? Map.of() : Map.copyOf(tags);
  }

  /** Whether the filter selects every snapshot. */
  public boolean isAny() {
    return host == null && tags.isEmpty();
  }

  /** Whether {@code s} is selected. */
  public boolean matches(Snapshot s) {
    if (host != null && !host.equals(s.host())) {
      return false;
    }
    Map<String, String> have = s.tags() == null ? Map.of() : s.tags();
    for (Map.Entry<String, String> e : tags.entrySet()) {
      if (!Objects.equals(have.get(e.getKey()), e.getValue())) {
        return false;
      }
    }
    return true;
  }

  /** The filter as people would type it: {@code --host H --tag k=v ...}. */
  public String describe() {
    StringBuilder b = new StringBuilder();
    if (host != null) {
      b.append("--host ").append(host);
    }
    new TreeMap<>(tags)
        .forEach(
            (k, v) ->
                b.append(b.isEmpty() ? "" : " ").append("--tag ").append(k).append('=').append(v));
    return b.toString();
  }
}
