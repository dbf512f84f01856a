package dev.arca.controller;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Comparator;

/**
 * The newest Warning Event about an object: what the kubelet, the scheduler or the volume
 * controllers said last (a volume that does not mount, a claim whose provisioning fails). Best
 * effort: null when there is none or the Events cannot be read.
 */
public final class WarningEvents {
  private WarningEvents() {}

  /** The newest Warning Event about the {@code kind} {@code name} in {@code namespace}, or null. */
  public static Event newest(KubernetesClient client, String namespace, String kind, String name) {
    try {
      return client
          .v1()
          .events()
          .inNamespace(namespace)
          .withField("involvedObject.name", name)
          .list()
          .getItems()
          .stream()
          .filter(e -> "Warning".equals(e.getType()))
          .filter(e -> e.getInvolvedObject() != null)
          .filter(e -> name.equals(e.getInvolvedObject().getName()))
          .filter(e -> kind.equals(e.getInvolvedObject().getKind()))
          .max(Comparator.comparing(WarningEvents::time))
          .orElse(null);
    } catch (KubernetesClientException e) {
      return null;
    }
  }

  /** {@code e} as "Reason: message". */
  public static String text(Event e) {
    return e.getReason() + ": " + e.getMessage();
  }

  private static String time(Event e) {
    String t = e.getLastTimestamp() != null ? e.getLastTimestamp() : e.getFirstTimestamp();
    if (t == null && e.getEventTime() != null) {
      t = e.getEventTime().getTime();
    }
    return String.valueOf(t);
  }
}
