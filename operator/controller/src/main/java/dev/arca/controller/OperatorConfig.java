package dev.arca.controller;

import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The operator's configuration, read once at start-up from environment variables (the chart sets
 * them) and never changed afterwards.
 *
 * @param watchNamespaces namespaces to watch; empty means all ({@code ARCA_WATCH_NAMESPACES},
 *     comma-separated)
 * @param engineImage the image the Jobs run ({@code ARCA_ENGINE_IMAGE})
 * @param jobResources default resources of the Jobs' container ({@code ARCA_JOB_CPU_REQUEST},
 *     {@code ARCA_JOB_MEMORY_REQUEST}, {@code ARCA_JOB_MEMORY_LIMIT})
 * @param jobServiceAccount default service account of the Jobs ({@code ARCA_JOB_SERVICE_ACCOUNT};
 *     empty means the namespace's default)
 * @param jobSecurityContext default pod security context of the Jobs (root, so that files of any
 *     owner can be read and ownership restored; a policy's job settings may replace it)
 * @param metricsPort port of /metrics, /healthz and /readyz ({@code ARCA_METRICS_PORT})
 * @param leaderElectionNamespace namespace of the leader election Lease, so that several replicas
 *     can run with one active ({@code ARCA_LEADER_ELECTION_NAMESPACE}; empty: no election)
 */
public record OperatorConfig(
    Set<String> watchNamespaces,
    String engineImage,
    ResourceRequirements jobResources,
    String jobServiceAccount,
    PodSecurityContext jobSecurityContext,
    int metricsPort,
    String leaderElectionNamespace) {

  /** Reads the configuration from {@code env}. */
  public static OperatorConfig fromEnv(Map<String, String> env) {
    Set<String> namespaces =
        Arrays.stream(env.getOrDefault("ARCA_WATCH_NAMESPACES", "").split(","))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .collect(Collectors.toUnmodifiableSet());
    ResourceRequirements resources =
        new ResourceRequirementsBuilder()
            .addToRequests("cpu", new Quantity(env.getOrDefault("ARCA_JOB_CPU_REQUEST", "1")))
            .addToRequests(
                "memory", new Quantity(env.getOrDefault("ARCA_JOB_MEMORY_REQUEST", "1536Mi")))
            .addToLimits("memory", new Quantity(env.getOrDefault("ARCA_JOB_MEMORY_LIMIT", "2Gi")))
            .build();
    PodSecurityContext root = new PodSecurityContext();
    root.setRunAsUser(0L);
    root.setRunAsGroup(0L);
    return new OperatorConfig(
        namespaces,
        env.getOrDefault("ARCA_ENGINE_IMAGE", "ghcr.io/arca-dev/arca:0.1.0"),
        resources,
        env.getOrDefault("ARCA_JOB_SERVICE_ACCOUNT", ""),
        root,
        Integer.parseInt(env.getOrDefault("ARCA_METRICS_PORT", "8080")),
        env.getOrDefault("ARCA_LEADER_ELECTION_NAMESPACE", ""));
  }
}
