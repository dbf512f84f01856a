package dev.arca.cli;

import dev.arca.engine.ArcaException;
import dev.arca.engine.format.BlobIndex;
import dev.arca.engine.format.Node;
import dev.arca.engine.repo.Repository;
import dev.arca.engine.repo.Snapshots;
import java.io.PrintWriter;
import java.util.ArrayList;
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
    description = "List the entries of a snapshot (below PATH) with size and SHA-256.")
final class LsCommand implements Callable<Integer> {
  @Mixin RepoOptions repo;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "SNAPSHOT", description = "Id, id prefix or 'latest'.")
  String snapshot;

  @Parameters(index = "1", arity = "0..1", paramLabel = "PATH", description = "Folder or file.")
  String path;

  @Option(names = "--before", paramLabel = "TIME", description = "Newest snapshot at or before.")
  String before;

  @Override
  public Integer call() throws Exception {
    Repository r = repo.open();
    Snapshots.Ref ref = Snapshots.resolve(r, snapshot, before);
    BlobIndex index = r.loadIndex();
    String prefix = path == null ? "" : path.replaceAll("^/+", "").replaceAll("/+$", "");
    List<Map<String, Object>> entries = new ArrayList<>();
    walk(r, index, ref.snapshot().tree(), "", prefix, entries);
    if (!prefix.isEmpty() && entries.isEmpty()) {
      throw ArcaException.usage("no entry '" + path + "' in snapshot " + ref.id().substring(0, 12));
    }
    PrintWriter out = spec.commandLine().getOut();
    if (repo.json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("snapshotId", ref.id());
      m.put("entries", entries);
      Output.json(out, m);
      return 0;
    }
    for (Map<String, Object> e : entries) {
      String type = (String) e.get("type");
      out.printf(
          "%-7s %14s  %-64s  %s%s%n",
          type,
          e.get("size") == null ? "" : e.get("size"),
          e.get("sha256") == null ? "" : e.get("sha256"),
          e.get("path"),
          e.get("target") == null ? "" : " -> " + e.get("target"));
    }
    return 0;
  }

  private void walk(
      Repository r,
      BlobIndex index,
      String tree,
      String rel,
      String prefix,
      List<Map<String, Object>> out)
      throws Exception {
    for (Node n : r.readTree(index, tree).nodes()) {
      String p = rel.isEmpty() ? n.name() : rel + "/" + n.name();
      boolean inside = prefix.isEmpty() || p.equals(prefix) || p.startsWith(prefix + "/");
      boolean above = prefix.startsWith(p + "/");
      if (inside) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", p);
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
        out.add(m);
      }
      if (n.isDir() && n.subtree() != null && (inside || above)) {
        walk(r, index, n.subtree(), p, prefix, out);
      }
    }
  }
}
