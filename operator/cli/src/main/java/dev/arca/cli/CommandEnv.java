package dev.arca.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The {@code --command-env} option of the commands that run {@code --stream} or {@code --pipe}. */
final class CommandEnv {
  @Option(
      names = "--command-env",
      paramLabel = "NAME",
      description = {
        "Hand the variable NAME on to the --stream/--pipe commands although Arca withholds it",
        "(repeatable). Commands get Arca's environment without ARCA_PASSWORD, ARCA_NEW_PASSWORD",
        "and the object store's credentials (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, ...)."
      })
  List<String> names = new ArrayList<>();

  /** The environment policy for commands of a run that opens the repository with {@code repo}. */
  Shell.Env env(RepoOptions repo) {
    return Shell.Env.of(repo.password(), names);
  }
}
