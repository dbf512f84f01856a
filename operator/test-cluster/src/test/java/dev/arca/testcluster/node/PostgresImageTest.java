package dev.arca.testcluster.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The image folder .ci/postgres-image.sh writes, read back (no image built, no root needed). */
class PostgresImageTest {
  private static final String ENV =
      """
      IMAGE=arca.test/postgres:15
      VERSION=15.20-0+deb12u1
      BIN=/usr/lib/postgresql/15/bin
      POSTGRES_UID=100
      POSTGRES_GID=102
      """;

  @TempDir Path dir;

  @Test
  void theImageEnvGivesTheNameTheProgramsAndThePostgresUser() throws Exception {
    Files.writeString(dir.resolve("postgres.oci.tar"), "");
    Files.writeString(dir.resolve("image.env"), ENV);
    PostgresImage image = new PostgresImage(dir);
    assertThat(image.archive()).isEqualTo(dir.resolve("postgres.oci.tar"));
    assertThat(image.name()).isEqualTo("arca.test/postgres:15");
    assertThat(image.version()).isEqualTo("15.20-0+deb12u1");
    assertThat(image.binDir()).isEqualTo("/usr/lib/postgresql/15/bin");
    assertThat(image.uid()).isEqualTo(100);
    assertThat(image.gid()).isEqualTo(102);
  }

  @Test
  void aFolderAnOlderScriptWroteFailsAtOnceNamingTheScript() throws Exception {
    Files.writeString(dir.resolve("postgres.oci.tar"), "");
    Files.writeString(dir.resolve("image.env"), ENV.replace("POSTGRES_GID=102\n", ""));
    assertThatThrownBy(() -> new PostgresImage(dir))
        .hasMessageContaining("no POSTGRES_GID")
        .hasMessageContaining(".ci/postgres-image.sh");
  }

  @Test
  void aFolderWithoutTheArchiveFailsNamingTheScript() throws Exception {
    Files.writeString(dir.resolve("image.env"), ENV);
    assertThatThrownBy(() -> new PostgresImage(dir))
        .hasMessageContaining("postgres.oci.tar")
        .hasMessageContaining(".ci/postgres-image.sh");
  }
}
