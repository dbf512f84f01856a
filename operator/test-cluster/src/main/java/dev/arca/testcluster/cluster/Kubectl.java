package dev.arca.testcluster.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** The kubectl built with the control plane, run as a user would run it. */
public final class Kubectl {
  /** What one kubectl run printed and returned. */
  public record Result(int exitCode, String stdout, String stderr) {
    public Result orFail() {
      if (exitCode != 0) {
        throw new IllegalStateException("kubectl failed (" + exitCode + "): " + stderr + stdout);
      }
      return this;
    }
  }

  private Kubectl() {}

  public static Result run(Path kubeconfig, List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Tools.binary("kubectl").toString());
    cmd.add("--kubeconfig=" + kubeconfig);
    cmd.addAll(args);
    try {
      Process p = new ProcessBuilder(cmd).start();
      p.getOutputStream().close();
      CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
      String out = read(p.getInputStream());
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("kubectl " + args + " did not end in 120 s");
      }
      return new Result(p.exitValue(), out, err.join());
    } catch (IOException e) {
      throw new IllegalStateException("cannot run kubectl: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running kubectl", e);
    }
  }

  private static String read(java.io.InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }
}
