package dev.arca.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arca.engine.repo.Repository;
import dev.arca.engine.storage.FileStorage;
import dev.arca.samples.ModelShape;
import dev.arca.samples.Safetensors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Test helpers: repositories with a cheap KDF, file trees, and tree comparison. */
public final class Fixtures {
  public static final char[] PASSWORD = "test password".toCharArray();

  private Fixtures() {}

  /** An encrypted repository in {@code dir} with a cheap key derivation (tests only). */
  public static Repository repo(Path dir) {
    return repo(new FileStorage(dir));
  }

  /** An encrypted repository in {@code storage} with a cheap key derivation (tests only). */
  public static Repository repo(dev.arca.engine.storage.Storage storage) {
    return Repository.init(storage, PASSWORD, Repository.InitOptions.defaults().withScryptN(1024));
  }

  /** A progress listener that keeps the warnings it hears in {@code warnings}. */
  public static Progress warningsTo(List<String> warnings) {
    return new Progress() {
      @Override
      public void warn(String message) {
        warnings.add(message);
      }
    };
  }

  /** A change made to a source while a backup reads it. */
  public interface Change {
    void run() throws IOException;
  }

  /**
   * A progress listener that makes {@code change} once, when the backup first counts bytes it has
   * read (so while it reads), and keeps the warnings it hears in {@code warnings}: a source that
   * changes under a backup.
   */
  public static Progress changingAtFirstBytes(Change change, List<String> warnings) {
    java.util.concurrent.atomic.AtomicBoolean done =
        new java.util.concurrent.atomic.AtomicBoolean();
    return new Progress() {
      @Override
      public void bytes(long n) {
        if (done.compareAndSet(false, true)) {
          try {
            change.run();
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }
      }

      @Override
      public void warn(String message) {
        warnings.add(message);
      }
    };
  }

  public static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new SplittableRandom(seed).nextBytes(b);
    return b;
  }

  public static Path write(Path p, byte[] content) throws IOException {
    Files.createDirectories(p.getParent());
    return Files.write(p, content);
  }

  public static Path write(Path p, String content) throws IOException {
    return write(p, content.getBytes(StandardCharsets.UTF_8));
  }

  public static String sha256(Path p) throws IOException {
    return dev.arca.engine.fs.FileHash.sha256(p);
  }

  /**
   * A sealed object's plaintext that is a decompression bomb: codec byte zstd, then a zstd frame
   * header that claims {@code size} bytes of content.
   */
  public static byte[] zstdBomb(long size) {
    java.nio.ByteBuffer b =
        java.nio.ByteBuffer.allocate(10).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 1); // codec: zstd
    b.putInt(0xFD2FB528); // zstd magic
    b.put((byte) 0xA0); // single segment, 4-byte content size
    b.putInt((int) size);
    return b.array();
  }

  /** Flips one bit of the byte at {@code offset} of {@code file} (a damaged disk or object). */
  public static void flipByte(Path file, long offset) throws IOException {
    try (java.nio.channels.FileChannel ch =
        java.nio.channels.FileChannel.open(
            file, java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.WRITE)) {
      java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1);
      ch.read(b, offset);
      b.put(0, (byte) (b.get(0) ^ 0x40)).rewind();
      ch.write(b, offset);
    }
  }

  /**
   * Where the first chunk of the file at {@code path} (names joined by '/') of a snapshot is
   * stored.
   */
  public static dev.arca.engine.format.BlobIndex.Location firstChunk(
      Repository repo, String snapshotId, String path) throws IOException {
    dev.arca.engine.format.BlobIndex index = repo.loadIndex();
    dev.arca.engine.format.Node node = node(repo, index, snapshotId, path);
    return index.get(dev.arca.engine.format.Hex.parse(node.chunks().get(0)));
  }

  /** Where each chunk of the file at {@code path} (names joined by '/') of a snapshot is stored. */
  public static List<dev.arca.engine.format.BlobIndex.Location> chunks(
      Repository repo, String snapshotId, String path) throws IOException {
    dev.arca.engine.format.BlobIndex index = repo.loadIndex();
    return node(repo, index, snapshotId, path).chunks().stream()
        .map(id -> index.get(dev.arca.engine.format.Hex.parse(id)))
        .toList();
  }

  /**
   * Where the tree blob of the folder at {@code path} (names joined by '/') of a snapshot is
   * stored.
   */
  public static dev.arca.engine.format.BlobIndex.Location folderTree(
      Repository repo, String snapshotId, String path) throws IOException {
    dev.arca.engine.format.BlobIndex index = repo.loadIndex();
    dev.arca.engine.format.Node node = node(repo, index, snapshotId, path);
    return index.get(dev.arca.engine.format.Hex.parse(node.subtree()));
  }

  /** The entry at {@code path} (names joined by '/') of a snapshot. */
  private static dev.arca.engine.format.Node node(
      Repository repo, dev.arca.engine.format.BlobIndex index, String snapshotId, String path)
      throws IOException {
    String tree =
        dev.arca.engine.repo.Snapshots.resolve(repo, snapshotId, null, w -> {}).snapshot().tree();
    dev.arca.engine.format.Node node = null;
    for (String name : path.split("/")) {
      node =
          repo.readTree(index, node == null ? tree : node.subtree()).nodes().stream()
              .filter(n -> n.name().equals(name))
              .findFirst()
              .orElseThrow(() -> new IOException(path + " is not in the snapshot"));
    }
    return node;
  }

  /** The bytes the file system allocated to {@code p} (holes take none), from {@code stat}. */
  public static long allocatedBytes(Path p) throws IOException, InterruptedException {
    Process proc = new ProcessBuilder("stat", "-c", "%b %B", p.toString()).start();
    String[] parts = new String(proc.getInputStream().readAllBytes()).trim().split(" ");
    if (proc.waitFor() != 0 || parts.length != 2) {
      throw new IOException("stat " + p + " failed");
    }
    return Long.parseLong(parts[0]) * Long.parseLong(parts[1]);
  }

  public static void setMtime(Path p, long epochSecond, int nanos) throws IOException {
    Files.setLastModifiedTime(p, FileTime.from(Instant.ofEpochSecond(epochSecond, nanos)));
  }

  /**
   * A safetensors file of BF16 tensors {@code t0, t1, ...} with the given element counts; tensor
   * {@code i} gets values from {@code seeds[i]} ({@link Safetensors}).
   */
  public static Path safetensors(Path p, int[] elements, long[] seeds) throws IOException {
    List<ModelShape.Tensor> tensors = new ArrayList<>();
    for (int i = 0; i < elements.length; i++) {
      tensors.add(new ModelShape.Tensor("t" + i, new long[] {elements[i]}, 0));
    }
    Safetensors.write(p, tensors, seeds, Safetensors.PT);
    return p;
  }

  /** Everything a user would compare after a restore: type, content hash, mode, mtime, target. */
  public static Map<String, String> describe(Path root) throws IOException {
    Map<String, String> out = new TreeMap<>();
    List<Path> all = new ArrayList<>();
    try (Stream<Path> s = Files.walk(root)) {
      s.forEach(all::add);
    }
    for (Path p : all) {
      String rel = exactName(root, p);
      if (rel.isEmpty()) {
        continue;
      }
      Map<String, Object> a = Files.readAttributes(p, "unix:*", LinkOption.NOFOLLOW_LINKS);
      int mode = (Integer) a.get("mode");
      String d;
      if (Files.isSymbolicLink(p)) {
        d = "link -> " + Files.readSymbolicLink(p);
      } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
        d = String.format("dir %04o mtime=%s", mode & 07777, a.get("lastModifiedTime"));
      } else if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
        continue; // FIFOs, sockets, devices: never backed up
      } else {
        d =
            String.format(
                "file %04o size=%d mtime=%s sha=%s",
                mode & 07777, Files.size(p), a.get("lastModifiedTime"), sha256(p));
      }
      out.put(rel, d);
    }
    return out;
  }

  public static void assertSameTree(Path expected, Path actual) throws IOException {
    Map<String, String> e = new LinkedHashMap<>(describe(expected));
    assertThat(describe(actual)).containsExactlyEntriesOf(e);
  }

  /**
   * {@code p} relative to {@code root} as text, followed by its exact bytes in hex when it is not
   * valid UTF-8: Java shows every such byte as U+FFFD, so two different names could look alike.
   */
  public static String exactName(Path root, Path p) {
    String rel = root.relativize(p).toString();
    if (rel.indexOf('\uFFFD') < 0) {
      return rel;
    }
    byte[] all = pathBytes(p);
    byte[] rootBytes = pathBytes(root);
    return rel
        + " ["
        + java.util.HexFormat.of().formatHex(all, rootBytes.length + 1, all.length)
        + "]";
  }

  /** The exact bytes of {@code p}'s absolute path, read from its URI (which escapes each byte). */
  public static byte[] pathBytes(Path p) {
    String raw = p.toAbsolutePath().toUri().getRawPath();
    if (raw.length() > 1 && raw.endsWith("/")) {
      raw = raw.substring(0, raw.length() - 1);
    }
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        out.write(Integer.parseInt(raw.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        out.write(c);
      }
    }
    return out.toByteArray();
  }

  /** {@code dir/name} for a name given as bytes, which need not be valid UTF-8. */
  public static Path rawName(Path dir, int... name) {
    StringBuilder uri = new StringBuilder("file://");
    for (byte b : pathBytes(dir)) {
      uri.append(b == '/' ? "/" : String.format("%%%02X", b & 0xff));
    }
    uri.append('/');
    for (int b : name) {
      uri.append(String.format("%%%02X", b & 0xff));
    }
    return Path.of(java.net.URI.create(uri.toString()));
  }

  /** Deletes everything below {@code root}, deepest first, without following links. */
  public static void delete(Path root) throws IOException {
    Files.walkFileTree(
        root,
        new java.nio.file.SimpleFileVisitor<>() {
          @Override
          public java.nio.file.FileVisitResult visitFile(
              Path file, java.nio.file.attribute.BasicFileAttributes attrs) throws IOException {
            Files.delete(file);
            return java.nio.file.FileVisitResult.CONTINUE;
          }

          @Override
          public java.nio.file.FileVisitResult postVisitDirectory(Path dir, IOException e)
              throws IOException {
            if (!dir.equals(root)) {
              Files.delete(dir);
            }
            return java.nio.file.FileVisitResult.CONTINUE;
          }
        });
  }
}
