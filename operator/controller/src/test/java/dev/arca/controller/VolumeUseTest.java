package dev.arca.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The rule of who uses a volume and where another pod can mount it. */
class VolumeUseTest {
  static PersistentVolumeClaim pvc(String... modes) {
    return new PersistentVolumeClaimBuilder()
        .withNewMetadata()
        .withName("data")
        .endMetadata()
        .withNewSpec()
        .withAccessModes(modes)
        .endSpec()
        .build();
  }

  static Pod pod(String name, String claim, String phase, String node) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .withNodeName(node)
        .addNewVolume()
        .withName("v")
        .withNewPersistentVolumeClaim(claim, false)
        .endVolume()
        .endSpec()
        .withNewStatus()
        .withPhase(phase)
        .endStatus()
        .build();
  }

  @Test
  void usersArePodsThatMountTheClaimAndAreNamedWithTheirPhaseUnlessTheyRun() {
    VolumeUse use =
        VolumeUse.of(
            "data",
            pvc("ReadWriteOnce"),
            List.of(
                pod("app-0", "data", "Running", "n1"),
                pod("other", "logs", "Running", "n1"),
                pod("app-1", "data", "Unknown", "n2"),
                pod("app-2", "data", null, null)));
    assertThat(use.usersNamed()).isEqualTo("pods app-0, app-1 (Unknown), app-2 (Pending)");
    List<Pod> many =
        IntStream.range(0, 12).mapToObj(i -> pod("w-" + i, "data", "Running", "n1")).toList();
    assertThat(VolumeUse.of("data", pvc("ReadWriteMany"), many).usersNamed())
        .isEqualTo("pods w-0, w-1, w-2, w-3, w-4, w-5, w-6, w-7, w-8, w-9 and 2 more");
    assertThat(VolumeUse.of("data", pvc(), List.of(pod("a", "data", "Running", "n1"))).usersNamed())
        .isEqualTo("pod a");
  }

  @Test
  void aReadWriteOnceVolumeIsMountedWhereItsRunningUsersAreElseWhereItsScheduledOnesAre() {
    var rwo = pvc("ReadWriteOnce");
    assertThat(VolumeUse.of("data", rwo, List.of()).where())
        .isEqualTo(new VolumeUse.Where(null, null));
    // a pending pod on another node waits for the volume; the running one holds it
    assertThat(
            VolumeUse.of(
                    "data",
                    rwo,
                    List.of(
                        pod("stuck", "data", "Pending", "n2"), pod("app", "data", "Running", "n1")))
                .where())
        .isEqualTo(new VolumeUse.Where("n1", null));
    // no user runs yet: where the scheduler put them
    assertThat(
            VolumeUse.of(
                    "data",
                    rwo,
                    List.of(
                        pod("new", "data", "Pending", "n3"),
                        pod("unplaced", "data", "Pending", null)))
                .where())
        .isEqualTo(new VolumeUse.Where("n3", null));
    assertThat(
            VolumeUse.of(
                    "data",
                    rwo,
                    List.of(pod("a", "data", "Running", "n1"), pod("b", "data", "Running", "n2")))
                .where()
                .problem())
        .isEqualTo(
            "PVC data is ReadWriteOnce but in use on nodes n1, n2; not guessing which node to"
                + " mount it on");
  }

  @Test
  void sharedVolumesGoAnywhereAndAReadWriteOncePodVolumeInUseNowhere() {
    List<Pod> users = List.of(pod("a", "data", "Running", "n1"), pod("b", "data", "Running", "n2"));
    assertThat(VolumeUse.of("data", pvc("ReadWriteMany"), users).where())
        .isEqualTo(new VolumeUse.Where(null, null));
    assertThat(VolumeUse.of("data", pvc("ReadOnlyMany", "ReadWriteOnce"), users).where().node())
        .isNull();
    assertThat(VolumeUse.of("data", null, users).where())
        .isEqualTo(new VolumeUse.Where(null, null));
    VolumeUse solo =
        VolumeUse.of("data", pvc("ReadWriteOncePod"), List.of(pod("db", "data", "Pending", "n1")));
    assertThat(solo.onePodOnly()).isTrue();
    assertThat(solo.where().problem())
        .isEqualTo(
            "PVC data is ReadWriteOncePod and in use by pod db (Pending); no second pod can mount"
                + " it until that pod ends");
  }
}
