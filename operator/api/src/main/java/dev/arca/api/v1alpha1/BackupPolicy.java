package dev.arca.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * What to back up (volumes, with include and exclude globs), where (a repository), when (a cron
 * schedule, with every Nth run a full one), how long to keep it (retention) and how to keep the
 * repository healthy (prune and verify schedules).
 */
@Group("arca.dev")
@Version("v1alpha1")
@ShortNames("abp")
@Categories("arca")
@AdditionalPrinterColumn(
    name = "Schedule",
    jsonPath = ".spec.schedule",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Suspend",
    jsonPath = ".spec.suspend",
    type = AdditionalPrinterColumn.Type.BOOLEAN)
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type=='Ready')].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Running",
    jsonPath = ".status.conditions[?(@.type=='Running')].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Parts",
    jsonPath = ".status.parts.done",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Last Backup",
    jsonPath = ".status.lastBackup.completionTime",
    type = AdditionalPrinterColumn.Type.DATE)
@AdditionalPrinterColumn(
    name = "Last Result",
    jsonPath = ".status.conditions[?(@.type=='LastBackupSucceeded')].reason",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Size",
    jsonPath = ".status.lastBackup.size",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Next",
    jsonPath = ".status.nextScheduleTime",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class BackupPolicy extends CustomResource<BackupPolicySpec, BackupPolicyStatus>
    implements Namespaced {
  private static final long serialVersionUID = 1L;

  /**
   * What to back up, where, when and how long to keep it. To start one backup now, off schedule,
   * give the annotation arca.dev/run-now a new value.
   */
  @Override
  @JsonPropertyDescription(SPEC)
  public BackupPolicySpec getSpec() {
    return super.getSpec();
  }

  /** What the operator observed and did. */
  @Override
  @JsonPropertyDescription(STATUS)
  public BackupPolicyStatus getStatus() {
    return super.getStatus();
  }

  static final String SPEC =
      "What to back up (PVCs, database dumps), where (a repository), when (a cron schedule),"
          + " how long to keep it (retention) and how to keep the repository healthy (prune,"
          + " verify). To start one backup now, off schedule, give the annotation"
          + " arca.dev/run-now a new value, for example: kubectl annotate --overwrite"
          + " backuppolicy/NAME arca.dev/run-now=\"$(date +%s)\". The request is answered in"
          + " status.lastRunNowRequest and status.lastRunNowResult; it is refused (not queued)"
          + " while the policy is suspended or not Ready. Deleting a policy keeps its snapshots"
          + " and their Snapshot objects.";

  static final String STATUS =
      "What the operator observed and did: conditions (Ready, Suspended, Running,"
          + " LastBackupSucceeded), the last backup, failure and verification, the active Job and"
          + " its progress, and the next scheduled time.";
}
