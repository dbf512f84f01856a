package dev.arca.cli;

import dev.arca.contract.Checkpoint;
import dev.arca.engine.ArcaException;
import dev.arca.engine.format.BlobIndex;
import dev.arca.engine.format.FileName;
import dev.arca.engine.format.Hex;
import dev.arca.engine.format.Node;
import dev.arca.engine.format.Snapshot;
import dev.arca.engine.repo.Repository;
import dev.arca.engine.repo.Snapshots;
import dev.arca.engine.repo.TreeWalk;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code arca ls}: lists a snapshot's entries with size and SHA-256. */
@Command(
    mixinStandardHelpOptions = true,
    name = "ls",
    description = {
      "List the entries of a snapshot (below PATH) with size and SHA-256. Folders the snapshot",
      "records as whole training checkpoints are marked [checkpoint, step N]."
    })
final class LsCommand implements Callable<Integer> {
  @Mixin RepoOptions repo;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "SNAPSHOT", description = "Id, id prefix or 'latest'.")
  String snapshot;

  @Parameters(index = "1", arity = "0..1", paramLabel = "PATH", description = "Folder or file.")
  String path;

  @Option(names = "--before", paramLabel = "TIME", description = "Newest snapshot at or before.")
  String before;

  @Mixin SnapshotFilterOptions among;

  @Option(
      names = "--checkpoints",
      description = {
        "List only the training checkpoints the snapshot records (below PATH), with their steps,",
        "from the snapshot itself: no folder listing is read."
      })
  boolean checkpointsOnly;

  @Override
  public Integer call() throws Exception {
    Repository r = repo.open();
    java.util.function.Consumer<String> warn =
        m -> spec.commandLine().getErr().println("warning: " + m);
    Snapshots.Ref ref = Snapshots.resolve(r, snapshot, before, among.filter(), warn);
    BlobIndex index = r.loadIndex(warn);
    String prefix = path == null ? "" : path.replaceAll("^/+", "").replaceAll("/+$", "");
    if (checkpointsOnly) {
      return listCheckpoints(ref, prefix);
    }
    List<Map<String, Object>> entries = new ArrayList<>();
    List<String> damage = new ArrayList<>();
    walk(r, index, ref, prefix, entries, damage);
    markCheckpoints(entries, ref.snapshot());
    if (!prefix.isEmpty() && entries.isEmpty() && damage.isEmpty()) {
      throw ArcaException.usage("no entry '" + path + "' in snapshot " + ref.id().substring(0, 12));
    }
    PrintWriter out = spec.commandLine().getOut();
    int code = damage.isEmpty() ? 0 : 3;
    for (String d : damage) {
      spec.commandLine().getErr().println("arca: not listed: " + d);
    }
    if (repo.json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("snapshotId", ref.id());
      m.put("entries", entries);
      m.put("damage", damage);
      Output.json(out, m);
      return code;
    }
    for (Map<String, Object> e : entries) {
      String type = (String) e.get("type");
      out.printf(
          "%-7s %14s  %-64s  %s%s%s%n",
          type,
          e.get("size") == null ? "" : e.get("size"),
          e.get("sha256") == null ? "" : e.get("sha256"),
          e.get("path"),
          e.get("target") == null ? "" : " -> " + e.get("target"),
          !e.containsKey("checkpoint")
              ? ""
              : e.get("step") == null
                  ? "  [checkpoint]"
                  : "  [checkpoint, step " + e.get("step") + "]");
    }
    return code;
  }

  /**
   * Lists the entries at and below {@code prefix}; what cannot be listed goes to {@code damage}.
   */
  private static void walk(
      Repository r,
      BlobIndex index,
      Snapshots.Ref snap,
      String prefix,
      List<Map<String, Object>> out,
      List<String> damage)
      throws java.io.IOException {
    TreeWalk.walk(
        r,
        index,
        snap,
        new TreeWalk.Visitor() {
          @Override
          public boolean enter(String p, Node n) {
            String shown = FileName.display(p); // what the user can type as PATH
            boolean inside =
                prefix.isEmpty() || shown.equals(prefix) || shown.startsWith(prefix + "/");
            boolean above = prefix.startsWith(shown + "/");
            if (inside) {
              out.add(entry(p, n));
            }
            return n.isDir() && (inside || above);
          }

          @Override
          public void refused(String folder, String problem) {
            damage.add((folder.isEmpty() ? "/" : FileName.display(folder)) + ": " + problem);
          }

          @Override
          public void unreadable(String folder, Exception e) {
            damage.add(
                (folder.isEmpty() ? "/" : FileName.display(folder))
                    + ": listing unreadable ("
                    + e.getMessage()
                    + ")");
          }
        });
  }

  /**
   * One entry as listed. A path that is not valid UTF-8 is shown with each such byte as {@code
   * \xNN}, and its exact bytes are given in hex as {@code pathHex}.
   */
  private static Map<String, Object> entry(String p, Node n) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("path", FileName.display(p));
    if (!FileName.isUtf8(p)) {
      m.put("pathHex", Hex.of(FileName.encode(p)));
    }
    m.put("type", n.type());
    m.put("mode", String.format("%04o", n.mode()));
    m.put("mtimeNs", n.mtimeNs());
    if (n.isFile()) {
      m.put("size", n.size());
      m.put("sha256", n.sha256());
    }
    if (n.isSymlink()) {
      m.put("target", n.target());
    }
    return m;
  }

  /** Marks the folders the snapshot records as checkpoints: {@code checkpoint}, {@code step}. */
  private static void markCheckpoints(List<Map<String, Object>> entries, Snapshot s) {
    Map<String, Checkpoint> held = new HashMap<>();
    SnapshotsCommand.checkpoints(s).forEach(c -> held.put(c.path(), c));
    for (Map<String, Object> e : entries) {
      Checkpoint c = held.get((String) e.get("path"));
      if (c != null && Node.DIR.equals(e.get("type"))) {
        e.put("checkpoint", true);
        if (c.step() != null) {
          e.put("step", c.step());
        }
      }
    }
  }

  /** {@code ls --checkpoints}: the checkpoints the snapshot records at or below {@code prefix}. */
  private int listCheckpoints(Snapshots.Ref ref, String prefix) {
    List<Checkpoint> held = new ArrayList<>();
    for (Checkpoint c : SnapshotsCommand.checkpoints(ref.snapshot())) {
      if (prefix.isEmpty() || c.path().equals(prefix) || c.path().startsWith(prefix + "/")) {
        held.add(c);
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    if (ref.snapshot().checkpoints() == null) {
      spec.commandLine()
          .getErr()
          .println(
              "arca: snapshot "
                  + ref.id().substring(0, 12)
                  + " records no checkpoints (its backup had no --checkpoints)");
    }
    if (repo.json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("snapshotId", ref.id());
      m.put("checkpoints", held);
      Output.json(out, m);
      return 0;
    }
    for (Checkpoint c : held) {
      out.printf("%20s  %s%n", c.step() == null ? "-" : c.step(), c.path());
    }
    return 0;
  }
}
