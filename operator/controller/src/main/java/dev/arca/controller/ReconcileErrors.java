package dev.arca.controller;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The error-status handler both reconcilers share: a reconcile that throws (an API call refused
 * midway, a bug) is logged with the resource's namespace and name, and shown on the resource as the
 * condition {@link Conditions#RECONCILED} False with the error, while JOSDK retries with back-off.
 * The next reconcile that gets through removes the condition ({@link #clear}).
 */
public final class ReconcileErrors {
  private static final Logger LOG = LoggerFactory.getLogger(ReconcileErrors.class);

  private ReconcileErrors() {}

  /**
   * Records {@code e} on {@code primary}'s status (a copy of it; {@code conditions} gives the
   * status's list) and asks JOSDK to retry.
   */
  public static <S, P extends CustomResource<?, S>> ErrorStatusUpdateControl<P> record(
      P primary,
      Context<P> ctx,
      Exception e,
      Supplier<S> emptyStatus,
      Function<S, List<Condition>> conditions,
      Supplier<P> blank,
      Instant now) {
    String what =
        primary.getKind()
            + " "
            + primary.getMetadata().getNamespace()
            + "/"
            + primary.getMetadata().getName();
    LOG.warn("{}: reconcile failed, retrying: {}", what, describe(e), e);
    try {
      S st = StatusWrite.copy(ctx, primary.getStatus(), emptyStatus);
      Long gen = primary.getMetadata().getGeneration();
      Conditions.set(
          conditions.apply(st),
          Conditions.RECONCILED,
          false,
          Reasons.RECONCILE_ERROR,
          "the operator could not reconcile this resource and retries: " + describe(e),
          gen == null ? 0 : gen,
          now);
      StatusWrite.write(primary, st, ctx, blank);
    } catch (KubernetesClientException | IllegalStateException unwritable) {
      LOG.warn("{}: the error could not be written to its status: {}", what, describe(unwritable));
    }
    return ErrorStatusUpdateControl.noStatusUpdate();
  }

  /** Removes the condition an earlier failed reconcile left; called by every reconcile. */
  public static void clear(List<Condition> conditions) {
    Conditions.remove(conditions, Conditions.RECONCILED);
  }

  private static String describe(Throwable e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }
}
