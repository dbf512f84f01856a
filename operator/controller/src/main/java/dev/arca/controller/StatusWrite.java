package dev.arca.controller;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.CustomResource;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import java.util.function.Supplier;

/**
 * Writes a resource's status so that the next reconcile sees it. JOSDK's own status patch relies on
 * the informer to bring the written status back; a reconcile that runs before that (a Job event, a
 * timer) works on the old status and acts again: a second start Event, a finished Job recorded
 * twice. This writes with optimistic locking and keeps the answer in JOSDK's cache overlay ({@link
 * PrimaryUpdateAndCacheUtils}), by server-side apply as JOSDK does, or by JSON patch where the API
 * server has no server-side apply (the mock API server of the tests).
 */
public final class StatusWrite {
  private StatusWrite() {}

  /**
   * A copy of {@code status} to change in a reconcile: the primary's own status must stay as it was
   * read, as the base of the JSON patch.
   */
  public static <S> S copy(Context<?> ctx, S status, Supplier<S> empty) {
    return status == null
        ? empty.get()
        : ctx.getClient().getKubernetesSerialization().clone(status);
  }

  /** Writes {@code status} as {@code primary}'s status and caches the result. */
  public static <S, P extends CustomResource<?, S>> void write(
      P primary, S status, Context<P> ctx, Supplier<P> blank) {
    boolean ssa =
        ctx.getControllerConfiguration().getConfigurationService().useSSAToPatchPrimaryResource();
    if (ssa) {
      P fresh = blank.get();
      fresh.setMetadata(
          new ObjectMetaBuilder()
              .withName(primary.getMetadata().getName())
              .withNamespace(primary.getMetadata().getNamespace())
              .build());
      fresh.setStatus(status);
      PrimaryUpdateAndCacheUtils.ssaPatchStatusAndCacheResource(primary, fresh, ctx);
    } else {
      PrimaryUpdateAndCacheUtils.patchStatusAndCacheResource(
          primary,
          ctx,
          r -> {
            r.setStatus(status);
            return r;
          });
    }
  }
}
