package dev.arca.controller.backup;

import dev.arca.api.v1alpha1.BackupPolicySpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Whether a backup run runs as several Jobs, its parts, and what each mounts (FORMAT.md, "Parts",
 * for what the engine does with them). Pure: from the spec and the {@link Placement}.
 *
 * <ul>
 *   <li>{@link #NODES}: sources in use on two or more nodes. One part per node, with the sources in
 *       use there; sources free to mount anywhere join the first node's part, dumps are part 0's.
 *       Each part backs up its own sources.
 *   <li>{@link #SPLIT}: {@code parallelism} above 1, every source a volume every pod can mount at
 *       once (ReadWriteMany or ReadOnlyMany) and no checkpoints: that many parts, each mounting
 *       every source and storing its share of the files.
 *   <li>Otherwise one Job, as a run always had (null).
 * </ul>
 *
 * Sources read through VolumeSnapshots never run in parts (validation refuses parallelism with
 * them; a policy without parallelism keeps one Job).
 *
 * @param mode {@link #NODES} or {@link #SPLIT}
 * @param parts the parts, by number
 */
record PartPlan(String mode, List<Part> parts) {
  static final String NODES = "Nodes";
  static final String SPLIT = "Split";

  /**
   * One part.
   *
   * @param index its number
   * @param node the node it must run on, or null
   * @param pvcs the PVCs it mounts and backs up (all of them when split)
   * @param dumps whether it runs the dump sources
   */
  record Part(int index, String node, List<String> pvcs, boolean dumps) {}

  /** The parts of a run of {@code spec} placed as {@code place}, or null for one Job. */
  static PartPlan of(BackupPolicySpec spec, Placement place) {
    List<BackupPolicySpec.Source> volumes =
        spec.sources.stream().filter(s -> s.pvc != null).toList();
    if (volumes.stream().anyMatch(BackupPolicySpec.Source::fromSnapshot)) {
      return null;
    }
    if (place.nodes().size() > 1) {
      return byNode(volumes, place);
    }
    int n = spec.parallelism == null ? 1 : spec.parallelism;
    boolean shareable =
        !volumes.isEmpty()
            && volumes.stream()
                .allMatch(s -> place.shared().contains(s.pvc) && s.checkpoints == null);
    if (n < 2 || !shareable) {
      return null;
    }
    List<String> all = volumes.stream().map(s -> s.pvc).toList();
    List<Part> parts = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      parts.add(new Part(i, null, all, i == 0));
    }
    return new PartPlan(SPLIT, parts);
  }

  private static PartPlan byNode(List<BackupPolicySpec.Source> volumes, Placement place) {
    Map<String, List<String>> byNode = new TreeMap<>();
    place.nodes().forEach(node -> byNode.put(node, new ArrayList<>()));
    String first = byNode.keySet().iterator().next();
    for (BackupPolicySpec.Source s : volumes) {
      byNode.get(place.nodeOf().getOrDefault(s.pvc, first)).add(s.pvc);
    }
    List<Part> parts = new ArrayList<>();
    for (Map.Entry<String, List<String>> e : byNode.entrySet()) {
      parts.add(new Part(parts.size(), e.getKey(), List.copyOf(e.getValue()), parts.isEmpty()));
    }
    return new PartPlan(NODES, parts);
  }

  /** Whether the parts split one file set (else each backs up its own sources). */
  boolean split() {
    return SPLIT.equals(mode);
  }
}
