package dev.arca.controller.jobs;

import dev.arca.api.v1alpha1.BackupPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Who owns a snapshot the operator writes: the policy's namespace, name and uid. Backups record
 * them as the snapshot's host ({@code namespace/name}) and tags ({@value #NAMESPACE}, {@value
 * #POLICY}, {@value #POLICY_UID}); retention, the catalog and restores select by them, so that one
 * namespace's policy never forgets, lists or restores another's snapshots in a shared repository
 * (FORMAT.md "Snapshot owners").
 *
 * @param namespace the policy's namespace
 * @param policy the policy's name, or null for any policy of the namespace
 * @param uid the policy's uid, or null to select every incarnation of the policy (a restore by
 *     snapshot id)
 */
public record SnapshotOwner(String namespace, String policy, String uid) {
  /** Tag: the namespace of the policy that wrote the snapshot. */
  public static final String NAMESPACE = "arca.dev/namespace";

  /** Tag: the name of the policy that wrote the snapshot. */
  public static final String POLICY = "arca.dev/policy";

  /** Tag: the uid of the policy that wrote the snapshot. */
  public static final String POLICY_UID = "arca.dev/policy-uid";

  /** Tag keys with this prefix are the operator's; a policy's own tags may not use them. */
  public static final String RESERVED_PREFIX = "arca.dev/";

  /** The owner of the snapshots {@code p} writes. */
  public static SnapshotOwner of(BackupPolicy p) {
    return new SnapshotOwner(
        p.getMetadata().getNamespace(), p.getMetadata().getName(), p.getMetadata().getUid());
  }

  /** Any policy of {@code namespace}. */
  public static SnapshotOwner anyPolicyOf(String namespace) {
    return new SnapshotOwner(namespace, null, null);
  }

  /** The same owner, any incarnation of the policy. */
  public SnapshotOwner anyIncarnation() {
    return new SnapshotOwner(namespace, policy, null);
  }

  /** The snapshot host: {@code namespace/policy} (Kubernetes names hold no {@code /}). */
  public String host() {
    return namespace + "/" + policy;
  }

  /** The owner's tags, to record on a snapshot (with the policy's own {@code tags} under them). */
  public Map<String, String> tags(Map<String, String> own) {
    Map<String, String> tags = new TreeMap<>(own == null ? Map.of() : own);
    tags.keySet().removeIf(k -> k.startsWith(RESERVED_PREFIX));
    tags.put(NAMESPACE, namespace);
    tags.put(POLICY, policy);
    if (uid != null) {
      tags.put(POLICY_UID, uid);
    }
    return tags;
  }

  /**
   * {@code --host namespace/policy --tag arca.dev/policy=... [--tag arca.dev/policy-uid=...]}:
   * arca's options that select exactly this owner's snapshots (the host carries the namespace, and
   * is recorded by every version of the operator).
   */
  public List<String> selectArgs() {
    if (policy == null) { // any policy of the namespace
      return List.of("--tag", NAMESPACE + "=" + namespace);
    }
    List<String> args = new ArrayList<>(List.of("--host", host(), "--tag", POLICY + "=" + policy));
    if (uid != null) {
      args.addAll(List.of("--tag", POLICY_UID + "=" + uid));
    }
    return args;
  }
}
