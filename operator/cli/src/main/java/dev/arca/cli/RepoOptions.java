package dev.arca.cli;

import dev.arca.engine.ArcaException;
import dev.arca.engine.repo.Repository;
import dev.arca.engine.storage.Storage;
import dev.arca.engine.storage.Storages;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every repository command shares: where the repository is and how to open it. */
final class RepoOptions {
  @Option(
      names = "--repo",
      paramLabel = "URL",
      description = "Repository URL, file:///abs/path (default: $ARCA_REPO).")
  String repo;

  @Option(
      names = "--password-file",
      paramLabel = "FILE",
      description = "Read the password from FILE (default: $ARCA_PASSWORD).")
  Path passwordFile;

  @Option(names = "--json", description = "Print exactly one JSON object on stdout.")
  boolean json;

  String url() {
    String url = repo != null ? repo : System.getenv("ARCA_REPO");
    if (url == null || url.isBlank()) {
      throw ArcaException.usage("no repository: pass --repo URL or set ARCA_REPO");
    }
    return url;
  }

  Storage storage() {
    return Storages.open(url());
  }

  /** The password from --password-file or ARCA_PASSWORD, or null if neither is set. */
  char[] password() {
    if (passwordFile != null) {
      try {
        String s = Files.readString(passwordFile, StandardCharsets.UTF_8);
        int nl = s.indexOf('\n');
        return (nl >= 0 ? s.substring(0, nl) : s).replace("\r", "").toCharArray();
      } catch (IOException e) {
        throw ArcaException.usage("cannot read --password-file " + passwordFile + ": " + e);
      }
    }
    String env = System.getenv("ARCA_PASSWORD");
    return env == null ? null : env.toCharArray();
  }

  Repository open() {
    return Repository.open(storage(), password());
  }
}
