package dev.arca.controller.jobs;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The Kubernetes Pod Security Standards {@code baseline} and {@code restricted}, as the pod spec
 * checks of kubernetes.io/docs/concepts/security/pod-security-standards list them (all of their
 * pod-spec fields but the deprecated annotations), for unit tests of the Jobs' pods. The real API
 * server's PodSecurity admission checks the same pods in the e2e tier (PodSecurityTest).
 */
final class PodSecurityStandards {
  /** The capabilities baseline lets a container add. */
  static final Set<String> BASELINE_CAPABILITIES =
      Set.of(
          "AUDIT_WRITE",
          "CHOWN",
          "DAC_OVERRIDE",
          "FOWNER",
          "FSETID",
          "KILL",
          "MKNOD",
          "NET_BIND_SERVICE",
          "SETFCAP",
          "SETGID",
          "SETPCAP",
          "SETUID",
          "SYS_CHROOT");

  static final Set<String> SAFE_SYSCTLS =
      Set.of(
          "kernel.shm_rmid_forced",
          "net.ipv4.ip_local_port_range",
          "net.ipv4.ip_unprivileged_port_start",
          "net.ipv4.tcp_syncookies",
          "net.ipv4.ping_group_range",
          "net.ipv4.ip_local_reserved_ports",
          "net.ipv4.tcp_keepalive_time",
          "net.ipv4.tcp_fin_timeout",
          "net.ipv4.tcp_keepalive_intvl",
          "net.ipv4.tcp_keepalive_probes");

  static final Set<String> SELINUX_TYPES =
      Set.of("container_t", "container_init_t", "container_kvm_t", "container_engine_t");

  private PodSecurityStandards() {}

  /** What of {@code pod} the baseline standard forbids; empty if it passes. */
  static List<String> baseline(PodSpec pod) {
    List<String> out = new ArrayList<>();
    PodSecurityContext psc =
        pod.getSecurityContext() == null ? new PodSecurityContext() : pod.getSecurityContext();
    if (isTrue(pod.getHostNetwork()) || isTrue(pod.getHostPID()) || isTrue(pod.getHostIPC())) {
      out.add("host namespaces");
    }
    for (Volume v : pod.getVolumes()) {
      if (v.getHostPath() != null) {
        out.add("hostPath volume " + v.getName());
      }
    }
    if (psc.getWindowsOptions() != null && isTrue(psc.getWindowsOptions().getHostProcess())) {
      out.add("hostProcess");
    }
    if (psc.getSeccompProfile() != null && "Unconfined".equals(psc.getSeccompProfile().getType())) {
      out.add("seccompProfile Unconfined");
    }
    if (psc.getAppArmorProfile() != null
        && "Unconfined".equals(psc.getAppArmorProfile().getType())) {
      out.add("appArmorProfile Unconfined");
    }
    seLinux(psc.getSeLinuxOptions(), out);
    if (psc.getSysctls() != null) {
      psc.getSysctls().stream()
          .filter(s -> !SAFE_SYSCTLS.contains(s.getName()))
          .forEach(s -> out.add("sysctl " + s.getName()));
    }
    for (Container c : containers(pod)) {
      SecurityContext sc =
          c.getSecurityContext() == null ? new SecurityContext() : c.getSecurityContext();
      if (isTrue(sc.getPrivileged())) {
        out.add(c.getName() + ": privileged");
      }
      if (sc.getCapabilities() != null && sc.getCapabilities().getAdd() != null) {
        sc.getCapabilities().getAdd().stream()
            .filter(a -> !BASELINE_CAPABILITIES.contains(a))
            .forEach(a -> out.add(c.getName() + ": capability " + a));
      }
      if (c.getPorts() != null
          && c.getPorts().stream().anyMatch(p -> p.getHostPort() != null && p.getHostPort() != 0)) {
        out.add(c.getName() + ": hostPort");
      }
      if (sc.getProcMount() != null && !sc.getProcMount().equals("Default")) {
        out.add(c.getName() + ": procMount");
      }
      if (sc.getSeccompProfile() != null && "Unconfined".equals(sc.getSeccompProfile().getType())) {
        out.add(c.getName() + ": seccompProfile Unconfined");
      }
      if (sc.getAppArmorProfile() != null
          && "Unconfined".equals(sc.getAppArmorProfile().getType())) {
        out.add(c.getName() + ": appArmorProfile Unconfined");
      }
      if (sc.getWindowsOptions() != null && isTrue(sc.getWindowsOptions().getHostProcess())) {
        out.add(c.getName() + ": hostProcess");
      }
      seLinux(sc.getSeLinuxOptions(), out);
    }
    return out;
  }

  /** What of {@code pod} the restricted standard forbids (baseline's too); empty if it passes. */
  static List<String> restricted(PodSpec pod) {
    List<String> out = baseline(pod);
    PodSecurityContext psc =
        pod.getSecurityContext() == null ? new PodSecurityContext() : pod.getSecurityContext();
    for (Volume v : pod.getVolumes()) {
      boolean allowed =
          v.getConfigMap() != null
              || v.getCsi() != null
              || v.getDownwardAPI() != null
              || v.getEmptyDir() != null
              || v.getEphemeral() != null
              || v.getPersistentVolumeClaim() != null
              || v.getProjected() != null
              || v.getSecret() != null;
      if (!allowed) {
        out.add("volume type of " + v.getName());
      }
    }
    boolean podNonRoot = isTrue(psc.getRunAsNonRoot());
    boolean podSeccomp = confined(psc.getSeccompProfile());
    if (Long.valueOf(0).equals(psc.getRunAsUser())) {
      out.add("runAsUser 0");
    }
    for (Container c : containers(pod)) {
      SecurityContext sc =
          c.getSecurityContext() == null ? new SecurityContext() : c.getSecurityContext();
      if (!Boolean.FALSE.equals(sc.getAllowPrivilegeEscalation())) {
        out.add(c.getName() + ": allowPrivilegeEscalation not false");
      }
      if (sc.getRunAsNonRoot() == null ? !podNonRoot : !sc.getRunAsNonRoot()) {
        out.add(c.getName() + ": runAsNonRoot not true");
      }
      if (Long.valueOf(0).equals(sc.getRunAsUser())) {
        out.add(c.getName() + ": runAsUser 0");
      }
      if (sc.getSeccompProfile() == null ? !podSeccomp : !confined(sc.getSeccompProfile())) {
        out.add(c.getName() + ": seccompProfile not RuntimeDefault or Localhost");
      }
      var caps = sc.getCapabilities();
      if (caps == null || caps.getDrop() == null || !caps.getDrop().contains("ALL")) {
        out.add(c.getName() + ": capabilities do not drop ALL");
      }
      if (caps != null && caps.getAdd() != null) {
        caps.getAdd().stream()
            .filter(a -> !a.equals("NET_BIND_SERVICE"))
            .forEach(a -> out.add(c.getName() + ": adds capability " + a));
      }
    }
    return out;
  }

  private static boolean confined(io.fabric8.kubernetes.api.model.SeccompProfile p) {
    return p != null && ("RuntimeDefault".equals(p.getType()) || "Localhost".equals(p.getType()));
  }

  private static void seLinux(io.fabric8.kubernetes.api.model.SELinuxOptions o, List<String> out) {
    if (o == null) {
      return;
    }
    if (o.getType() != null && !o.getType().isEmpty() && !SELINUX_TYPES.contains(o.getType())) {
      out.add("seLinuxOptions.type " + o.getType());
    }
    if (o.getUser() != null && !o.getUser().isEmpty()
        || o.getRole() != null && !o.getRole().isEmpty()) {
      out.add("seLinuxOptions user or role");
    }
  }

  private static List<Container> containers(PodSpec pod) {
    List<Container> all = new ArrayList<>(pod.getContainers());
    if (pod.getInitContainers() != null) {
      all.addAll(pod.getInitContainers());
    }
    return all;
  }

  private static boolean isTrue(Boolean b) {
    return Boolean.TRUE.equals(b);
  }
}
