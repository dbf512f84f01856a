package dev.arca.engine.export;

import com.github.luben.zstd.ZstdOutputStream;
import dev.arca.engine.ArcaException;
import dev.arca.engine.format.BlobIndex;
import dev.arca.engine.format.FileName;
import dev.arca.engine.format.Node;
import dev.arca.engine.fs.PathFilter;
import dev.arca.engine.repo.Repository;
import dev.arca.engine.repo.Snapshots;
import dev.arca.engine.repo.TreeWalk;
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
 * backed-up path, as in a restore. A path that is not valid UTF-8 is written byte for byte in a GNU
 * long-name record.
 */
public final class TarExport {
  private final Repository repo;
  private final BlobIndex index;
  private final PathFilter filter;
  private long files;
  private long dirs;
  private long links;
  private long bytes;
  private final List<String> refused = new ArrayList<>();

  private TarExport(Repository repo, BlobIndex index, PathFilter filter) {
    this.repo = repo;
    this.index = index;
    this.filter = filter;
  }

  /** One entry to write, in archive order. */
  private record Entry(String rel, Node node) {}

  /**
   * Writes the snapshot {@code o} selects to {@code out}; {@code warn} hears of damaged objects
   * that were passed over (unreadable snapshots, index objects).
   */
  public static ExportResult run(
      Repository repo, ExportOptions o, OutputStream out, java.util.function.Consumer<String> warn)
      throws IOException {
    long t0 = System.nanoTime();
    Snapshots.Ref snap = Snapshots.resolve(repo, o.snapshot(), o.before(), o.filter(), warn);
    TarExport ex =
        new TarExport(repo, repo.loadIndex(warn), new PathFilter(o.includes(), List.of()));
    List<Entry> entries = new ArrayList<>();
    ex.plan(snap, entries);
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
        snap.id(),
        ex.files,
        ex.dirs,
        ex.links,
        ex.bytes,
        List.copyOf(ex.refused),
        (System.nanoTime() - t0) / 1_000_000);
  }

  /** A tar writer that uses pax records for long names, big numbers and non-ASCII names. */
  static TarArchiveOutputStream newTar(OutputStream out) {
    TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    tar.setAddPaxHeadersForNonAsciiNames(true);
    return tar;
  }

  /**
   * Collects the selected entries depth-first, by restore's rules: an entry the name rules refuse
   * is left out and named (and, with it, anything below it); a folder is kept when it is selected
   * itself or something below it is. A folder whose listing cannot be read stops the export.
   */
  private void plan(Snapshots.Ref snap, List<Entry> out) throws IOException {
    TreeWalk.walk(
        repo,
        index,
        snap,
        new TreeWalk.Selector(filter) {
          @Override
          protected void addFolder(String rel, Node n) {
            out.add(new Entry(rel, n));
          }

          @Override
          protected void dropFolder() {
            out.remove(out.size() - 1);
          }

          @Override
          protected void addLeaf(String rel, Node n) {
            out.add(new Entry(rel, n));
          }

          @Override
          public void refused(String folder, String problem) {
            refused.add((folder.isEmpty() ? "/" : folder) + ": " + problem);
          }

          @Override
          public void unreadable(String folder, Exception e) {
            throw ArcaException.integrity(
                "cannot export: the listing of '"
                    + (folder.isEmpty() ? "/" : folder)
                    + "' is unreadable ("
                    + e.getMessage()
                    + ")");
          }
        });
  }

  private void write(TarArchiveOutputStream tar, Entry e) throws IOException {
    Node n = e.node();
    String name = e.rel();
    if (!FileName.isUtf8(name)) {
      name = longName(tar, FileName.encode(n.isDir() ? name + "/" : name), name);
    }
    TarArchiveEntry t;
    if (n.isDir()) {
      t = new TarArchiveEntry(name + "/");
      dirs++;
    } else if (n.isFile()) {
      t = new TarArchiveEntry(name);
      t.setSize(n.size());
    } else {
      t = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
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

  /**
   * Writes the exact bytes of a path that is not valid UTF-8 as a GNU long-name record, which GNU
   * tar and Python's tarfile apply to the next entry byte for byte (pax records hold UTF-8 text
   * only); returns the ASCII stand-in that entry's own header carries.
   */
  private static String longName(TarArchiveOutputStream tar, byte[] path, String rel)
      throws IOException {
    TarArchiveEntry record =
        new TarArchiveEntry(TarConstants.GNU_LONGLINK, TarConstants.LF_GNUTYPE_LONGNAME);
    record.setSize(path.length + 1L);
    record.setModTime(0); // a time with a fraction would add a pax record, applied to the entry
    tar.putArchiveEntry(record);
    tar.write(path);
    tar.write(0);
    tar.closeArchiveEntry();
    String last = FileName.display(rel.substring(rel.lastIndexOf('/') + 1));
    String ascii = last.replaceAll("[^\\x20-\\x7e]", "?");
    return ascii.substring(0, Math.min(ascii.length(), STAND_IN));
  }

  /**
   * The longest stand-in: the entry's own name shown in ASCII, one path component (so no reader
   * that ignores the long name writes outside its folder), short enough to need no pax record.
   */
  private static final int STAND_IN = 90;

  private static final FileExport.Wording EXPORTED =
      new FileExport.Wording(
          "exported content", "the export is incomplete", "the export is incomplete");

  private void writeContent(TarArchiveOutputStream tar, Entry e) throws IOException {
    bytes += FileExport.copy(repo, index, e.rel(), e.node(), tar, EXPORTED);
  }
}
