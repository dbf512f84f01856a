package dev.arca.controller.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.arca.api.v1alpha1.JobOverrides;
import dev.arca.controller.OperatorConfig;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each field of a tenant's pod security context: merged where it tightens, else refused. */
class SecurityContextsTest {
  /** The chart's defaults (jobs.runAsRoot true and false). */
  static final PodSecurityContext ROOT =
      psc("{runAsUser: 0, runAsGroup: 0, seccompProfile: {type: RuntimeDefault}}");

  static final PodSecurityContext NON_ROOT =
      psc(
          "{runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532,"
              + " fsGroupChangePolicy: OnRootMismatch, seccompProfile: {type: RuntimeDefault}}");

  static PodSecurityContext psc(String yaml) {
    try {
      return new YAMLMapper().readValue(yaml, PodSecurityContext.class);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static SecurityContexts.Merged merge(PodSecurityContext admin, String tenant) {
    return SecurityContexts.merge(admin, psc(tenant), true);
  }

  /** The merged context of an accepted override (failing if anything was refused). */
  static PodSecurityContext accepted(PodSecurityContext admin, String tenant) {
    SecurityContexts.Merged m = merge(admin, tenant);
    assertThat(m.refused()).as("refused of %s", tenant).isEmpty();
    return m.context();
  }

  /** The one refusal of an override; the merged context keeps the admin's value. */
  static String refused(PodSecurityContext admin, String tenant) {
    SecurityContexts.Merged m = merge(admin, tenant);
    assertThat(m.refused()).as("refused of %s", tenant).hasSize(1);
    return m.refused().get(0);
  }

  @Test
  void noOverrideIsTheAdminsContextAndACopyOfIt() {
    SecurityContexts.Merged m = SecurityContexts.merge(NON_ROOT, null, true);
    assertThat(m.refused()).isEmpty();
    assertThat(m.context()).isEqualTo(NON_ROOT).isNotSameAs(NON_ROOT);
    assertThat(SecurityContexts.merge(null, null, true).context())
        .isEqualTo(new PodSecurityContext());
  }

  @Test
  void fieldsLeftOutKeepTheAdminsValues() {
    PodSecurityContext m = accepted(NON_ROOT, "{runAsUser: 1000}");
    assertThat(m.getRunAsUser()).isEqualTo(1000L);
    assertThat(m.getRunAsNonRoot()).as("not undone by leaving it out").isTrue();
    assertThat(m.getSeccompProfile().getType())
        .as("not dropped by leaving it out")
        .isEqualTo("RuntimeDefault");
    assertThat(m.getRunAsGroup()).isEqualTo(65532L);
    assertThat(m.getFsGroup()).isEqualTo(65532L);
    assertThat(NON_ROOT.getRunAsUser()).as("the admin's is not changed").isEqualTo(65532L);
  }

  @Test
  void runAsNonRootMayBeTurnedOnButNotOff() {
    assertThat(accepted(ROOT, "{runAsNonRoot: true, runAsUser: 1000}").getRunAsNonRoot()).isTrue();
    assertThat(refused(NON_ROOT, "{runAsNonRoot: false}"))
        .startsWith("spec.job.podSecurityContext.runAsNonRoot: false");
    assertThat(merge(NON_ROOT, "{runAsNonRoot: false}").context().getRunAsNonRoot()).isTrue();
    // where the admin's is not true, false changes nothing
    assertThat(accepted(ROOT, "{runAsNonRoot: false}").getRunAsNonRoot()).isFalse();
  }

  @Test
  void runAsNonRootWithTheDefaultRootUserWouldNotStart() {
    assertThat(refused(ROOT, "{runAsNonRoot: true}"))
        .startsWith("spec.job.podSecurityContext.runAsNonRoot: true with runAsUser 0");
  }

  @Test
  void rootIsRefusedWhereTheJobsRunAsNonRoot() {
    for (String field : List.of("runAsUser", "runAsGroup", "fsGroup")) {
      String tenant = "{" + field + ": 0}";
      assertThat(refused(NON_ROOT, tenant))
          .startsWith("spec.job.podSecurityContext." + field + ": 0 is root's");
      assertThat(merge(NON_ROOT, tenant).context()).isEqualTo(NON_ROOT);
    }
    assertThat(refused(NON_ROOT, "{supplementalGroups: [0]}"))
        .startsWith("spec.job.podSecurityContext.supplementalGroups: 0 is root's");
    // the image's user (no runAsUser) is not root either
    assertThat(merge(psc("{runAsNonRoot: true}"), "{runAsUser: 0, runAsNonRoot: false}").refused())
        .containsExactly(
            "spec.job.podSecurityContext.runAsNonRoot: false would let the Jobs run as root, and"
                + " this installation runs them as non-root",
            "spec.job.podSecurityContext.runAsUser: 0 is root's, and this installation runs the"
                + " Jobs as non-root; a resource's job settings may only tighten the Jobs' security"
                + " settings this Arca installation sets");
    assertThat(refused(psc("{}"), "{runAsUser: 0}")).contains("runAsUser: 0 is root's");
  }

  @Test
  void usersAndGroupsMayBeChosenWhereTheChartAllowsIt() {
    PodSecurityContext m =
        accepted(
            NON_ROOT,
            "{runAsUser: 1000, runAsGroup: 1001, fsGroup: 1002, supplementalGroups: [1003]}");
    assertThat(List.of(m.getRunAsUser(), m.getRunAsGroup(), m.getFsGroup()))
        .containsExactly(1000L, 1001L, 1002L);
    assertThat(m.getSupplementalGroups()).containsExactly(1003L);
    // root Jobs may become a user, and keep root's group unless it is set too
    PodSecurityContext user = accepted(ROOT, "{runAsUser: 1000}");
    assertThat(user.getRunAsUser()).isEqualTo(1000L);
    assertThat(user.getRunAsGroup()).isZero();
    // 0 where the Jobs run as root anyway
    assertThat(accepted(ROOT, "{fsGroup: 0}").getFsGroup()).isZero();
  }

  @Test
  void usersAndGroupsAreTheAdminsWhereTheChartDoesNotAllowChoosingThem() {
    for (String tenant :
        List.of(
            "{runAsUser: 1000}",
            "{runAsGroup: 1000}",
            "{fsGroup: 1000}",
            "{supplementalGroups: [7]}")) {
      SecurityContexts.Merged m = SecurityContexts.merge(NON_ROOT, psc(tenant), false);
      assertThat(m.refused())
          .singleElement()
          .asString()
          .contains("jobs.tenantOverrides.userAndGroups is false");
      assertThat(m.context()).isEqualTo(NON_ROOT);
    }
    // repeating the admin's value is no change
    assertThat(
            SecurityContexts.merge(NON_ROOT, psc("{runAsUser: 65532, fsGroup: 65532}"), false)
                .refused())
        .isEmpty();
  }

  @Test
  void supplementalGroupsAreAddedToTheAdminsNeverReplaceThem() {
    PodSecurityContext admin = psc("{runAsUser: 65532, supplementalGroups: [5000]}");
    assertThat(accepted(admin, "{supplementalGroups: [6000, 5000]}").getSupplementalGroups())
        .containsExactly(5000L, 6000L);
    assertThat(accepted(admin, "{supplementalGroups: []}").getSupplementalGroups())
        .containsExactly(5000L);
  }

  @Test
  void supplementalGroupsPolicyMayOnlyBecomeStrict() {
    assertThat(
            accepted(NON_ROOT, "{supplementalGroupsPolicy: Strict}").getSupplementalGroupsPolicy())
        .isEqualTo("Strict");
    assertThat(
            accepted(NON_ROOT, "{supplementalGroupsPolicy: Merge}").getSupplementalGroupsPolicy())
        .isEqualTo("Merge");
    PodSecurityContext strict = psc("{runAsUser: 65532, supplementalGroupsPolicy: Strict}");
    assertThat(refused(strict, "{supplementalGroupsPolicy: Merge}"))
        .startsWith("spec.job.podSecurityContext.supplementalGroupsPolicy: 'Merge'");
  }

  @Test
  void theSeccompProfileCannotBeChangedOrUnconfined() {
    assertThat(refused(NON_ROOT, "{seccompProfile: {type: Unconfined}}"))
        .isEqualTo(
            "spec.job.podSecurityContext.seccompProfile: the Jobs' profile is RuntimeDefault; a"
                + " resource may only repeat it, or choose RuntimeDefault where none is set");
    assertThat(merge(ROOT, "{seccompProfile: {type: Unconfined}}").context().getSeccompProfile())
        .isEqualTo(ROOT.getSeccompProfile());
    assertThat(refused(NON_ROOT, "{seccompProfile: {type: Localhost, localhostProfile: any.json}}"))
        .contains("seccompProfile");
    assertThat(accepted(NON_ROOT, "{seccompProfile: {type: RuntimeDefault}}").getSeccompProfile())
        .isEqualTo(NON_ROOT.getSeccompProfile());
    // where the admin set none, RuntimeDefault tightens; Unconfined or a Localhost file may not
    PodSecurityContext none = psc("{runAsUser: 0}");
    assertThat(accepted(none, "{seccompProfile: {type: RuntimeDefault}}").getSeccompProfile())
        .isEqualTo(NON_ROOT.getSeccompProfile());
    assertThat(refused(none, "{seccompProfile: {type: Unconfined}}"))
        .contains("the node's default");
    assertThat(refused(none, "{seccompProfile: {type: Localhost, localhostProfile: p.json}}"))
        .contains("seccompProfile");
    PodSecurityContext localhost =
        psc("{seccompProfile: {type: Localhost, localhostProfile: strict.json}}");
    assertThat(refused(localhost, "{seccompProfile: {type: RuntimeDefault}}"))
        .contains("Localhost strict.json");
    assertThat(
            accepted(
                    localhost, "{seccompProfile: {type: Localhost, localhostProfile: strict.json}}")
                .getSeccompProfile())
        .isEqualTo(localhost.getSeccompProfile());
  }

  @Test
  void theAppArmorProfileFollowsTheSameRule() {
    PodSecurityContext admin = psc("{runAsUser: 0, appArmorProfile: {type: RuntimeDefault}}");
    assertThat(refused(admin, "{appArmorProfile: {type: Unconfined}}"))
        .startsWith("spec.job.podSecurityContext.appArmorProfile: ");
    assertThat(refused(ROOT, "{appArmorProfile: {type: Unconfined}}"))
        .startsWith("spec.job.podSecurityContext.appArmorProfile: ");
    assertThat(accepted(ROOT, "{appArmorProfile: {type: RuntimeDefault}}").getAppArmorProfile())
        .isNotNull();
  }

  @Test
  void seLinuxOptionsSysctlsAndWindowsOptionsOnlyAsTheAdminSetThem() {
    assertThat(refused(NON_ROOT, "{seLinuxOptions: {type: spc_t}}"))
        .startsWith("spec.job.podSecurityContext.seLinuxOptions: ");
    assertThat(refused(NON_ROOT, "{sysctls: [{name: kernel.msgmax, value: '65536'}]}"))
        .startsWith("spec.job.podSecurityContext.sysctls: kernel.msgmax");
    assertThat(refused(NON_ROOT, "{windowsOptions: {hostProcess: true}}"))
        .startsWith("spec.job.podSecurityContext.windowsOptions: ");
    PodSecurityContext admin =
        psc("{runAsUser: 0, seLinuxOptions: {level: 's0:c1,c2'}, sysctls: [{name: a, value: b}]}");
    PodSecurityContext m =
        accepted(admin, "{seLinuxOptions: {level: 's0:c1,c2'}, sysctls: [{name: a, value: b}]}");
    assertThat(m).isEqualTo(admin);
  }

  @Test
  void changePoliciesAreTheTenantsToChoose() {
    PodSecurityContext m =
        accepted(NON_ROOT, "{fsGroupChangePolicy: Always, seLinuxChangePolicy: MountOption}");
    assertThat(m.getFsGroupChangePolicy()).isEqualTo("Always");
    assertThat(m.getSeLinuxChangePolicy()).isEqualTo("MountOption");
  }

  @Test
  void aFieldThisCodeDoesNotKnowIsRefused() {
    assertThat(refused(NON_ROOT, "{runAsRoot: true}"))
        .isEqualTo(
            "spec.job.podSecurityContext.runAsRoot: a field this Arca version does not know, and"
                + " so cannot check");
  }

  @Test
  void whatWouldTakeTheJobsOutOfTheirPodSecurityStandardIsRefused() {
    // restricted: root, escalation to root's group, no seccomp profile
    assertThat(
            merge(
                    NON_ROOT,
                    "{runAsNonRoot: false, runAsUser: 0, runAsGroup: 0, supplementalGroups: [0],"
                        + " seccompProfile: {type: Unconfined}}")
                .refused())
        .hasSize(5);
    // baseline: unconfined, privileged SELinux type, unsafe sysctls, Windows host processes
    assertThat(
            merge(
                    ROOT,
                    "{seccompProfile: {type: Unconfined}, appArmorProfile: {type: Unconfined},"
                        + " seLinuxOptions: {type: spc_t}, sysctls: [{name: kernel.msgmax, value:"
                        + " '1'}], windowsOptions: {hostProcess: true}}")
                .refused())
        .hasSize(5);
  }

  @Test
  void everyRefusalIsReportedAndTheFirstNamesItsField() {
    SecurityContexts.Merged m =
        merge(NON_ROOT, "{runAsUser: 0, seccompProfile: {type: Unconfined}, runAsNonRoot: false}");
    assertThat(m.refused()).hasSize(3);
    assertThat(m.context()).isEqualTo(NON_ROOT);
  }

  @Test
  void theOperatorsSettingDecidesWhetherUsersAndGroupsMayBeChosen() {
    JobOverrides job = new JobOverrides();
    job.podSecurityContext = psc("{runAsUser: 1000}");
    OperatorConfig dflt = OperatorConfig.fromEnv(Map.of());
    assertThat(SecurityContexts.refusal(dflt, job)).isEmpty();
    assertThat(SecurityContexts.of(dflt, job).context().getRunAsUser()).isEqualTo(1000L);
    OperatorConfig fixed =
        OperatorConfig.fromEnv(Map.of("ARCA_JOB_OVERRIDE_USER_AND_GROUPS", "false"));
    assertThat(SecurityContexts.refusal(fixed, job)).isPresent();
    assertThat(SecurityContexts.refusal(fixed, null)).isEmpty();
  }
}
