package dev.arca.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arca.engine.Fixtures;
import dev.arca.it.Arca;
import dev.arca.it.S3Servers;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The build leaves a class data sharing archive beside the launcher, trained on the demo and on S3
 * requests, and the launcher uses it. The build makes it with {@code failonerror=false} (a JVM
 * without archive support must still build arca), so without this test a broken training run would
 * quietly ship a slower start.
 */
class CdsArchiveTest {
  @TempDir Path tmp;

  @Test
  void theLauncherStartsFromTheArchiveWithTheS3ClassesInIt() throws Exception {
    Path dir = Arca.launcher().getParent();
    assertThat(dir.resolve("arca.jsa")).as("archive made by the build").isRegularFile();
    String javaHome = Path.of(System.getProperty("java.home")).toRealPath().toString();
    assertThat(Files.readString(dir.resolve("arca.jsa.jvm")).trim())
        .as("the archive's JVM (the launcher uses it only with that JVM)")
        .isEqualTo(javaHome);

    URI s3 = S3Servers.s3proxy();
    String repo = "s3://" + S3Servers.newBucket(s3, false) + "/cds";
    Path pw = Fixtures.write(tmp.resolve("pw"), "cds test password\n");
    Path classes = tmp.resolve("classes.log");
    Map<String, String> env =
        Map.of(
            "AWS_ENDPOINT_URL",
            s3.toString(),
            "JAVA_HOME",
            javaHome,
            // -Xshare:on: the JVM refuses to start unless it can map the archive
            "ARCA_JAVA_OPTS",
            "-Xshare:on -Xlog:class+load=info:file=" + classes);
    Arca.Result r = Arca.init(env, tmp.resolve("work"), repo, pw);
    assertThat(r.exitCode()).as("stderr: %s", r.stderr()).isZero();

    String log = Files.readString(classes);
    assertThat(log)
        .contains("dev.arca.cli.Main source: shared objects file")
        .contains("software.amazon.awssdk.services.s3.DefaultS3Client source: shared objects file");
  }
}
