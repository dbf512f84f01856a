package dev.arca.controller.jobs;

import dev.arca.api.v1alpha1.PodCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a Job needs to run a command in another pod (a dump source, a restore pipe): its own
 * ServiceAccount, bound in its own namespace to the chart's exec ClusterRole (pods get/list,
 * pods/exec), both owned by the resource that needs them so they go with it; and the {@code arca
 * pod-exec} command line that uses them.
 */
public final class ExecAccess {
  private ExecAccess() {}

  /** The ServiceAccount and RoleBinding name of a resource's exec Jobs. */
  public static String name(HasMetadata owner, String kind) {
    return Names.of(owner.getMetadata().getName(), kind + "-exec");
  }

  public static ServiceAccount serviceAccount(HasMetadata owner, String kind) {
    return new ServiceAccountBuilder()
        .withNewMetadata()
        .withName(name(owner, kind))
        .withNamespace(owner.getMetadata().getNamespace())
        .addToLabels(Labels.MANAGED_BY, "arca")
        .withOwnerReferences(Owners.controller(owner))
        .endMetadata()
        .build();
  }

  public static RoleBinding roleBinding(HasMetadata owner, String kind, String clusterRole) {
    String name = name(owner, kind);
    return new RoleBindingBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(owner.getMetadata().getNamespace())
        .addToLabels(Labels.MANAGED_BY, "arca")
        .withOwnerReferences(Owners.controller(owner))
        .endMetadata()
        .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", clusterRole)
        .addNewSubject()
        .withKind("ServiceAccount")
        .withName(name)
        .withNamespace(owner.getMetadata().getNamespace())
        .endSubject()
        .build();
  }

  /** {@code arca pod-exec} of the command in its pod of {@code namespace}, as one sh word list. */
  public static String podExec(PodCommand c, String namespace, boolean stdin) {
    List<String> cmd = new ArrayList<>(List.of("arca", "pod-exec", "-n", namespace));
    if (c.pod != null) {
      cmd.addAll(List.of("--pod", c.pod));
    } else {
      Map<String, String> sorted = new TreeMap<>(c.podSelector);
      List<String> pairs = new ArrayList<>();
      sorted.forEach((k, v) -> pairs.add(k + "=" + v));
      cmd.addAll(List.of("--selector", String.join(",", pairs)));
    }
    if (c.container != null) {
      cmd.addAll(List.of("--container", c.container));
    }
    if (stdin) {
      cmd.add("--stdin");
    }
    cmd.add("--");
    cmd.addAll(c.command);
    List<String> quoted = new ArrayList<>();
    for (String w : cmd) {
      quoted.add(w.matches("[A-Za-z0-9_./=,:@%+-]+") ? w : "'" + w.replace("'", "'\\''") + "'");
    }
    return String.join(" ", quoted);
  }
}
