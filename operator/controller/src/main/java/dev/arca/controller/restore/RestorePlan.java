package dev.arca.controller.restore;

import dev.arca.api.v1alpha1.BackupPolicy;
import dev.arca.api.v1alpha1.RepositorySpec;
import dev.arca.api.v1alpha1.RestoreRequest;
import dev.arca.api.v1alpha1.RestoreRequestSpec;
import dev.arca.api.v1alpha1.Snapshot;
import dev.arca.api.v1alpha1.SnapshotCatalog;
import dev.arca.controller.Reasons;
import dev.arca.controller.jobs.CatalogJobs;
import dev.arca.controller.jobs.SnapshotOwner;
import dev.arca.engine.repo.SnapshotChoice;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Comparator;
import java.util.List;

/**
 * What a RestoreRequest resolves to: the repository, the snapshot argument for arca restore, whose
 * snapshots arca may choose among, the source volume, and the snapshot's size when known; or the
 * problem that stops it.
 *
 * <p>A request never chooses among every snapshot of a repository that several namespaces may
 * share: with policyRef it resolves among its own policy's catalog (latest and before among the
 * policy's current incarnation, by uid) and the Job checks the owner again in the repository; with
 * from, arca chooses among that namespace's policy's snapshots; an inline repository without from
 * needs a snapshot id.
 *
 * <p>A target in use that the request allows ({@code target.allowInUse}) adds who uses it and, for
 * a ReadWriteOnce volume, the node the Job must run on (see {@link #inUse}).
 */
record RestorePlan(
    RepositorySpec repository,
    String snapshot,
    String before,
    SnapshotOwner among,
    String source,
    Long bytes,
    String problemReason,
    String problem,
    String users,
    String node) {

  RestorePlan(
      RepositorySpec repository,
      String snapshot,
      String before,
      SnapshotOwner among,
      String source,
      Long bytes,
      String problemReason,
      String problem) {
    this(repository, snapshot, before, among, source, bytes, problemReason, problem, null, null);
  }

  /**
   * This plan into a target that {@code users} use (as a message names them), on {@code node} where
   * its ReadWriteOnce volume is mounted (null: anywhere).
   */
  RestorePlan inUse(String users, String node) {
    return new RestorePlan(
        repository, snapshot, before, among, source, bytes, problemReason, problem, users, node);
  }

  /** A snapshot id or unique prefix as an inline repository's request must give it. */
  private static final java.util.regex.Pattern ID =
      java.util.regex.Pattern.compile("[0-9a-f]{8,64}");

  static RestorePlan failed(String reason, String message) {
    return new RestorePlan(null, null, null, null, null, null, reason, message);
  }

  boolean ok() {
    return problem == null;
  }

  /**
   * Resolves the request; {@code fromOtherNamespaces}: whether the cluster admin allows restores of
   * another namespace's snapshots ({@code spec.from}).
   */
  static RestorePlan resolve(
      RestoreRequest r, KubernetesClient client, boolean fromOtherNamespaces) {
    RestoreRequestSpec s = r.getSpec();
    String ns = r.getMetadata().getNamespace();
    int sources = (s.repository == null ? 0 : 1) + (s.policyRef == null ? 0 : 1);
    sources += s.catalogRef == null ? 0 : 1;
    if (sources != 1) {
      return failed(
          Reasons.INVALID_SPEC,
          "spec: give exactly one of policyRef, repository and catalogRef (the API server's CEL"
              + " rule says so too)");
    }
    if (s.snapshot != null && s.before != null) {
      return failed(Reasons.INVALID_SPEC, "spec: give either snapshot or before, not both");
    }
    if (s.checkpoint != null
        && (s.snapshot != null || s.before != null || s.include != null || s.pipe != null)) {
      return failed(
          Reasons.INVALID_SPEC,
          "spec.checkpoint chooses the snapshot and the folder itself: give it without snapshot,"
              + " before, include and pipe (the API server's CEL rule says so too)");
    }
    if (s.verifyBeforeRestore != null && s.checkpoint == null) {
      return failed(
          Reasons.INVALID_SPEC, "spec.verifyBeforeRestore applies to a checkpoint restore");
    }
    if (s.repository != null && s.from == null) {
      if (s.snapshot == null || !ID.matcher(s.snapshot).matches()) {
        return failed(
            Reasons.INVALID_SPEC,
            "spec.snapshot: a repository given inline may hold many teams' snapshots: name the"
                + " snapshot by id (8 to 64 hex digits) or say whose snapshots to choose among with"
                + " spec.from (the API server's CEL rule says so too)");
      }
      // No catalog for an inline repository: arca restore finds the snapshot by its id, among
      // those written by this namespace's policies (another namespace's needs spec.from)
      return new RestorePlan(
          s.repository,
          s.snapshot,
          null,
          SnapshotOwner.anyPolicyOf(ns),
          s.sourcePVC,
          null,
          null,
          null);
    }
    if (s.from != null && !s.from.namespace.equals(ns) && !fromOtherNamespaces) {
      return failed(
          Reasons.CROSS_NAMESPACE_RESTORE_NOT_ALLOWED,
          "spec.from.namespace: restoring the snapshots of namespace "
              + s.from.namespace
              + " into "
              + ns
              + " is for a cluster admin to allow (the chart's restores.fromOtherNamespaces)");
    }
    if (s.repository != null) {
      return fromOwner(s, s.repository);
    }
    if (s.catalogRef != null) {
      return fromCatalog(r, client, fromOtherNamespaces);
    }
    BackupPolicy policy =
        client.resources(BackupPolicy.class).inNamespace(ns).withName(s.policyRef.name).get();
    if (policy == null) {
      return failed(
          Reasons.POLICY_NOT_FOUND,
          "spec.policyRef.name: BackupPolicy '"
              + s.policyRef.name
              + "' does not exist in namespace "
              + ns);
    }
    if (s.from != null) {
      return fromOwner(s, policy.getSpec().repository);
    }
    SnapshotOwner owner = SnapshotOwner.of(policy);
    List<Snapshot> catalog =
        client.resources(Snapshot.class).inNamespace(ns).list().getItems().stream()
            .filter(x -> x.getSpec() != null && s.policyRef.name.equals(x.getSpec().policy))
            .filter(x -> x.getSpec().catalog == null) // a SnapshotCatalog's, of another repository
            .sorted(Comparator.comparing((Snapshot x) -> time(x)).reversed())
            .toList();
    Snapshot chosen =
        catalog.stream()
            .filter(x -> x.getMetadata().getName().equals(s.snapshot))
            .findFirst()
            .orElse(null);
    if (chosen == null) {
      // the engine's rule (SnapshotChoice): latest and before among the policy as it is now, an id
      // or prefix among all its snapshots
      boolean byTime = s.before != null || SnapshotChoice.isLatest(s.snapshot);
      SnapshotChoice.Outcome<Snapshot> o =
          SnapshotChoice.choose(
              catalog,
              x -> x.getSpec().snapshotId,
              RestorePlan::time,
              x -> !byTime || ofCurrent(x, owner),
              s.snapshot,
              s.before == null ? null : OffsetDateTime.parse(s.before).toInstant());
      long earlier = catalog.stream().filter(x -> !ofCurrent(x, owner)).count();
      if (o instanceof SnapshotChoice.Chosen<Snapshot> c) {
        chosen = c.value();
      } else if (o instanceof SnapshotChoice.NoneAtOrBefore) {
        return failed(
            Reasons.SNAPSHOT_NOT_FOUND,
            "spec.before: policy "
                + s.policyRef.name
                + " has no snapshot at or before "
                + s.before
                + earlier(earlier));
      } else if (o instanceof SnapshotChoice.NoneYet) {
        return failed(
            Reasons.SNAPSHOT_NOT_FOUND,
            "policy " + s.policyRef.name + " has no snapshots yet" + earlier(earlier));
      } else if (o instanceof SnapshotChoice.Ambiguous<Snapshot> a) {
        return failed(
            Reasons.SNAPSHOT_AMBIGUOUS,
            "spec.snapshot: '"
                + s.snapshot
                + "' matches "
                + a.matches()
                + " snapshots; give more of the id");
      } else {
        return failed(
            Reasons.SNAPSHOT_NOT_FOUND,
            "spec.snapshot: no snapshot of policy "
                + s.policyRef.name
                + " is named or has an id starting with '"
                + s.snapshot
                + "'");
      }
    }
    List<String> pvcs = chosen.getSpec().pvcs == null ? List.of() : chosen.getSpec().pvcs;
    List<String> dumps = chosen.getSpec().dumps == null ? List.of() : chosen.getSpec().dumps;
    if (s.pipe != null) {
      if (!dumps.contains(s.pipe.path)) {
        return failed(
            Reasons.DUMP_NOT_IN_SNAPSHOT,
            "spec.pipe.path: snapshot "
                + chosen.getMetadata().getName()
                + (dumps.isEmpty()
                    ? " holds no database dumps"
                    : " holds the dumps " + String.join(", ", dumps) + ", not " + s.pipe.path));
      }
      return new RestorePlan(
          policy.getSpec().repository,
          chosen.getSpec().snapshotId,
          null,
          owner.anyIncarnation(),
          null,
          chosen.getSpec().bytes,
          null,
          null);
    }
    // what can be restored into a PVC: a volume, or the folder of dumps (as files)
    java.util.Set<String> entries = new java.util.TreeSet<>(pvcs);
    dumps.forEach(d -> entries.add(d.contains("/") ? d.substring(0, d.indexOf('/')) : d));
    String source = s.sourcePVC;
    if (source == null && entries.size() == 1) {
      source = entries.iterator().next();
    } else if (source == null) {
      return failed(
          "SourcePVCRequired",
          "spec.sourcePVC: snapshot "
              + chosen.getMetadata().getName()
              + " holds "
              + String.join(", ", entries)
              + "; say which to restore");
    } else if (!entries.isEmpty() && !entries.contains(source)) {
      return failed(
          "SourcePVCNotInSnapshot",
          "spec.sourcePVC: snapshot "
              + chosen.getMetadata().getName()
              + " holds "
              + String.join(", ", entries)
              + ", not "
              + source);
    }
    return new RestorePlan(
        policy.getSpec().repository,
        chosen.getSpec().snapshotId,
        null,
        owner.anyIncarnation(),
        source,
        chosen.getSpec().bytes,
        null,
        null);
  }

  /**
   * A request with {@code catalogRef}: the catalog's repository, and a snapshot chosen among the
   * Snapshot objects the catalog imported (by name, id or prefix, latest, before); the Job checks
   * the snapshot's owner (the namespace and policy the catalog imported it for) in the repository
   * again. A catalog that imports another namespace's snapshots is refused unless the cluster admin
   * allows that, as for {@code from}.
   */
  private static RestorePlan fromCatalog(
      RestoreRequest r, KubernetesClient client, boolean fromOtherNamespaces) {
    RestoreRequestSpec s = r.getSpec();
    String ns = r.getMetadata().getNamespace();
    SnapshotCatalog catalog =
        client.resources(SnapshotCatalog.class).inNamespace(ns).withName(s.catalogRef.name).get();
    if (catalog == null) {
      return failed(
          Reasons.CATALOG_NOT_FOUND,
          "spec.catalogRef.name: SnapshotCatalog '"
              + s.catalogRef.name
              + "' does not exist in namespace "
              + ns);
    }
    SnapshotOwner owner = CatalogJobs.owner(catalog);
    if (!owner.namespace().equals(ns) && !fromOtherNamespaces) {
      return failed(
          Reasons.CROSS_NAMESPACE_RESTORE_NOT_ALLOWED,
          "SnapshotCatalog "
              + s.catalogRef.name
              + " holds the snapshots of namespace "
              + owner.namespace()
              + "; restoring them into "
              + ns
              + " is for a cluster admin to allow (the chart's restores.fromOtherNamespaces)");
    }
    List<Snapshot> entries =
        client
            .resources(Snapshot.class)
            .inNamespace(ns)
            .withLabel(dev.arca.controller.jobs.Labels.CATALOG, s.catalogRef.name)
            .list()
            .getItems()
            .stream()
            .filter(x -> x.getSpec() != null && s.catalogRef.name.equals(x.getSpec().catalog))
            .sorted(Comparator.comparing((Snapshot x) -> time(x)).reversed())
            .toList();
    String where = "SnapshotCatalog " + s.catalogRef.name;
    Snapshot chosen =
        entries.stream()
            .filter(x -> x.getMetadata().getName().equals(s.snapshot))
            .findFirst()
            .orElse(null);
    if (chosen == null && s.checkpoint == null) {
      SnapshotChoice.Outcome<Snapshot> o =
          SnapshotChoice.choose(
              entries,
              x -> x.getSpec().snapshotId,
              RestorePlan::time,
              x -> true,
              s.snapshot,
              s.before == null ? null : OffsetDateTime.parse(s.before).toInstant());
      if (o instanceof SnapshotChoice.Chosen<Snapshot> c) {
        chosen = c.value();
      } else if (o instanceof SnapshotChoice.Ambiguous<Snapshot> a) {
        return failed(
            Reasons.SNAPSHOT_AMBIGUOUS,
            "spec.snapshot: '"
                + s.snapshot
                + "' matches "
                + a.matches()
                + " snapshots of "
                + where);
      } else {
        return failed(
            Reasons.SNAPSHOT_NOT_FOUND,
            (s.before != null ? "spec.before: " : "spec.snapshot: ")
                + where
                + " holds no such snapshot"
                + (entries.isEmpty() ? " (it has imported none yet)" : ""));
      }
    }
    RepositorySpec repo = catalog.getSpec().repository;
    if (chosen == null) { // a checkpoint restore: arca chooses among the owner's snapshots
      return new RestorePlan(repo, null, null, owner, s.sourcePVC, null, null, null);
    }
    String policy = chosen.getSpec().policy;
    SnapshotOwner among =
        policy == null || policy.isEmpty()
            ? owner
            : new SnapshotOwner(owner.namespace(), policy, null);
    if (s.pipe != null) {
      return new RestorePlan(
          repo, chosen.getSpec().snapshotId, null, among, null, chosen.getSpec().bytes, null, null);
    }
    List<String> pvcs = chosen.getSpec().pvcs == null ? List.of() : chosen.getSpec().pvcs;
    String source = s.sourcePVC;
    if (source == null && pvcs.size() == 1) {
      source = pvcs.get(0);
    } else if (source == null && pvcs.size() > 1) {
      return failed(
          "SourcePVCRequired",
          "spec.sourcePVC: snapshot "
              + chosen.getMetadata().getName()
              + " holds "
              + String.join(", ", pvcs)
              + "; say which to restore");
    }
    return new RestorePlan(
        repo, chosen.getSpec().snapshotId, null, among, source, chosen.getSpec().bytes, null, null);
  }

  /**
   * A request with {@code from}: arca chooses among the snapshots that namespace's policy wrote
   * (any incarnation; the policy and its namespace need not exist any more).
   */
  private static RestorePlan fromOwner(RestoreRequestSpec s, RepositorySpec repository) {
    SnapshotOwner among = new SnapshotOwner(s.from.namespace, s.from.policy, null);
    String snap = s.snapshot == null ? "latest" : s.snapshot;
    return new RestorePlan(repository, snap, s.before, among, s.sourcePVC, null, null, null);
  }

  /**
   * Whether a catalog entry is of the policy as it is now: recorded with its uid, or recorded
   * before uids were (0.1), which only the policy of that name in this namespace can have written.
   */
  private static boolean ofCurrent(Snapshot x, SnapshotOwner owner) {
    return x.getSpec().policyUid == null || x.getSpec().policyUid.equals(owner.uid());
  }

  private static String earlier(long n) {
    return n == 0
        ? ""
        : "; "
            + n
            + " older snapshots were written by an earlier BackupPolicy of the same name: name"
            + " one in spec.snapshot";
  }

  private static Instant time(Snapshot s) {
    String t = s.getSpec().time;
    return t == null ? Instant.EPOCH : Instant.parse(t);
  }
}
