package dev.arca.testcluster.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Where the control-plane binaries are: {@code -Darca.kube.tools=DIR}, or else the folder that
 * {@code .ci/kube-tools.sh} in the checkout builds (or finds in its cache) and prints.
 */
public final class Tools {
  static final List<String> BINARIES =
      List.of("etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kubectl");

  private static Path dir;

  private Tools() {}

  /** The folder with the binaries, built on first use when not given. */
  public static synchronized Path dir() {
    if (dir == null) {
      String given = System.getProperty("arca.kube.tools", "");
      dir = given.isBlank() ? runScript(".ci/kube-tools.sh") : Path.of(given);
      for (String b : BINARIES) {
        if (!Files.isExecutable(dir.resolve(b))) {
          throw new IllegalStateException(
              "no executable " + b + " in " + dir + ": run .ci/kube-tools.sh, which builds them");
        }
      }
    }
    return dir;
  }

  public static Path binary(String name) {
    return dir().resolve(name);
  }

  /**
   * Runs a tool script of the checkout ({@code -Darca.checkout}, default the working folder), its
   * stderr shown, with {@code args}, and returns the path it prints as its last line.
   */
  public static Path runScript(String relative, String... args) {
    Path checkout = Path.of(System.getProperty("arca.checkout", "."));
    Path script = checkout.resolve(relative).toAbsolutePath().normalize();
    try {
      Process p =
          new ProcessBuilder(
                  java.util.stream.Stream.concat(
                          java.util.stream.Stream.of(script.toString()), Arrays.stream(args))
                      .toList())
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (p.waitFor() != 0 || out.isEmpty()) {
        throw new IllegalStateException(script + " failed (exit " + p.exitValue() + ")");
      }
      return Path.of(out.substring(out.lastIndexOf('\n') + 1));
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + script + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + script, e);
    }
  }
}
