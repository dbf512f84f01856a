package dev.arca.engine.export;

import com.github.luben.zstd.ZstdOutputStream;
import dev.arca.engine.ArcaException;
import dev.arca.engine.format.BlobIndex;
import dev.arca.engine.format.Node;
import dev.arca.engine.fs.PathFilter;
import dev.arca.engine.fs.SafeNames;
import dev.arca.engine.repo.Repository;
import dev.arca.engine.repo.Snapshots;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Writes a snapshot as a POSIX (pax) tar: long names, sizes over 8 GiB and nanosecond mtimes in pax
 * records; modes, owners, symlinks and empty folders kept. Paths start with the base name of each
 * backed-up path, as in a restore.
 */
public final class TarExport {
  private final Repository repo;
  private final BlobIndex index;
  private final PathFilter filter;
  private long files;
  private long dirs;
  private long links;
  private long bytes;

  private TarExport(Repository repo, BlobIndex index, PathFilter filter) {
    this.repo = repo;
    this.index = index;
    this.filter = filter;
  }

  /** One entry to write, in archive order. */
  private record Entry(String rel, Node node) {}

  public static ExportResult run(Repository repo, ExportOptions o, OutputStream out)
      throws IOException {
    long t0 = System.nanoTime();
    Snapshots.Ref snap = Snapshots.resolve(repo, o.snapshot(), o.before());
    TarExport ex = new TarExport(repo, repo.loadIndex(), new PathFilter(o.includes(), List.of()));
    List<Entry> entries = new ArrayList<>();
    ex.plan(snap.snapshot().tree(), "", entries);
    if (entries.isEmpty() && !o.includes().isEmpty()) {
      throw ArcaException.usage(
          "no path in snapshot " + snap.id() + " matches the --include globs");
    }
    OutputStream sink = out;
    ZstdOutputStream zstd = null;
    if (o.format() == ExportOptions.Format.TAR_ZST) {
      zstd = new ZstdOutputStream(out, 3);
      zstd.setWorkers(Math.max(1, Runtime.getRuntime().availableProcessors()));
      sink = zstd;
    }
    TarArchiveOutputStream tar = newTar(sink);
    for (Entry e : entries) {
      ex.write(tar, e);
    }
    tar.finish();
    if (zstd != null) {
      zstd.close(); // ends the zstd frame; also closes out
    } else {
      out.flush();
    }
    return new ExportResult(
        snap.id(), ex.files, ex.dirs, ex.links, ex.bytes, (System.nanoTime() - t0) / 1_000_000);
  }

  /** A tar writer that uses pax records for long names, big numbers and non-ASCII names. */
  static TarArchiveOutputStream newTar(OutputStream out) {
    TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    tar.setAddPaxHeadersForNonAsciiNames(true);
    return tar;
  }

  /** Collects selected entries depth-first; returns whether anything below was selected. */
  private boolean plan(String treeId, String rel, List<Entry> out) throws IOException {
    boolean any = false;
    for (Node n : repo.readTree(index, treeId).nodes()) {
      String problem = SafeNames.problem(n.name());
      if (problem != null) {
        throw ArcaException.integrity(
            "refusing unsafe entry in snapshot under '"
                + (rel.isEmpty() ? "/" : rel)
                + "': "
                + problem);
      }
      String childRel = rel.isEmpty() ? n.name() : rel + "/" + n.name();
      if (n.isDir()) {
        int mark = out.size();
        out.add(new Entry(childRel, n));
        boolean below = n.subtree() != null && plan(n.subtree(), childRel, out);
        if (!below && !filter.included(childRel)) {
          out.remove(mark);
        } else {
          any = true;
        }
      } else if (filter.included(childRel)) {
        out.add(new Entry(childRel, n));
        any = true;
      }
    }
    return any;
  }

  private void write(TarArchiveOutputStream tar, Entry e) throws IOException {
    Node n = e.node();
    TarArchiveEntry t;
    if (n.isDir()) {
      t = new TarArchiveEntry(e.rel() + "/");
      dirs++;
    } else if (n.isFile()) {
      t = new TarArchiveEntry(e.rel());
      t.setSize(n.size());
    } else {
      t = new TarArchiveEntry(e.rel(), TarConstants.LF_SYMLINK);
      t.setLinkName(n.target());
      links++;
    }
    t.setMode(n.mode() & 07777);
    t.setUserId(n.uid());
    t.setGroupId(n.gid());
    long ns = n.mtimeNs();
    t.setLastModifiedTime(
        FileTime.from(
            Instant.ofEpochSecond(
                Math.floorDiv(ns, 1_000_000_000L), Math.floorMod(ns, 1_000_000_000L))));
    tar.putArchiveEntry(t);
    if (n.isFile()) {
      writeContent(tar, e);
      files++;
    }
    tar.closeArchiveEntry();
  }

  private static final FileExport.Wording EXPORTED =
      new FileExport.Wording(
          "exported content", "the export is incomplete", "the export is incomplete");

  private void writeContent(TarArchiveOutputStream tar, Entry e) throws IOException {
    bytes += FileExport.copy(repo, index, e.rel(), e.node(), tar, EXPORTED);
  }
}
