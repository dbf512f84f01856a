package dev.arca.controller;

import dev.arca.controller.backup.BackupPolicyReconciler;
import dev.arca.controller.metrics.ArcaMetrics;
import dev.arca.controller.metrics.HttpEndpoints;
import dev.arca.controller.restore.RestoreRequestReconciler;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Clock;

/**
 * The running operator: both reconcilers in one JOSDK Operator (watching the configured namespaces,
 * with leader election when configured) and the metrics and health endpoints.
 */
public final class OperatorMain implements AutoCloseable {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(OperatorMain.class);

  /** Name of the leader election Lease. */
  public static final String LEASE = "arca-operator";

  private final Operator operator;
  private final HttpEndpoints http;
  private volatile boolean started;
  private volatile boolean closing;
  private final KubernetesClient client;
  private final String leaseNamespace;
  private final String identity;
  private final java.util.List<io.fabric8.kubernetes.client.informers.SharedIndexInformer<?>>
      deletions = new java.util.ArrayList<>();

  private OperatorMain(KubernetesClient client, OperatorConfig cfg, Membership member)
      throws IOException {
    this.client = client;
    this.leaseNamespace = cfg.leaderElectionNamespace();
    this.identity = member.identity();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ArcaMetrics metrics = new ArcaMetrics(registry);
    operator =
        new Operator(
            o -> {
              o.withKubernetesClient(client);
              o.withUseSSAToPatchPrimaryResource(member.serverSideApply());
              if (!cfg.leaderElectionNamespace().isBlank()) {
                o.withLeaderElectionConfiguration(leaderElection(cfg, member));
              }
            });
    Clock clock = Clock.systemUTC();
    var namespaces = cfg.watchNamespaces();
    operator.register(
        new BackupPolicyReconciler(cfg, clock, metrics),
        c -> {
          if (!namespaces.isEmpty()) {
            c.settingNamespaces(namespaces);
          }
        });
    operator.register(
        new RestoreRequestReconciler(cfg, clock, metrics),
        c -> {
          if (!namespaces.isEmpty()) {
            c.settingNamespaces(namespaces);
          }
        });
    operator.register(
        new dev.arca.controller.catalog.SnapshotCatalogReconciler(cfg, clock),
        c -> {
          if (!namespaces.isEmpty()) {
            c.settingNamespaces(namespaces);
          }
        });
    operator.register(
        new dev.arca.controller.erasure.ErasureRequestReconciler(cfg, clock),
        c -> {
          if (!namespaces.isEmpty()) {
            c.settingNamespaces(namespaces);
          }
        });
    forgetDeletedPolicies(client, namespaces, metrics);
    http = new HttpEndpoints(cfg.metricsPort(), registry, () -> started);
  }

  /**
   * Drops the gauges of a BackupPolicy when it is deleted. The reconciler sees no deletes (it uses
   * no finalizer, and Kubernetes' garbage collector removes what it owns), and a deleted policy's
   * last-success gauge would otherwise age until its overdue alert fires.
   */
  private void forgetDeletedPolicies(
      KubernetesClient client, java.util.Set<String> namespaces, ArcaMetrics metrics) {
    var policies = client.resources(dev.arca.api.v1alpha1.BackupPolicy.class);
    var handler =
        new io.fabric8.kubernetes.client.informers.ResourceEventHandler<
            dev.arca.api.v1alpha1.BackupPolicy>() {
          @Override
          public void onAdd(dev.arca.api.v1alpha1.BackupPolicy p) {}

          @Override
          public void onUpdate(
              dev.arca.api.v1alpha1.BackupPolicy before, dev.arca.api.v1alpha1.BackupPolicy p) {}

          @Override
          public void onDelete(dev.arca.api.v1alpha1.BackupPolicy p, boolean unknownFinalState) {
            metrics.forgetPolicy(
                p.getMetadata().getNamespace(),
                p.getMetadata().getName(),
                p.getMetadata().getUid());
          }
        };
    if (namespaces.isEmpty()) {
      deletions.add(policies.inAnyNamespace().inform(handler));
    } else {
      namespaces.forEach(ns -> deletions.add(policies.inNamespace(ns).inform(handler)));
    }
  }

  /**
   * The Lease {@value #LEASE} in the configured namespace, with the member's identity and timings.
   * A member that exits on a lost lease does so itself, and only when not shutting down: JOSDK's
   * own exit calls System.exit from the elector's thread, which deadlocks when the loss is the
   * SIGTERM shutdown's own doing (the shutdown hook waits for that thread, which waits for the
   * shutdown).
   */
  private LeaderElectionConfiguration leaderElection(OperatorConfig cfg, Membership member) {
    return new LeaderElectionConfiguration(
        LEASE,
        cfg.leaderElectionNamespace(),
        member.leaseDuration(),
        member.renewDeadline(),
        member.retryPeriod(),
        member.identity(),
        member.exitOnLostLease()
            ? new LeaderCallbacks(() -> {}, this::lostLease, leader -> {})
            : null,
        false);
  }

  /**
   * Starts the operator with {@code client} (a kubeconfig's or the in-cluster one) as a replica in
   * a pod ({@link Membership#inPod}).
   */
  public static OperatorMain start(KubernetesClient client, OperatorConfig cfg) throws IOException {
    return start(client, cfg, Membership.inPod());
  }

  /** Starts the operator with {@code client} as {@code member}. */
  public static OperatorMain start(KubernetesClient client, OperatorConfig cfg, Membership member)
      throws IOException {
    OperatorMain m = new OperatorMain(client, cfg, member);
    m.operator.start();
    m.started = true;
    return m;
  }

  public int httpPort() {
    return http.port();
  }

  /** The lease is gone while running: exit (asynchronously, see above) to restart as a follower. */
  private void lostLease() {
    if (!closing) {
      LOG.error("lost the leader lease; exiting to restart as a follower");
      Thread exit = new Thread(() -> System.exit(1), "exit-on-lost-lease");
      exit.setDaemon(true);
      exit.start();
    }
  }

  /**
   * Gives the lease up after a clean stop, so that a follower takes over at once rather than after
   * the lease expires (JOSDK's elector does not release it).
   */
  private void releaseLease() {
    if (leaseNamespace.isBlank() || identity == null || identity.isBlank()) {
      return;
    }
    // the operator's client is closed by now: a short-lived one with the same configuration
    try (KubernetesClient c =
        new KubernetesClientBuilder().withConfig(client.getConfiguration()).build()) {
      var leases = c.leases().inNamespace(leaseNamespace);
      Lease l = leases.withName(LEASE).get();
      if (l != null && identity.equals(l.getSpec().getHolderIdentity())) {
        l.getSpec().setHolderIdentity(null);
        l.getSpec().setLeaseDurationSeconds(1);
        leases.resource(l).update(); // with its resourceVersion: never overwrites a new holder
      }
    } catch (KubernetesClientException e) {
      // the lease then expires on its own
    }
  }

  @Override
  public void close() {
    closing = true;
    started = false;
    deletions.forEach(io.fabric8.kubernetes.client.informers.SharedIndexInformer::close);
    operator.stop();
    releaseLease();
    http.close();
  }
}
