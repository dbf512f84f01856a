package dev.arca.controller;

import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The operator's configuration, read once at start-up from environment variables (the chart sets
 * them; {@link #KEYS} lists them all) and never changed afterwards.
 *
 * @param watchNamespaces namespaces to watch; empty means all ({@code ARCA_WATCH_NAMESPACES},
 *     comma-separated)
 * @param engineImage the image the Jobs run ({@code ARCA_ENGINE_IMAGE})
 * @param jobResources default resources of the Jobs' container ({@code ARCA_JOB_CPU_REQUEST},
 *     {@code ARCA_JOB_MEMORY_REQUEST}, {@code ARCA_JOB_MEMORY_LIMIT})
 * @param jobServiceAccount default service account of the Jobs ({@code ARCA_JOB_SERVICE_ACCOUNT};
 *     empty means the namespace's default). Jobs never mount an API token.
 * @param jobSecurityContext default pod security context of the Jobs ({@code
 *     ARCA_JOB_POD_SECURITY_CONTEXT}, JSON). The default runs as root, so that files of any owner
 *     can be read and ownership restored. A resource's {@code spec.job.podSecurityContext} is
 *     merged into it and may only tighten it ({@link dev.arca.controller.jobs.SecurityContexts}).
 * @param jobContainerSecurityContext security context of the Jobs' container ({@code
 *     ARCA_JOB_CONTAINER_SECURITY_CONTEXT}, JSON). The default drops every capability but those
 *     that reading any file and restoring ownership need, and makes the root filesystem read-only.
 *     Resources cannot change it.
 * @param jobOverrideUserAndGroups whether a resource's {@code spec.job.podSecurityContext} may
 *     choose the Jobs' user and groups (runAsUser, runAsGroup, fsGroup, supplementalGroups; never 0
 *     unless the Jobs run as root anyway) ({@code ARCA_JOB_OVERRIDE_USER_AND_GROUPS}, default true)
 * @param checkSecrets whether Secrets a resource names are checked to exist before a Job starts
 *     ({@code ARCA_CHECK_SECRETS}, default false: it needs {@code get} on Secrets, which RBAC
 *     cannot limit to metadata; without it a missing Secret is reported from the Job's pod that
 *     cannot start)
 * @param metricsPort port of /metrics, /healthz and /readyz ({@code ARCA_METRICS_PORT})
 * @param leaderElectionNamespace namespace of the leader election Lease, so that several replicas
 *     can run with one active ({@code ARCA_LEADER_ELECTION_NAMESPACE}; empty: no election)
 * @param dumpNamespaces the namespaces where a cluster admin allowed dump sources and restore
 *     pipes, whose Jobs exec into a database pod ({@code ARCA_DUMP_NAMESPACES}, comma-separated;
 *     {@code *}: every namespace; empty, the default: none, and such resources are refused)
 * @param restoreFromOtherNamespaces whether a RestoreRequest may restore another namespace's
 *     snapshots with {@code spec.from} ({@code ARCA_RESTORE_FROM_OTHER_NAMESPACES}, default false:
 *     a cluster admin turns it on for a disaster recovery)
 */
public record OperatorConfig(
    Set<String> watchNamespaces,
    String engineImage,
    ResourceRequirements jobResources,
    String jobServiceAccount,
    PodSecurityContext jobSecurityContext,
    SecurityContext jobContainerSecurityContext,
    boolean jobOverrideUserAndGroups,
    boolean checkSecrets,
    int metricsPort,
    String leaderElectionNamespace,
    Set<String> dumpNamespaces,
    boolean restoreFromOtherNamespaces) {

  /** Whether Jobs of resources in {@code namespace} may exec into pods (dumps, pipes). */
  public boolean dumpsAllowedIn(String namespace) {
    return dumpNamespaces.contains("*") || dumpNamespaces.contains(namespace);
  }

  /** Every environment variable the operator reads. */
  public static final List<String> KEYS =
      List.of(
          "ARCA_WATCH_NAMESPACES",
          "ARCA_ENGINE_IMAGE",
          "ARCA_JOB_CPU_REQUEST",
          "ARCA_JOB_MEMORY_REQUEST",
          "ARCA_JOB_MEMORY_LIMIT",
          "ARCA_JOB_SERVICE_ACCOUNT",
          "ARCA_JOB_POD_SECURITY_CONTEXT",
          "ARCA_JOB_CONTAINER_SECURITY_CONTEXT",
          "ARCA_JOB_OVERRIDE_USER_AND_GROUPS",
          "ARCA_CHECK_SECRETS",
          "ARCA_DUMP_NAMESPACES",
          "ARCA_RESTORE_FROM_OTHER_NAMESPACES",
          "ARCA_METRICS_PORT",
          "ARCA_LEADER_ELECTION_NAMESPACE");

  /**
   * The Jobs' pod security context unless configured: root, to read and restore any owner, under
   * the container runtime's default seccomp profile. With {@link #MINIMAL_ROOT_CONTAINER} it passes
   * the Pod Security Standard {@code baseline}.
   */
  static final String ROOT_POD =
      "{\"runAsUser\":0,\"runAsGroup\":0,\"seccompProfile\":{\"type\":\"RuntimeDefault\"}}";

  /**
   * The Jobs' container security context unless configured: no privilege escalation, a read-only
   * root filesystem, and of root's capabilities only those to read and search any file and folder
   * (DAC_OVERRIDE, which covers what DAC_READ_SEARCH would give and is one of the capabilities the
   * Pod Security Standard {@code baseline} allows, where DAC_READ_SEARCH is not), and to restore
   * owners, modes and times (CHOWN, FOWNER, FSETID).
   */
  static final String MINIMAL_ROOT_CONTAINER =
      "{\"allowPrivilegeEscalation\":false,\"readOnlyRootFilesystem\":true,"
          + "\"capabilities\":{\"drop\":[\"ALL\"],"
          + "\"add\":[\"CHOWN\",\"DAC_OVERRIDE\",\"FOWNER\",\"FSETID\"]}}";

  /** Reads the configuration from {@code env}; a malformed value names its variable. */
  public static OperatorConfig fromEnv(Map<String, String> env) {
    Set<String> namespaces = list(env, "ARCA_WATCH_NAMESPACES");
    ResourceRequirements resources =
        new ResourceRequirementsBuilder()
            .addToRequests("cpu", quantity(env, "ARCA_JOB_CPU_REQUEST", "1"))
            .addToRequests("memory", quantity(env, "ARCA_JOB_MEMORY_REQUEST", "768Mi"))
            .addToLimits("memory", quantity(env, "ARCA_JOB_MEMORY_LIMIT", "1Gi"))
            .build();
    String port = env.getOrDefault("ARCA_METRICS_PORT", "8080");
    if (!port.matches("\\d{1,5}")) {
      throw new IllegalArgumentException("ARCA_METRICS_PORT must be a port number, not " + port);
    }
    return new OperatorConfig(
        namespaces,
        env.getOrDefault("ARCA_ENGINE_IMAGE", "ghcr.io/arca-dev/arca:0.1.0"),
        resources,
        env.getOrDefault("ARCA_JOB_SERVICE_ACCOUNT", ""),
        json(env, "ARCA_JOB_POD_SECURITY_CONTEXT", ROOT_POD, PodSecurityContext.class),
        json(
            env,
            "ARCA_JOB_CONTAINER_SECURITY_CONTEXT",
            MINIMAL_ROOT_CONTAINER,
            SecurityContext.class),
        bool(env, "ARCA_JOB_OVERRIDE_USER_AND_GROUPS", true),
        bool(env, "ARCA_CHECK_SECRETS", true),
        Integer.parseInt(port),
        env.getOrDefault("ARCA_LEADER_ELECTION_NAMESPACE", ""),
        list(env, "ARCA_DUMP_NAMESPACES"),
        bool(env, "ARCA_RESTORE_FROM_OTHER_NAMESPACES", false));
  }

  /** A comma-separated list of names. */
  private static Set<String> list(Map<String, String> env, String key) {
    return Arrays.stream(env.getOrDefault(key, "").split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .collect(Collectors.toUnmodifiableSet());
  }

  private static boolean bool(Map<String, String> env, String key, boolean dflt) {
    String v = env.getOrDefault(key, "");
    if (v.isBlank()) {
      return dflt;
    }
    if (!v.equals("true") && !v.equals("false")) {
      throw new IllegalArgumentException(key + " must be true or false, not '" + v + "'");
    }
    return Boolean.parseBoolean(v);
  }

  private static Quantity quantity(Map<String, String> env, String key, String dflt) {
    String v = env.getOrDefault(key, dflt);
    try {
      Quantity.getAmountInBytes(new Quantity(v));
      return new Quantity(v);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + " is not a Kubernetes quantity: '" + v + "'");
    }
  }

  private static <T> T json(Map<String, String> env, String key, String dflt, Class<T> type) {
    String v = env.getOrDefault(key, "");
    try {
      return Serialization.unmarshal(v.isBlank() ? dflt : v, type);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          key + " must be a " + type.getSimpleName() + " as JSON: " + e.getMessage());
    }
  }
}
