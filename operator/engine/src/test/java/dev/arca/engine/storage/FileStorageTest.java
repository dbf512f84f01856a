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
