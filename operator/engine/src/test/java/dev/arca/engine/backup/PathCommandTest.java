package dev.arca.engine.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arca.engine.ArcaException;
import org.junit.jupiter.api.Test;

class PathCommandTest {
  @Test
  void thePathEndsAtTheFirstUnescapedEqualsSign() {
    assertThat(PathCommand.parse("--stream", "db/app.sql=pg_dump -v x=1 app"))
        .isEqualTo(new PathCommand("db/app.sql", "pg_dump -v x=1 app"));
    assertThat(PathCommand.parse("--stream", "db/a\\=b.sql=echo hi"))
        .isEqualTo(new PathCommand("db/a=b.sql", "echo hi"));
    assertThat(PathCommand.parse("--stream", "db/back\\\\slash=echo hi"))
        .isEqualTo(new PathCommand("db/back\\slash", "echo hi"));
  }

  @Test
  void formatAndParseAgreeOnEveryPath() {
    for (String path : new String[] {"db/a.sql", "db/a=b.sql", "x\\=y/z\\", "a==b/c"}) {
      String arg = PathCommand.format(path, "cat > /dev/null");
      assertThat(PathCommand.parse("--pipe", arg))
          .isEqualTo(new PathCommand(path, "cat > /dev/null"));
    }
  }

  @Test
  void aMissingPathOrCommandIsAUsageError() {
    for (String bad : new String[] {"=cmd", "db/a.sql=", "db/a.sql", "db/a\\=b"}) {
      assertThatThrownBy(() -> PathCommand.parse("--stream", bad))
          .isInstanceOf(ArcaException.class)
          .hasMessageContaining("PATH=COMMAND");
    }
  }
}
