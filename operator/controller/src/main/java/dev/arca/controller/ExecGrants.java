package dev.arca.controller;

import dev.arca.controller.jobs.ExecAccess;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import java.util.List;

/**
 * Grants a Job that runs a command in other pods (a dump source, a restore pipe) exec on exactly
 * those pods, for as long as it runs: its resource's ServiceAccount (no rights of its own), and a
 * Role with the pods' names plus its RoleBinding, named after the Job. They are created just before
 * the Job and deleted when it ends ({@link #revoke}); they are owned by the resource, so Kubernetes
 * removes whatever is left with it.
 */
public final class ExecGrants {
  private ExecGrants() {}

  /** Lets the Job {@code job} of {@code owner} exec into {@code pods} of its namespace. */
  public static void ensure(
      KubernetesClient client, HasMetadata owner, String kind, String job, List<String> pods) {
    client.resource(ExecAccess.serviceAccount(owner, kind)).createOr(NonDeletingOperation::update);
    if (pods.isEmpty()) {
      return; // a Role with no pod names would cover every pod: the Job gets no exec at all
    }
    client.resource(ExecAccess.role(owner, job, pods)).createOr(NonDeletingOperation::update);
    client
        .resource(ExecAccess.roleBinding(owner, kind, job))
        .createOr(NonDeletingOperation::update);
  }

  /** Takes the exec right of the Job {@code job} in {@code namespace} back (it has ended). */
  public static void revoke(KubernetesClient client, String namespace, String job) {
    String name = ExecAccess.grantName(job);
    client.rbac().roleBindings().inNamespace(namespace).withName(name).delete();
    client.rbac().roles().inNamespace(namespace).withName(name).delete();
  }
}
