package dev.arca.testcluster.node;

import dev.arca.testcluster.cluster.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * What a real node runs: kubelet, kube-proxy and the pause and busybox image archives from the
 * folder {@code .ci/node-tools.sh} builds ({@code -Darca.node.tools=DIR}, or else the script in the
 * checkout is run, which reuses its cache), and the host programs from Debian's packages
 * (containerd, runc, ctr, the CNI plugins, nft, socat, iproute2, util-linux).
 */
public final class NodeTools {
  /** Host programs a node needs, by the path they are run from or looked up in PATH. */
  static final List<String> HOST_PROGRAMS =
      List.of("containerd", "containerd-shim-runc-v2", "runc", "ctr", "nft", "socat", "ip");

  /** The CNI plugins the node's network configuration uses. */
  static final Path CNI_BIN = Path.of("/usr/lib/cni");

  static final List<String> CNI_PLUGINS = List.of("bridge", "host-local", "loopback");

  private static NodeTools found;

  private final Path dir;
  private final Map<String, String> images;

  private NodeTools(Path dir) {
    this.dir = dir;
    for (String b : List.of("kubelet", "kube-proxy")) {
      if (!Files.isExecutable(dir.resolve(b))) {
        throw new IllegalStateException(
            "no executable " + b + " in " + dir + ": run .ci/node-tools.sh, which builds it");
      }
    }
    this.images = readEnv(dir.resolve("images.env"), ".ci/node-tools.sh");
  }

  /** The node tools, built (or found in the cache) on first use when not given. */
  public static synchronized NodeTools find() {
    if (found == null) {
      String given = System.getProperty("arca.node.tools", "");
      found =
          new NodeTools(given.isBlank() ? Tools.runScript(".ci/node-tools.sh") : Path.of(given));
    }
    return found;
  }

  /**
   * What this host lacks to run a real node, or empty when it has everything: root, the host
   * programs, the CNI plugins, cgroup folders it may write, and network namespaces.
   */
  public static Optional<String> hostLacks() {
    List<String> lacks = new ArrayList<>();
    if (!"root".equals(System.getProperty("user.name"))) {
      lacks.add("root (containerd, runc and kubelet need it)");
    }
    for (String p : HOST_PROGRAMS) {
      if (which(p).isEmpty()) {
        lacks.add(p + " (run .ci/node-tools.sh, which installs it from Debian's packages)");
      }
    }
    for (String p : List.of("nsenter", "unshare")) {
      if (which(p).isEmpty()) {
        lacks.add(p + " (util-linux)");
      }
    }
    for (String p : CNI_PLUGINS) {
      if (!Files.isExecutable(CNI_BIN.resolve(p))) {
        lacks.add(CNI_BIN.resolve(p) + " (containernetworking-plugins)");
      }
    }
    if (!Files.isWritable(Path.of("/sys/fs/cgroup/memory"))
        && !Files.isWritable(Path.of("/sys/fs/cgroup/cgroup.procs"))) {
      lacks.add("a writable /sys/fs/cgroup");
    }
    if (lacks.isEmpty() && !run(List.of("unshare", "--net", "--mount", "true"))) {
      lacks.add("new network and mount namespaces (unshare --net --mount true failed)");
    }
    return lacks.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", lacks));
  }

  public Path dir() {
    return dir;
  }

  public Path kubelet() {
    return dir.resolve("kubelet");
  }

  public Path kubeProxy() {
    return dir.resolve("kube-proxy");
  }

  /** The pause image archive (one layer: a static pause, user 65535). */
  public Path pauseArchive() {
    return dir.resolve("pause.oci.tar");
  }

  /** The pause image's name, containerd's sandbox_image. */
  public String pauseImage() {
    return image("PAUSE_IMAGE");
  }

  /** A test image with only Debian's static busybox (sh, sha256sum, wget, ...) in /bin. */
  public Path busyboxArchive() {
    return dir.resolve("busybox.oci.tar");
  }

  public String busyboxImage() {
    return image("BUSYBOX_IMAGE");
  }

  private String image(String key) {
    String v = images.get(key);
    if (v == null) {
      throw new IllegalStateException(
          "no " + key + " in " + dir.resolve("images.env") + ": run .ci/node-tools.sh again");
    }
    return v;
  }

  /** A program's absolute path, from PATH (and the sbin folders, which a non-login PATH lacks). */
  static Optional<Path> which(String program) {
    List<String> dirs =
        new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
    dirs.addAll(List.of("/usr/local/sbin", "/usr/sbin", "/sbin", "/usr/bin", "/bin"));
    for (String d : dirs) {
      if (!d.isBlank() && Files.isExecutable(Path.of(d, program))) {
        return Optional.of(Path.of(d, program));
      }
    }
    return Optional.empty();
  }

  /** {@link #which} or a failure naming the program. */
  static String program(String name) {
    return which(name)
        .orElseThrow(() -> new IllegalStateException("no " + name + " on this host"))
        .toString();
  }

  private static boolean run(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The KEY=VALUE lines of a file a tool script wrote; fails naming the script to run again. */
  static Map<String, String> readEnv(Path file, String script) {
    Map<String, String> m = new HashMap<>();
    try {
      for (String line : Files.readAllLines(file)) {
        int eq = line.indexOf('=');
        if (eq > 0) {
          m.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + file + ": run " + script, e);
    }
    return m;
  }
}
