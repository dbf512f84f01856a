package dev.arca.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arca.controller.JobPod;
import dev.arca.samples.LlmTrees;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * A Job whose image cannot be pulled ends in a clear condition and Event within a bounded time
 * (issue 21, deliverable 4; the other faults are in {@link RealNodeFaultsTest}). The Jobs' image is
 * set for the whole installation (the chart's {@code jobs.image}), so the test upgrades the release
 * to a tag that does not exist and sets it back at the end, alone: every other test's Jobs would
 * meet the same image meanwhile. The node has no route out, so the pull fails at once, as an
 * unknown image does anywhere.
 */
@Isolated("it upgrades the release to a Jobs' image that does not exist, and back")
class RealNodeImagePullTest {
  private static final String NS = "image-pull";

  private final Fault imagePull =
      new Fault(
          "no-image",
          "PodCannotStart",
          JobPod.ERROR_GRACE.plus(Fault.RECONCILE).plusSeconds(20), // + Job, pod, first pull
          "cannot start: ",
          "arca:no-such-tag",
          "the chart's jobs.image.repository and jobs.image.tag");

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void aJobsImageThatCannotBePulledEndsTheRunWithItsReasonWithinItsBound() throws Exception {
    Steps steps = Fault.namespace(NS);
    LlmTrees.small(steps.pvc("src"), 1);
    jobsImageTag("no-such-tag");
    try {
      imagePull.apply(steps, "src", Fault.job("256Mi", "1Gi", ""), steps.s3);
      steps.await("the image fault", () -> imagePull.observe(steps), done -> done);
    } finally {
      jobsImageTag("");
      System.out.println("fault measured: " + imagePull);
    }
    imagePull.check(steps);
    assertThat(imagePull.failure.get("message").toString())
        .containsPattern("cannot start: (ErrImagePull|ImagePullBackOff): ");
  }

  /**
   * The release upgraded with the Jobs' image tag {@code tag} ("" for the chart's: the operator's
   * tag), its other values kept; returns once the operator runs with it.
   */
  private static void jobsImageTag(String tag) {
    Charts.upgradeOperator("jobs: {image: {tag: \"" + tag + "\"}}\n");
    String image = tag.isEmpty() ? RealNodeCluster.IMAGE : "arca:" + tag;
    assertThat(
            Cluster.get()
                .client()
                .apps()
                .deployments()
                .inNamespace(Cluster.OPERATOR_NAMESPACE)
                .withName("arca")
                .get()
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getEnv())
        .as("the operator's ARCA_ENGINE_IMAGE")
        .anyMatch(e -> "ARCA_ENGINE_IMAGE".equals(e.getName()) && image.equals(e.getValue()));
  }
}
