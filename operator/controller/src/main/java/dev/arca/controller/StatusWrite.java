package dev.arca.controller;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Writes a resource's status so that the next reconcile sees it. JOSDK's own status patch relies on
 * the informer to bring the written status back; a reconcile that runs before that (a Job event, a
 * timer) works on the old status and acts again: a second start Event, a finished Job recorded
 * twice. This writes with optimistic locking and keeps the answer in JOSDK's cache overlay ({@link
 * PrimaryUpdateAndCacheUtils}), by server-side apply as JOSDK does, or where the API server has no
 * server-side apply (the mock API server of the tests) by a JSON patch that sets the whole status.
 * Both replace what is there, like a forced apply: a JSON patch computed as a diff against the
 * status this reconcile read fails to apply when that status changed since (a reconcile working
 * from a stale cache; the mock API server then never answers).
 */
public final class StatusWrite {
  private StatusWrite() {}

  /**
   * A copy of {@code status} to change in a reconcile: the primary stays as it was read, the
   * version JOSDK's cache compares the written one with.
   */
  public static <S> S copy(Context<?> ctx, S status, Supplier<S> empty) {
    return status == null
        ? empty.get()
        : ctx.getClient().getKubernetesSerialization().clone(status);
  }

  /**
   * Writes {@code status} as {@code primary}'s status and caches the result; a status equal to the
   * one read is not written: a reconcile that changed nothing makes no API call (a thousand idle
   * policies woken by their timers send no patches).
   */
  public static <S, P extends CustomResource<?, S>> void write(
      P primary, S status, Context<P> ctx, Supplier<P> blank) {
    var json = ctx.getClient().getKubernetesSerialization();
    if (primary.getStatus() != null
        && json.asJson(primary.getStatus()).equals(json.asJson(status))) {
      return;
    }
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
      String replace =
          ctx.getClient()
              .getKubernetesSerialization()
              .asJson(List.of(Map.of("op", "add", "path", "/status", "value", status)));
      PrimaryUpdateAndCacheUtils.updateAndCacheResource(
          primary,
          ctx,
          UnaryOperator.identity(),
          r ->
              ctx.getClient()
                  .resource(r)
                  .subresource("status")
                  .patch(PatchContext.of(PatchType.JSON), replace));
    }
  }
}
