package dev.arca.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The image's definition (Jib's configuration in operator/image/pom.xml) and the chart must agree:
 * the user the image runs as is the one the chart's pods ask for, the entrypoint is the launcher
 * the Jobs call by name, and the image takes what the CLI module leaves. The built image itself is
 * checked by operator/image's ImageTest.
 */
class ImageDefinitionTest {
  static final Path IMAGE_POM = Chart.CHECKOUT.resolve("operator/image/pom.xml");
  static final Path CLI = Chart.CHECKOUT.resolve("operator/cli");

  @Test
  void theImageRunsAsTheNonRootUserTheChartsOperatorPodAsksFor() throws IOException {
    Matcher user =
        Pattern.compile("<user>(\\d+):(\\d+)</user>").matcher(Files.readString(IMAGE_POM));
    assertThat(user.find())
        .as("a numeric user uid:gid (Kubernetes checks runAsNonRoot by number)")
        .isTrue();
    JsonNode pod = Chart.render(Map.of()).one("Deployment").at("/spec/template/spec");
    assertThat(user.group(1)).isEqualTo(pod.at("/securityContext/runAsUser").asText());
    assertThat(user.group(2)).isEqualTo(pod.at("/securityContext/runAsGroup").asText());
    assertThat(Long.parseLong(user.group(1))).isPositive();
  }

  @Test
  void theEntrypointIsTheLauncherAndJobsFindArcaOnThePath() throws IOException {
    String pom = Files.readString(IMAGE_POM);
    assertThat(pom).contains("<entrypoint>/opt/arca/arca</entrypoint>");
    assertThat(pom).containsPattern("<PATH>/opt/arca:[^<]*</PATH>");
    // the operator's pod passes only "operator"; the launcher is the image's entrypoint
    JsonNode c = Chart.render(Map.of()).one("Deployment").at("/spec/template/spec/containers/0");
    assertThat(c.path("command").isMissingNode()).isTrue();
    assertThat(c.at("/args").toString()).isEqualTo("[\"operator\"]");
  }

  @Test
  void theImageTakesWhatTheCliModuleLeaves() throws IOException {
    String pom = Files.readString(IMAGE_POM);
    assertThat(pom)
        .contains("<from>${project.basedir}/../cli/target</from>")
        .contains("<includes>arca.jar,arca</includes>")
        .contains("<file>/opt/arca/arca</file>");
    assertThat(Files.readString(CLI.resolve("pom.xml"))).contains("<finalName>arca</finalName>");
    assertThat(CLI.resolve("src/main/launcher/arca")).isRegularFile();
  }
}
