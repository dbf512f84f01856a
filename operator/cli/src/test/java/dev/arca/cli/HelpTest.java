package dev.arca.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every command answers --help with its usage, even when it has required options. */
class HelpTest {
  @ParameterizedTest
  @ValueSource(
      strings = {"init", "backup", "snapshots", "ls", "restore", "verify", "forget", "demo"})
  void everyCommandHasHelp(String command) {
    Cli.Result r = Cli.run(command, "--help");
    assertThat(r.exitCode()).isZero();
    assertThat(r.stdout()).contains("Usage: arca " + command).contains("--help");
  }
}
