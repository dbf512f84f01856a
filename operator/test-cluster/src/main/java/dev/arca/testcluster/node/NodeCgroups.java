package dev.arca.testcluster.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The node's cgroup root, kubelet's {@code cgroupRoot}: one folder of the same name in every cgroup
 * hierarchy (each v1 controller, the named systemd one and the hybrid unified one; or the single v2
 * hierarchy), so the pods' cgroups ({@code ROOT/kubepods/...}) never mix with the host's or with
 * another node's. {@link #close()} kills what is still in them and removes them, deepest first.
 */
final class NodeCgroups implements AutoCloseable {
  static final Path CGROUP_FS = Path.of("/sys/fs/cgroup");

  private final String name;
  private final List<Path> roots = new ArrayList<>();

  private NodeCgroups(String name) {
    this.name = name;
  }

  /** Makes {@code /NAME} in every hierarchy (cpuset's gets its parent's CPUs and memory nodes). */
  static NodeCgroups create(String name) {
    NodeCgroups c = new NodeCgroups(name);
    try {
      for (Path h : hierarchies()) {
        Path dir = h.resolve(name);
        Files.createDirectory(dir);
        c.roots.add(dir);
        for (String f : List.of("cpuset.cpus", "cpuset.mems")) {
          if (Files.exists(h.resolve(f)) && Files.readString(dir.resolve(f)).isBlank()) {
            Files.writeString(dir.resolve(f), Files.readString(h.resolve(f)).strip());
          }
        }
      }
      return c;
    } catch (IOException e) {
      c.close();
      throw new IllegalStateException("cannot make the node's cgroups: " + e, e);
    }
  }

  /** kubelet's cgroupRoot. */
  String root() {
    return "/" + name;
  }

  static List<Path> hierarchies() throws IOException {
    if (Files.exists(CGROUP_FS.resolve("cgroup.controllers"))) {
      return List.of(CGROUP_FS); // cgroup v2 only
    }
    try (Stream<Path> s = Files.list(CGROUP_FS)) {
      return s.filter(p -> Files.isDirectory(p) && !Files.isSymbolicLink(p))
          .filter(p -> Files.exists(p.resolve("cgroup.procs")))
          .sorted()
          .toList();
    }
  }

  /** The pids in the node's cgroups. */
  List<Long> pids() {
    List<Long> pids = new ArrayList<>();
    for (Path d : dirs()) {
      try {
        for (String l : Files.readAllLines(d.resolve("cgroup.procs"))) {
          if (!l.isBlank()) {
            pids.add(Long.parseLong(l.strip()));
          }
        }
      } catch (IOException | NumberFormatException e) {
        // removed meanwhile
      }
    }
    return pids;
  }

  private List<Path> dirs() {
    List<Path> all = new ArrayList<>();
    for (Path r : roots) {
      try (Stream<Path> s = Files.walk(r)) {
        s.filter(Files::isDirectory).forEach(all::add);
      } catch (IOException e) {
        // removed meanwhile
      }
    }
    all.sort(Comparator.comparingInt(Path::getNameCount).reversed());
    return all;
  }

  /** Kills what is left in the cgroups, then removes them (retrying for up to 10 s). */
  @Override
  public void close() {
    Instant end = Instant.now().plusSeconds(10);
    List<Long> pids = pids();
    while (!pids.isEmpty() && Instant.now().isBefore(end)) {
      pids.forEach(p -> ProcessHandle.of(p).ifPresent(ProcessHandle::destroyForcibly));
      NodeNamespaces.sleep(100);
      pids = pids();
    }
    List<Path> left = dirs();
    while (!left.isEmpty() && Instant.now().isBefore(end)) {
      for (Path d : left) {
        try {
          Files.delete(d);
        } catch (IOException e) {
          // busy: tried again
        }
      }
      left = dirs();
      if (!left.isEmpty()) {
        NodeNamespaces.sleep(100);
      }
    }
  }
}
