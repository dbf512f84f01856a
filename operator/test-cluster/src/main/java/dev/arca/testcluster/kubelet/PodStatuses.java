package dev.arca.testcluster.kubelet;

import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import java.time.Instant;
import java.util.List;

/** Pod statuses as a kubelet reports them, built from what happened to the one container. */
final class PodStatuses {
  static final String HOST_IP = "127.0.0.1";

  private PodStatuses() {}

  static PodStatus running(Pod pod, Instant started, int restarts) {
    ContainerStatus c =
        base(pod, restarts)
            .withReady(true)
            .withStarted(true)
            .withState(
                new ContainerStateBuilder()
                    .withNewRunning()
                    .withStartedAt(started.toString())
                    .endRunning()
                    .build())
            .build();
    return status(pod, "Running", started, c, true, null, null);
  }

  static PodStatus terminated(
      Pod pod, Instant started, Instant finished, int exitCode, String message, int restarts) {
    ContainerStatus c =
        base(pod, restarts)
            .withReady(false)
            .withStarted(false)
            .withState(
                new ContainerStateBuilder()
                    .withNewTerminated()
                    .withExitCode(exitCode)
                    .withReason(exitCode == 0 ? "Completed" : "Error")
                    .withMessage(message == null || message.isEmpty() ? null : message)
                    .withStartedAt(started.toString())
                    .withFinishedAt(finished.toString())
                    .endTerminated()
                    .build())
            .build();
    return status(pod, exitCode == 0 ? "Succeeded" : "Failed", started, c, false, null, null);
  }

  /** A container that cannot start, with the reason a kubelet would give (e.g. ErrImagePull). */
  static PodStatus cannotStart(Pod pod, String reason, String message) {
    ContainerStatus c =
        base(pod, 0)
            .withReady(false)
            .withStarted(false)
            .withState(
                new ContainerStateBuilder()
                    .withNewWaiting()
                    .withReason(reason)
                    .withMessage(message)
                    .endWaiting()
                    .build())
            .build();
    return status(pod, "Pending", Instant.now(), c, false, reason, message);
  }

  private static ContainerStatusBuilder base(Pod pod, int restarts) {
    var spec = pod.getSpec().getContainers().get(0);
    return new ContainerStatusBuilder()
        .withName(spec.getName())
        .withImage(spec.getImage())
        .withImageID(spec.getImage())
        .withContainerID("arca-stand-in://" + pod.getMetadata().getUid())
        .withRestartCount(restarts);
  }

  private static PodStatus status(
      Pod pod,
      String phase,
      Instant started,
      ContainerStatus container,
      boolean ready,
      String reason,
      String message) {
    String now = Instant.now().toString();
    List<PodCondition> conditions =
        List.of(
            condition("PodScheduled", true, now),
            condition("Initialized", true, now),
            condition("ContainersReady", ready, now),
            condition("Ready", ready, now));
    return new PodStatusBuilder()
        .withPhase(phase)
        .withReason(reason)
        .withMessage(message)
        .withHostIP(HOST_IP)
        .withPodIP(HOST_IP)
        .withStartTime(started.toString())
        .withConditions(conditions)
        .withContainerStatuses(container)
        .build();
  }

  private static PodCondition condition(String type, boolean status, String now) {
    return new PodConditionBuilder()
        .withType(type)
        .withStatus(status ? "True" : "False")
        .withLastTransitionTime(now)
        .build();
  }
}
