package dev.arca.controller.jobs;

import dev.arca.api.v1alpha1.PodCommand;
import dev.arca.controller.rbac.ApiPermissions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import java.util.ArrayList;
import java.util.List;

/**
 * What a Job needs to run a command in another pod (a dump source, a restore pipe): its resource's
 * own ServiceAccount, and for each run a Role that allows get and exec on the named pods only, with
 * its RoleBinding to that account (ApiPermissions.EXEC_ROLE); all owned by the resource that needs
 * them so they go with it. And the {@code arca pod-exec} command line that uses them.
 */
public final class ExecAccess {
  /** Label of a run's Role and RoleBinding: the Job they let exec. */
  public static final String EXEC_JOB = "arca.dev/exec-job";

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

  /** The name of the Role and RoleBinding that let the Job {@code job} exec. */
  public static String grantName(String job) {
    return Names.of(job, "exec");
  }

  /** The Role of one run: get and exec on {@code pods}, by name, and nothing else. */
  public static Role role(HasMetadata owner, String job, List<String> pods) {
    List<PolicyRule> rules = new ArrayList<>();
    for (ApiPermissions.Rule r : ApiPermissions.EXEC_ROLE) {
      rules.add(
          new PolicyRuleBuilder()
              .withApiGroups(r.apiGroup())
              .withResources(r.resource())
              .withVerbs(r.verbs())
              .withResourceNames(List.copyOf(new java.util.TreeSet<>(pods)))
              .build());
    }
    return new RoleBuilder().withMetadata(grantMeta(owner, job)).withRules(rules).build();
  }

  /** The metadata of a run's Role and RoleBinding. */
  private static ObjectMeta grantMeta(HasMetadata owner, String job) {
    return new ObjectMetaBuilder()
        .withName(grantName(job))
        .withNamespace(owner.getMetadata().getNamespace())
        .addToLabels(Labels.MANAGED_BY, "arca")
        .addToLabels(EXEC_JOB, job)
        .withOwnerReferences(Owners.controller(owner))
        .build();
  }

  /** Binds the run's Role to the resource's exec account. */
  public static RoleBinding roleBinding(HasMetadata owner, String kind, String job) {
    return new RoleBindingBuilder()
        .withMetadata(grantMeta(owner, job))
        .withNewRoleRef("rbac.authorization.k8s.io", "Role", grantName(job))
        .addNewSubject()
        .withKind("ServiceAccount")
        .withName(name(owner, kind))
        .withNamespace(owner.getMetadata().getNamespace())
        .endSubject()
        .build();
  }

  /**
   * {@code arca pod-exec} of the command in the pod {@code pod} of {@code namespace}, as one sh
   * word list.
   */
  public static String podExec(PodCommand c, String pod, String namespace, boolean stdin) {
    List<String> cmd = new ArrayList<>(List.of("arca", "pod-exec", "-n", namespace));
    cmd.addAll(List.of("--pod", pod));
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
