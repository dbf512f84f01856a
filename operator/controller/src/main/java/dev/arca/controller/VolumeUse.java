package dev.arca.controller;

import dev.arca.controller.jobs.Labels;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Which pods use a PVC, and where another pod (a backup or restore Job's) can mount it alongside
 * them: the one place for this rule, for backups and restores alike.
 *
 * <p>A pod uses a volume when it mounts the PVC and has not finished (phase Pending, Running or
 * Unknown, or none reported yet): it runs with the data, or is about to. A ReadWriteOnce volume is
 * mounted on one node at a time, so another pod must run on its users' node: the node of the
 * running ones, or if none runs yet, of those scheduled (a pending pod on another node than a
 * running one is waiting for the volume, not holding it). In use on two nodes, no node is guessed.
 * A ReadWriteOncePod volume in use cannot be mounted by another pod at all. ReadWriteMany and
 * ReadOnlyMany volumes, and PVCs whose access modes are not known, can be mounted anywhere.
 *
 * @param claim the PVC's name
 * @param accessModes its access modes (empty when not known)
 * @param users the pods that use it, in the order listed
 */
public record VolumeUse(String claim, List<String> accessModes, List<Pod> users) {
  /** How many users a message names before it only counts the rest. */
  static final int NAMED = 10;

  /**
   * The pods of namespace {@code ns} that have not finished, less those {@code own} says belong to
   * the resource asking (its own Jobs' pods are not users); one list call for all its PVCs.
   */
  public static List<Pod> unfinishedPods(KubernetesClient client, String ns, Predicate<Pod> own) {
    return client.pods().inNamespace(ns).list().getItems().stream()
        .filter(VolumeUse::unfinished)
        .filter(own.negate())
        .toList();
  }

  /** Pods that Arca made and labelled {@code key=value}: a policy's or a request's Job pods. */
  public static Predicate<Pod> arcaPods(String key, String value) {
    return p -> {
      var labels = p.getMetadata().getLabels();
      return labels != null
          && "arca".equals(labels.get(Labels.MANAGED_BY))
          && value.equals(labels.get(key));
    };
  }

  /** The use of {@code pvc} (null: modes not known) named {@code claim} by {@code pods}. */
  public static VolumeUse of(String claim, PersistentVolumeClaim pvc, List<Pod> pods) {
    List<String> modes =
        pvc == null || pvc.getSpec() == null || pvc.getSpec().getAccessModes() == null
            ? List.of()
            : List.copyOf(pvc.getSpec().getAccessModes());
    return new VolumeUse(claim, modes, pods.stream().filter(p -> mounts(p, claim)).toList());
  }

  public boolean inUse() {
    return !users.isEmpty();
  }

  /** Whether pods on any nodes can mount it at once (ReadWriteMany or ReadOnlyMany). */
  public boolean shared() {
    return accessModes.contains("ReadWriteMany") || accessModes.contains("ReadOnlyMany");
  }

  /** Whether no second pod can mount the volume while one uses it (ReadWriteOncePod). */
  public boolean onePodOnly() {
    return accessModes.contains("ReadWriteOncePod");
  }

  /**
   * The users as a message names them: {@code pod app-0} or {@code pods app-0, app-1 (Pending)},
   * each with its phase unless it runs, the first {@value #NAMED} and how many more.
   */
  public String usersNamed() {
    List<String> names =
        users.stream()
            .limit(NAMED)
            .map(p -> p.getMetadata().getName() + (running(p) ? "" : " (" + phase(p) + ")"))
            .toList();
    String more = users.size() > NAMED ? " and " + (users.size() - NAMED) + " more" : "";
    return (users.size() == 1 ? "pod " : "pods ") + String.join(", ", names) + more;
  }

  /**
   * Where another pod can mount the volume alongside its users.
   *
   * @param node the node it must run on, or null for anywhere
   * @param problem why no node works, or null
   */
  public record Where(String node, String problem) {}

  /** Where another pod can mount the volume now; see the class comment for the rule. */
  public Where where() {
    if (shared() || accessModes.isEmpty() || users.isEmpty()) {
      return new Where(null, null);
    }
    if (onePodOnly()) {
      return new Where(
          null,
          "PVC "
              + claim
              + " is ReadWriteOncePod and in use by "
              + usersNamed()
              + "; no second pod can mount it until "
              + (users.size() == 1 ? "that pod ends" : "they end"));
    }
    Set<String> nodes = nodes(users.stream().filter(VolumeUse::running).toList());
    if (nodes.isEmpty()) {
      nodes = nodes(users);
    }
    if (nodes.size() > 1) {
      return new Where(
          null,
          "PVC "
              + claim
              + " is ReadWriteOnce but in use on nodes "
              + String.join(", ", nodes)
              + "; not guessing which node to mount it on");
    }
    return new Where(nodes.isEmpty() ? null : nodes.iterator().next(), null);
  }

  private static Set<String> nodes(List<Pod> pods) {
    Set<String> nodes = new TreeSet<>();
    for (Pod p : pods) {
      if (p.getSpec() != null && p.getSpec().getNodeName() != null) {
        nodes.add(p.getSpec().getNodeName());
      }
    }
    return nodes;
  }

  private static String phase(Pod p) {
    return p.getStatus() == null || p.getStatus().getPhase() == null
        ? "Pending"
        : p.getStatus().getPhase();
  }

  private static boolean running(Pod p) {
    return "Running".equals(phase(p));
  }

  /** Not Succeeded or Failed: a pod with no phase yet has only just been created. */
  private static boolean unfinished(Pod p) {
    String phase = phase(p);
    return !"Succeeded".equals(phase) && !"Failed".equals(phase);
  }

  private static boolean mounts(Pod p, String claim) {
    if (p.getSpec() == null || p.getSpec().getVolumes() == null) {
      return false;
    }
    for (Volume v : p.getSpec().getVolumes()) {
      if (v.getPersistentVolumeClaim() != null
          && claim.equals(v.getPersistentVolumeClaim().getClaimName())) {
        return true;
      }
    }
    return false;
  }
}
