package dev.arca.controller.jobs;

import dev.arca.api.v1alpha1.RestoreRequest;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.Map;

/**
 * Who a Job runs for, as the repository's audit trail records it ({@code ARCA_AUDIT_REQUESTER} in
 * the Job's environment, read by the CLI): for a RestoreRequest, the user or ServiceAccount in its
 * {@link RestoreRequest#REQUESTED_BY} annotation (written at creation by the chart's admission
 * policy) and the request; for a policy's runs, the operator and the policy.
 */
public final class Requesters {
  /** The variable the CLI reads. */
  public static final String ENV = "ARCA_AUDIT_REQUESTER";

  /** What a request without the annotation says (the admission policy is not installed). */
  public static final String UNKNOWN = "unknown user (no " + RestoreRequest.REQUESTED_BY + ")";

  private Requesters() {}

  /** The user who created {@code r}, as the annotation says, or {@link #UNKNOWN}. */
  public static String user(HasMetadata r) {
    Map<String, String> a = r.getMetadata().getAnnotations();
    String v = a == null ? null : a.get(RestoreRequest.REQUESTED_BY);
    return v == null || v.isBlank() ? UNKNOWN : v;
  }

  /** The audit trail's requester of a Job run for the resource {@code r}: user and resource. */
  public static String of(HasMetadata r) {
    String what =
        r.getKind() + " " + r.getMetadata().getNamespace() + "/" + r.getMetadata().getName();
    boolean asked =
        r instanceof RestoreRequest || r instanceof dev.arca.api.v1alpha1.ErasureRequest;
    return asked ? user(r) + " (" + what + ")" : "operator (" + what + ")";
  }

  /** Sets the requester of {@code r} in the environment of every container of {@code pod}. */
  public static void set(PodSpec pod, HasMetadata r) {
    String value = of(r);
    pod.getContainers()
        .forEach(
            c -> {
              c.getEnv().removeIf(e -> ENV.equals(e.getName()));
              c.getEnv().add(new EnvVarBuilder().withName(ENV).withValue(value).build());
            });
  }
}
