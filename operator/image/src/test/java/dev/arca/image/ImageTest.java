package dev.arca.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image as built ({@code target/arca-image.tar}): its configuration, and {@code arca} run from
 * its unpacked layers with its own JRE, as its default user, on a read-only root filesystem.
 */
class ImageTest {
  static final Path CHECKOUT = Path.of(System.getProperty("arca.checkout", "../.."));
  static final Path RUN_IMAGE = CHECKOUT.resolve("operator/image/src/test/sh/run-image.sh");
  static final String USER = "65532:65532";

  @TempDir static Path tmp;
  static JsonNode config;
  static JsonNode manifest;
  static Path root;

  /** Unpacks the archive, then its layers in order into one root filesystem (as root: owners). */
  @BeforeAll
  static void unpack() throws Exception {
    Path tar = Path.of(System.getProperty("arca.image.tar", "target/arca-image.tar"));
    assertThat(tar).as("the image built by jib:buildTar").isRegularFile();
    Path archive = Files.createDirectory(tmp.resolve("archive"));
    run(List.of("tar", "-xf", tar.toString(), "-C", archive.toString()));
    ObjectMapper json = new ObjectMapper();
    manifest = json.readTree(archive.resolve("manifest.json").toFile()).get(0);
    config = json.readTree(archive.resolve(field(manifest, "config").asText()).toFile());
    root = Files.createDirectory(tmp.resolve("root"));
    for (JsonNode layer : field(manifest, "layers")) {
      run(
          List.of(
              "tar", "-xzf", archive.resolve(layer.asText()).toString(), "-C", root.toString()));
    }
  }

  @Test
  void theConfigurationIsTheOneTheChartAndTheJobsExpect() {
    assertThat(field(manifest, "repoTags").toString())
        .contains(System.getProperty("arca.image", "arca:dev"));
    JsonNode c = config.get("config");
    assertThat(c.get("User").asText()).isEqualTo(USER);
    assertThat(c.get("Entrypoint").toString()).isEqualTo("[\"/opt/arca/arca\"]");
    assertThat(c.get("Cmd").toString()).isEqualTo("[\"--help\"]");
    Map<String, String> env = env();
    assertThat(env.get("PATH")).startsWith("/opt/arca:/opt/java/openjdk/bin:");
    assertThat(env).containsEntry("LC_ALL", "C.UTF-8").containsEntry("JAVA_HOME", javaHome());
  }

  @Test
  void theFilesAreWhereTheLauncherLooksWithTheTimeTheArchiveWasMadeFor() throws IOException {
    Path arca = root.resolve("opt/arca");
    assertThat(Files.getPosixFilePermissions(arca.resolve("arca")))
        .isEqualTo(PosixFilePermissions.fromString("rwxr-xr-x"));
    assertThat(Files.getLastModifiedTime(arca.resolve("arca.jar")))
        .isEqualTo(FileTime.fromMillis(1000));
    assertThat(Files.isExecutable(root.resolve(javaHome().substring(1)).resolve("bin/java")))
        .isTrue();
    if (cdsExpected()) {
      assertThat(Files.readString(arca.resolve("arca.jsa.jvm")).trim()).isEqualTo(javaHome());
      assertThat(arca.resolve("arca.jsa")).isRegularFile();
    }
  }

  @Test
  void theEntrypointRunsWithTheImagesJre() throws Exception {
    Path data = data("version");
    Result r = arca(data, Map.of(), "--version");
    assertThat(r.code).as(r.output).isZero();
    assertThat(r.output).startsWith("arca ");
    r = inImage(data, Map.of(), "sh", "-c", "command -v arca && id -u && java -version 2>&1");
    assertThat(r.code).as(r.output).isZero();
    assertThat(r.output).contains("/opt/arca/arca\n65532\n").contains("version \"25");
  }

  /**
   * init, backup, restore of a tree with a unicode name on the image's read-only root filesystem:
   * init and backup as the image's user, restore as root (as the chart's Jobs run by default); with
   * the CI's base, the JVM must map the build-time archive (-Xshare:on) and load Arca's classes
   * from it.
   */
  @Test
  void aBackupAndRestoreRoundTripRunsInTheImage() throws Exception {
    Path data = data("roundtrip");
    Path src = Files.createDirectories(data.resolve("src/models/ünïcødé"));
    byte[] weights = new byte[3 << 20];
    new java.util.Random(21).nextBytes(weights);
    Files.write(src.resolve("weights.bin"), weights);
    Files.writeString(src.resolve("config.json"), "{\"layers\": 2}\n");
    Map<String, String> env = new LinkedHashMap<>();
    env.put("ARCA_REPO", "file:///data/repo");
    env.put("ARCA_PASSWORD", "image test password");

    Result r = arca(data, env, "init");
    assertThat(r.code).as(r.output).isZero();
    Map<String, String> backupEnv = new LinkedHashMap<>(env);
    if (cdsExpected()) {
      backupEnv.put("ARCA_JAVA_OPTS", "-Xshare:on -Xlog:class+load=info:file=/data/classes.log");
    }
    r = arca(data, backupEnv, "backup", "/data/src");
    assertThat(r.code).as(r.output).isZero();
    // restore Jobs run as root by default (the chart's jobs.runAsRoot), on the same image
    r = inImage(data, "0:0", env, entrypoint("restore", "latest", "--target", "/data/restored"));
    assertThat(r.code).as(r.output).isZero();

    Path restored = data.resolve("restored/data/src/models/ünïcødé");
    if (!Files.exists(restored)) {
      restored = data.resolve("restored/src/models/ünïcødé");
    }
    assertThat(Files.readAllBytes(restored.resolve("weights.bin"))).isEqualTo(weights);
    assertThat(restored.resolve("config.json")).hasContent("{\"layers\": 2}");
    if (cdsExpected()) {
      assertThat(Files.readString(data.resolve("classes.log")))
          .contains("dev.arca.cli.Main source: shared objects file")
          .contains("dev.arca.engine");
    }
  }

  static boolean cdsExpected() {
    return !System.getProperty("arca.image.cds", "").isBlank();
  }

  static Map<String, String> env() {
    Map<String, String> env = new LinkedHashMap<>();
    for (JsonNode e : config.get("config").get("Env")) {
      String[] kv = e.asText().split("=", 2);
      env.put(kv[0], kv[1]);
    }
    return env;
  }

  static String javaHome() {
    return env().getOrDefault("JAVA_HOME", "/opt/java/openjdk");
  }

  /** A folder mounted writable at /data, that the image's user may write. */
  static Path data(String name) throws IOException {
    Path d = Files.createDirectory(tmp.resolve(name));
    Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxrwxrwx"));
    return d;
  }

  /** The entrypoint with {@code args}, as a pod that sets only args runs it. */
  static Result arca(Path data, Map<String, String> extraEnv, String... args) throws Exception {
    return inImage(data, extraEnv, entrypoint(args));
  }

  static String[] entrypoint(String... args) {
    List<String> cmd = new ArrayList<>();
    for (JsonNode e : config.get("config").get("Entrypoint")) {
      cmd.add(e.asText());
    }
    cmd.addAll(Arrays.asList(args));
    return cmd.toArray(String[]::new);
  }

  /**
   * {@code command} in the unpacked image as its user, with the image's environment, HOME as a
   * runtime sets it (the user's home in the image's /etc/passwd, else /), and {@code extraEnv}.
   */
  static Result inImage(Path data, Map<String, String> extraEnv, String... command)
      throws Exception {
    return inImage(data, config.get("config").get("User").asText(), extraEnv, command);
  }

  /** {@code command} in the unpacked image as {@code user} (uid:gid), as a pod's runAsUser. */
  static Result inImage(Path data, String user, Map<String, String> extraEnv, String... command)
      throws Exception {
    assumeTrue(
        "root".equals(System.getProperty("user.name")),
        "runs the image in a chroot with mounts: needs root");
    Map<String, String> env = env();
    env.put("HOME", home(user.split(":")[0]));
    env.putAll(extraEnv);
    List<String> cmd = new ArrayList<>(List.of("bash", RUN_IMAGE.toString()));
    cmd.add(root.toString());
    cmd.add(data.toString());
    cmd.add(user);
    env.forEach((k, v) -> cmd.add(k + "=" + v));
    cmd.add("--");
    cmd.addAll(Arrays.asList(command));
    return run(cmd);
  }

  static String home(String uid) throws IOException {
    for (String line : Files.readAllLines(root.resolve("etc/passwd"))) {
      String[] f = line.split(":");
      if (f.length > 5 && f[2].equals(uid)) {
        return f[5];
      }
    }
    return "/";
  }

  record Result(int code, String output) {}

  static Result run(List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
    Result r = new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    if (cmd.get(0).equals("tar")) {
      assertThat(r.code).as("%s: %s", cmd, r.output).isZero();
    }
    return r;
  }

  /** A field of Jib's or docker's JSON, whatever the case of its first letter. */
  static JsonNode field(JsonNode node, String name) {
    JsonNode v = node.get(name);
    return v != null ? v : node.get(Character.toUpperCase(name.charAt(0)) + name.substring(1));
  }
}
