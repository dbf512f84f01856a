package dev.arca.engine.restore;

import dev.arca.contract.RestoreReport;
import dev.arca.engine.ArcaException;
import dev.arca.engine.format.BlobIndex;
import dev.arca.engine.format.Node;
import dev.arca.engine.format.Shares;
import dev.arca.engine.fs.Metadata;
import dev.arca.engine.fs.PathFilter;
import dev.arca.engine.fs.RawPaths;
import dev.arca.engine.repo.Repository;
import dev.arca.engine.repo.Snapshots;
import dev.arca.engine.repo.TreeWalk;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One restore run: plans the selected entries of a snapshot, creates folders (removing from those
 * that existed the temporary files of an interrupted restore), restores files (several files and
 * several ranges of one file at once, each written under a temporary name and renamed once complete
 * and verified by SHA-256), then links, then folder metadata deepest first.
 */
public final class Restore {
  /** How many kept files a result names by path ({@link RestoreReport#keptPaths}). */
  public static final int KEPT_PATHS = 20;

  private final Repository repo;
  private final RestoreOptions opts;
  private final PathFilter filter;

  /** Which part of a restore in parts this run is; null for a whole restore. */
  private final RestoreShare share;

  /** What this run shares with what restores its files. */
  private final RestoreRun run;

  /** One selected entry: its snapshot path, node, and place on disk. */
  record Entry(String rel, Node node, Path path) {}

  private Restore(Repository repo, RestoreOptions opts, PathFilter filter, RestoreShare share) {
    this.repo = repo;
    this.opts = opts;
    this.filter = filter;
    this.share = share;
    this.run = new RestoreRun(repo, opts.progress());
  }

  /** Restores what {@code opts} selects. */
  public static RestoreReport run(Repository repo, RestoreOptions opts) throws IOException {
    return run(repo, opts, null);
  }

  /**
   * Restores {@code share}'s part of what {@code opts} selects ({@link RestoreShare}; null: all of
   * it).
   */
  public static RestoreReport run(Repository repo, RestoreOptions opts, RestoreShare share)
      throws IOException {
    long t0 = System.nanoTime();
    Snapshots.Ref snap =
        Snapshots.resolve(
            repo, opts.snapshot(), opts.before(), opts.filter(), m -> opts.progress().warn(m));
    Path target = target(opts);
    BlobIndex index = repo.loadIndex(m -> opts.progress().warn(m));
    return new Restore(repo, opts, new PathFilter(opts.includes(), List.of()), share)
        .run(snap, index, target, t0);
  }

  /**
   * Restores what {@code filter} selects of the snapshot {@code snap}, already chosen (its {@code
   * opts.snapshot()}, {@code before} and {@code includes} are not used), reading through {@code
   * index}; the duration counts from {@code t0} ({@link System#nanoTime}).
   */
  static RestoreReport run(
      Repository repo,
      RestoreOptions opts,
      Snapshots.Ref snap,
      BlobIndex index,
      PathFilter filter,
      long t0)
      throws IOException {
    return new Restore(repo, opts, filter, null).run(snap, index, target(opts), t0);
  }

  /** The target folder, absolute; a usage error when something other than a folder is there. */
  static Path target(RestoreOptions opts) {
    Path target = opts.target().toAbsolutePath().normalize();
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)
        && !Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
      throw ArcaException.usage("restore target " + target + " exists and is not a folder");
    }
    return target;
  }

  private RestoreReport run(Snapshots.Ref snap, BlobIndex index, Path target, long t0)
      throws IOException {
    if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      Files.createDirectories(target);
      run.created(target);
    } else if (!filesOnly()) {
      removeLeftovers(target);
    }

    List<Entry> dirs = new ArrayList<>();
    List<Entry> files = new ArrayList<>();
    List<Entry> links = new ArrayList<>();
    plan(index, snap, target, dirs, files, links);

    Set<Path> blocked = new HashSet<>();
    for (Entry d : dirs) {
      if (!ensureDir(d)) {
        blocked.add(d.path());
      }
    }
    if (files.stream().anyMatch(f -> f.node().size() >= 16 << 20)) {
      repo.warmUp(); // only worth its fraction of a second when large files are coming
    }
    FileRestorer restorer = new FileRestorer(run, index, opts.overwrite(), opts.threads());
    List<Entry> mine = share == null ? files : ofShare(files);
    List<Entry> toRestore = new ArrayList<>();
    for (Entry f : mine) {
      if (!underBlocked(f.path(), blocked)) {
        toRestore.add(f);
      }
    }
    FileRestorer.Totals totals = restorer.restoreAll(toRestore);
    if (filesOnly()) {
      return report(snap, mine.size(), totals, 0, 0, t0); // links and folders come last
    }
    long linkCount = 0;
    for (Entry l : links) {
      if (!underBlocked(l.path(), blocked) && restoreLink(l)) {
        linkCount++;
      }
    }
    for (int i = dirs.size() - 1; i >= 0; i--) {
      Entry d = dirs.get(i);
      if (!blocked.contains(d.path())) {
        try {
          Metadata.apply(d.path(), d.node());
        } catch (java.nio.file.FileSystemException e) {
          if (Metadata.isForeignMountPoint(d.path())) {
            // a volume's root (a PVC mounted for a non-root restore): its owner and mode are the
            // volume's (fsGroup), not this process's to set; the files below are restored
            opts.progress()
                .warn(
                    d.rel()
                        + ": kept the owner and mode of the volume mounted there ("
                        + e.getMessage()
                        + ")");
          } else {
            fail(d.rel(), "cannot set folder metadata: " + e, false);
          }
        } catch (IOException e) {
          fail(d.rel(), "cannot set folder metadata: " + e, false);
        }
      }
    }
    return report(snap, mine.size(), totals, dirs.size() - blocked.size(), linkCount, t0);
  }

  /** Whether this run is a part that restores files only. */
  private boolean filesOnly() {
    return share != null && !share.foldersOnly();
  }

  /** The files of this run's share: none for the folders run. */
  private List<Entry> ofShare(List<Entry> files) {
    if (share.foldersOnly()) {
      return List.of();
    }
    Map<String, Integer> large =
        Shares.deal(
            files.stream().map(f -> new Shares.File(f.rel(), f.node().size())).toList(),
            share.count(),
            new long[share.count()]);
    return files.stream()
        .filter(f -> Shares.owner(f.rel(), large, share.count()) == share.index())
        .toList();
  }

  private RestoreReport report(
      Snapshots.Ref snap,
      int fileCount,
      FileRestorer.Totals totals,
      long dirCount,
      long linkCount,
      long t0) {
    return RestoreReport.restored(
        snap.id(),
        fileCount,
        totals.written(),
        totals.unchanged(),
        totals.kept(),
        totals.keptPaths(),
        totals.bytes(),
        dirCount,
        linkCount,
        run.failures(),
        run.damaged(),
        (System.nanoTime() - t0) / 1_000_000);
  }

  /**
   * Collects the selected entries of a snapshot: folders, then files and links. Folders no include
   * can reach are not even listed (a partial restore reads little); a folder is kept when it is
   * selected itself or something below it is.
   */
  private void plan(
      BlobIndex index,
      Snapshots.Ref snap,
      Path target,
      List<Entry> dirs,
      List<Entry> files,
      List<Entry> links)
      throws IOException {
    TreeWalk.walk(
        repo,
        index,
        snap,
        new TreeWalk.Selector(filter) {
          @Override
          protected boolean accept(String rel, Node n) {
            try {
              RawPaths.relative(rel);
              return true;
            } catch (IllegalArgumentException e) { // InvalidPathException too
              fail(rel, "its name cannot be a file name here (" + e.getMessage() + ")", true);
              return false;
            }
          }

          @Override
          protected void addFolder(String rel, Node n) {
            dirs.add(new Entry(rel, n, target.resolve(RawPaths.relative(rel))));
          }

          @Override
          protected void dropFolder() {
            dirs.remove(dirs.size() - 1);
          }

          @Override
          protected void addLeaf(String rel, Node n) {
            (n.isFile() ? files : links)
                .add(new Entry(rel, n, target.resolve(RawPaths.relative(rel))));
          }

          @Override
          public void refused(String folder, String problem) {
            fail(folder.isEmpty() ? "/" : folder, problem, true);
          }

          @Override
          public void unreadable(String folder, Exception e) {
            fail(
                folder.isEmpty() ? "/" : folder,
                "folder listing unreadable: " + e.getMessage(),
                true);
          }
        });
  }

  private boolean ensureDir(Entry d) {
    Path p = d.path();
    try {
      if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
        if (!filesOnly()) { // a part leaves them: they may be another running part's
          removeLeftovers(p);
        }
        return true;
      }
      if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
        if (opts.overwrite() == RestoreOptions.Overwrite.NEVER) {
          fail(d.rel(), "exists and is not a folder (--overwrite never)", false);
          return false;
        }
        Files.delete(p);
      }
      Files.createDirectory(p);
      run.created(p);
      return true;
    } catch (java.nio.file.FileAlreadyExistsException e) {
      if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
        return true; // made meanwhile by another part of a restore in parts
      }
      fail(d.rel(), "cannot create folder: " + e, false);
      return false;
    } catch (IOException e) {
      fail(d.rel(), "cannot create folder: " + e, false);
      return false;
    }
  }

  /**
   * Removes what an interrupted restore left in a folder this one writes into: temporary files that
   * never took their final names. Folders this restore created hold none and are not listed.
   */
  private void removeLeftovers(Path dir) {
    TempFiles.removeLeftovers(dir, m -> opts.progress().warn(m));
  }

  private boolean restoreLink(Entry l) {
    Path p = l.path();
    try {
      if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
        if (Files.isSymbolicLink(p)
            && Files.readSymbolicLink(p).toString().equals(l.node().target())) {
          Metadata.apply(p, l.node());
          return true;
        }
        if (opts.overwrite() == RestoreOptions.Overwrite.NEVER
            || Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          fail(l.rel(), "exists and was left alone", false);
          return false;
        }
        Files.delete(p);
      }
      Files.createSymbolicLink(p, Path.of(l.node().target()));
      Metadata.apply(p, l.node());
      return true;
    } catch (IOException | RuntimeException e) {
      fail(l.rel(), "cannot create link: " + e, false);
      return false;
    }
  }

  private static boolean underBlocked(Path p, Set<Path> blocked) {
    for (Path q = p.getParent(); q != null; q = q.getParent()) {
      if (blocked.contains(q)) {
        return true;
      }
    }
    return false;
  }

  private void fail(String rel, String why, boolean integrity) {
    run.fail(rel, why, integrity);
  }
}
