package dev.arca.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** Which repository a SnapshotCatalog lists, whose snapshots it imports, and how often. */
public class SnapshotCatalogSpec {
  /** The repository to list, with its credentials and password Secrets in this namespace. */
  @JsonPropertyDescription(
      "The repository to list, with its credentials and password Secrets in this namespace.")
  @Required
  public RepositorySpec repository;

  /**
   * Whose snapshots to import: the namespace of the BackupPolicies that wrote them (default: this
   * namespace) and, optionally, one policy. Another namespace's snapshots are for a cluster admin
   * to allow (the chart's restores.fromOtherNamespaces), as for a RestoreRequest's from.
   */
  @JsonPropertyDescription(
      "Whose snapshots to import: the namespace of the BackupPolicies that wrote them (default:"
          + " this namespace) and, optionally, one policy. Another namespace's snapshots are for a"
          + " cluster admin to allow (the chart's restores.fromOtherNamespaces), as for a"
          + " RestoreRequest's from.")
  public Owner from;

  /**
   * Import again on this schedule (a cron expression or @hourly-style macro, UTC); without it, the
   * catalog imports when created, when its spec changes and when the annotation arca.dev/run-now
   * gets a new value.
   */
  @JsonPropertyDescription(
      "Import again on this schedule (a cron expression or @hourly-style macro, UTC); without it,"
          + " the catalog imports when created, when its spec changes and when the annotation"
          + " arca.dev/run-now gets a new value.")
  public String schedule;

  /** Settings of the import Jobs. */
  @JsonPropertyDescription("Settings of the import Jobs.")
  public JobOverrides job;

  /** Who wrote the snapshots a catalog imports. */
  public static class Owner {
    /** Namespace of the BackupPolicies that wrote the snapshots. */
    @JsonPropertyDescription("Namespace of the BackupPolicies that wrote the snapshots.")
    @Required
    @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
    public String namespace;

    /** Name of the one BackupPolicy whose snapshots to import (default: every policy's). */
    @JsonPropertyDescription(
        "Name of the one BackupPolicy whose snapshots to import (default: every policy's).")
    @Pattern("^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$")
    public String policy;
  }
}
