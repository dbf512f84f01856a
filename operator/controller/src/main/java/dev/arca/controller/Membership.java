package dev.arca.controller;

import java.time.Duration;

/**
 * How one operator process takes part in its cluster: its identity in leader election, the
 * election's timings, whether losing the lease ends the process, and whether the primary resources
 * are patched by server-side apply. {@link #inPod} is what {@code arca operator} uses; an embedding
 * (a test harness, another process manager) passes its own.
 *
 * @param identity the leader election identity (null: the elector picks one)
 * @param leaseDuration how long a lease lasts without renewal
 * @param renewDeadline how long the leader tries to renew before it gives up
 * @param retryPeriod how often followers try to acquire
 * @param exitOnLostLease whether a replica that loses the lease exits (to restart as a follower)
 * @param serverSideApply whether JOSDK patches primary resources by server-side apply
 */
public record Membership(
    String identity,
    Duration leaseDuration,
    Duration renewDeadline,
    Duration retryPeriod,
    boolean exitOnLostLease,
    boolean serverSideApply) {

  /**
   * A replica in a pod: the pod's name (HOSTNAME) as identity, a 15 s lease renewed within 10 s,
   * exit on a lost lease, server-side apply.
   */
  public static Membership inPod() {
    return new Membership(
        System.getenv("HOSTNAME"),
        Duration.ofSeconds(15),
        Duration.ofSeconds(10),
        Duration.ofSeconds(2),
        true,
        true);
  }
}
