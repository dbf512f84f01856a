package dev.arca.testcluster.node;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The node's own network and mount namespaces, held open by one {@code sleep} that {@code unshare}
 * starts in them; the node's daemons join both with {@code nsenter}. Everything the node does to
 * the network (its bridge, pod veths, kube-proxy's nftables rules, sysctls) and every mount it
 * makes (overlay root file systems, kubelet's volume mounts, pod network namespace files) lives in
 * them, so it all disappears when the last process inside exits: {@link #close()} kills whatever is
 * left and then the holder.
 */
final class NodeNamespaces implements AutoCloseable {
  private final Process holder;
  private final String netns;

  private NodeNamespaces(Process holder, String netns) {
    this.holder = holder;
    this.netns = netns;
  }

  /** New namespaces; the mount namespace is a slave of the host's (host mounts show inside). */
  static NodeNamespaces create() {
    Process p;
    try {
      p =
          new ProcessBuilder(
                  NodeTools.program("unshare"),
                  "--net",
                  "--mount",
                  "--propagation",
                  "slave",
                  "--",
                  NodeTools.program("sleep"),
                  "infinity")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot run unshare: " + e.getMessage(), e);
    }
    String own = link(Path.of("/proc/self/ns/net"));
    Instant end = Instant.now().plusSeconds(10);
    while (true) {
      String ns = link(Path.of("/proc/" + p.pid() + "/ns/net"));
      if (ns != null && !ns.equals(own)) {
        return new NodeNamespaces(p, ns);
      }
      if (!p.isAlive() || Instant.now().isAfter(end)) {
        p.destroyForcibly();
        throw new IllegalStateException("unshare --net --mount did not make new namespaces");
      }
      sleep(20);
    }
  }

  /** The holder's pid ({@code nsenter -t PID}). */
  long pid() {
    return holder.pid();
  }

  /** {@code command} run inside both namespaces. */
  List<String> enter(List<String> command) {
    List<String> c = new ArrayList<>();
    c.add(NodeTools.program("nsenter"));
    c.add("--target=" + holder.pid());
    c.add("--net");
    c.add("--mount");
    c.add("--");
    c.addAll(command);
    return c;
  }

  /** Runs {@code sh -c script} inside; fails with its output when it fails or takes over 30 s. */
  String sh(String script) {
    return run(enter(List.of(NodeTools.program("sh"), "-c", script)));
  }

  static String run(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("timed out: " + command);
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(
            String.join(" ", command) + " failed (exit " + p.exitValue() + "): " + out.strip());
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + command + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + command, e);
    }
  }

  /** The processes in the node's network namespace, the holder excluded. */
  List<ProcessHandle> processes() {
    List<ProcessHandle> in = new ArrayList<>();
    try (Stream<Path> s = Files.list(Path.of("/proc"))) {
      s.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
          .filter(p -> Long.parseLong(p.getFileName().toString()) != holder.pid())
          .filter(p -> netns.equals(link(p.resolve("ns/net"))))
          .forEach(
              p -> ProcessHandle.of(Long.parseLong(p.getFileName().toString())).ifPresent(in::add));
    } catch (IOException e) {
      // /proc is always listable; nothing to kill if it is not
    }
    return in;
  }

  /**
   * The paths of the Unix sockets bound inside the node's network namespace (containerd's shims
   * bind theirs under /run/containerd/s whatever containerd's configuration says).
   */
  Set<Path> unixSocketPaths() {
    Set<Path> paths = new LinkedHashSet<>();
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + holder.pid() + "/net/unix"))) {
        String[] f = line.strip().split("\\s+");
        if (f.length >= 8 && f[7].startsWith("/")) {
          paths.add(Path.of(f[7]));
        }
      }
    } catch (IOException e) {
      // the holder is gone: nothing left to list
    }
    return paths;
  }

  /** SIGKILLs every process left inside, then the holder; waits up to 10 s for them to exit. */
  @Override
  public void close() {
    Instant end = Instant.now().plus(Duration.ofSeconds(10));
    List<ProcessHandle> left = processes();
    while (!left.isEmpty() && Instant.now().isBefore(end)) {
      left.forEach(ProcessHandle::destroyForcibly);
      sleep(100);
      left = processes();
    }
    holder.destroyForcibly();
    try {
      holder.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String link(Path p) {
    try {
      return Files.readSymbolicLink(p).toString();
    } catch (IOException | UnsupportedOperationException e) {
      return null;
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
