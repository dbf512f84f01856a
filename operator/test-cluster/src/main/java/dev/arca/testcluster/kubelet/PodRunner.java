package dev.arca.testcluster.kubelet;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.SecurityContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one pod's container as a local process in a {@link Sandbox} and reports its status, as a
 * kubelet would: Running, then the exit code and termination message; restarted under restart
 * policy Always (or OnFailure after a failure); stopped when the pod is deleted.
 */
final class PodRunner implements Runnable {
  /** The image's default user (Jib's container user in operator/image/pom.xml). */
  static final long IMAGE_USER = 65532;

  private final KubeletStandIn kubelet;
  private final Pod pod;
  private final Path dir;
  private volatile boolean stopping;
  private volatile Process process;
  private volatile Map<String, String> env = Map.of();
  private volatile Sandbox.Identity who;

  PodRunner(KubeletStandIn kubelet, Pod pod) {
    this.kubelet = kubelet;
    this.pod = pod;
    this.dir = kubelet.root().resolve("pods").resolve(pod.getMetadata().getUid());
  }

  boolean is(String namespace, String name, String container) {
    return pod.getMetadata().getNamespace().equals(namespace)
        && pod.getMetadata().getName().equals(name)
        && pod.getSpec().getContainers().get(0).getName().equals(container);
  }

  Path log() {
    return dir.resolve(pod.getSpec().getContainers().get(0).getName() + ".log");
  }

  @Override
  public void run() {
    try {
      Files.createDirectories(dir.resolve("rootfs"));
      runContainer();
    } catch (Volumes.CannotStart e) {
      kubelet.report(pod, PodStatuses.cannotStart(pod, e.reason, e.getMessage()));
    } catch (IOException | RuntimeException e) {
      kubelet.report(pod, PodStatuses.cannotStart(pod, "RunContainerError", e.toString()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void runContainer() throws Volumes.CannotStart, IOException, InterruptedException {
    if (pod.getSpec().getContainers().size() != 1 || !pod.getSpec().getInitContainers().isEmpty()) {
      throw new Volumes.CannotStart(
          "Unsupported", "the kubelet stand-in runs pods of exactly one container");
    }
    Container c = pod.getSpec().getContainers().get(0);
    if (!kubelet.images().contains(c.getImage())) {
      throw new Volumes.CannotStart(
          "ErrImagePull",
          "image \""
              + c.getImage()
              + "\" is not known here: the kubelet stand-in runs "
              + kubelet.images());
    }
    Map<String, Path> volumes = kubelet.volumes().prepare(pod, dir);
    List<Sandbox.Mount> mounts = new ArrayList<>(Volumes.mounts(c.getVolumeMounts(), volumes));
    mounts.add(new Sandbox.Mount(kubelet.arcaHome(), "/opt/arca", true));
    Map<String, String> env =
        Env.of(pod, c, kubelet.volumes(), kubelet.apiHost(), kubelet.apiPort());
    Sandbox.Identity who = identity(pod.getSpec().getSecurityContext(), c.getSecurityContext());
    this.env = env;
    this.who = who;
    boolean readOnlyRoot =
        c.getSecurityContext() != null
            && Boolean.TRUE.equals(c.getSecurityContext().getReadOnlyRootFilesystem());
    List<String> command = new ArrayList<>();
    command.addAll(c.getCommand().isEmpty() ? List.of("/opt/arca/arca") : c.getCommand());
    command.addAll(
        c.getArgs().isEmpty() && c.getCommand().isEmpty() ? List.of("--help") : c.getArgs());
    String policy = pod.getSpec().getRestartPolicy();
    try (PortForwards forwards =
        new PortForwards(kubelet.socketDir().resolve(shortId()), kubelet.forwardedPorts())) {
      runLoop(c, mounts, env, who, readOnlyRoot, command, policy, forwards);
    }
  }

  /** A short, unique folder name for the pod's sockets (Unix socket paths are limited). */
  private String shortId() {
    return pod.getMetadata().getUid().substring(0, 8);
  }

  private void runLoop(
      Container c,
      List<Sandbox.Mount> mounts,
      Map<String, String> env,
      Sandbox.Identity who,
      boolean readOnlyRoot,
      List<String> command,
      String policy,
      PortForwards forwards)
      throws IOException, InterruptedException {
    for (int restarts = 0; ; restarts++) {
      Path termination = dir.resolve("termination-log-" + restarts);
      Files.writeString(termination, "");
      String script =
          Sandbox.script(
              dir.resolve("rootfs"),
              mounts,
              termination,
              readOnlyRoot,
              who,
              forwards.forwards(),
              command);
      ProcessBuilder pb =
          new ProcessBuilder(
              // if this JVM dies, unshare gets SIGKILL, and so does the container (--kill-child)
              "/usr/bin/setpriv",
              "--pdeathsig=SIGKILL",
              "--",
              "/usr/bin/unshare",
              "--mount",
              "--net",
              "--pid",
              "--uts",
              "--fork",
              "--kill-child=SIGKILL",
              "--propagation",
              "private",
              "--",
              "/bin/sh",
              "-c",
              script);
      pb.environment().clear();
      pb.environment().putAll(env);
      pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()));
      Instant started = Instant.now();
      if (stopping) {
        return;
      }
      process = pb.start();
      kubelet.report(pod, PodStatuses.running(pod, started, restarts));
      int exit = process.waitFor();
      String message = message(termination, c, exit);
      boolean again =
          !stopping && ("Always".equals(policy) || ("OnFailure".equals(policy) && exit != 0));
      PodStatus done = PodStatuses.terminated(pod, started, Instant.now(), exit, message, restarts);
      if (!again) {
        kubelet.report(pod, done);
        return;
      }
      TimeUnit.SECONDS.sleep(Math.min(10, 1L << Math.min(restarts, 3)));
    }
  }

  /** The termination message: the file's content, or the log's end when the policy says so. */
  private String message(Path file, Container c, int exit) throws IOException {
    String m = Files.readString(file, StandardCharsets.UTF_8);
    if (m.isEmpty()
        && exit != 0
        && "FallbackToLogsOnError".equals(c.getTerminationMessagePolicy())
        && Files.exists(log())) {
      byte[] tail = KubeletServer.tail(Files.readAllBytes(log()), 80);
      m = new String(tail, StandardCharsets.UTF_8);
    }
    return m.length() > 4096 ? m.substring(m.length() - 4096) : m;
  }

  /** User, groups and capabilities from the pod's and the container's security contexts. */
  static Sandbox.Identity identity(PodSecurityContext podSc, SecurityContext sc)
      throws Volumes.CannotStart {
    Long uid = sc != null && sc.getRunAsUser() != null ? sc.getRunAsUser() : null;
    if (uid == null && podSc != null) {
      uid = podSc.getRunAsUser();
    }
    Long gid = sc != null && sc.getRunAsGroup() != null ? sc.getRunAsGroup() : null;
    if (gid == null && podSc != null) {
      gid = podSc.getRunAsGroup();
    }
    long user = uid == null ? IMAGE_USER : uid;
    long group = gid == null ? (uid == null ? IMAGE_USER : user) : gid;
    Boolean nonRoot = sc != null && sc.getRunAsNonRoot() != null ? sc.getRunAsNonRoot() : null;
    if (nonRoot == null && podSc != null) {
      nonRoot = podSc.getRunAsNonRoot();
    }
    if (Boolean.TRUE.equals(nonRoot) && user == 0) {
      throw new Volumes.CannotStart(
          "CreateContainerConfigError", "container has runAsNonRoot and image will run as root");
    }
    List<Long> groups = new ArrayList<>();
    if (podSc != null && podSc.getFsGroup() != null) {
      groups.add(podSc.getFsGroup());
    }
    if (podSc != null) {
      groups.addAll(podSc.getSupplementalGroups());
    }
    List<String> caps = null;
    Capabilities c = sc == null ? null : sc.getCapabilities();
    if (c != null && c.getDrop().stream().anyMatch("ALL"::equalsIgnoreCase)) {
      caps = c.getAdd();
    }
    boolean noNewPrivs = sc != null && Boolean.FALSE.equals(sc.getAllowPrivilegeEscalation());
    return new Sandbox.Identity(user, group, groups, caps, noNewPrivs);
  }

  /**
   * Starts {@code command} inside the running container, as {@code kubectl exec} does: in its
   * mount, UTS, network and PID namespaces and its root ({@code nsenter}), with its user and
   * capabilities ({@code setpriv}) and its environment.
   */
  Process exec(List<String> command) throws IOException {
    Process p = process;
    ProcessHandle main = p == null ? null : p.children().findFirst().orElse(null);
    if (main == null || !main.isAlive()) {
      throw new IOException("container " + pod.getMetadata().getName() + " is not running");
    }
    awaitRoot(main);
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "/usr/bin/nsenter",
                "--target",
                Long.toString(main.pid()),
                "--mount",
                "--uts",
                "--net",
                "--pid",
                "--root",
                "--wd"));
    cmd.addAll(Sandbox.setpriv(who));
    cmd.add("/usr/bin/env");
    cmd.add("-i");
    env.forEach((k, v) -> cmd.add(k + "=" + v));
    cmd.addAll(command);
    return new ProcessBuilder(cmd).start();
  }

  /**
   * Waits until the container's process has entered its root. It is reported Running as soon as it
   * starts, while the sandbox script may still be mounting; an exec before the chroot would see the
   * host's files instead of the container's.
   */
  private void awaitRoot(ProcessHandle main) throws IOException {
    Path root = Path.of("/proc", Long.toString(main.pid()), "root");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (Files.readSymbolicLink(root).toString().equals("/")) {
      if (System.nanoTime() > deadline || !main.isAlive()) {
        throw new IOException("container " + pod.getMetadata().getName() + " did not start");
      }
      try {
        TimeUnit.MILLISECONDS.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for the container", e);
      }
    }
  }

  /** Stops the container (SIGTERM, then SIGKILL after the grace period). */
  void stop(long graceSeconds) throws InterruptedException {
    stopping = true;
    Process p = process;
    if (p != null && p.isAlive()) {
      // SIGTERM to the container's process (PID 1 of its namespace), not to unshare, which would
      // return at once: this way the wait below is the container's graceful shutdown
      List<ProcessHandle> children = p.children().toList();
      if (children.isEmpty()) {
        p.destroy();
      } else {
        children.forEach(ProcessHandle::destroy);
      }
      if (!p.waitFor(Math.max(1, graceSeconds), TimeUnit.SECONDS)) {
        // SIGKILL to the namespace's PID 1 ends every process in it (socat included)
        children.forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }
}
