package dev.arca.controller.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arca.api.v1alpha1.BackupPolicy;
import dev.arca.api.v1alpha1.BackupPolicySpec;
import dev.arca.controller.OperatorConfig;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MaintenanceJobsTest {
  final OperatorConfig cfg = OperatorConfig.fromEnv(Map.of());

  @Test
  void eachBackupGetsItsOwnForgetJobEvenWithinOneMinute() {
    BackupPolicy p = BackupJobsTest.policy();
    p.getSpec().retention = new BackupPolicySpec.RetentionSpec();
    p.getSpec().retention.keepLast = 1;
    Job afterFirst = MaintenanceJobs.forget(p, "models-backup-now-6b86b273ff", cfg);
    Job afterSecond = MaintenanceJobs.forget(p, "models-backup-now-d4735e3a26", cfg);
    Job again = MaintenanceJobs.forget(p, "models-backup-now-6b86b273ff", cfg);
    assertThat(afterFirst.getMetadata().getName())
        .isNotEqualTo(afterSecond.getMetadata().getName())
        .isEqualTo(again.getMetadata().getName())
        .startsWith(p.getMetadata().getName() + "-forget-");
    assertThat(afterFirst.getMetadata().getLabels()).containsEntry(Labels.RUN, "forget");
    assertThat(afterFirst.getMetadata().getName().length()).isLessThanOrEqualTo(63);
  }

  @Test
  void anObjectLockOfThePolicysBucketReachesEveryJobsEnvironment() {
    BackupPolicy p = BackupJobsTest.policy();
    p.getSpec().repository.s3 = new dev.arca.api.v1alpha1.S3Spec();
    p.getSpec().repository.s3.objectLock = new dev.arca.api.v1alpha1.S3Spec.ObjectLock();
    p.getSpec().repository.s3.objectLock.mode =
        dev.arca.api.v1alpha1.S3Spec.ObjectLock.Mode.COMPLIANCE;
    p.getSpec().repository.s3.objectLock.days = 400;
    p.getSpec().prune = new BackupPolicySpec.PruneSpec();
    var env =
        MaintenanceJobs.prune(p, java.time.Instant.parse("2026-12-07T03:00:00Z"), cfg)
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0)
            .getEnv();
    assertThat(env)
        .anySatisfy(
            e -> {
              assertThat(e.getName()).isEqualTo("ARCA_OBJECT_LOCK");
              assertThat(e.getValue()).isEqualTo("COMPLIANCE:400");
            });
  }
}
