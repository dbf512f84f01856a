package dev.arca.controller;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records Kubernetes Events on Arca's resources (kubectl describe shows them), and logs each one
 * with the resource's kind, namespace and name: every action the operator takes and every outcome
 * it records is an Event, so its log tells the same story.
 */
public final class Events {
  private static final Logger LOG = LoggerFactory.getLogger(Events.class);

  private final KubernetesClient client;

  public Events(KubernetesClient client) {
    this.client = client;
  }

  public void normal(HasMetadata about, String reason, String message, Instant now) {
    emit(about, "Normal", reason, message, now);
  }

  public void warning(HasMetadata about, String reason, String message, Instant now) {
    emit(about, "Warning", reason, message, now);
  }

  private void emit(HasMetadata about, String type, String reason, String message, Instant now) {
    String ns = about.getMetadata().getNamespace();
    if (type.equals("Warning")) {
      LOG.warn(
          "{} {}/{}: {}: {}", about.getKind(), ns, about.getMetadata().getName(), reason, message);
    } else {
      LOG.info(
          "{} {}/{}: {}: {}", about.getKind(), ns, about.getMetadata().getName(), reason, message);
    }
    try {
      client
          .v1()
          .events()
          .inNamespace(ns)
          .resource(
              new EventBuilder()
                  .withNewMetadata()
                  .withName(
                      about.getMetadata().getName()
                          + "."
                          + UUID.randomUUID().toString().substring(0, 8))
                  .withNamespace(ns)
                  .endMetadata()
                  .withInvolvedObject(
                      new ObjectReferenceBuilder()
                          .withApiVersion(about.getApiVersion())
                          .withKind(about.getKind())
                          .withName(about.getMetadata().getName())
                          .withNamespace(ns)
                          .withUid(about.getMetadata().getUid())
                          .build())
                  .withType(type)
                  .withReason(reason)
                  .withMessage(message)
                  .withFirstTimestamp(now.toString())
                  .withLastTimestamp(now.toString())
                  .withCount(1)
                  .withNewSource("arca-operator", null)
                  .build())
          .create();
    } catch (KubernetesClientException e) {
      // An event that cannot be recorded must not stop the reconciliation.
    }
  }
}
