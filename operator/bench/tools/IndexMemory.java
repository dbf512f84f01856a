import dev.arca.engine.format.BlobIndex;
import dev.arca.engine.format.BlobType;
import java.util.Random;

/**
 * Measures the heap the in-memory blob index takes per chunk: fills a BlobIndex with N random
 * ids (32 blobs per pack, as 32 MiB packs of 1 MiB chunks give) and compares the heap after full
 * collections. Run from the checkout after a build:
 *
 * <pre>
 * java -Xmx2g -cp operator/engine/target/classes operator/bench/tools/IndexMemory.java 1000000
 * </pre>
 */
public class IndexMemory {
  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    Random random = new Random(1);
    long before = usedAfterGc();
    BlobIndex index = new BlobIndex();
    byte[] pack = new byte[32];
    for (int i = 0; i < n; i++) {
      if (i % 32 == 0) {
        pack = new byte[32];
        random.nextBytes(pack);
      }
      byte[] id = new byte[32];
      random.nextBytes(id);
      index.add(id, pack, (i % 32) * 1_000_000, 1_000_000, 1_048_576, BlobType.DATA, (byte) 1);
    }
    long bytes = usedAfterGc() - before;
    System.out.printf(
        "%,d blobs in %,d packs: %.1f bytes of heap per blob (%.1f MiB)%n",
        index.size(), (n + 31) / 32, (double) bytes / n, bytes / 1048576.0);
  }

  private static long usedAfterGc() {
    Runtime r = Runtime.getRuntime();
    for (int i = 0; i < 4; i++) {
      System.gc();
    }
    return r.totalMemory() - r.freeMemory();
  }
}
