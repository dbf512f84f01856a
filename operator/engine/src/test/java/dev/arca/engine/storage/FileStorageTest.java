package dev.arca.engine.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arca.engine.ArcaException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileStorageTest extends StorageContract {
  @TempDir Path dir;

  @Override
  protected Storage newStorage() {
    return new FileStorage(dir.resolve("repo"));
  }

  @Test
  void leavesNoTemporaryFilesBehind() throws Exception {
    FileStorage s = new FileStorage(dir.resolve("repo"));
    s.create("data/00/x", new byte[100]);
    try (var files = Files.list(dir.resolve("repo/tmp"))) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void leftoversOfKilledWritersAreRemovedOnceOldEnough() throws Exception {
    FileStorage s = new FileStorage(dir.resolve("repo"));
    s.create("data/00/x", new byte[10]);
    Path old = Files.writeString(dir.resolve("repo/tmp/dead.tmp"), "half a pack");
    Files.setLastModifiedTime(
        old, java.nio.file.attribute.FileTime.from(java.time.Instant.now().minusSeconds(7200)));
    Path fresh = Files.writeString(dir.resolve("repo/tmp/writing.tmp"), "in progress");
    assertThat(s.removeLeftovers(java.time.Instant.now().minusSeconds(3600))).isEqualTo(1);
    assertThat(old).doesNotExist();
    assertThat(fresh).exists();
    assertThat(s.read("data/00/x")).hasSize(10);
  }

  @Test
  void repositoryUrlsAreCheckedWithClearErrors() {
    assertThat(Storages.open("file://" + dir).describe()).startsWith("file:///");
    assertThatThrownBy(() -> Storages.open("file://relative/path"))
        .isInstanceOf(ArcaException.class)
        .hasMessageContaining("file:///absolute/path");
    assertThatThrownBy(() -> Storages.open("ftp://host/x"))
        .isInstanceOf(ArcaException.class)
        .hasMessageContaining("unsupported scheme");
    assertThatThrownBy(() -> Storages.open(""))
        .isInstanceOf(ArcaException.class)
        .hasMessageContaining("ARCA_REPO");
  }
}
