package dev.arca.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.arca.it.S3Servers;
import io.fabric8.kubernetes.api.model.Event;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One operational fault of a real node ({@link RealNodeFaultsTest}, {@link RealNodeImagePullTest}):
 * its BackupPolicy, the reason its run must end with, what the message must say, and how long it
 * may take from {@link #from}; filled in as the fault is observed.
 */
final class Fault {
  /** The operator's reconcile period while a Job is active (BackupPolicyReconciler). */
  static final Duration RECONCILE = Duration.ofSeconds(15);

  /** The repository password Secret every fault's policy uses. */
  static final String PASSWORD_SECRET = "arca-repository-password";

  final String policy;
  final String reason;
  final Duration bound;
  final List<String> says;
  Instant from;
  Duration took;
  Map<?, ?> failure;

  Fault(String policy, String reason, Duration bound, String... says) {
    this.policy = policy;
    this.reason = reason;
    this.bound = bound;
    this.says = List.of(says);
  }

  /**
   * The namespace {@code ns} of a fault test with the repository password Secret; skips the test
   * off the real node.
   */
  static Steps namespace(String ns) {
    assumeTrue(
        Cluster.realNode(),
        "the faults of a real node run in the e2e pom's real-node execution (-Darca.e2e.realnode)");
    Steps steps = new Steps(ns);
    steps.secrets(PASSWORD_SECRET, Steps.PASSWORD);
    return steps;
  }

  /** Starts the clock: a policy that runs now, of {@code pvc}, into a repository of its own. */
  void apply(Steps steps, String pvc, String job, URI s3) {
    String bucket = S3Servers.newBucket(S3Servers.minio(), false);
    steps.policy(policy, pvc, bucket, PASSWORD_SECRET, job, "initialize: IfMissing", s3);
    from = Instant.now();
  }

  /**
   * A policy's spec.job: the memory {@code request} and {@code limit}, a small CPU request (the
   * node has 2 CPUs: with the Jobs' default request of 1 CPU a third pod would wait for CPU instead
   * of showing its own fault), and the fields {@code more}.
   */
  static String job(String request, String limit, String more) {
    return """
        job:
          resources:
            requests: {cpu: 100m, memory: %s}
            limits: {memory: %s}
          %s
        """
        .formatted(request, limit, more);
  }

  /** Records the run's failure once the policy's status shows one; true once it has. */
  boolean observe(Steps steps) {
    if (failure == null && from != null) {
      Map<?, ?> st = steps.status(Steps.POLICIES, policy);
      if (st != null && st.get("lastFailure") != null) {
        failure = (Map<?, ?>) st.get("lastFailure");
        took = Duration.between(from, Instant.now());
        System.out.println("fault " + this + ": " + failure);
      }
    }
    return failure != null;
  }

  /** The fault's reason, message, condition, Event and time bound. */
  void check(Steps steps) {
    assertThat(failure.get("reason")).as("%s: %s", policy, failure).isEqualTo(reason);
    String message = failure.get("message").toString();
    assertThat(message).as(policy).contains(says);
    Map<?, ?> condition = steps.condition(Steps.POLICIES, policy, "LastBackupSucceeded");
    assertThat(condition.get("status")).as(policy).isEqualTo("False");
    assertThat(condition.get("reason")).as(policy).isEqualTo(reason);
    List<Event> events = steps.events(policy, reason);
    assertThat(events).as("%s: a %s Event", policy, reason).hasSize(1);
    assertThat(events.get(0).getType()).isEqualTo("Warning");
    assertThat(events.get(0).getMessage()).contains(message);
    assertThat(took).as("%s: time to its %s", policy, reason).isLessThan(bound);
  }

  @Override
  public String toString() {
    return policy + " " + (took == null ? "-" : took.toMillis() + " ms") + " (bound " + bound + ")";
  }
}
