package dev.arca.cli;

import dev.arca.engine.crypto.KeySlot;
import dev.arca.engine.repo.Keys;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code arca key list|add|remove|domains|destroy-domain}: passwords of an encrypted repository,
 * and its key domains.
 */
@Command(
    name = "key",
    mixinStandardHelpOptions = true,
    header = "List, add or remove the passwords (key slots) that open the repository.",
    description = {
      "Every key slot wraps the same master key, so passwords can be rotated without",
      "re-encrypting data: add the new one, switch your secrets to it, remove the old one.",
      "Key domains (--domain) are repositories with keys of their own in one store;",
      "destroying one makes its snapshots unreadable for good (crypto-shredding)."
    },
    subcommands = {
      KeyCommand.ListKeys.class,
      KeyCommand.AddKey.class,
      KeyCommand.RemoveKey.class,
      KeyDomainCommands.ListDomains.class,
      KeyDomainCommands.DestroyDomain.class
    })
final class KeyCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    throw new picocli.CommandLine.ParameterException(
        spec.commandLine(), "give a subcommand: list, add, remove, domains or destroy-domain");
  }

  @Command(name = "list", mixinStandardHelpOptions = true, header = "List the key slots.")
  static final class ListKeys implements Callable<Integer> {
    @Mixin RepoOptions repo;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      List<Keys.Info> keys = Keys.list(repo.open());
      PrintWriter out = spec.commandLine().getOut();
      if (repo.json) {
        Output.json(out, Map.of("keys", keys));
        return 0;
      }
      for (Keys.Info k : keys) {
        out.printf(
            "%s %s%s%n", k.id().substring(0, 12), k.created(), k.current() ? " (in use)" : "");
      }
      return 0;
    }
  }

  @Command(
      name = "add",
      mixinStandardHelpOptions = true,
      header = "Add a password; the new one comes from --new-password-file or $ARCA_NEW_PASSWORD.")
  static final class AddKey implements Callable<Integer> {
    @Mixin RepoOptions repo;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(
        names = "--new-password-file",
        paramLabel = "FILE",
        description =
            "Read the new password from FILE (default: $ARCA_NEW_PASSWORD). One line; a line"
                + " break at its end is dropped.")
    Path newPasswordFile;

    @Option(names = "--kdf-cost", hidden = true, description = "scrypt N (tests only).")
    int kdfCost = KeySlot.DEFAULT_N;

    @Override
    public Integer call() throws Exception {
      dev.arca.engine.repo.Repository r = repo.open();
      String[] added = new String[1];
      Audit.run(
          r,
          "key-add",
          spec.commandLine().getErr(),
          a -> {
            added[0] = Keys.add(r, newPassword(), kdfCost);
            a.path("keys/" + added[0]);
            return 0;
          });
      String id = added[0];
      PrintWriter out = spec.commandLine().getOut();
      if (repo.json) {
        Output.json(out, Map.of("added", id));
      } else {
        out.println("added key " + id.substring(0, 12));
      }
      return 0;
    }

    private char[] newPassword() {
      return RepoOptions.secret(newPasswordFile, "--new-password-file", "ARCA_NEW_PASSWORD");
    }
  }

  @Command(
      name = "remove",
      mixinStandardHelpOptions = true,
      header = "Remove a key slot (never the last one, nor the one in use).")
  static final class RemoveKey implements Callable<Integer> {
    @Mixin RepoOptions repo;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "ID", description = "Key id or a unique prefix (see arca key list).")
    String id;

    @Override
    public Integer call() throws Exception {
      dev.arca.engine.repo.Repository r = repo.open();
      Keys.Removed[] gone = new Keys.Removed[1];
      Audit.run(
          r,
          "key-remove",
          spec.commandLine().getErr(),
          a -> {
            a.path("key " + id);
            gone[0] = Keys.remove(r, id);
            a.path("keys/" + gone[0].id());
            if (gone[0].versionsKept() != null) {
              a.message("older versions of the slot may remain: " + gone[0].versionsKept());
            }
            return 0;
          });
      Keys.Removed removed = gone[0];
      if (removed.versionsKept() != null) {
        spec.commandLine()
            .getErr()
            .println(
                "arca: warning: the key slot is removed, but the store may keep older versions of"
                    + " it (a versioned bucket), which open the repository with the removed"
                    + " password for whoever can read them; remove them with credentials that may"
                    + " list and delete object versions: "
                    + removed.versionsKept());
      }
      PrintWriter out = spec.commandLine().getOut();
      if (repo.json) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("removed", removed.id());
        if (removed.versionsKept() != null) {
          m.put("versionsKept", removed.versionsKept());
        }
        Output.json(out, m);
      } else {
        out.println("removed key " + removed.id().substring(0, 12));
      }
      return 0;
    }
  }
}
