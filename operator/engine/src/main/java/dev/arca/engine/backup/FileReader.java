package dev.arca.engine.backup;

import dev.arca.engine.chunk.GearChunker;
import dev.arca.engine.chunk.SafetensorsLayout;
import dev.arca.engine.crypto.ChunkIds;
import dev.arca.engine.format.BlobType;
import dev.arca.engine.format.FloatGrouping;
import dev.arca.engine.format.Hex;
import dev.arca.engine.format.RepoConfig;
import dev.arca.engine.format.Shares;
import dev.arca.engine.fs.SourceStat;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;

/**
 * Reads one file once: hashes the whole file (SHA-256) in order while cutting it into chunks, and
 * hands the chunks of large files to a worker pool so several pieces of one file are compressed and
 * sealed at once. Bytes in flight are bounded by a shared budget.
 */
final class FileReader {
  private static final int WINDOW = 16 << 20;
  private final ThreadLocal<byte[]> windows = ThreadLocal.withInitial(() -> new byte[WINDOW]);
  private final ThreadLocal<byte[]> small = ThreadLocal.withInitial(() -> new byte[64 << 10]);
  private static final long WARM_UP_SIZE = 16 << 20;

  private final ChunkSink sink;
  private final GearChunker chunker;
  private final RepoConfig.Chunker params;
  private final ExecutorService workers;
  private final Semaphore budget;
  private final dev.arca.engine.Progress progress;

  FileReader(
      ChunkSink sink,
      GearChunker chunker,
      RepoConfig.Chunker params,
      ExecutorService workers,
      int budgetBytes,
      dev.arca.engine.Progress progress) {
    this.sink = sink;
    this.chunker = chunker;
    this.params = params;
    this.workers = workers;
    this.budget = new Semaphore(Math.max(budgetBytes, 2 * WINDOW));
    this.progress = progress;
  }

  /** The content of a file as read: size, SHA-256 and chunk ids. */
  record Content(long size, String sha256, List<String> chunks) {}

  Content read(Path path, SourceStat stat) throws IOException {
    if (stat.size() >= WARM_UP_SIZE) {
      sink.warmUp(); // large files only: runs with nothing but small or unchanged files skip it
    }
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      MessageDigest sha = ChunkIds.sha256();
      List<CompletableFuture<byte[]>> ids = new ArrayList<>();
      long size;
      if (stat.size() <= chunker.minSize()) {
        size = readSmall(ch, stat.size(), sha, ids);
      } else {
        SafetensorsLayout.Layout layout = null;
        if (path.getFileName().toString().endsWith(".safetensors")) {
          layout =
              SafetensorsLayout.cuts(
                  ch, stat.size(), params.tensorPiece(), params.smallTensorGroup(), 8 << 20);
        }
        size = layout != null ? readCuts(ch, layout, sha, ids) : readCdc(ch, sha, ids);
      }
      return content(size, sha, ids);
    }
  }

  /**
   * One piece of a file cut into byte ranges, as read: where it starts, its length, SHA-256 and
   * chunk ids; for piece 0 also the whole file's SHA-256 and every piece's, in order (else null).
   */
  record PieceContent(
      long offset,
      long length,
      String sha256,
      List<String> chunks,
      String fileSha256,
      List<String> pieceSha256) {}

  /**
   * Reads piece {@code mine} of the file cut as {@code cut} (FORMAT.md, "Parts"): chunks its bytes
   * as one backup would (a safetensors file by its layout, whose chunk ends the pieces start at;
   * another by content from the piece's start) and, for piece 0, reads the rest of the file too for
   * the whole file's SHA-256 and each piece's.
   */
  PieceContent readPiece(Path path, SourceStat stat, List<Shares.Piece> cut, int mine)
      throws IOException {
    sink.warmUp();
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      SafetensorsLayout.Layout layout = null;
      if (path.getFileName().toString().endsWith(".safetensors")) {
        layout =
            SafetensorsLayout.cuts(
                ch, stat.size(), params.tensorPiece(), params.smallTensorGroup(), 8 << 20);
      }
      long[] starts = PieceRead.starts(cut, stat.size(), layout == null ? null : layout.ends());
      long from = starts[mine];
      MessageDigest sha = ChunkIds.sha256();
      MessageDigest whole = mine == 0 ? ChunkIds.sha256() : null;
      List<CompletableFuture<byte[]>> ids = new ArrayList<>();
      ch.position(from);
      ReadableByteChannel in = PieceRead.range(ch, starts[mine + 1] - from, whole);
      long length =
          layout != null
              ? readRange(in, layout, from, starts[mine + 1], sha, ids)
              : readCdc(in, sha, ids);
      Content c = content(length, sha, ids);
      if (whole == null) {
        return new PieceContent(from, length, c.sha256(), c.chunks(), null, null);
      }
      MessageDigest[] pieces = new MessageDigest[cut.size()];
      for (int i = 1; i < pieces.length; i++) {
        pieces[i] = ChunkIds.sha256();
      }
      if (length == starts[1]) {
        PieceRead.hashRest(ch, starts, whole, pieces, windows.get(), progress::bytes);
      }
      List<String> each = new ArrayList<>(List.of(c.sha256()));
      for (int i = 1; i < pieces.length; i++) {
        each.add(Hex.of(pieces[i].digest()));
      }
      return new PieceContent(0, length, c.sha256(), c.chunks(), Hex.of(whole.digest()), each);
    }
  }

  /** The chunks of a safetensors layout that lie in {@code [from, to)}, both chunk ends. */
  private long readRange(
      ReadableByteChannel ch,
      SafetensorsLayout.Layout layout,
      long from,
      long to,
      MessageDigest sha,
      List<CompletableFuture<byte[]>> ids)
      throws IOException {
    long pos = from;
    long[] ends = layout.ends();
    for (int i = 0; i < ends.length && pos < to; i++) {
      if (ends[i] <= from) {
        continue;
      }
      long end = Math.min(ends[i], to);
      int len = (int) (end - pos);
      byte[] buf = acquire(len);
      int n = fill(ch, buf, 0, len);
      sha.update(buf, 0, n);
      submit(buf, n, ids, n == len && end == ends[i] ? layout.kinds()[i] : FloatGrouping.NONE);
      pos += n;
      if (n < len) {
        break; // shrank while read
      }
    }
    return pos - from;
  }

  /** What was read, once every chunk is stored. */
  private static Content content(long size, MessageDigest sha, List<CompletableFuture<byte[]>> ids)
      throws IOException {
    List<String> chunks = new ArrayList<>(ids.size());
    for (CompletableFuture<byte[]> f : ids) {
      chunks.add(Hex.of(Futures.join(f)));
    }
    return new Content(size, Hex.of(sha.digest()), chunks);
  }

  private long readSmall(
      FileChannel ch, long expected, MessageDigest sha, List<CompletableFuture<byte[]>> ids)
      throws IOException {
    // stored (copied into a pack) before this returns, so one array per thread serves every file
    byte[] buf = small.get();
    int want = (int) Math.max(expected, 0) + 1;
    if (buf.length < want) {
      buf = new byte[want];
      small.set(buf);
    }
    int n = fill(ch, buf, 0, want);
    if (n == want) {
      // The file grew while we read it: take it through the large-file path from the start.
      ch.position(0);
      sha.reset();
      return readCdc(ch, sha, ids);
    }
    sha.update(buf, 0, n);
    if (n > 0) {
      ids.add(CompletableFuture.completedFuture(sink.store(BlobType.DATA, buf, 0, n)));
    }
    progress.bytes(n);
    return n;
  }

  private long readCuts(
      ReadableByteChannel ch,
      SafetensorsLayout.Layout layout,
      MessageDigest sha,
      List<CompletableFuture<byte[]>> ids)
      throws IOException {
    long pos = 0;
    long[] cuts = layout.ends();
    for (int i = 0; i < cuts.length; i++) {
      int len = (int) (cuts[i] - pos);
      byte[] buf = acquire(len);
      int n = fill(ch, buf, 0, len);
      sha.update(buf, 0, n);
      submit(buf, n, ids, n == len ? layout.kinds()[i] : FloatGrouping.NONE);
      pos += n;
      if (n < len) {
        return pos; // shrank while read: stop at its current end
      }
    }
    // Grew while read: chunk the rest by content.
    byte[] extra = new byte[chunker.maxSize()];
    int n;
    while ((n = fill(ch, extra, 0, extra.length)) > 0) {
      sha.update(extra, 0, n);
      byte[] copy = acquire(n);
      System.arraycopy(extra, 0, copy, 0, n);
      submit(copy, n, ids, FloatGrouping.NONE);
      pos += n;
    }
    return pos;
  }

  /**
   * The content of a file of {@code size} bytes named {@code fileName} that comes from {@code in}
   * rather than from a file system (a copy from another repository), chunked as {@link #read(Path,
   * SourceStat)} chunks such a file: the same bytes give the same chunks wherever they come from.
   * {@code head} reads {@code in}'s bytes by position, for a safetensors header; {@code in} is then
   * read from its start. Returns what {@code in} held, which the caller checks against what it
   * expected.
   */
  Content read(
      ReadableByteChannel in,
      dev.arca.engine.chunk.SafetensorsHeader.At head,
      long size,
      String fileName)
      throws IOException {
    if (size >= WARM_UP_SIZE) {
      sink.warmUp();
    }
    MessageDigest sha = ChunkIds.sha256();
    List<CompletableFuture<byte[]>> ids = new ArrayList<>();
    long n;
    if (size <= chunker.minSize()) {
      n = readCdc(in, sha, ids); // one chunk: nothing this short is cut
    } else {
      SafetensorsLayout.Layout layout = null;
      if (fileName.endsWith(".safetensors")) {
        layout =
            SafetensorsLayout.cuts(
                head, size, params.tensorPiece(), params.smallTensorGroup(), 8 << 20);
      }
      n = layout != null ? readCuts(in, layout, sha, ids) : readCdc(in, sha, ids);
    }
    return content(n, sha, ids);
  }

  /**
   * The content of a stream (a command's output), read to its end and cut by content, so that a
   * dump that changed in a few places shares most chunks with the previous one.
   */
  Content read(InputStream in) throws IOException {
    MessageDigest sha = ChunkIds.sha256();
    List<CompletableFuture<byte[]>> ids = new ArrayList<>();
    long size = readCdc(Channels.newChannel(in), sha, ids);
    return content(size, sha, ids);
  }

  private long readCdc(
      ReadableByteChannel ch, MessageDigest sha, List<CompletableFuture<byte[]>> ids)
      throws IOException {
    byte[] window = windows.get(); // one per reading thread, reused for every file
    int start = 0;
    int end = 0;
    long total = 0;
    boolean eof = false;
    while (true) {
      if (!eof && end - start < chunker.maxSize()) {
        System.arraycopy(window, start, window, 0, end - start);
        end -= start;
        start = 0;
        int n = fill(ch, window, end, window.length - end);
        sha.update(window, end, n);
        end += n;
        eof = end < window.length;
      }
      if (start == end) {
        return total;
      }
      int len = chunker.cut(window, start, end - start);
      byte[] buf = acquire(len);
      System.arraycopy(window, start, buf, 0, len);
      submit(buf, len, ids, FloatGrouping.NONE);
      start += len;
      total += len;
    }
  }

  private void submit(byte[] buf, int len, List<CompletableFuture<byte[]>> ids, byte kind) {
    CompletableFuture<byte[]> f = new CompletableFuture<>();
    workers.execute(
        () -> {
          try {
            f.complete(sink.store(BlobType.DATA, buf, 0, len, kind));
            progress.bytes(len);
          } catch (Throwable t) {
            f.completeExceptionally(t);
          } finally {
            sink.chunkBuffers().give(buf);
            budget.release(buf.length);
          }
        });
    ids.add(f);
  }

  /** A reused array of at least {@code len} bytes, once the budget has room for all of it. */
  private byte[] acquire(int len) throws IOException {
    byte[] b = sink.chunkBuffers().take(len);
    try {
      budget.acquire(b.length);
    } catch (InterruptedException e) {
      sink.chunkBuffers().give(b);
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    return b;
  }

  private static int fill(ReadableByteChannel ch, byte[] buf, int off, int len) throws IOException {
    return dev.arca.engine.fs.Io.read(ch, buf, off, len);
  }
}
