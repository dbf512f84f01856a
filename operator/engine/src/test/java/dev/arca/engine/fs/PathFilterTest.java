package dev.arca.engine.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which folders a restore may skip without reading them. */
class PathFilterTest {
  private static PathFilter including(String... globs) {
    return new PathFilter(List.of(globs), List.of());
  }

  @Test
  void foldersNoIncludeCanReachAreSkipped() {
    PathFilter file = including("set/model/a.safetensors");
    assertThat(file.mayIncludeBelow("set")).isTrue();
    assertThat(file.mayIncludeBelow("set/model")).isTrue();
    assertThat(file.mayIncludeBelow("set/data")).isFalse();
    assertThat(file.mayIncludeBelow("set/model-next")).isFalse();

    PathFilter glob = including("set/mod*/x/**");
    assertThat(glob.mayIncludeBelow("set/model")).isTrue();
    assertThat(glob.mayIncludeBelow("set/data")).isFalse();
  }

  @Test
  void anythingThatMightMatchIsRead() {
    assertThat(PathFilter.all().mayIncludeBelow("x")).isTrue();
    assertThat(including("*.safetensors").mayIncludeBelow("set/data")).isTrue(); // any depth
    assertThat(including("**/a.bin").mayIncludeBelow("set/data")).isTrue();
    assertThat(including("set/data").mayIncludeBelow("set/data/train")).isTrue(); // below a match
    assertThat(including("set/d[a-z]ta/x").mayIncludeBelow("set/data")).isTrue();
  }

  @Test
  void exactlyTakesEveryCharacterLiterallyAndANameWithoutSlashOnlyAtTheRoot() {
    PathFilter odd = PathFilter.exactly("src/runs/a[1]/ckpt-*{x}");
    assertThat(odd.included("src/runs/a[1]/ckpt-*{x}")).isTrue();
    assertThat(odd.included("src/runs/a[1]/ckpt-*{x}/model.safetensors")).isTrue();
    assertThat(odd.included("src/runs/a1/ckpt-*{x}")).isFalse();
    assertThat(odd.included("src/runs/a[1]/ckpt-7{x}")).isFalse();
    assertThat(odd.mayIncludeBelow("src/runs")).isTrue();
    assertThat(odd.mayIncludeBelow("src/data")).isFalse();

    PathFilter root = PathFilter.exactly("checkpoint-100");
    assertThat(root.included("checkpoint-100/a.bin")).isTrue();
    assertThat(root.included("other/checkpoint-100")).isFalse();
    assertThat(root.mayIncludeBelow("other")).isFalse();
  }
}
