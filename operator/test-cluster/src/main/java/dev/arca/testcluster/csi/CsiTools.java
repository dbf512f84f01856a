package dev.arca.testcluster.csi;

import dev.arca.testcluster.cluster.Tools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The CSI image archives and VolumeSnapshot CRDs that {@code .ci/csi-tools.sh} builds: {@code
 * -Darca.csi.tools=DIR}, or else the script in the checkout is run (it reuses its cache).
 */
public final class CsiTools {
  private static CsiTools found;

  private final Path dir;
  private final Map<String, String> images = new HashMap<>();

  private CsiTools(Path dir) {
    this.dir = dir;
    Path env = dir.resolve("images.env");
    try {
      for (String line : Files.readAllLines(env)) {
        int eq = line.indexOf('=');
        if (eq > 0) {
          images.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + env + ": run .ci/csi-tools.sh", e);
    }
  }

  /** The CSI tools, built (or found in the cache) on first use when not given. */
  public static synchronized CsiTools find() {
    if (found == null) {
      String given = System.getProperty("arca.csi.tools", "");
      found = new CsiTools(given.isBlank() ? Tools.runScript(".ci/csi-tools.sh") : Path.of(given));
    }
    return found;
  }

  /** The folder {@code .ci/csi-tools.sh} printed. */
  public Path dir() {
    return dir;
  }

  /** The image archives to import into the node's containerd. */
  public List<Path> archives() {
    return List.of(
        dir.resolve("csi-hostpath.oci.tar"),
        dir.resolve("csi-provisioner.oci.tar"),
        dir.resolve("csi-snapshotter.oci.tar"),
        dir.resolve("snapshot-controller.oci.tar"));
  }

  /**
   * The CRD files: VolumeSnapshotClass, VolumeSnapshotContent and VolumeSnapshot
   * (snapshot.storage.k8s.io), and their VolumeGroupSnapshot counterparts
   * (groupsnapshot.storage.k8s.io), without which the snapshot controller retries for about 30 s at
   * start.
   */
  public List<Path> crds() {
    try (Stream<Path> s = Files.list(dir.resolve("crd"))) {
      List<Path> crds = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
      if (crds.size() < 6) {
        throw new IllegalStateException(
            "not every snapshot CRD in " + dir.resolve("crd") + ": run .ci/csi-tools.sh again");
      }
      return crds;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Arca's hostpath driver image (arca.test/csi-hostpath:arca-HASH). */
  public String driverImage() {
    return image("DRIVER_IMAGE");
  }

  public String provisionerImage() {
    return image("PROVISIONER_IMAGE");
  }

  public String snapshotterImage() {
    return image("SNAPSHOTTER_IMAGE");
  }

  public String snapshotControllerImage() {
    return image("SNAPSHOT_CONTROLLER_IMAGE");
  }

  private String image(String key) {
    String v = images.get(key);
    if (v == null) {
      throw new IllegalStateException(
          "no " + key + " in " + dir.resolve("images.env") + ": run .ci/csi-tools.sh again");
    }
    return v;
  }
}
