package dev.arca.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The image and the chart must agree: the user the image runs as is the one the chart's pods ask
 * for, the entrypoint is the launcher the Jobs call by name, and the build copies what the CLI
 * module leaves. (No Docker daemon runs in CI, so the image itself is not built here.)
 */
class DockerfileTest {
  static final Path CLI = Chart.CHECKOUT.resolve("operator/cli");

  @Test
  void theImageRunsAsTheNonRootUserTheChartsOperatorPodAsksFor() throws IOException {
    String dockerfile = Files.readString(CLI.resolve("Dockerfile"));
    Matcher user = Pattern.compile("(?m)^USER (\\d+):(\\d+)$").matcher(dockerfile);
    assertThat(user.find())
        .as("a numeric USER uid:gid (Kubernetes checks runAsNonRoot by number)")
        .isTrue();
    JsonNode pod = Chart.render(java.util.Map.of()).one("Deployment").at("/spec/template/spec");
    assertThat(user.group(1)).isEqualTo(pod.at("/securityContext/runAsUser").asText());
    assertThat(user.group(2)).isEqualTo(pod.at("/securityContext/runAsGroup").asText());
    assertThat(Long.parseLong(user.group(1))).isPositive();
  }

  @Test
  void theEntrypointIsTheLauncherAndJobsFindArcaOnThePath() throws IOException {
    String dockerfile = Files.readString(CLI.resolve("Dockerfile"));
    assertThat(dockerfile).contains("ENTRYPOINT [\"/opt/arca/arca\"]");
    assertThat(dockerfile).containsPattern("ENV PATH=/opt/arca:\\$PATH");
    // the operator's pod passes only "operator"; the launcher is the image's entrypoint
    JsonNode c =
        Chart.render(java.util.Map.of()).one("Deployment").at("/spec/template/spec/containers/0");
    assertThat(c.path("command").isMissingNode()).isTrue();
    assertThat(c.at("/args").toString()).isEqualTo("[\"operator\"]");
  }

  @Test
  void theBuildStageCopiesWhatTheCliModuleLeaves() throws IOException {
    String dockerfile = Files.readString(CLI.resolve("Dockerfile"));
    assertThat(dockerfile).contains("-pl operator/cli -am package");
    Matcher copy = Pattern.compile("(?m)^COPY --from=build (.+) /opt/arca/$").matcher(dockerfile);
    assertThat(copy.find()).isTrue();
    List<String> sources = List.of(copy.group(1).trim().split("\\s+"));
    assertThat(sources)
        .containsExactly("/src/operator/cli/target/arca.jar", "/src/operator/cli/target/arca");
    String pom = Files.readString(CLI.resolve("pom.xml"));
    assertThat(pom).contains("<finalName>arca</finalName>");
    assertThat(CLI.resolve("src/main/launcher/arca")).isRegularFile();
    // the build context keeps the sources and leaves out build outputs
    String ignore = Files.readString(CLI.resolve("Dockerfile.dockerignore"));
    assertThat(ignore).contains("!operator/**", "!pom.xml", "operator/**/target/");
  }
}
