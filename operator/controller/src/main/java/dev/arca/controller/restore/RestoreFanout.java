package dev.arca.controller.restore;

import dev.arca.api.v1alpha1.RestoreRequest;
import dev.arca.api.v1alpha1.RestoreRequestSpec;
import dev.arca.api.v1alpha1.RestoreRequestStatus;
import dev.arca.api.v1alpha1.RestoreRequestStatus.Phase;
import dev.arca.api.v1alpha1.RestoreRequestStatus.TargetStatus;
import dev.arca.controller.Conditions;
import dev.arca.controller.Events;
import dev.arca.controller.Reasons;
import dev.arca.controller.jobs.Labels;
import dev.arca.controller.jobs.Names;
import dev.arca.controller.jobs.Owners;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A RestoreRequest with {@code spec.targets}: the snapshot is resolved once ({@link RestorePlan}),
 * then every target gets a RestoreRequest of its own with that snapshot's id and one {@code
 * target}, owned by this one and labelled with it ({@link Labels#PARENT}); each is an ordinary
 * request (its checks, its PVC, its Job, which restores and checks every file by SHA-256), and they
 * run at once, or spec.parallelism of them at a time in their order. This request follows them and
 * ends when they all have: Succeeded if every one did, else Failed naming those that did not.
 */
final class RestoreFanout {
  private final KubernetesClient client;
  private final Events events;
  private final boolean fromOtherNamespaces;

  RestoreFanout(KubernetesClient client, Events events, boolean fromOtherNamespaces) {
    this.client = client;
    this.events = events;
    this.fromOtherNamespaces = fromOtherNamespaces;
  }

  /** The name of the RestoreRequest of {@code target} of {@code r}. */
  static String childName(RestoreRequest r, RestoreRequestSpec.Target target) {
    return Names.of(r.getMetadata().getName(), target.pvc);
  }

  /**
   * Starts the targets' requests; false with the status failed when the snapshot does not resolve.
   */
  boolean start(RestoreRequest r, RestoreRequestStatus st, Instant now) {
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (RestoreRequestSpec.Target t : r.getSpec().targets) {
      if (!seen.add(t.pvc)) {
        end(r, st, Reasons.INVALID_SPEC, "spec.targets: PVC " + t.pvc + " is named twice", now);
        return false;
      }
    }
    RestorePlan plan = RestorePlan.resolve(r, client, fromOtherNamespaces);
    if (!plan.ok()) {
      end(r, st, plan.problemReason(), plan.problem(), now);
      return false;
    }
    if (plan.before() != null || "latest".equals(plan.snapshot())) {
      end( // the CEL rule refuses this before it gets here
          r,
          st,
          Reasons.INVALID_SPEC,
          "spec.targets: every target must get the same snapshot; with spec.from name it by id",
          now);
      return false;
    }
    st.phase = Phase.Pending;
    st.snapshotId = plan.snapshot();
    st.startTime = now.toString();
    st.targets = new ArrayList<>();
    for (RestoreRequestSpec.Target t : r.getSpec().targets) {
      TargetStatus ts = new TargetStatus();
      ts.pvc = t.pvc;
      ts.request = childName(r, t);
      st.targets.add(ts);
    }
    startTurns(r, st);
    st.targetsDone = "0/" + st.targets.size();
    st.message =
        "restoring snapshot "
            + plan.snapshot().substring(0, Math.min(12, plan.snapshot().length()))
            + " into "
            + st.targets.size()
            + " PVCs"
            + (r.getSpec().parallelism == null
                ? " at once"
                : ", " + r.getSpec().parallelism + " at a time")
            + ": "
            + String.join(", ", st.targets.stream().map(x -> x.pvc).toList());
    Conditions.set(
        st.conditions,
        Conditions.READY,
        true,
        Reasons.RESOLVED,
        st.message,
        RestoreRecorder.gen(r),
        now);
    events.normal(r, Reasons.RESTORE_STARTED, st.message, now);
    return true;
  }

  /** Starts the targets whose turn it is: as many as spec.parallelism allows at once. */
  private void startTurns(RestoreRequest r, RestoreRequestStatus st) {
    Integer limit = r.getSpec().parallelism;
    long running = st.targets.stream().filter(t -> t.phase != null && !ended(t.phase)).count();
    for (int i = 0; i < st.targets.size(); i++) {
      TargetStatus ts = st.targets.get(i);
      if (ts.phase != null) {
        continue;
      }
      if (limit != null && running >= limit) {
        return;
      }
      try {
        client.resource(child(r, r.getSpec().targets.get(i), st.snapshotId)).create();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) { // 409: made by a reconcile whose status this one did not see
          throw e;
        }
      }
      ts.phase = Phase.Pending;
      running++;
    }
  }

  /** Follows the targets' requests; ends this one when they all ended. */
  void observe(RestoreRequest r, RestoreRequestStatus st, Instant now) {
    startTurns(r, st);
    int succeeded = 0;
    int ended = 0;
    List<String> failed = new ArrayList<>();
    for (TargetStatus ts : st.targets) {
      if (ts.phase != null && !ended(ts.phase)) {
        RestoreRequest child =
            client
                .resources(RestoreRequest.class)
                .inNamespace(r.getMetadata().getNamespace())
                .withName(ts.request)
                .get();
        follow(ts, child);
      }
      if (ended(ts.phase)) {
        ended++;
      }
      if (ts.phase == Phase.Succeeded) {
        succeeded++;
      } else if (ts.phase == Phase.Failed) {
        failed.add(ts.pvc + ": " + ts.message);
      }
    }
    st.targetsDone = succeeded + "/" + st.targets.size();
    st.files = st.targets.stream().mapToLong(t -> t.files == null ? 0 : t.files).sum();
    st.bytes = st.targets.stream().mapToLong(t -> t.bytes == null ? 0 : t.bytes).sum();
    if (st.phase == Phase.Pending
        && st.targets.stream().anyMatch(t -> t.phase != null && t.phase != Phase.Pending)) {
      st.phase = Phase.Running;
    }
    if (ended < st.targets.size()) {
      return;
    }
    if (failed.isEmpty()) {
      st.phase = Phase.Succeeded;
      st.completionTime = now.toString();
      st.message =
          "restored snapshot "
              + st.snapshotId.substring(0, Math.min(12, st.snapshotId.length()))
              + " into "
              + succeeded
              + " PVCs, every file checked: "
              + String.join(", ", st.targets.stream().map(x -> x.pvc).toList());
      events.normal(r, Reasons.RESTORE_SUCCEEDED, st.message, now);
      return;
    }
    end(
        r,
        st,
        Reasons.RESTORE_FAILED,
        failed.size()
            + " of "
            + st.targets.size()
            + " targets failed: "
            + String.join("; ", failed),
        now);
  }

  /** A target's state from its request (gone: failed, its result unknown). */
  private static void follow(TargetStatus ts, RestoreRequest child) {
    if (child == null) {
      ts.phase = Phase.Failed;
      ts.message = "RestoreRequest " + ts.request + " was deleted before it ended";
      return;
    }
    RestoreRequestStatus cs = child.getStatus();
    if (cs == null || cs.phase == null) {
      return;
    }
    ts.phase = cs.phase;
    ts.message = cs.message;
    ts.files = cs.files;
    ts.bytes = cs.bytes;
  }

  private void end(
      RestoreRequest r, RestoreRequestStatus st, String reason, String message, Instant now) {
    RestoreRecorder.refused(r, st, reason, message, events, now);
  }

  private static boolean ended(Phase p) {
    return p == Phase.Succeeded || p == Phase.Failed;
  }

  /** The request of one target: this one's spec with that target and the snapshot's id. */
  private static RestoreRequest child(RestoreRequest r, RestoreRequestSpec.Target t, String id) {
    RestoreRequestSpec spec =
        Serialization.unmarshal(Serialization.asJson(r.getSpec()), RestoreRequestSpec.class);
    spec.targets = null;
    spec.target = t;
    spec.snapshot = id;
    spec.before = null;
    RestoreRequest child = new RestoreRequest();
    child.setMetadata(
        new ObjectMetaBuilder()
            .withName(childName(r, t))
            .withNamespace(r.getMetadata().getNamespace())
            .addToLabels(Labels.MANAGED_BY, "arca")
            .addToLabels(Labels.PARENT, r.getMetadata().getName())
            .withOwnerReferences(Owners.controller(r))
            .build());
    child.setSpec(spec);
    return child;
  }
}
