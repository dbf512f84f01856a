package dev.arca.cli;

import dev.arca.engine.ArcaException;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code arca} command: backup and restore for LLM system data. */
@Command(
    name = "arca",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Content-addressed, encrypted backups of model weights, datasets and dumps.",
    footer = {
      "",
      "Exit codes: 0 success, 1 error, 2 usage, 3 integrity damage found,",
      "            4 wrong password or key, 5 repository not found or not initialised."
    })
public final class Main {
  /**
   * The subcommands, in the order help lists them. They are added when the CLI runs, and only the
   * one named when a known one is: picocli's model of all of them took about a third of a second of
   * every start (measured with class loading logged), more than the JVM's own start.
   */
  static final List<Class<?>> SUBCOMMANDS =
      List.of(
          InitCommand.class,
          BackupCommand.class,
          CommitCommand.class,
          SnapshotsCommand.class,
          LsCommand.class,
          RestoreCommand.class,
          VerifyCommand.class,
          ForgetCommand.class,
          PruneCommand.class,
          RepairCommand.class,
          KeyCommand.class,
          ExportCommand.class,
          CopyCommand.class,
          RewriteCommand.class,
          AuditCommand.class,
          OperatorCommand.class,
          PodExecCommand.class,
          HooksCommand.class,
          DemoCommand.class,
          CommandLine.HelpCommand.class);

  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the CLI with the given streams and returns the exit code (used by tests too). */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new Main());
    Class<?> named = named(args);
    for (Class<?> c : SUBCOMMANDS) {
      if (named == null || c == named) {
        cl.addSubcommand(c);
      }
    }
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler(
        (ex, cmd, parsed) -> {
          boolean json = wantsJson(cmd, args);
          int code;
          String message;
          if (ex instanceof ArcaException a) {
            code = a.kind().exitCode();
            message = a.getMessage();
          } else {
            code = 1;
            message = Output.describe(ex);
          }
          if (json) {
            Output.json(out, Output.error(message, code));
          }
          err.println("arca: " + message);
          return code;
        });
    cl.setParameterExceptionHandler(
        (ex, a) -> {
          if (wantsJson(ex.getCommandLine(), a)) {
            Output.json(out, Output.error(ex.getMessage(), 2));
          }
          err.println("arca: " + ex.getMessage());
          err.println("Run 'arca " + commandPath(ex.getCommandLine()) + " --help' for usage.");
          return 2;
        });
    try {
      return cl.execute(args);
    } catch (OutOfMemoryError e) {
      return fatal(
          cl,
          args,
          out,
          err,
          "out of memory: the Java heap ("
              + (Runtime.getRuntime().maxMemory() >> 20)
              + " MiB) is too small for this run; run it again with a larger heap, e.g."
              + " ARCA_JAVA_OPTS=-Xmx2g");
    } catch (StackOverflowError e) {
      return fatal(
          cl,
          args,
          out,
          err,
          "stack overflow: a structure nested deeper than this run can follow (a folder tree"
              + " thousands of levels deep?); please report it with the command that failed");
    }
  }

  /**
   * The subcommand the first argument that is not an option names, or null (none, {@code help}, or
   * an unknown name: then every subcommand is added, for help and for picocli's suggestions).
   */
  static Class<?> named(String[] args) {
    for (String a : args) {
      if (!a.startsWith("-")) {
        for (Class<?> c : SUBCOMMANDS) {
          String name = c.getAnnotation(Command.class).name();
          if (name.equals(a) && c != CommandLine.HelpCommand.class) {
            return c;
          }
        }
        return null;
      }
    }
    return null;
  }

  /** A failure of the JVM itself: one line on stderr and, with --json, one JSON object. */
  private static int fatal(
      CommandLine cl, String[] args, PrintWriter out, PrintWriter err, String message) {
    if (wantsJson(cl, args)) {
      Output.json(out, Output.error(message, 1));
    }
    err.println("arca: " + message);
    return 1;
  }

  /** Whether the command asked for JSON output (also when its arguments did not parse). */
  private static boolean wantsJson(CommandLine cmd, String[] args) {
    var parsed = cmd.getParseResult();
    if (parsed != null && parsed.hasMatchedOption("--json")) {
      return true;
    }
    for (String a : args) {
      if (a.equals("--")) {
        break;
      }
      if (a.equals("--json")) {
        return true;
      }
    }
    return false;
  }

  private static String commandPath(CommandLine cl) {
    String name = cl.getCommandName();
    return "arca".equals(name) ? "" : name;
  }

  /** Version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"arca " + (v == null ? "dev" : v)};
    }
  }
}
