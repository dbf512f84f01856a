package dev.arca.engine.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arca.engine.Fixtures;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The warm-up before a backup never fails it and leaves no thread behind once closed. */
class SourceWarmUpTest {
  @TempDir Path tmp;

  @Test
  void passesOverMissingRootsAndFilesAndStopsAtClose() throws Exception {
    Path tree = tmp.resolve("tree");
    for (int i = 0; i < 300; i++) {
      Fixtures.write(tree.resolve("d" + i + "/e/f.txt"), "file " + i);
    }
    Path file = Fixtures.write(tmp.resolve("one.txt"), "a file as a source");
    SourceWarmUp w = SourceWarmUp.start(List.of(tmp.resolve("missing"), file, tree));
    w.close(); // in the middle of the tree, most likely
    assertThat(w.awaitStopped(5_000)).as("every warm-up thread ended").isTrue();
  }
}
