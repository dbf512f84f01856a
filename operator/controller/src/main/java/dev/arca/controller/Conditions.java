package dev.arca.controller;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** Sets Kubernetes-style conditions; the transition time changes only when the status does. */
public final class Conditions {
  /** BackupPolicy and RestoreRequest: the spec can be acted on (its reason says why not). */
  public static final String READY = "Ready";

  /** BackupPolicy: a Job of the policy runs ({@code JobStarting} while its pod waits). */
  public static final String RUNNING = "Running";

  /** BackupPolicy: whether the latest backup run succeeded. */
  public static final String LAST_BACKUP_SUCCEEDED = "LastBackupSucceeded";

  /** BackupPolicy: whether spec.suspend holds runs back. */
  public static final String SUSPENDED = "Suspended";

  /** RestoreRequest: the restore ended (its reason says how). */
  public static final String COMPLETE = "Complete";

  /**
   * BackupPolicy and RestoreRequest: present (False, reason {@link Reasons#RECONCILE_ERROR}) only
   * while reconciling fails unexpectedly; the operator retries with back-off and removes it once a
   * reconcile succeeds.
   */
  public static final String RECONCILED = "Reconciled";

  private Conditions() {}

  public static void set(
      List<Condition> conditions,
      String type,
      boolean status,
      String reason,
      String message,
      long generation,
      Instant now) {
    String s = status ? "True" : "False";
    Condition old =
        conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
    String since =
        old != null && s.equals(old.getStatus()) ? old.getLastTransitionTime() : now.toString();
    Condition c =
        new ConditionBuilder()
            .withType(type)
            .withStatus(s)
            .withReason(reason)
            .withMessage(message)
            .withObservedGeneration(generation)
            .withLastTransitionTime(since)
            .build();
    conditions.removeIf(x -> type.equals(x.getType()));
    conditions.add(c);
  }

  /** Removes the condition of {@code type}, if any. */
  public static void remove(List<Condition> conditions, String type) {
    conditions.removeIf(x -> type.equals(x.getType()));
  }

  public static boolean isTrue(List<Condition> conditions, String type) {
    return conditions.stream()
        .anyMatch(c -> type.equals(c.getType()) && Objects.equals("True", c.getStatus()));
  }
}
