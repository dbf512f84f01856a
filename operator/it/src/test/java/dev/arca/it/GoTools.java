package dev.arca.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * Test servers built from their Go modules by {@code .ci/go-tools.sh} (pinned, cached outside the
 * checkout), or given by a system property.
 */
public final class GoTools {
  private GoTools() {}

  /**
   * The binary of {@code tool}: {@code -D<property>=PATH} when set, else what {@code
   * .ci/go-tools.sh tool} in the checkout builds or finds in its cache.
   */
  public static Path binary(String tool, String property) throws IOException, InterruptedException {
    String given = System.getProperty(property, "");
    if (!given.isBlank()) {
      return Path.of(given);
    }
    Path script = Path.of(System.getProperty("arca.checkout", "../..")).resolve(".ci/go-tools.sh");
    Process p =
        new ProcessBuilder(List.of("bash", script.toString(), tool))
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (p.waitFor() != 0 || out.isEmpty()) {
      throw new IOException(
          script
              + " "
              + tool
              + " failed (exit "
              + p.exitValue()
              + "); it needs Go and the module"
              + " proxy");
    }
    return Path.of(out.substring(out.lastIndexOf('\n') + 1));
  }
}
