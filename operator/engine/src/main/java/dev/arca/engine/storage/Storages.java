package dev.arca.engine.storage;

import dev.arca.engine.ArcaException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;

/** Opens a {@link Storage} for a repository URL. */
public final class Storages {
  private Storages() {}

  /** Opens {@code file:///abs/path}; other schemes are rejected with a usage error. */
  public static Storage open(String url) {
    if (url == null || url.isBlank()) {
      throw ArcaException.usage(
          "no repository given: pass --repo file:///abs/path or set ARCA_REPO");
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw ArcaException.usage(
          "repository URL '"
              + url
              + "' is not a valid URL: "
              + e.getReason()
              + "; use file:///abs/path");
    }
    if ("file".equals(uri.getScheme())) {
      if (uri.getPath() == null || !uri.getPath().startsWith("/") || uri.getAuthority() != null) {
        throw ArcaException.usage(
            "repository URL '" + url + "' must be file:///absolute/path (three slashes)");
      }
      return new FileStorage(Path.of(uri));
    }
    throw ArcaException.usage(
        "repository URL '"
            + url
            + "' has an unsupported scheme; this version supports file:///abs/path");
  }
}
