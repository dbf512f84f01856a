package dev.arca.cli;

import dev.arca.contract.RewriteReport;
import dev.arca.engine.backup.BackupOptions;
import dev.arca.engine.rewrite.ContentFilter;
import dev.arca.engine.rewrite.Rewrite;
import dev.arca.engine.rewrite.RewriteOptions;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code arca rewrite}: erases paths from snapshots, or filters a stored file in them. */
@Command(
    mixinStandardHelpOptions = true,
    name = "rewrite",
    header = "Erase paths from snapshots, or rewrite a stored dump through a filter.",
    description = {
      "Writes, for every chosen snapshot that holds a path an --exclude matches or the file",
      "a --stream-filter names, a new snapshot without those paths and with that file run",
      "through the filter (its stored bytes on the command's stdin, the new content from its",
      "stdout), then forgets the original, unless --keep-originals. Everything else keeps its",
      "data and restores as before.",
      "",
      "The blobs only the erased data needed are recorded in the repository (by id, never by",
      "path or pattern) for 'arca prune', which removes them, repacking the packs they share",
      "with data that stays, and reports them gone. Blobs that data which stays needs too",
      "(deduplication: the same bytes elsewhere) stay, and are named with where they stay.",
      "Delete the data at its source as well: the next backup stores again what it finds.",
      "",
      "A damaged snapshot is named and not rewritten (exit 3); a filter that fails changes",
      "nothing (exit 1)."
    })
final class RewriteCommand implements Callable<Integer> {
  @Mixin RepoOptions repo;
  @Mixin SnapshotFilterOptions among;
  @Mixin CommandEnv commandEnv;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--exclude",
      paramLabel = "GLOB",
      description =
          "Remove the paths this glob matches, as backup's --exclude takes it: a pattern with a"
              + " '/' matches the whole path in the snapshot (root name first), one without"
              + " matches a name at any depth (repeatable).")
  List<String> excludes = new ArrayList<>();

  @Option(
      names = "--stream-filter",
      paramLabel = "PATH=COMMAND",
      description =
          "Rewrite the file at PATH (for example a dump stored with --stream) through the shell"
              + " command COMMAND: its stored bytes on stdin, its new content from stdout; a"
              + " command that exits non-zero changes nothing (repeatable, one per path).")
  List<String> filters = new ArrayList<>();

  @Option(names = "--dry-run", description = "Only report what would change (runs no filter).")
  boolean dryRun;

  @Option(
      names = "--keep-originals",
      description =
          "Keep the original snapshots beside their rewrites: nothing is erased until they are"
              + " forgotten.")
  boolean keepOriginals;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description = "Chunk workers for filtered files (default: cores, at least 2).")
  int threads = BackupOptions.defaultThreads();

  @Parameters(
      paramLabel = "SNAPSHOT",
      arity = "0..*",
      description =
          "Snapshots to rewrite: ids, unique id prefixes or 'latest' (default: every snapshot"
              + " --host and --tag select).")
  List<String> snapshots = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    Shell.Env env = commandEnv.env(repo);
    List<ContentFilter> contentFilters = new ArrayList<>();
    for (String f : filters) {
      contentFilters.add(Shell.filter(Shell.Spec.parse("--stream-filter", f), env));
    }
    TerminalProgress progress =
        new TerminalProgress(spec.commandLine().getErr(), repo.json, repo.progressJson);
    RewriteOptions o =
        new RewriteOptions(
            snapshots,
            among.filter(),
            excludes,
            contentFilters,
            dryRun,
            keepOriginals,
            BackupOptions.defaultHost(),
            Math.max(1, threads),
            Clock.systemUTC(),
            progress,
            progress::warn);
    dev.arca.engine.repo.Repository opened = repo.open();
    if (dryRun) {
      return report(Rewrite.run(opened, o), progress);
    }
    return Audit.run(
        opened,
        "rewrite",
        spec.commandLine().getErr(),
        a -> {
          RewriteReport r = Rewrite.run(opened, o);
          // what was erased is not named: the record must not keep it (counts and ids only)
          for (RewriteReport.Rewritten s : r.snapshots()) {
            if (s.to() != null) {
              a.snapshot(s.from()).snapshot(s.to());
            }
          }
          a.count("rewritten", r.snapshots().stream().filter(s -> s.to() != null).count())
              .count("removedPaths", r.removed().size() + r.removedMore())
              .count("filteredFiles", r.filtered().size())
              .count("keptOriginals", r.keptOriginals() ? 1 : 0);
          if (r.erasure() != null) {
            a.message("erasure " + r.erasure().run());
            a.count("erasedBlobs", r.erasure().erasedBlobs());
          }
          return report(r, progress);
        });
  }

  private int report(RewriteReport r, TerminalProgress progress) {
    progress.finish();
    print(r);
    return r.ok() ? 0 : 3;
  }

  private void print(RewriteReport r) {
    PrintWriter out = spec.commandLine().getOut();
    if (repo.json) {
      Output.json(out, r);
      return;
    }
    String would = r.dryRun() ? "would rewrite" : "rewritten";
    int changed = 0;
    for (RewriteReport.Rewritten s : r.snapshots()) {
      String id = s.from().substring(0, 12);
      switch (s.outcome()) {
        case RewriteReport.REWRITTEN -> {
          changed++;
          out.printf(
              "%s %s%s  %s %s: %d files and %d folders removed, %d files filtered, %s less%n",
              would,
              id,
              s.to() == null ? "" : " -> " + s.to().substring(0, 12),
              s.time(),
              s.host(),
              s.removedFiles(),
              s.removedDirs(),
              s.filteredFiles(),
              Output.bytes(s.removedBytes()));
        }
        case RewriteReport.UNCHANGED -> out.printf("unchanged %s  %s %s%n", id, s.time(), s.host());
        default -> out.printf("DAMAGED   %s  not rewritten: %s%n", id, s.why());
      }
    }
    if (!r.removed().isEmpty()) {
      out.println(r.dryRun() ? "paths that would be removed:" : "paths removed:");
      r.removed().forEach(p -> out.println("  " + p));
      if (r.removedMore() > 0) {
        out.printf("  ... and %d more%n", r.removedMore());
      }
    }
    r.filtered().forEach(p -> out.println("filtered: " + p));
    r.unmatched().forEach(p -> out.println("matched nothing: " + p));
    r.unreadable().forEach((id, why) -> out.println("unreadable " + id + ": " + why));
    if (r.keptOriginals() && changed > 0 && !r.dryRun()) {
      out.println(
          "the originals were kept: nothing is erased until they are forgotten (arca forget ID)");
    }
    RewriteReport.Erasure e = r.erasure();
    if (e != null) {
      out.printf(
          "erasure %s: %d blobs only the erased data needed; 'arca prune' removes them and"
              + " reports them gone%n",
          e.run(), e.erasedBlobs());
      if (e.sharedBlobs() > 0) {
        out.printf(
            "%d blobs of the erased data stay: data that stays holds the same bytes, for"
                + " example:%n",
            e.sharedBlobs());
        e.shared().stream()
            .limit(20)
            .forEach(
                b ->
                    out.printf(
                        "  %s  in %s of snapshot %s%n",
                        b.blob().substring(0, 12),
                        b.path(),
                        b.snapshot() == null
                            ? "(a running backup)"
                            : b.snapshot().substring(0, 12)));
      }
    }
  }
}
