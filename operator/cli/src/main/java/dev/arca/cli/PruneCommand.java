package dev.arca.cli;

import dev.arca.contract.PruneReport;
import dev.arca.engine.ArcaException;
import dev.arca.engine.prune.Prune;
import dev.arca.engine.prune.PruneOptions;
import dev.arca.engine.repo.KeyDomains;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code arca prune}: frees the data that no snapshot needs. */
@Command(
    mixinStandardHelpOptions = true,
    name = "prune",
    header = "Free the data no snapshot needs; safe while backups run.",
    description = {
      "Works in two phases across runs, without locks: a run deletes the packs it marked as",
      "garbage at least --grace ago (unless a snapshot needs them again), then marks the packs",
      "no snapshot needs now, repacking partly used ones. Space comes back on the first run",
      "after the grace period. Backups may run meanwhile: what a running backup may need is kept",
      "until it ends (its writer session), also with --grace 0, which deletes at once.",
      "In a destroyed key domain (--domain), removes all that is left of it instead; no",
      "password is needed."
    })
final class PruneCommand implements Callable<Integer> {
  @Mixin RepoOptions repo;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--dry-run", description = "Say what would be deleted; change nothing.")
  boolean dryRun;

  @Option(
      names = "--max-unused",
      paramLabel = "PERCENT",
      description =
          "Repack partly used packs until their unused bytes are at most this share of the used"
              + " bytes (default: ${DEFAULT-VALUE}).")
  double maxUnused = 5;

  @Option(
      names = "--grace",
      paramLabel = "DURATION",
      description =
          "How long marked packs stay, and how old a pack must be to be marked: 24h, 90m, 0"
              + " (default: ${DEFAULT-VALUE}).")
  String grace = "24h";

  @Override
  public Integer call() throws Exception {
    PruneOptions o =
        PruneOptions.defaults().withDryRun(dryRun).withMaxUnused(maxUnused).withGrace(parse(grace));
    String domain = repo.domain();
    if (domain != null) {
      var root = repo.rootStorage();
      if (KeyDomains.destruction(root, domain) != null) {
        return sweep(root, domain);
      }
    }
    dev.arca.engine.repo.Repository opened = repo.open();
    if (dryRun) {
      return print(Prune.run(opened, o));
    }
    return Audit.run(
        opened,
        "prune",
        spec.commandLine().getErr(),
        a -> {
          PruneReport r = Prune.run(opened, o);
          a.count("deletedPacks", r.deletedPacks()).count("markedPacks", r.markedPacks());
          for (PruneReport.Erasure e : r.erasures()) {
            a.path("erasure " + e.run() + (e.complete() ? " complete" : " pending"));
            a.count("erasuresComplete", r.erasures().stream().filter(x -> x.complete()).count());
          }
          return print(r);
        });
  }

  /** Removes what is left of a destroyed key domain: no key is needed, nor exists. */
  private int sweep(dev.arca.engine.storage.Storage root, String domain) {
    PrintWriter out = spec.commandLine().getOut();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("domain", domain);
    m.put("destroyed", true);
    m.put("dryRun", dryRun);
    if (dryRun) {
      KeyDomains.Plan p = KeyDomains.plan(root, domain);
      m.put("objects", p.objects() + p.keySlots().size());
      m.put("bytes", p.bytes());
      if (repo.json) {
        Output.json(out, m);
      } else {
        out.printf(
            "key domain %s is destroyed: would remove its %d objects (%s)%n",
            domain, p.objects() + p.keySlots().size(), Output.bytes(p.bytes()));
      }
      return 0;
    }
    KeyDomains.Sweep s = KeyDomains.sweep(root, domain, java.time.Instant.now());
    m.put("removedObjects", s.removed());
    m.put("removedBytes", s.bytes());
    m.put("lockedObjects", s.locked());
    m.put("lockedUntil", s.lockedUntil() == null ? null : s.lockedUntil().toString());
    m.put("failed", s.failed());
    if (repo.json) {
      Output.json(out, m);
    } else {
      out.printf(
          "key domain %s is destroyed: removed %d of its objects (%s) with every version%n",
          domain, s.removed(), Output.bytes(s.bytes()));
      if (s.locked() > 0) {
        out.printf(
            "%d objects stay under Object Lock until %s (unreadable: their keys are gone); prune"
                + " again after that date%n",
            s.locked(), s.lockedUntil());
      }
      s.failed().forEach(f -> out.println("could not remove " + f));
    }
    return s.failed().isEmpty() ? 0 : 1;
  }

  private int print(PruneReport r) {
    PrintWriter out = spec.commandLine().getOut();
    if (repo.json) {
      Output.json(out, r);
      return 0;
    }
    String would = r.dryRun() ? "would " : "";
    out.printf(
        "%d snapshots need %s; %s in packs is unused%n",
        r.snapshots(), Output.bytes(r.usedBytes()), Output.bytes(r.unusedBytes()));
    out.printf(
        "%sdelete %d packs marked earlier (%s)%s%n",
        would,
        r.deletedPacks(),
        Output.bytes(r.reclaimedBytes()),
        r.rescuedPacks() > 0 ? ", " + r.rescuedPacks() + " kept: needed again" : "");
    out.printf(
        "%smark %d packs (%s) as garbage, %d of them repacked (%s copied)%n",
        would,
        r.markedPacks(),
        Output.bytes(r.markedBytes()),
        r.repackedPacks(),
        Output.bytes(r.repackedBytes()));
    out.printf("%d packs wait for their grace period to pass%n", r.pendingPacks());
    if (r.heldMarks() > 0) {
      out.printf(
          "%d marks are due but kept: a running backup may need their packs; a later prune deletes"
              + " them%n",
          r.heldMarks());
    }
    if (r.damagedCopies() > 0) {
      out.printf(
          "%d damaged blob copies met while repacking: their packs are kept and the damage"
              + " recorded; see 'arca verify' and 'arca repair snapshots'%n",
          r.damagedCopies());
    }
    if (r.leftoversRemoved() > 0) {
      out.printf("removed %d leftovers of killed runs%n", r.leftoversRemoved());
    }
    if (r.staleParts() > 0) {
      out.printf(
          "removed %d parts of parallel runs that never committed (older than 7 days)%n",
          r.staleParts());
    }
    for (PruneReport.Erasure e : r.erasures()) {
      printErasure(out, e);
    }
    r.unreadableErasures()
        .forEach(
            (key, why) ->
                out.printf("erasure record %s cannot be read: %s; it is kept%n", key, why));
    if (r.retainedObjects() > 0) {
      out.printf(
          "%d deleted objects stay in the bucket as noncurrent versions until its retention"
              + " (Object Lock) or lifecycle rules allow their removal%s%n",
          r.retainedObjects(), r.lockedUntil() == null ? "" : "; locked until " + r.lockedUntil());
    }
    return 0;
  }

  private static void printErasure(PrintWriter out, PruneReport.Erasure e) {
    out.printf(
        "erasure %s (%s, %d snapshots rewritten): %d of %d blobs only the erased data needed are"
            + " gone%s%n",
        e.run(),
        e.time(),
        e.snapshots(),
        e.gone(),
        e.erasedBlobs(),
        e.complete() ? ": complete" : "");
    if (e.pending() > 0) {
      out.printf(
          "  %d still stored%s%n",
          e.pending(),
          e.pendingUntil() == null ? "" : ", marked; the last deleted after " + e.pendingUntil());
    }
    if (e.storedAgain() > 0) {
      out.printf(
          "  %d needed again by snapshots written since (backed up again from the source?)%n",
          e.storedAgain());
    }
    if (e.sharedBlobs() > 0) {
      out.printf(
          "  %d blobs of the erased data stay: data that stays holds the same bytes%n",
          e.sharedBlobs());
    }
    if (e.versionsKept() > 0) {
      out.printf(
          "  %d deleted from the repository, but the bucket keeps their bytes as noncurrent"
              + " versions until its retention or lifecycle rules remove them%n",
          e.versionsKept());
    }
    e.waiting().stream().limit(10).forEach(w -> out.println("  " + w));
  }

  static Duration parse(String s) {
    String t = s.trim().toLowerCase(Locale.ROOT);
    try {
      if (t.equals("0")) {
        return Duration.ZERO;
      }
      if (t.endsWith("d")) {
        return Duration.ofDays(Long.parseLong(t.substring(0, t.length() - 1)));
      }
      return Duration.parse("PT" + t.toUpperCase(Locale.ROOT));
    } catch (NumberFormatException | DateTimeParseException e) {
      throw ArcaException.usage(
          "--grace '" + s + "' is not a duration; use for example 24h, 90m, 2d or 0");
    }
  }
}
