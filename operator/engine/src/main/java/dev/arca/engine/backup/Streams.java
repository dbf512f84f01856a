package dev.arca.engine.backup;

import dev.arca.engine.ArcaException;
import dev.arca.engine.Progress;
import dev.arca.engine.format.Node;
import dev.arca.engine.fs.Metadata;
import dev.arca.engine.fs.SafeNames;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The streams of a backup: checks their paths, reads each command's output to its end (failing the
 * backup if the command fails), and builds the folders that hold them in the snapshot's root.
 *
 * <p>A stream's file gets mode 0600 and its folders 0700 (dumps hold user data), the time the
 * backup started as mtime, and this process's owner.
 */
final class Streams {
  private Streams() {}

  /** Checks stream paths: relative, safe names, none twice, none inside another or a PATH. */
  static void check(List<StreamSource> streams, Collection<String> rootNames) {
    List<String> seen = new ArrayList<>();
    for (StreamSource s : streams) {
      String p = s.path();
      if (p == null || p.isEmpty() || p.startsWith("/") || p.endsWith("/")) {
        throw ArcaException.usage(
            "stream path '" + p + "' must be a relative file path such as db/app.sql");
      }
      for (String segment : p.split("/", -1)) {
        String problem = SafeNames.problem(segment);
        if (problem != null) {
          throw ArcaException.usage("stream path '" + p + "': " + problem);
        }
      }
      if (rootNames.contains(p.split("/")[0])) {
        throw ArcaException.usage(
            "stream path '"
                + p
                + "' starts with '"
                + p.split("/")[0]
                + "', the name of a backup PATH; put the stream under another folder");
      }
      for (String o : seen) {
        if (o.equals(p) || o.startsWith(p + "/") || p.startsWith(o + "/")) {
          throw ArcaException.usage("stream paths '" + o + "' and '" + p + "' collide");
        }
      }
      seen.add(p);
    }
  }

  /** Reads every stream in order; the file nodes by stream path. */
  static Map<String, Node> read(
      List<StreamSource> streams, FileReader reader, Counters counters, Progress progress)
      throws IOException {
    long now = Instant.now().toEpochMilli() * 1_000_000L;
    int[] ids = Metadata.processIds();
    Map<String, Node> out = new TreeMap<>();
    for (StreamSource s : streams) {
      FileReader.Content c;
      try (StreamSource.Running r = s.start()) {
        c = reader.read(r.output());
        r.finish();
      }
      String name = s.path().substring(s.path().lastIndexOf('/') + 1);
      out.put(
          s.path(),
          new Node(
              name,
              Node.FILE,
              0600,
              now,
              now,
              0,
              ids[0],
              ids[1],
              c.size(),
              c.sha256(),
              c.chunks(),
              null,
              null));
      counters.files.incrementAndGet();
      counters.bytes.addAndGet(c.size());
      progress.fileDone();
    }
    return out;
  }

  /**
   * The snapshot root's entries that hold the streams: files at the root, or folders (stored with
   * {@code storeTree}) down to them.
   */
  static List<Node> roots(
      Map<String, Node> files, Counters counters, Function<List<Node>, String> storeTree) {
    return level(files, counters, storeTree, Instant.now().toEpochMilli() * 1_000_000L);
  }

  private static List<Node> level(
      Map<String, Node> files,
      Counters counters,
      Function<List<Node>, String> storeTree,
      long now) {
    List<Node> out = new ArrayList<>();
    Map<String, Map<String, Node>> folders = new TreeMap<>();
    files.forEach(
        (path, node) -> {
          int slash = path.indexOf('/');
          if (slash < 0) {
            out.add(node);
          } else {
            folders
                .computeIfAbsent(path.substring(0, slash), k -> new TreeMap<>())
                .put(path.substring(slash + 1), node);
          }
        });
    int[] ids = Metadata.processIds();
    folders.forEach(
        (name, below) -> {
          counters.dirs.incrementAndGet();
          String tree = storeTree.apply(level(below, counters, storeTree, now));
          out.add(
              new Node(name, Node.DIR, 0700, now, now, 0, ids[0], ids[1], 0, null, null, null, null)
                  .withSubtree(tree));
        });
    return out;
  }
}
