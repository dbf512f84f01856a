package dev.arca.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the built {@code arca} launcher as a separate process, as users and Jobs run it. */
public final class Arca {
  private Arca() {}

  /** What a finished run printed and returned. */
  public record Result(int exitCode, String stdout, String stderr) {
    /** This result when the run succeeded; otherwise an error naming the exit code and stderr. */
    public Result ok() {
      if (exitCode != 0) {
        throw new AssertionError("arca exited " + exitCode + "; stderr: " + stderr);
      }
      return this;
    }
  }

  /** {@code first} followed by {@code more}: a command and the options every call repeats. */
  public static String[] args(String[] first, String... more) {
    String[] out = java.util.Arrays.copyOf(first, first.length + more.length);
    System.arraycopy(more, 0, out, first.length, more.length);
    return out;
  }

  /**
   * The arguments of {@code arca restore latest} from {@code repo} into {@code target}, then {@code
   * more}.
   */
  public static String[] restoreLatest(
      String repo, Path passwordFile, Path target, String... more) {
    return args(
        new String[] {
          "restore",
          "latest",
          "--repo",
          repo,
          "--password-file",
          passwordFile.toString(),
          "--target",
          target.toString()
        },
        more);
  }

  /** The launcher built by the cli module. */
  public static Path launcher() {
    Path p =
        Path.of(System.getProperty("arca.checkout", "../.."))
            .resolve("operator/cli/target/arca")
            .toAbsolutePath()
            .normalize();
    if (!Files.isExecutable(p)) {
      throw new IllegalStateException(p + " is missing: build the cli module first (mvn package)");
    }
    return p;
  }

  /**
   * Starts {@code arca args...} with the test S3 credentials and {@code env} added; a variable
   * mapped to null is removed (to run as a Job whose image sets no locale, for example).
   */
  public static Process start(Map<String, String> env, Path stdout, Path stderr, String... args)
      throws IOException {
    return start(List.of(), env, stdout, stderr, args);
  }

  /** Starts {@code wrapper... arca args...}: as {@link #start(Map, Path, Path, String...)}. */
  private static Process start(
      List<String> wrapper, Map<String, String> env, Path stdout, Path stderr, String... args)
      throws IOException {
    List<String> cmd = new ArrayList<>(wrapper);
    cmd.add(launcher().toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    pb.environment().put("AWS_ACCESS_KEY_ID", S3Servers.ACCESS_KEY);
    pb.environment().put("AWS_SECRET_ACCESS_KEY", S3Servers.SECRET_KEY);
    pb.environment().remove("AWS_PROFILE");
    env.forEach(
        (k, v) -> {
          if (v == null) {
            pb.environment().remove(k);
          } else {
            pb.environment().put(k, v);
          }
        });
    return pb.start();
  }

  /** Runs {@code arca args...} to the end (at most 5 minutes). */
  public static Result run(Map<String, String> env, Path work, String... args)
      throws IOException, InterruptedException {
    return run(List.of(), env, work, args);
  }

  private static Result run(
      List<String> wrapper, Map<String, String> env, Path work, String... args)
      throws IOException, InterruptedException {
    Files.createDirectories(work);
    Path out = Files.createTempFile(work, "out", ".txt");
    Path err = Files.createTempFile(work, "err", ".txt");
    Process p = start(wrapper, env, out, err, args);
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IllegalStateException("arca " + String.join(" ", args) + " did not finish");
    }
    return new Result(
        p.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  /** What a run on a small disk returned, and the SHA-256 of each file it left there by path. */
  public record OnSmallDisk(Result result, Map<String, String> files) {}

  /**
   * Runs {@code arca args...} with a disk of {@code bytes} bytes mounted at {@code mountPoint}: a
   * tmpfs in a mount namespace of the run's own (root, or a user namespace that maps this user to
   * root), so a write there runs out of space as on a full disk, and the mount goes away with the
   * run. Before it goes, the regular files below the mount point are listed with their SHA-256.
   */
  public static OnSmallDisk runOnSmallDisk(
      Map<String, String> env, Path work, Path mountPoint, long bytes, String... args)
      throws IOException, InterruptedException {
    Files.createDirectories(mountPoint);
    Path listing = Files.createTempFile(work, "files", ".txt");
    String script =
        "mount -t tmpfs -o size=\"$2\" arca-small-disk \"$1\" || exit 125\n"
            + "mnt=$1; list=$3; shift 3\n"
            + "\"$@\"; rc=$?\n"
            + "(cd \"$mnt\" && find . -type f -exec sha256sum {} +) > \"$list\" || exit 126\n"
            + "exit $rc\n";
    List<String> wrapper =
        new ArrayList<>(List.of("unshare", "--mount", "--propagation", "private"));
    if (!"root".equals(System.getProperty("user.name"))) {
      wrapper.add("--map-root-user");
    }
    wrapper.addAll(
        List.of(
            "sh",
            "-c",
            script,
            "sh",
            mountPoint.toString(),
            Long.toString(bytes),
            listing.toString()));
    Result r = run(wrapper, env, work, args);
    if (r.exitCode() == 125 || r.exitCode() == 126) {
      throw new IllegalStateException("cannot mount or list a small disk: " + r.stderr());
    }
    Map<String, String> files = new java.util.TreeMap<>();
    for (String line : Files.readAllLines(listing, StandardCharsets.UTF_8)) {
      // "<sha256>  ./<path>"
      files.put(line.substring(line.indexOf("  ./") + 4), line.substring(0, 64));
    }
    return new OnSmallDisk(r, files);
  }

  /**
   * Runs {@code arca init} on {@code repo} with the password in {@code passwordFile}, cheap KDF.
   */
  public static Result init(Map<String, String> env, Path work, String repo, Path passwordFile)
      throws IOException, InterruptedException {
    return run(
        env,
        work,
        "init",
        "--repo",
        repo,
        "--password-file",
        passwordFile.toString(),
        "--kdf-cost",
        "1024");
  }
}
