package dev.arca.cli;

import dev.arca.engine.repo.AuditLog;
import dev.arca.engine.repo.KeyDomains;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code arca key domains} and {@code arca key destroy-domain}: the key domains of a store. */
final class KeyDomainCommands {
  private KeyDomainCommands() {}

  @Command(
      name = "domains",
      mixinStandardHelpOptions = true,
      header = "List the key domains in the repository's store (no password needed).")
  static final class ListDomains implements Callable<Integer> {
    @Mixin RepoOptions repo;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      List<String> strays = new ArrayList<>();
      List<KeyDomains.Domain> domains = KeyDomains.list(repo.rootStorage(), strays::add);
      PrintWriter out = spec.commandLine().getOut();
      if (repo.json) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (KeyDomains.Domain d : domains) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("name", d.name());
          m.put("keySlots", d.keySlots());
          m.put("objects", d.objects());
          m.put("bytes", d.bytes());
          if (d.destruction() != null) {
            m.put("destroyed", d.destruction().record());
            if (d.destruction().problem() != null) {
              m.put("problem", d.destruction().problem());
            }
          }
          list.add(m);
        }
        Output.json(out, Map.of("domains", list, "strays", strays));
        return 0;
      }
      for (KeyDomains.Domain d : domains) {
        String state =
            d.destruction() == null
                ? d.keySlots() + " key slot(s)"
                : "DESTROYED"
                    + (d.destruction().record() == null
                        ? " (" + d.destruction().problem() + ")"
                        : " " + d.destruction().record().time());
        out.printf(
            "%s  %s, %d objects (%s)%n", d.name(), state, d.objects(), Output.bytes(d.bytes()));
      }
      strays.forEach(k -> out.println("not in a key domain: " + k));
      return 0;
    }
  }

  @Command(
      name = "destroy-domain",
      mixinStandardHelpOptions = true,
      header = "Destroy a key domain: remove all its key slots, so no password opens it again.",
      description = {
        "Without --confirm, says what would be destroyed and prints the confirmation token.",
        "With it, writes a record of the destruction (domains/NAME/destroyed: who, when) and",
        "removes every key slot of the domain with every version the store keeps of it.",
        "From then on its snapshots cannot be read by anyone, whatever stays of their bytes",
        "under Object Lock or in replicas, and the name is never used again. 'arca prune",
        "--domain NAME' then removes its objects, those under Object Lock once their date",
        "has passed. There is no undo."
      })
  static final class DestroyDomain implements Callable<Integer> {
    @Mixin RepoOptions repo;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "NAME", description = "The key domain to destroy.")
    String name;

    @Option(
        names = "--confirm",
        paramLabel = "TOKEN",
        description = "The token a run without --confirm printed for this domain as it is.")
    String confirm;

    @Override
    public Integer call() throws Exception {
      KeyDomains.check(name);
      var root = repo.rootStorage();
      PrintWriter out = spec.commandLine().getOut();
      if (confirm == null) {
        KeyDomains.Plan p = KeyDomains.plan(root, name);
        if (repo.json) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("domain", p.domain());
          m.put("keySlots", p.keySlots());
          m.put("objects", p.objects());
          m.put("bytes", p.bytes());
          m.put("token", p.token());
          m.put("destroyed", false);
          Output.json(out, m);
          return 0;
        }
        out.printf(
            "key domain %s of %s: %d key slot(s), %d other objects (%s)%n",
            p.domain(), root.describe(), p.keySlots().size(), p.objects(), Output.bytes(p.bytes()));
        out.println(
            "destroying it removes every key slot: no password opens its snapshots again, and"
                + " there is no undo.");
        out.printf(
            "to destroy it, run: arca key destroy-domain %s --confirm %s%n", name, p.token());
        return 0;
      }
      AuditLog.Record record =
          Audit.record("destroy-domain", List.of(), List.of(name), "ok", null, null);
      KeyDomains.Destroyed d = KeyDomains.destroy(root, name, confirm, record);
      if (repo.json) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("domain", d.domain());
        m.put("destroyed", true);
        m.put("removedKeySlots", d.removed());
        m.put("record", d.record());
        Output.json(out, m);
        return 0;
      }
      out.printf(
          "destroyed key domain %s: removed %d key slot(s); no password opens it any more%n",
          d.domain(), d.removed().size());
      out.printf("remove its objects with: arca prune --domain %s%n", d.domain());
      return 0;
    }
  }
}
