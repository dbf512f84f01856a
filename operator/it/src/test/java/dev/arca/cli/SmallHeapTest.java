package dev.arca.cli;

import dev.arca.engine.Fixtures;
import dev.arca.it.Arca;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher run with a 192 MiB heap (below the 256 MiB the README gives as the smallest for
 * large trees) backs up and restores model weights, a large content-chunked file and small files:
 * the backup's packs and chunks in flight shrink with the heap instead of running out of it (with
 * three 41 MiB pack buffers whatever the heap, this backup ran out of memory).
 */
class SmallHeapTest {
  @TempDir Path tmp;

  @Test
  void backupAndRestoreFitIn192MiBOfHeap() throws Exception {
    Path src = tmp.resolve("src");
    int[] tensors = new int[12];
    long[] seeds = new long[tensors.length];
    for (int i = 0; i < tensors.length; i++) {
      tensors[i] = 6 << 20; // 12 MiB each: split into pieces, byte-grouped
      seeds[i] = 100 + i;
    }
    Fixtures.safetensors(src.resolve("model/model.safetensors"), tensors, seeds);
    Fixtures.write(src.resolve("dumps/db.sql"), Fixtures.random(96 << 20, 7)); // cut by content
    for (int i = 0; i < 400; i++) {
      Fixtures.write(src.resolve("data/part-" + i + ".jsonl"), Fixtures.random(20_000, i));
    }
    Path pw = Fixtures.write(tmp.resolve("pw"), "small heap password\n");
    Map<String, String> env = Map.of("ARCA_JAVA_OPTS", "-Xmx192m");
    String repo = "file://" + tmp.resolve("repo");
    Path work = tmp.resolve("work");
    String[] auth = {"--repo", repo, "--password-file", pw.toString()};

    Arca.init(env, work, repo, pw).ok();
    Arca.run(env, work, Arca.args(new String[] {"backup", "--full", src.toString()}, auth)).ok();
    Path target = tmp.resolve("restored");
    Arca.run(
            env,
            work,
            Arca.args(new String[] {"restore", "latest", "--target", target.toString()}, auth))
        .ok();

    Fixtures.assertSameTree(src, target.resolve("src"));
  }
}
