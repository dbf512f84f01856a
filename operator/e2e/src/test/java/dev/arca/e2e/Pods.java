package dev.arca.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Pods of the arca image that do what a user would do with a shell in the cluster: put data into a
 * PVC, hash what a restore wrote, run {@code arca init}. They work the same on the kubelet stand-in
 * and on a real cluster, which is what lets one scenario run on both.
 */
final class Pods {
  private Pods() {}

  /** {@code value} of a key of a Secret, as a container's env var. */
  static EnvVar secretEnv(String name, String secret, String key) {
    return new EnvVarBuilder()
        .withName(name)
        .withNewValueFrom()
        .withNewSecretKeyRef(key, secret, false)
        .endValueFrom()
        .build();
  }

  static EnvVar env(String name, String value) {
    return new EnvVar(name, value, null);
  }

  /**
   * Runs a pod of the arca image as root with {@code command}, the claim (if not null) mounted at
   * /data, and waits for it to end; fails with its log unless it succeeded; returns its log.
   */
  static String run(String ns, String name, List<String> command, List<EnvVar> env, String claim) {
    return run(ns, name, command, env, claim, ROOT, null);
  }

  /** Root, with all of root's default capabilities. */
  private static final PodSecurityContext ROOT =
      new PodSecurityContextBuilder().withRunAsUser(0L).withRunAsGroup(0L).build();

  /** {@link #run} with these pod and container security contexts (as a Job of Arca's has). */
  static String run(
      String ns,
      String name,
      List<String> command,
      List<EnvVar> env,
      String claim,
      PodSecurityContext podSecurity,
      SecurityContext security) {
    var pods = Cluster.get().client().pods().inNamespace(ns);
    pods.resource(pod(ns, name, command, env, claim, podSecurity, security)).create();
    Pod done;
    try {
      done =
          pods.withName(name)
              .waitUntilCondition(
                  p ->
                      p != null
                          && p.getStatus() != null
                          && List.of("Succeeded", "Failed").contains(p.getStatus().getPhase()),
                  5,
                  TimeUnit.MINUTES);
    } catch (RuntimeException e) {
      throw new AssertionError(
          "pod "
              + ns
              + "/"
              + name
              + " did not end: "
              + e.getMessage()
              + "\n"
              + Diagnostics.dump(ns),
          e);
    }
    String log = pods.withName(name).getLog();
    assertThat(done.getStatus().getPhase())
        .as("pod %s, log:\n%s", name, log)
        .isEqualTo("Succeeded");
    pods.withName(name).delete();
    return log;
  }

  /**
   * A pod of the arca image that runs as root with {@code command}, the claim (if not null) mounted
   * at /data.
   */
  static Pod pod(String ns, String name, List<String> command, List<EnvVar> env, String claim) {
    return pod(ns, name, command, env, claim, ROOT, null);
  }

  /** {@link #pod} with these pod and container security contexts. */
  static Pod pod(
      String ns,
      String name,
      List<String> command,
      List<EnvVar> env,
      String claim,
      PodSecurityContext podSecurity,
      SecurityContext security) {
    PodBuilder b =
        new PodBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(ns)
            .endMetadata()
            .withNewSpec()
            .withRestartPolicy("Never")
            .withSecurityContext(podSecurity)
            .addNewContainer()
            .withName("main")
            .withImage(Cluster.image())
            .withImagePullPolicy("IfNotPresent")
            .withCommand(command)
            .withEnv(env)
            .withSecurityContext(security)
            .endContainer()
            .endSpec();
    if (claim != null) {
      b.editSpec()
          .editFirstContainer()
          .addNewVolumeMount()
          .withName("data")
          .withMountPath("/data")
          .endVolumeMount()
          .endContainer()
          .addNewVolume()
          .withName("data")
          .withNewPersistentVolumeClaim(claim, false)
          .endVolume()
          .endSpec();
    }
    return b.build();
  }

  /** {@code sh -c script} in a pod; its log. */
  static String shell(String ns, String name, String script, String claim) {
    return run(ns, name, List.of("sh", "-c", "set -eu\n" + script), List.of(), claim);
  }

  /** SHA-256 of every regular file of the claim, by path relative to its root, from a pod. */
  static Map<String, String> hashes(String ns, String name, String claim) {
    String log =
        shell(
            ns,
            name,
            "cd /data && find . -type f -print0 | sort -z | xargs -0 -r sha256sum",
            claim);
    Map<String, String> out = new TreeMap<>();
    for (String line : log.split("\n")) {
      if (line.length() > 66 && line.startsWith("  ./", 64)) {
        out.put(line.substring(68), line.substring(0, 64));
      }
    }
    return out;
  }
}
