package dev.arca.cli;

import dev.arca.contract.CopyReport;
import dev.arca.engine.ArcaException;
import dev.arca.engine.backup.BackupOptions;
import dev.arca.engine.copy.Copy;
import dev.arca.engine.copy.CopyOptions;
import dev.arca.engine.repo.KeyDomains;
import dev.arca.engine.repo.Repository;
import dev.arca.engine.storage.Storage;
import dev.arca.engine.storage.Storages;
import dev.arca.engine.storage.azure.AzureSettings;
import dev.arca.engine.storage.gcs.GcsSettings;
import dev.arca.engine.storage.s3.S3Settings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code arca copy}: copies snapshots into another repository, of any kind. */
@Command(
    mixinStandardHelpOptions = true,
    name = "copy",
    header = "Copy snapshots into another repository (another region, another provider).",
    description = {
      "Copies snapshots from the repository --from (or --repo) into the repository --to,",
      "oldest first. The target keeps its own keys and chunking: every file is read from",
      "the source, checked against the SHA-256 the source records, and stored as a backup",
      "of the same files into the target would store it, so only chunks the target lacks",
      "are sent. A snapshot the target already holds a copy of is skipped, so running the",
      "same copy again resumes it; a copy cut off midway sends again nothing that had",
      "arrived. Damage in the source fails that snapshot, named by path (exit 3).",
      "",
      "The target is opened with the environment in which each ARCA_TO_NAME replaces NAME:",
      "ARCA_TO_PASSWORD, ARCA_TO_AWS_ACCESS_KEY_ID, ARCA_TO_AWS_ENDPOINT_URL,",
      "ARCA_TO_AZURE_STORAGE_KEY, ARCA_TO_GOOGLE_APPLICATION_CREDENTIALS, ... A variable",
      "without an ARCA_TO_ form serves both sides, except that setting any credential of a",
      "group (AWS keys, Azure keys and identity, the Google key file, the password) for the",
      "target takes that whole group from ARCA_TO_ variables."
    })
final class CopyCommand implements Callable<Integer> {
  @Mixin RepoOptions repo;
  @Mixin SnapshotFilterOptions among;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--from",
      paramLabel = "URL",
      description = "The source repository (same as --repo; default: $ARCA_REPO).")
  String from;

  @Option(
      names = "--to",
      paramLabel = "URL",
      description = "The target repository (default: $ARCA_TO_REPO).")
  String to;

  @Option(
      names = "--to-domain",
      paramLabel = "NAME",
      description =
          "The key domain of the target repository to copy into (default: $ARCA_TO_DOMAIN; none: its root).")
  String toDomain;

  @Option(
      names = "--to-password-file",
      paramLabel = "FILE",
      description =
          "Read the target's password from FILE (default: $ARCA_TO_PASSWORD, then $ARCA_PASSWORD).")
  Path toPasswordFile;

  @Option(
      names = "--to-s3-path-style",
      paramLabel = "BOOL",
      arity = "0..1",
      fallbackValue = "true",
      description = "As --s3-path-style, for an s3:// target.")
  Boolean toS3PathStyle;

  @Option(
      names = "--init",
      description =
          "Create the target repository (encrypted, with the target's password) if it has none.")
  boolean init;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description =
          "Files read from the source at once, and chunk workers (default: cores, at least 2).")
  int threads = BackupOptions.defaultThreads();

  @Parameters(
      paramLabel = "SNAPSHOT",
      arity = "0..*",
      description =
          "Snapshots to copy: ids, unique id prefixes or 'latest' (default: every snapshot --host and --tag select).")
  List<String> snapshots = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    if (from != null) {
      repo.repo = from;
    }
    Map<String, String> env = TargetEnv.of(System.getenv());
    String toUrl = to != null ? to : System.getenv("ARCA_TO_REPO");
    if (toUrl == null || toUrl.isBlank()) {
      throw ArcaException.usage("no target repository: pass --to URL or set ARCA_TO_REPO");
    }
    Repository source = repo.open();
    Storage store =
        Storages.open(
            toUrl,
            new S3Settings(null, null, toS3PathStyle, null, null, null, null, null),
            GcsSettings.defaults(),
            AzureSettings.defaults(),
            env);
    String domain = KeyDomains.named(toDomain != null ? toDomain : env.get("ARCA_DOMAIN"));
    if (domain != null) {
      store = KeyDomains.storage(store, domain);
    }
    char[] password =
        toPasswordFile != null
            ? Passwords.fromFile(toPasswordFile, "--to-password-file")
            : env.get("ARCA_PASSWORD") == null
                ? null
                : Passwords.oneLine(env.get("ARCA_PASSWORD"), "$ARCA_TO_PASSWORD");
    Repository target = target(store, password);
    KeyDomains.refuseIfDestroyed(target.storage()); // destroyed while it was opened
    TerminalProgress progress =
        new TerminalProgress(spec.commandLine().getErr(), repo.json, repo.progressJson);
    CopyOptions opts =
        new CopyOptions(
            snapshots,
            among.filter(),
            Math.max(1, threads),
            BackupOptions.defaultHost(),
            Clock.systemUTC(),
            progress);
    CopyReport r = Copy.run(source, target, opts);
    progress.finish();
    print(r);
    return r.ok() ? 0 : 3;
  }

  /** The target repository: opened, or created with {@code --init} when it has none. */
  private Repository target(Storage store, char[] password) {
    if (init) {
      return Repository.openOrInit(store, password, Repository.InitOptions.defaults()).repository();
    }
    try {
      return Repository.open(store, password);
    } catch (ArcaException e) {
      if (e.kind() != ArcaException.Kind.NO_REPOSITORY) {
        throw e;
      }
      throw new ArcaException(
          e.kind(), "target: " + e.getMessage() + "; or pass --init to create it", e);
    }
  }

  private void print(CopyReport r) {
    PrintWriter out = spec.commandLine().getOut();
    if (repo.json) {
      Output.json(out, r);
      return;
    }
    int copied = 0;
    int present = 0;
    int failed = 0;
    for (CopyReport.Copied c : r.snapshots()) {
      String src = c.sourceId().substring(0, 12);
      switch (c.outcome()) {
        case CopyReport.COPIED -> {
          copied++;
          out.printf(
              "copied  %s -> %s  %s %s: read %d of %d files, %s new, %s stored%n",
              src,
              c.targetId().substring(0, 12),
              c.time(),
              c.host(),
              c.filesRead(),
              c.files(),
              Output.bytes(c.newBytes()),
              Output.bytes(c.storedBytes()));
        }
        case CopyReport.PRESENT -> {
          present++;
          out.printf("present %s  = %s (copied before)%n", src, c.targetId().substring(0, 12));
        }
        default -> {
          failed++;
          out.printf("FAILED  %s  the source is damaged:%n", src);
          c.damaged().forEach(d -> out.println("  " + d));
        }
      }
    }
    r.unreadable().forEach((id, why) -> out.println("unreadable " + id + ": " + why));
    out.printf(
        "%d copied, %d already in the target, %d failed, %d unreadable in the source%n",
        copied, present, failed, r.unreadable().size());
  }
}
