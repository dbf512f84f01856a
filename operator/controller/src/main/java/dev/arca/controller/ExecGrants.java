package dev.arca.controller;

import dev.arca.controller.jobs.ExecAccess;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;

/**
 * Creates (or brings back to what it should be) the ServiceAccount and RoleBinding that let a Job
 * exec into pods of its namespace, just before that Job starts; they are owned by the resource, so
 * Kubernetes removes them with it.
 */
public final class ExecGrants {
  private ExecGrants() {}

  public static void ensure(KubernetesClient client, HasMetadata owner, String kind, String role) {
    client.resource(ExecAccess.serviceAccount(owner, kind)).createOr(NonDeletingOperation::update);
    client
        .resource(ExecAccess.roleBinding(owner, kind, role))
        .createOr(NonDeletingOperation::update);
  }
}
