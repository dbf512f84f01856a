package dev.arca.cli;

import dev.arca.engine.repo.Repository;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code arca init}: creates a repository. */
@Command(
    mixinStandardHelpOptions = true,
    name = "init",
    description = "Create a new repository (encrypted unless told otherwise).")
final class InitCommand implements Callable<Integer> {
  @Mixin RepoOptions repo;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--insecure-no-encryption",
      description = "Store data unencrypted, with plain SHA-256 chunk ids. Not recommended.")
  boolean noEncryption;

  @Option(
      names = "--kdf-cost",
      hidden = true,
      description = "scrypt N (power of two); lower values only for tests.")
  int kdfCost = dev.arca.engine.crypto.KeySlot.DEFAULT_N;

  @Override
  public Integer call() {
    if (noEncryption && repo.domain() != null) {
      throw dev.arca.engine.ArcaException.usage(
          "a key domain is always encrypted: its keys are what destroying it removes; drop"
              + " --insecure-no-encryption or --domain");
    }
    Repository.InitOptions opts =
        Repository.InitOptions.defaults().withEncryption(!noEncryption).withScryptN(kdfCost);
    Repository r = repo.opened(Repository.init(repo.storage(), repo.password(), opts));
    if (repo.json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("repository", r.storage().describe());
      m.put("id", r.config().id());
      if (repo.domain() != null) {
        m.put("domain", repo.domain());
      }
      m.put("encrypted", !noEncryption);
      m.put("cipher", r.config().cipher());
      Output.json(spec.commandLine().getOut(), m);
    } else {
      spec.commandLine()
          .getOut()
          .println(
              "created "
                  + (noEncryption ? "UNENCRYPTED " : "encrypted ")
                  + "repository "
                  + r.config().id()
                  + " at "
                  + r.storage().describe());
    }
    return 0;
  }
}
