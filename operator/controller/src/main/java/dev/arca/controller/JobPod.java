package dev.arca.controller;

import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.Set;

/**
 * What the newest pod of a running Job is doing: not there yet, waiting to start (and why), or
 * running; and whether it has waited too long to start. The Job controller never gives up on a pod
 * that cannot start (a missing Secret key, an image that cannot be pulled, a volume that does not
 * mount): without this check such a run would show as active for ever.
 *
 * @param pod the newest pod of the Job, or null when there is none yet
 * @param running whether its container runs (or has run)
 * @param waiting why it has not started yet: the kubelet's waiting reason and message, or the
 *     scheduler's (with the claims it waits for, see {@link UnboundClaims}), or null
 */
public record JobPod(Pod pod, boolean running, String waiting) {
  /**
   * Waiting reasons that are errors rather than steps of a start: the kubelet retries them, so a
   * fix within {@link #ERROR_GRACE} (a Secret applied a moment after the policy) still runs.
   */
  static final Set<String> ERRORS =
      Set.of(
          "CreateContainerConfigError",
          "CreateContainerError",
          "ErrImagePull",
          "ImagePullBackOff",
          "InvalidImageName",
          "ErrImageNeverPull",
          "RunContainerError");

  /** The {@link #ERRORS} about the image, which the Arca installation sets, not the resource. */
  static final Set<String> IMAGE_ERRORS =
      Set.of("ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull");

  /** What a run whose image cannot be pulled says about where the image comes from. */
  static final String IMAGE_HINT =
      " (the Jobs' image is set where Arca is installed: the chart's jobs.image.repository and"
          + " jobs.image.tag, else image.repository and image.tag; from a private registry, the"
          + " ServiceAccount the Job runs as needs imagePullSecrets in this namespace)";

  /** How long a pod may show one of the {@link #ERRORS} before its run fails. */
  public static final Duration ERROR_GRACE = Duration.ofSeconds(30);

  /** How long a pod may take to start when the run's spec does not say (startTimeoutSeconds). */
  public static final Duration DEFAULT_START_TIMEOUT = Duration.ofMinutes(10);

  /** The newest pod of {@code job} and its state. */
  public static JobPod of(KubernetesClient client, Job job) {
    Pod pod =
        JobLookup.pods(client, job).stream()
            .max(Comparator.comparing(p -> String.valueOf(p.getMetadata().getCreationTimestamp())))
            .orElse(null);
    JobPod seen = of(pod);
    PodCondition unscheduled = pod == null ? null : unscheduled(pod);
    if (unscheduled == null || !UnboundClaims.concern(unscheduled.getMessage())) {
      return seen;
    }
    String claims = UnboundClaims.describe(client, pod);
    return claims == null ? seen : new JobPod(pod, false, seen.waiting() + "; " + claims);
  }

  static JobPod of(Pod pod) {
    if (pod == null) {
      return new JobPod(null, false, null);
    }
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    if ("Running".equals(phase) || "Succeeded".equals(phase) || "Failed".equals(phase)) {
      return new JobPod(pod, true, null);
    }
    ContainerStateWaiting w = waitingContainer(pod);
    if (w != null && w.getReason() != null) {
      String why = w.getReason() + (w.getMessage() == null ? "" : ": " + w.getMessage());
      return new JobPod(pod, false, why);
    }
    PodCondition unscheduled = unscheduled(pod);
    if (unscheduled != null) {
      return new JobPod(
          pod,
          false,
          "not scheduled ("
              + unscheduled.getReason()
              + (unscheduled.getMessage() == null ? "" : ": " + unscheduled.getMessage())
              + ")");
    }
    return new JobPod(pod, false, "Pending");
  }

  /**
   * Why this pod's run should be given up, or null: an error reason shown for longer than {@link
   * #ERROR_GRACE} since the pod was made, or no start within {@code startTimeout}.
   */
  public String cannotStart(Instant now, Duration startTimeout) {
    if (pod == null || running) {
      return null;
    }
    Instant created = created();
    if (created == null) {
      return null;
    }
    Duration age = Duration.between(created, now);
    ContainerStateWaiting w = waitingContainer(pod);
    boolean error = w != null && ERRORS.contains(w.getReason());
    Duration grace = ERROR_GRACE.compareTo(startTimeout) < 0 ? ERROR_GRACE : startTimeout;
    if (error && age.compareTo(grace) >= 0) {
      return "pod "
          + pod.getMetadata().getName()
          + " cannot start: "
          + waiting
          + (IMAGE_ERRORS.contains(w.getReason()) ? IMAGE_HINT : "");
    }
    if (age.compareTo(startTimeout) >= 0) {
      return "pod "
          + pod.getMetadata().getName()
          + " did not start within "
          + startTimeout.toSeconds()
          + " s: "
          + waiting;
    }
    return null;
  }

  /**
   * {@link #cannotStart} with the newest Warning event of the pod added (a volume that does not
   * mount shows only there) unless the kubelet's error already says why, or the event says what the
   * message does; the event is best effort.
   */
  public String cannotStart(KubernetesClient client, Instant now, Duration startTimeout) {
    String why = cannotStart(now, startTimeout);
    ContainerStateWaiting w = why == null ? null : waitingContainer(pod);
    if (why == null || (w != null && ERRORS.contains(w.getReason()))) {
      return why;
    }
    Event event =
        WarningEvents.newest(
            client, pod.getMetadata().getNamespace(), "Pod", pod.getMetadata().getName());
    return event == null || event.getMessage() == null || why.contains(event.getMessage())
        ? why
        : why + "; last event: " + WarningEvents.text(event);
  }

  /**
   * When the pod's container started running, or null when it does not run now (or the kubelet did
   * not say): where the stall watch starts before the run's first progress report.
   */
  public Instant started() {
    if (pod == null || pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return null;
    }
    for (ContainerStatus cs : pod.getStatus().getContainerStatuses()) {
      ContainerState s = cs.getState();
      String at = s == null || s.getRunning() == null ? null : s.getRunning().getStartedAt();
      if (at != null) {
        try {
          return Instant.parse(at);
        } catch (DateTimeParseException garbled) {
          return null; // pod status is writable by others than the kubelet: no start known
        }
      }
    }
    return null;
  }

  private Instant created() {
    String c = pod.getMetadata().getCreationTimestamp();
    return c == null ? null : Instant.parse(c);
  }

  private static ContainerStateWaiting waitingContainer(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return null;
    }
    for (ContainerStatus cs : pod.getStatus().getContainerStatuses()) {
      if (cs.getState() != null && cs.getState().getWaiting() != null) {
        return cs.getState().getWaiting();
      }
    }
    return null;
  }

  private static PodCondition unscheduled(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
      return null;
    }
    return pod.getStatus().getConditions().stream()
        .filter(c -> "PodScheduled".equals(c.getType()) && "False".equals(c.getStatus()))
        .findFirst()
        .orElse(null);
  }
}
