package dev.arca.controller.jobs;

import dev.arca.api.v1alpha1.AzureSpec;
import dev.arca.api.v1alpha1.CredentialsSecretRef;
import dev.arca.api.v1alpha1.GcsSpec;
import dev.arca.api.v1alpha1.RepositorySpec;
import dev.arca.api.v1alpha1.S3Spec;
import dev.arca.api.v1alpha1.SecretKeyRef;
import dev.arca.contract.TargetVariables;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How a Job reaches a repository: environment variables for the arca CLI, the AWS SDK and Google's
 * client, with every secret as a {@code secretKeyRef} (the operator never reads a secret's value),
 * and the CA bundle and the GCS service-account key, if any, as files mounted from their Secrets.
 */
public final class RepositoryAccess {
  static final String CA_FILE = "ca.crt";
  static final String GCS_KEY_FILE = "key.json";

  /**
   * Which repository of a Job: the one it works on, or a copy's target, whose variables take their
   * {@link TargetVariables} forms and whose files are mounted apart.
   */
  public enum Side {
    REPOSITORY("arca-", "/etc/arca/"),
    COPY_TARGET("arca-to-", "/etc/arca/to/");

    private final String volumePrefix;
    private final String dirPrefix;

    Side(String volumePrefix, String dirPrefix) {
      this.volumePrefix = volumePrefix;
      this.dirPrefix = dirPrefix;
    }

    String variable(String name) {
      return this == REPOSITORY ? name : TargetVariables.of(name);
    }

    String volume(String name) {
      return volumePrefix + name;
    }

    String dir(String name) {
      return dirPrefix + name;
    }
  }

  private RepositoryAccess() {}

  /**
   * A copy target's repository as its Jobs reach it: in the policy's key domain when it names none,
   * so that a tenant's copies are in its domain too and destroying that domain in both stores
   * covers them.
   */
  public static RepositorySpec copyTarget(RepositorySpec policy, RepositorySpec target) {
    if (target.keyDomain != null || policy == null || policy.keyDomain == null) {
      return target;
    }
    RepositorySpec r = COPIER.convertValue(target, RepositorySpec.class);
    r.keyDomain = policy.keyDomain;
    return r;
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper COPIER =
      new com.fasterxml.jackson.databind.ObjectMapper();

  public static List<EnvVar> env(RepositorySpec repo) {
    return env(repo, Side.REPOSITORY);
  }

  /** The variables through which a Job reaches {@code repo} as {@code side}. */
  public static List<EnvVar> env(RepositorySpec repo, Side side) {
    List<EnvVar> env = new ArrayList<>();
    env.add(plain("ARCA_REPO", repo.url));
    if (repo.keyDomain != null && !repo.keyDomain.isBlank()) {
      env.add(plain("ARCA_DOMAIN", repo.keyDomain));
    }
    env.add(
        secret(
            "ARCA_PASSWORD",
            repo.passwordSecretRef.name,
            keyOr(repo.passwordSecretRef.key, "password")));
    CredentialsSecretRef c = repo.credentialsSecretRef;
    if (c != null) {
      env.add(secret("AWS_ACCESS_KEY_ID", c.name, keyOr(c.accessKeyIdKey, "AWS_ACCESS_KEY_ID")));
      env.add(
          secret(
              "AWS_SECRET_ACCESS_KEY",
              c.name,
              keyOr(c.secretAccessKeyKey, "AWS_SECRET_ACCESS_KEY")));
      if (c.sessionTokenKey != null) {
        env.add(secret("AWS_SESSION_TOKEN", c.name, c.sessionTokenKey));
      }
    }
    S3Spec s3 = repo.s3;
    if (s3 != null) {
      if (s3.endpoint != null) {
        env.add(plain("AWS_ENDPOINT_URL", s3.endpoint));
      }
      if (s3.region != null) {
        env.add(plain("AWS_REGION", s3.region));
      }
      if (s3.caSecretRef != null) {
        env.add(plain("AWS_CA_BUNDLE", side.dir("ca") + "/" + CA_FILE));
      }
      if (s3.checksum == S3Spec.Checksum.WhenRequired) {
        env.add(plain("AWS_REQUEST_CHECKSUM_CALCULATION", "WHEN_REQUIRED"));
      }
      if (s3.objectLock != null) {
        env.add(plain("ARCA_OBJECT_LOCK", s3.objectLock.mode + ":" + s3.objectLock.days));
      }
    }
    GcsSpec gcs = repo.gcs;
    if (gcs != null) {
      if (gcs.endpoint != null) {
        env.add(plain("STORAGE_EMULATOR_HOST", gcs.endpoint));
      }
      if (gcs.keySecretRef != null) {
        env.add(plain("GOOGLE_APPLICATION_CREDENTIALS", side.dir("gcs") + "/" + GCS_KEY_FILE));
      }
    }
    AzureSpec azure = repo.azure;
    if (azure != null) {
      if (azure.endpoint != null) {
        env.add(plain("ARCA_AZURE_ENDPOINT", azure.endpoint));
      }
      if (azure.keySecretRef != null) {
        env.add(
            secret(
                "AZURE_STORAGE_KEY",
                azure.keySecretRef.name,
                keyOr(azure.keySecretRef.key, "AZURE_STORAGE_KEY")));
      }
      if (azure.sasSecretRef != null) {
        env.add(
            secret(
                "AZURE_STORAGE_SAS_TOKEN",
                azure.sasSecretRef.name,
                keyOr(azure.sasSecretRef.key, "AZURE_STORAGE_SAS_TOKEN")));
      }
    }
    if (side == Side.REPOSITORY) {
      return env;
    }
    List<EnvVar> renamed = new ArrayList<>();
    for (EnvVar e : env) {
      renamed.add(new EnvVarBuilder(e).withName(side.variable(e.getName())).build());
    }
    return renamed;
  }

  /**
   * Labels the Job's pod needs for the repository: AKS workload identity's {@code
   * azure.workload.identity/use=true} on an azblob:// repository without a key or SAS Secret (its
   * webhook then gives the pod the service account's federated token; without the webhook the label
   * does nothing).
   */
  public static Map<String, String> podLabels(RepositorySpec repo) {
    boolean secretless =
        repo.azure == null || (repo.azure.keySecretRef == null && repo.azure.sasSecretRef == null);
    if (repo.url != null && repo.url.startsWith("azblob://") && secretless) {
      return Map.of("azure.workload.identity/use", "true");
    }
    return Map.of();
  }

  /** Extra CLI arguments the repository needs (path style has no environment variable). */
  public static List<String> args(RepositorySpec repo) {
    if (repo.s3 != null && repo.s3.pathStyle != null) {
      return List.of("--s3-path-style=" + repo.s3.pathStyle);
    }
    return List.of();
  }

  /** The volumes of the CA bundle and the GCS key, when the repository has them. */
  public static List<Volume> volumes(RepositorySpec repo) {
    return volumes(repo, Side.REPOSITORY);
  }

  /** As {@link #volumes(RepositorySpec)}, for {@code repo} as {@code side}. */
  public static List<Volume> volumes(RepositorySpec repo, Side side) {
    List<Volume> out = new ArrayList<>();
    if (repo.s3 != null && repo.s3.caSecretRef != null) {
      out.add(secretFile(side.volume("ca"), repo.s3.caSecretRef, CA_FILE));
    }
    if (repo.gcs != null && repo.gcs.keySecretRef != null) {
      out.add(secretFile(side.volume("gcs-key"), repo.gcs.keySecretRef, GCS_KEY_FILE));
    }
    return out;
  }

  public static List<VolumeMount> mounts(RepositorySpec repo) {
    return mounts(repo, Side.REPOSITORY);
  }

  /** As {@link #mounts(RepositorySpec)}, for {@code repo} as {@code side}. */
  public static List<VolumeMount> mounts(RepositorySpec repo, Side side) {
    List<VolumeMount> out = new ArrayList<>();
    if (repo.s3 != null && repo.s3.caSecretRef != null) {
      out.add(readOnly(side.volume("ca"), side.dir("ca")));
    }
    if (repo.gcs != null && repo.gcs.keySecretRef != null) {
      out.add(readOnly(side.volume("gcs-key"), side.dir("gcs")));
    }
    return out;
  }

  /**
   * A volume with one key of a Secret as the file {@code file} (the Secret volume's default mode:
   * the Job's container may run as any user).
   */
  private static Volume secretFile(String volume, SecretKeyRef ref, String file) {
    return new VolumeBuilder()
        .withName(volume)
        .withNewSecret()
        .withSecretName(ref.name)
        .addNewItem()
        .withKey(keyOr(ref.key, file))
        .withPath(file)
        .endItem()
        .endSecret()
        .build();
  }

  private static VolumeMount readOnly(String volume, String path) {
    return new VolumeMountBuilder().withName(volume).withMountPath(path).withReadOnly(true).build();
  }

  private static String keyOr(String key, String fallback) {
    return key == null || key.isBlank() ? fallback : key;
  }

  private static EnvVar plain(String name, String value) {
    return new EnvVarBuilder().withName(name).withValue(value).build();
  }

  private static EnvVar secret(String name, String secret, String key) {
    return new EnvVarBuilder()
        .withName(name)
        .withNewValueFrom()
        .withNewSecretKeyRef()
        .withName(secret)
        .withKey(key)
        .withOptional(false)
        .endSecretKeyRef()
        .endValueFrom()
        .build();
  }
}
