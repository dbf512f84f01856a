package dev.arca.cli;

import dev.arca.contract.RestoreReport;
import dev.arca.engine.export.FileExport;
import dev.arca.engine.format.BlobIndex;
import dev.arca.engine.format.Node;
import dev.arca.engine.repo.Repository;
import dev.arca.engine.repo.Snapshots;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** {@code arca restore --pipe}: files of a snapshot written into commands, one after another. */
final class Pipes {
  private Pipes() {}

  /**
   * What the pipes did.
   *
   * @param snapshotId the snapshot the files came from
   * @param piped each file, in the order given
   */
  record Result(String snapshotId, List<RestoreReport.PipedFile> piped) {}

  static Result run(
      Repository repo,
      SnapshotSelection sel,
      List<Shell.Spec> specs,
      Shell.Env env,
      PrintWriter err)
      throws IOException {
    java.util.function.Consumer<String> warn = m -> err.println("warning: " + m);
    Snapshots.Ref snap =
        Snapshots.resolve(repo, sel.snapshot, sel.before, sel.among.filter(), warn);
    BlobIndex index = repo.loadIndex(warn);
    // every path is found before any command starts: a typo fails before anything is piped
    List<Node> files = new ArrayList<>();
    for (Shell.Spec s : specs) {
      files.add(FileExport.find(repo, index, snap, s.path()));
    }
    List<RestoreReport.PipedFile> piped = new ArrayList<>();
    for (int i = 0; i < specs.size(); i++) {
      Shell.Spec s = specs.get(i);
      Node file = files.get(i);
      long[] size = new long[1];
      Shell.pipe(s, env, out -> size[0] = FileExport.write(repo, index, s.path(), file, out));
      err.printf(
          "piped %s (%s, sha256 %s) of snapshot %s into its command%n",
          s.path(), Output.bytes(size[0]), file.sha256(), snap.id().substring(0, 12));
      err.flush();
      piped.add(new RestoreReport.PipedFile(s.path(), size[0], file.sha256()));
    }
    return new Result(snap.id(), piped);
  }
}
