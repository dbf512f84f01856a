package dev.arca.engine.backup;

import dev.arca.engine.DaemonThreads;
import dev.arca.engine.Progress;
import dev.arca.engine.chunk.SafetensorsHeader;
import dev.arca.engine.format.BlobIndex;
import dev.arca.engine.format.Hex;
import dev.arca.engine.format.Node;
import dev.arca.engine.repo.Repository;
import java.io.IOException;
import java.nio.channels.ReadableByteChannel;
import java.util.List;
import java.util.concurrent.ExecutorService;

/**
 * Stores file contents and folder listings that come from elsewhere than a file system (a copy from
 * another repository, a rewrite's filtered files) exactly as a backup stores what it reads: the
 * repository's own chunker, deduplication against its index, the same packs and the same write
 * order (packs, then the index of the new blobs; the caller writes what refers to them last). Each
 * pack is indexed as soon as it is stored, so a run killed midway is resumed without sending again
 * what it had stored. {@link #file} is thread-safe.
 */
public final class ContentWriter implements AutoCloseable {
  /** A file's content as stored: its size, SHA-256 (hex) and chunk ids (hex), in order. */
  public record Content(long size, String sha256, List<String> chunks) {}

  /**
   * What the run stored once {@link #finish}ed.
   *
   * @param newBytes plaintext bytes of the blobs the repository did not have
   * @param storedBytes bytes of the packs and index objects written
   */
  public record Stored(long newBytes, long storedBytes) {}

  private final Repository repo;
  private final BlobIndex index;
  private final ChunkSink sink;
  private final FileReader reader;
  private final ExecutorService workers;

  private ContentWriter(Repository repo, BlobIndex index, int threads, Progress progress) {
    this.repo = repo;
    this.index = index;
    int budget = BackupOptions.defaultMemoryBudget(Runtime.getRuntime().maxMemory(), threads);
    this.sink = new ChunkSink(repo, index, budget);
    sink.indexEachPack();
    this.workers = DaemonThreads.pool(threads, "arca-chunks");
    this.reader =
        new FileReader(sink, repo.chunker(), repo.config().chunker(), workers, budget, progress);
  }

  /**
   * A writer into {@code repo} that deduplicates against {@code index} (the repository's index for
   * writing, {@link Repository#loadIndexForWriting}), which it extends with what it stores.
   *
   * @param threads workers that compress and seal chunks
   */
  public static ContentWriter open(
      Repository repo, BlobIndex index, int threads, Progress progress) {
    return new ContentWriter(repo, index, threads, progress);
  }

  /**
   * Stores the content of a file named {@code fileName} that {@code in} holds ({@code size} bytes
   * expected), chunked as a backup chunks such a file; {@code head} reads the same bytes by
   * position for a safetensors header. Returns what {@code in} held.
   */
  public Content file(ReadableByteChannel in, SafetensorsHeader.At head, long size, String fileName)
      throws IOException {
    FileReader.Content c = reader.read(in, head, size, fileName);
    return new Content(c.size(), c.sha256(), c.chunks());
  }

  /**
   * Stores what {@code in} holds, read to its end and cut by content as a backup cuts a stream's (a
   * dump that changed in a few places shares most chunks with the one before).
   */
  public Content stream(java.io.InputStream in) throws IOException {
    FileReader.Content c = reader.read(in);
    return new Content(c.size(), c.sha256(), c.chunks());
  }

  /** Whether the repository holds every one of {@code chunks} (hex ids) outside marked packs. */
  public boolean holds(List<String> chunks) {
    for (String id : chunks) {
      if (!Hex.isId(id) || !index.contains(Hex.parse(id))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Stores the listing of the folder {@code rel} as a tree blob, entries sorted by name, and
   * returns its id; a listing larger than the format allows fails, naming the folder.
   */
  public String tree(List<Node> nodes, String rel) {
    return Walker.storeTree(sink, nodes, rel);
  }

  /**
   * Stores the last packs, then one index of every blob the run stored, then deletes the per-pack
   * index objects that index replaces.
   */
  public Stored finish() throws IOException {
    sink.flush();
    long indexBytes = 0;
    for (String key : repo.saveIndexes(sink.newBlobs())) {
      indexBytes += repo.storage().size(key);
    }
    sink.mergePackIndexes();
    return new Stored(sink.newBytes.get(), sink.storedBytes.get() + indexBytes);
  }

  @Override
  public void close() {
    sink.close();
    workers.shutdownNow();
  }
}
