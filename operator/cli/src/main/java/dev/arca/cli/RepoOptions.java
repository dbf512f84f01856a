package dev.arca.cli;

import dev.arca.engine.ArcaException;
import dev.arca.engine.repo.KeyDomains;
import dev.arca.engine.repo.Repository;
import dev.arca.engine.storage.Storage;
import dev.arca.engine.storage.Storages;
import dev.arca.engine.storage.s3.S3Settings;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every repository command shares: where the repository is and how to open it. */
final class RepoOptions {
  @Option(
      names = "--repo",
      paramLabel = "URL",
      description =
          "Repository URL: file:///abs/path, s3://bucket/prefix, gs://bucket/prefix or"
              + " azblob://account/container/prefix (default: $ARCA_REPO).")
  String repo;

  @Option(
      names = "--s3-endpoint",
      paramLabel = "URL",
      description =
          "S3 server for non-AWS stores, e.g. https://minio.example:9000"
              + " (default: $AWS_ENDPOINT_URL_S3, $AWS_ENDPOINT_URL).")
  String s3Endpoint;

  @Option(
      names = "--s3-region",
      paramLabel = "REGION",
      description =
          "S3 signing region (default: $AWS_REGION, $AWS_DEFAULT_REGION; us-east-1 with an"
              + " endpoint).")
  String s3Region;

  @Option(
      names = "--s3-path-style",
      paramLabel = "BOOL",
      arity = "0..1",
      fallbackValue = "true",
      description =
          "Address buckets as ENDPOINT/BUCKET instead of BUCKET.ENDPOINT (default: true with"
              + " --s3-endpoint, false on AWS).")
  Boolean s3PathStyle;

  @Option(
      names = "--s3-ca-bundle",
      paramLabel = "FILE",
      description =
          "PEM file of certificate authorities to trust besides the system's (default:"
              + " $AWS_CA_BUNDLE).")
  Path s3CaBundle;

  @Option(
      names = "--s3-checksum",
      paramLabel = "MODE",
      description =
          "when-supported (default) or when-required: send CRC checksums only where the S3 API"
              + " requires them, for servers that reject them.")
  String s3Checksum;

  @Option(
      names = "--domain",
      paramLabel = "NAME",
      description =
          "Key domain of the repository to work in (default: $ARCA_DOMAIN; none: the"
              + " repository's root). Each domain has its own passwords and master key, and"
              + " deduplicates within itself only; arca key destroy-domain makes one unreadable.")
  String domain;

  @Option(
      names = "--password-file",
      paramLabel = "FILE",
      description =
          "Read the password from FILE (default: $ARCA_PASSWORD). One line; a line break at its"
              + " end is dropped, from the file and the variable alike.")
  Path passwordFile;

  @Option(names = "--json", description = "Print exactly one JSON object on stdout.")
  boolean json;

  @Option(
      names = "--progress-json",
      description =
          "Print progress as a JSON line on stderr every 5 seconds ({\"progress\":{...}}), for"
              + " the operator's Jobs.")
  boolean progressJson;

  String url() {
    String url = repo != null ? repo : System.getenv("ARCA_REPO");
    if (url == null || url.isBlank()) {
      throw ArcaException.usage("no repository: pass --repo URL or set ARCA_REPO");
    }
    return url;
  }

  /** The key domain from --domain or ARCA_DOMAIN, checked, or null: the repository's root. */
  String domain() {
    return KeyDomains.named(domain != null ? domain : System.getenv("ARCA_DOMAIN"));
  }

  /**
   * The store of the repository to work in: the key domain's part of the store when one is named
   * (which fails if that domain was destroyed), else the whole store.
   */
  Storage storage() {
    String d = domain();
    return d == null ? rootStorage() : KeyDomains.storage(rootStorage(), d);
  }

  /** The whole store at the URL, key domains included: opened once per URL. */
  Storage rootStorage() {
    String url = url();
    if (root == null || !url.equals(rootUrl)) {
      root =
          Storages.open(
              url,
              new S3Settings(
                  s3Endpoint, s3Region, s3PathStyle, s3CaBundle, s3Checksum, null, null, null));
      rootUrl = url;
    }
    return root;
  }

  private Storage root;
  private String rootUrl;

  /** The password from --password-file or ARCA_PASSWORD, or null if neither is set. */
  char[] password() {
    return secret(passwordFile, "--password-file", "ARCA_PASSWORD");
  }

  /**
   * The password from {@code file} if given, else from the variable {@code env}, else null; read by
   * {@link Passwords}' one rule.
   */
  static char[] secret(Path file, String flag, String env) {
    return file != null ? Passwords.fromFile(file, flag) : Passwords.fromEnv(env);
  }

  Repository open() {
    return opened(Repository.open(storage(), password()));
  }

  /**
   * {@code r}, once its key domain (if any) is checked again: a destruction between the check of
   * {@link #storage()} and the opening (or creation) of the repository fails the command.
   */
  Repository opened(Repository r) {
    KeyDomains.refuseIfDestroyed(r.storage());
    return r;
  }
}
