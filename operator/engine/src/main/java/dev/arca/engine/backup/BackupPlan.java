package dev.arca.engine.backup;

import dev.arca.engine.ArcaException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one backup run will back up, checked before anything is read or written: the source folders
 * by absolute path and the names they take in the snapshot's root (unique), and the snapshot's
 * sources and tags, by which its parent is chosen.
 *
 * @param t0 when the run started ({@link System#nanoTime}), for its duration
 * @param started when the run started, as the snapshot records it
 * @param paths the source folders and files, absolute and normalised
 * @param names their names in the snapshot's root, in the same order
 * @param sources the snapshot's sources: folders by absolute path, streams as {@code stream:PATH}
 * @param tags the snapshot's tags, sorted
 */
record BackupPlan(
    long t0,
    String started,
    List<Path> paths,
    List<String> names,
    List<String> sources,
    Map<String, String> tags) {

  /** Checks the options' sources and plans the run; a usage error names what is wrong. */
  static BackupPlan of(BackupOptions opts) {
    long t0 = System.nanoTime();
    String started = opts.clock().instant().toString();
    List<Path> paths = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (Path p : opts.paths()) {
      Path abs = p.toAbsolutePath().normalize();
      String name = nameOf(abs);
      if (names.contains(name)) {
        throw ArcaException.usage(
            "two backup paths share the name '" + name + "'; back them up in separate snapshots");
      }
      paths.add(abs);
      names.add(name);
    }
    if (paths.isEmpty() && opts.streams().isEmpty()) {
      throw ArcaException.usage("nothing to back up: give at least one PATH or stream");
    }
    Streams.check(opts.streams(), names);
    List<String> sources = new ArrayList<>(paths.stream().map(Path::toString).toList());
    opts.streams().forEach(st -> sources.add("stream:" + st.path()));
    return new BackupPlan(t0, started, paths, names, sources, new TreeMap<>(opts.tags()));
  }

  /** The name a source takes in the snapshot's root; fails if it does not exist or is '/'. */
  private static String nameOf(Path abs) {
    if (!Files.exists(abs, LinkOption.NOFOLLOW_LINKS)) {
      throw ArcaException.usage("backup path " + abs + " does not exist");
    }
    if (abs.getFileName() == null) {
      throw ArcaException.usage("cannot back up '/' itself; give the folders below it");
    }
    return abs.getFileName().toString();
  }
}
