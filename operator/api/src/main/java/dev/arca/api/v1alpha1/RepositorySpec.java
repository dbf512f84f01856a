package dev.arca.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/** Where backups are stored and how to open them. */
@ValidationRule(
    value = "!(has(self.s3) || has(self.credentialsSecretRef)) || self.url.startsWith('s3://')",
    message = "s3 and credentialsSecretRef apply to s3:// repositories only")
@ValidationRule(
    value = "!has(self.gcs) || self.url.startsWith('gs://')",
    message = "gcs applies to gs:// repositories only")
@ValidationRule(
    value = "!has(self.azure) || self.url.startsWith('azblob://')",
    message = "azure applies to azblob:// repositories only")
@ValidationRule(
    value = "!has(self.azure) || !(has(self.azure.keySecretRef) && has(self.azure.sasSecretRef))",
    message = "give azure.keySecretRef or azure.sasSecretRef, not both")
public class RepositorySpec {
  /**
   * Repository URL as the arca CLI takes it: s3://bucket/prefix, gs://bucket/prefix (Google Cloud
   * Storage), azblob://account/container/prefix (Azure Blob Storage), or file:///path on a mounted
   * volume.
   */
  @JsonPropertyDescription(
      "Repository URL as the arca CLI takes it: s3://bucket/prefix, gs://bucket/prefix (Google Cloud Storage), azblob://account/container/prefix (Azure Blob Storage), or file:///path on a mounted volume.")
  @Required
  @Pattern(
      "^(s3://[^/]+(/.*)?|gs://[a-z0-9][a-z0-9._-]{1,220}[a-z0-9](/.*)?"
          + "|azblob://[a-z0-9]{3,24}/[a-z0-9][a-z0-9-]{1,61}[a-z0-9](/.*)?|file:///.+)$")
  public String url;

  /** S3 connection settings (s3:// repositories). */
  @JsonPropertyDescription("S3 connection settings (s3:// repositories).")
  public S3Spec s3;

  /** Google Cloud Storage settings and credentials (gs:// repositories). */
  @JsonPropertyDescription("Google Cloud Storage settings and credentials (gs:// repositories).")
  public GcsSpec gcs;

  /** Azure Blob Storage settings and credentials (azblob:// repositories). */
  @JsonPropertyDescription("Azure Blob Storage settings and credentials (azblob:// repositories).")
  public AzureSpec azure;

  /**
   * Secret with the S3 access keys (s3:// repositories); absent when the Job's service account has
   * pod identity.
   */
  @JsonPropertyDescription(
      "Secret with the S3 access keys (s3:// repositories); absent when the Job's service account has pod identity.")
  public CredentialsSecretRef credentialsSecretRef;

  /**
   * Key domain of the repository to work in: a repository with its own keys under domains/NAME/ of
   * the store, whose data is deduplicated within the domain only and which arca key destroy-domain
   * makes unreadable for good (crypto-shredding). The password opens this domain. Absent: the
   * repository at the URL's root, unless the operator's chart sets one domain per namespace
   * (keyDomains.perNamespace), which fills in the resource's namespace at creation.
   */
  @JsonPropertyDescription(
      "Key domain of the repository to work in: a repository with its own keys under domains/NAME/ of the store, whose data is deduplicated within the domain only and which arca key destroy-domain makes unreadable for good (crypto-shredding). The password opens this domain. Absent: the repository at the URL's root, unless the operator's chart sets one domain per namespace (keyDomains.perNamespace), which fills in the resource's namespace at creation.")
  @Pattern("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
  public String keyDomain;

  /** Secret key holding the repository password (key default: password). */
  @JsonPropertyDescription("Secret key holding the repository password (key default: password).")
  @Required
  public SecretKeyRef passwordSecretRef;

  /**
   * Whether a BackupPolicy's backup Job creates the repository: Never (default; create it once with
   * arca init, and a backup against a URL with no repository fails) or IfMissing (the backup Job
   * creates an encrypted repository with this password when the store lists none at the URL: no
   * config and no other repository objects; a wrong password, a damaged config or a store it cannot
   * read fail as usual and never create one). With IfMissing a typo in the URL or prefix creates a
   * new, empty repository instead of failing: the run's status.lastBackup .repositoryInitialized
   * and a RepositoryInitialized Event say when one was created. Prune and verify Jobs and
   * RestoreRequests never create one.
   */
  @JsonPropertyDescription(
      "Whether a BackupPolicy's backup Job creates the repository: Never (default; create it once with arca init, and a backup against a URL with no repository fails) or IfMissing (the backup Job creates an encrypted repository with this password when the store lists none at the URL: no config and no other repository objects; a wrong password, a damaged config or a store it cannot read fail as usual and never create one). With IfMissing a typo in the URL or prefix creates a new, empty repository instead of failing: the run's status.lastBackup.repositoryInitialized and a RepositoryInitialized Event say when one was created. Prune and verify Jobs and RestoreRequests never create one.")
  public Initialize initialize;

  /** When a backup Job may create the repository. */
  public enum Initialize {
    /** Never: the repository is created by hand with arca init. */
    Never,
    /** When the store lists no repository at the URL. */
    IfMissing
  }
}
