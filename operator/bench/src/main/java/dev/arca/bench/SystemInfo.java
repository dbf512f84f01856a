package dev.arca.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/**
 * The machine and software a run happened on.
 *
 * @param date when the run started (UTC)
 * @param cpu the CPU model
 * @param cores logical cores
 * @param memory total memory
 * @param os kernel
 * @param toolJava {@code java -version} of the JVM the arca launcher runs (JAVA_HOME or PATH)
 * @param benchJava the JVM running the benchmark itself
 */
public record SystemInfo(
    String date,
    String cpu,
    int cores,
    String memory,
    String os,
    String toolJava,
    String benchJava) {

  /** Looks at /proc, the environment and the JVMs. */
  public static SystemInfo collect() throws IOException, InterruptedException {
    List<String> cpuinfo = readLines(Path.of("/proc/cpuinfo"));
    String cpu =
        cpuinfo.stream()
            .filter(l -> l.startsWith("model name"))
            .map(l -> l.substring(l.indexOf(':') + 1).strip())
            .findFirst()
            .orElse("unknown");
    int cores = (int) cpuinfo.stream().filter(l -> l.startsWith("processor")).count();
    String memory =
        readLines(Path.of("/proc/meminfo")).stream()
            .filter(l -> l.startsWith("MemTotal:"))
            .map(l -> Sizes.format(1024 * Long.parseLong(l.replaceAll("\\D+", ""))))
            .findFirst()
            .orElse("unknown");
    String javaHome = System.getenv("JAVA_HOME");
    String java = javaHome == null || javaHome.isBlank() ? "java" : javaHome + "/bin/java";
    CommandRunner.Captured version = CommandRunner.capture(List.of(java, "-version"), Map.of());
    String toolJava =
        String.join("; ", version.all().lines().toList())
            + (javaHome == null || javaHome.isBlank()
                ? " (java on PATH)"
                : " (JAVA_HOME=" + javaHome + ")");
    return new SystemInfo(
        Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
        cpu,
        cores > 0 ? cores : Runtime.getRuntime().availableProcessors(),
        memory,
        System.getProperty("os.name") + " " + System.getProperty("os.version"),
        toolJava,
        System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
  }

  private static List<String> readLines(Path file) throws IOException {
    return Files.isReadable(file) ? Files.readAllLines(file) : List.of();
  }
}
