package dev.arca.testcluster.kubelet;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How one container runs without a container runtime: a private mount namespace ({@code unshare
 * -m}) whose new root is a tmpfs holding read-only binds of the host's /usr and /etc, the image's
 * files at their image paths, the pod's volumes at their mount paths, a minimal /dev with the
 * termination-message file, then {@code chroot} into it and {@code setpriv} for the user, group,
 * capabilities and no-new-privileges of the security context. It runs in its own PID and network
 * namespaces ({@code unshare -m -n -p -f}): its loopback is its own, and the host ports it may
 * reach are forwarded in by socat ({@link PortForwards}).
 *
 * <p>This class only writes the shell script that does it (pure, tested without root); {@link
 * PodRunner} runs it.
 */
public final class Sandbox {
  /** A host folder or file seen by the container at {@code containerPath}. */
  public record Mount(Path hostPath, String containerPath, boolean readOnly) {}

  /** User, groups and privileges of the container's process. */
  public record Identity(
      long uid, long gid, List<Long> groups, List<String> capabilities, boolean noNewPrivileges) {
    public static final Identity ROOT = new Identity(0, 0, List.of(), null, false);
  }

  private static final List<String> DEVICES = List.of("null", "zero", "full", "random", "urandom");

  private Sandbox() {}

  /**
   * The script: {@code sh -c SCRIPT} run under {@code unshare -m --propagation private}.
   *
   * @param root an empty host folder that becomes the container's root
   * @param terminationLog the host file the container sees as /dev/termination-log
   * @param capabilities null: the default set; otherwise exactly these (names as CHOWN)
   */
  public static String script(
      Path root,
      List<Mount> mounts,
      Path terminationLog,
      boolean readOnlyRoot,
      Identity who,
      List<PortForwards.Forward> forwards,
      List<String> command) {
    StringBuilder s = new StringBuilder("set -eu\n");
    // the pod's own network: loopback, plus the forwarded host ports (socat to the host's relay)
    s.append("ip link set lo up\n");
    s.append("hostname \"$HOSTNAME\"\n");
    for (PortForwards.Forward f : forwards) {
      s.append("socat TCP-LISTEN:").append(f.port()).append(",bind=127.0.0.1,fork,reuseaddr ");
      s.append(q("UNIX-CONNECT:" + f.socket())).append(" &\n");
    }
    for (PortForwards.Forward f : forwards) {
      s.append("i=0; until socat -u OPEN:/dev/null TCP:127.0.0.1:").append(f.port());
      s.append(" 2>/dev/null; do i=$((i+1)); [ $i -lt 100 ] || exit 70; sleep 0.05; done\n");
    }
    String r = q(root.toString());
    s.append("R=").append(r).append('\n');
    s.append("mount -t tmpfs -o mode=755 arca-root \"$R\"\n");
    // the host's merged /usr (bin, sbin, lib are links into it) and /etc, read-only
    for (String d : List.of("usr", "etc")) {
      s.append("mkdir \"$R/").append(d).append("\"\n");
      s.append("mount --rbind /").append(d).append(" \"$R/").append(d).append("\"\n");
      s.append("mount -o remount,bind,ro \"$R/").append(d).append("\"\n");
    }
    for (String l : List.of("bin", "sbin", "lib", "lib64")) {
      s.append("ln -s usr/").append(l).append(" \"$R/").append(l).append("\"\n");
    }
    s.append("mkdir \"$R/proc\" && mount -t proc proc \"$R/proc\"\n");
    s.append("mkdir \"$R/dev\" && mount -t tmpfs -o mode=755 arca-dev \"$R/dev\"\n");
    for (String d : DEVICES) {
      s.append("touch \"$R/dev/").append(d).append("\" && mount --bind /dev/").append(d);
      s.append(" \"$R/dev/").append(d).append("\"\n");
    }
    s.append("ln -s /proc/self/fd \"$R/dev/fd\"\n");
    s.append("mkdir \"$R/dev/shm\" && mount -t tmpfs arca-shm \"$R/dev/shm\"\n");
    s.append("touch \"$R/dev/termination-log\" && mount --bind ").append(q(terminationLog));
    s.append(" \"$R/dev/termination-log\"\n");
    for (Mount m : mounts) {
      String target = "\"$R\"" + q(m.containerPath());
      if (java.nio.file.Files.isDirectory(m.hostPath())) {
        s.append("mkdir -p ").append(target).append('\n');
      } else {
        s.append("mkdir -p \"$(dirname ").append(target).append(")\" && touch ");
        s.append(target).append('\n');
      }
      s.append("mount --bind ").append(q(m.hostPath())).append(' ').append(target).append('\n');
      if (m.readOnly()) {
        s.append("mount -o remount,bind,ro ").append(target).append('\n');
      }
    }
    s.append("mkdir -p \"$R/tmp\" && chmod 1777 \"$R/tmp\" 2>/dev/null || true\n");
    if (readOnlyRoot) {
      s.append("mount -o remount,ro \"$R\"\n");
    }
    s.append("exec chroot \"$R\" ").append(String.join(" ", setpriv(who)));
    for (String c : command) {
      s.append(' ').append(q(c));
    }
    s.append('\n');
    return s.toString();
  }

  /** The setpriv invocation for an identity. */
  static List<String> setpriv(Identity who) {
    List<String> out = new ArrayList<>(List.of("/usr/bin/setpriv"));
    if (who.uid() != 0 || who.gid() != 0 || !who.groups().isEmpty()) {
      out.add("--reuid=" + who.uid());
      out.add("--regid=" + who.gid());
      if (who.groups().isEmpty()) {
        out.add("--clear-groups");
      } else {
        out.add(
            "--groups=" + String.join(",", who.groups().stream().map(String::valueOf).toList()));
      }
    }
    if (who.capabilities() != null) {
      StringBuilder caps = new StringBuilder("-all");
      for (String c : who.capabilities()) {
        caps.append(",+").append(c.toLowerCase(java.util.Locale.ROOT).replace("cap_", ""));
      }
      out.add("--bounding-set=" + caps);
      out.add("--inh-caps=-all");
    }
    if (who.noNewPrivileges()) {
      out.add("--no-new-privs");
    }
    out.add("--");
    return out;
  }

  /** Single-quoted for sh. */
  static String q(Object s) {
    return "'" + s.toString().replace("'", "'\\''") + "'";
  }
}
