package dev.arca.controller.jobs;

import dev.arca.api.v1alpha1.JobOverrides;
import dev.arca.controller.OperatorConfig;
import dev.arca.controller.Reasons;
import io.fabric8.kubernetes.api.model.AppArmorProfile;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.Sysctl;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * How a resource's {@code spec.job.podSecurityContext} (a tenant's) is merged into the pod security
 * context the cluster admin configured for the Jobs (the chart's {@code jobs.*}): field by field,
 * and only where it tightens. A field the tenant leaves out keeps the admin's value, and so does a
 * field the tenant may not set, which is reported as refused (the resource then fails validation,
 * with a message naming the field; the Job never gets the looser value).
 *
 * <p>The rules, field by field:
 *
 * <ul>
 *   <li>{@code runAsNonRoot}: true always; false only where the admin's is not true.
 *   <li>{@code runAsUser}, {@code runAsGroup}, {@code fsGroup}, {@code supplementalGroups} (the
 *       identities, which decide what files the Jobs may read and whom restored files belong to): a
 *       value other than the admin's only where the chart lets tenants choose them ({@code
 *       jobs.tenantOverrides.userAndGroups}), and 0 only where the Jobs run as root by default.
 *       Supplemental groups are added to the admin's, never replace them.
 *   <li>{@code seccompProfile}, {@code appArmorProfile}: the admin's profile, or RuntimeDefault
 *       where the admin set none or Unconfined (Unconfined and Localhost profiles are not).
 *   <li>{@code supplementalGroupsPolicy}: Strict always; Merge only where the admin's is Merge or
 *       unset.
 *   <li>{@code seLinuxOptions}, {@code sysctls}, {@code windowsOptions}, and fields this code does
 *       not know: only what the admin set already.
 *   <li>{@code fsGroupChangePolicy}, {@code seLinuxChangePolicy}: any (when volumes are relabelled
 *       or their group changed, not what the Jobs may do).
 * </ul>
 *
 * <p>A merged context whose runAsNonRoot is true and runAsUser 0 would not start (the kubelet
 * refuses it) and is reported too.
 */
public final class SecurityContexts {
  /** The reason of a resource's condition when its job settings are refused. */
  public static final String REFUSED = Reasons.SECURITY_CONTEXT_REFUSED;

  /** The field of a resource whose overrides are merged, for messages. */
  public static final String FIELD = "spec.job.podSecurityContext";

  /**
   * The merged context and what was refused.
   *
   * @param context the admin's context with the tenant's accepted fields applied
   * @param refused one message per refused field, each starting with the field's name
   */
  public record Merged(PodSecurityContext context, List<String> refused) {}

  private static final String TIGHTEN =
      "a resource's job settings may only tighten the Jobs' security settings this Arca"
          + " installation sets";

  private SecurityContexts() {}

  /** The Jobs' pod security context for a resource's job settings under {@code cfg}. */
  public static Merged of(OperatorConfig cfg, JobOverrides job) {
    return merge(
        cfg.jobSecurityContext(),
        job == null ? null : job.podSecurityContext,
        cfg.jobOverrideUserAndGroups());
  }

  /** The first refusal of a resource's job settings under {@code cfg}, or empty. */
  public static Optional<String> refusal(OperatorConfig cfg, JobOverrides job) {
    return of(cfg, job).refused().stream().findFirst();
  }

  /**
   * Merges {@code override} into {@code admin}.
   *
   * @param admin the admin's context (may be null: none)
   * @param override the tenant's (may be null: none)
   * @param userAndGroups whether the tenant may choose the Jobs' user and groups
   */
  public static Merged merge(
      PodSecurityContext admin, PodSecurityContext override, boolean userAndGroups) {
    PodSecurityContext a = admin == null ? new PodSecurityContext() : admin;
    PodSecurityContext out = new PodSecurityContextBuilder(a).build();
    List<String> refused = new ArrayList<>();
    if (override == null) {
      return new Merged(out, refused);
    }
    PodSecurityContext t = override;
    boolean root = Long.valueOf(0).equals(a.getRunAsUser()) && !isTrue(a.getRunAsNonRoot());
    Ids ids = new Ids(userAndGroups, root, refused);

    if (t.getRunAsNonRoot() != null) {
      if (t.getRunAsNonRoot() || !isTrue(a.getRunAsNonRoot())) {
        out.setRunAsNonRoot(t.getRunAsNonRoot());
      } else {
        refused.add(
            field("runAsNonRoot")
                + ": false would let the Jobs run as root, and this installation runs them as"
                + " non-root");
      }
    }
    out.setRunAsUser(ids.id("runAsUser", a.getRunAsUser(), t.getRunAsUser()));
    out.setRunAsGroup(ids.id("runAsGroup", a.getRunAsGroup(), t.getRunAsGroup()));
    out.setFsGroup(ids.id("fsGroup", a.getFsGroup(), t.getFsGroup()));
    out.setSupplementalGroups(ids.groups(a.getSupplementalGroups(), t.getSupplementalGroups()));

    if (t.getSupplementalGroupsPolicy() != null) {
      String p = t.getSupplementalGroupsPolicy();
      boolean mergeAllowed =
          a.getSupplementalGroupsPolicy() == null
              || "Merge".equals(a.getSupplementalGroupsPolicy());
      if ("Strict".equals(p) || ("Merge".equals(p) && mergeAllowed)) {
        out.setSupplementalGroupsPolicy(p);
      } else {
        refused.add(
            field("supplementalGroupsPolicy")
                + ": '"
                + p
                + "' is not allowed where the Jobs' policy is "
                + a.getSupplementalGroupsPolicy()
                + " (only Strict is)");
      }
    }
    SeccompProfile as = a.getSeccompProfile();
    SeccompProfile ts = t.getSeccompProfile();
    if (ts != null
        && profile(
            refused,
            "seccompProfile",
            as == null ? null : as.getType(),
            as == null ? null : as.getLocalhostProfile(),
            ts.getType(),
            ts.equals(as))) {
      out.setSeccompProfile(ts);
    }
    AppArmorProfile aa = a.getAppArmorProfile();
    AppArmorProfile ta = t.getAppArmorProfile();
    if (ta != null
        && profile(
            refused,
            "appArmorProfile",
            aa == null ? null : aa.getType(),
            aa == null ? null : aa.getLocalhostProfile(),
            ta.getType(),
            ta.equals(aa))) {
      out.setAppArmorProfile(ta);
    }
    onlyAsSet(refused, "seLinuxOptions", a.getSeLinuxOptions(), t.getSeLinuxOptions());
    onlyAsSet(refused, "windowsOptions", a.getWindowsOptions(), t.getWindowsOptions());
    if (t.getSysctls() != null) {
      List<Sysctl> have = a.getSysctls() == null ? List.of() : a.getSysctls();
      for (Sysctl s : t.getSysctls()) {
        if (!have.contains(s)) {
          refused.add(
              field("sysctls")
                  + ": "
                  + s.getName()
                  + " is not one the Jobs' settings have; a resource may not add sysctls");
        }
      }
    }
    if (t.getFsGroupChangePolicy() != null) {
      out.setFsGroupChangePolicy(t.getFsGroupChangePolicy());
    }
    if (t.getSeLinuxChangePolicy() != null) {
      out.setSeLinuxChangePolicy(t.getSeLinuxChangePolicy());
    }
    if (t.getAdditionalProperties() != null && !t.getAdditionalProperties().isEmpty()) {
      refused.add(
          field(t.getAdditionalProperties().keySet().iterator().next())
              + ": a field this Arca version does not know, and so cannot check");
    }
    if (isTrue(out.getRunAsNonRoot()) && Long.valueOf(0).equals(out.getRunAsUser())) {
      refused.add(
          field("runAsNonRoot")
              + ": true with runAsUser 0 (this installation's default) would not start; set"
              + " runAsUser too");
    }
    return new Merged(out, refused);
  }

  /** The user and group ids: who the Jobs are towards the files they read and write. */
  private record Ids(boolean allowed, boolean root, List<String> refused) {
    /** The tenant's id where it may set it, else the admin's (and a refusal). */
    Long id(String name, Long admin, Long tenant) {
      if (tenant == null || tenant.equals(admin)) {
        return admin;
      }
      return check(name, tenant) ? tenant : admin;
    }

    /** The admin's groups plus the tenant's that it may add. */
    List<Long> groups(List<Long> admin, List<Long> tenant) {
      Set<Long> out = new LinkedHashSet<>(admin == null ? List.of() : admin);
      for (Long g : tenant == null ? List.<Long>of() : tenant) {
        if (g != null && !out.contains(g) && check("supplementalGroups", g)) {
          out.add(g);
        }
      }
      return out.isEmpty() && admin == null ? null : new ArrayList<>(out);
    }

    private boolean check(String name, long v) {
      if (!allowed) {
        refused.add(
            field(name)
                + ": this installation does not let a resource choose the Jobs' user and groups"
                + " (the chart's jobs.tenantOverrides.userAndGroups is false)");
        return false;
      }
      if (v == 0 && !root) {
        refused.add(
            field(name)
                + ": 0 is root's, and this installation runs the Jobs as non-root; "
                + TIGHTEN);
        return false;
      }
      return true;
    }
  }

  /**
   * Whether a tenant's seccomp or AppArmor profile of type {@code tenant} may replace the admin's
   * ({@code admin}, {@code adminLocal}): the same profile, or RuntimeDefault where the admin set
   * none or Unconfined. A Localhost profile cannot be checked to be tighter, and Unconfined is the
   * loosest. Reports a refusal.
   */
  private static boolean profile(
      List<String> refused,
      String name,
      String admin,
      String adminLocal,
      String tenant,
      boolean same) {
    if (same || "RuntimeDefault".equals(tenant) && (admin == null || admin.equals("Unconfined"))) {
      return true;
    }
    refused.add(
        field(name)
            + ": the Jobs' profile is "
            + (admin == null ? "the node's default" : admin)
            + ("Localhost".equals(admin) ? " " + adminLocal : "")
            + "; a resource may only repeat it, or choose RuntimeDefault where none is set");
    return false;
  }

  private static void onlyAsSet(List<String> refused, String name, Object admin, Object tenant) {
    if (tenant != null && !Objects.equals(admin, tenant)) {
      refused.add(field(name) + ": only the value the Jobs' settings have is allowed; " + TIGHTEN);
    }
  }

  private static String field(String name) {
    return FIELD + "." + name;
  }

  private static boolean isTrue(Boolean b) {
    return Boolean.TRUE.equals(b);
  }
}
