package org.leancx.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The leancx command line: one subcommand per job. */
@Command(
    name = "leancx",
    mixinStandardHelpOptions = true,
    version = "leancx 0.1.0",
    description = "Lean customer-experience analytics on Spark and Delta Lake.",
    subcommands = {
      DemoCommand.class,
      GenerateCommand.class,
      IngestCommand.class,
      DailyCommand.class,
      FailureDemandCommand.class,
      RootConditionsCommand.class,
      JourneysCommand.class,
      LeadTimeModelCommand.class,
      CapacityCommand.class,
      ScorecardCommand.class,
      GuardrailsCommand.class,
      ExperimentCommand.class,
      SurveysCommand.class,
      ReportCommand.class,
      TablesCommand.class,
      SqlCommand.class,
      RunsCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: try `leancx demo` or `leancx --help`.");
  }

  /** Builds the command line with leancx's error handling: a failed job prints its message and exits 1. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    cl.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          PrintWriter err = commandLine.getErr();
          err.println("leancx " + commandLine.getCommandName() + " failed: " + messageOf(ex));
          if (Boolean.getBoolean("leancx.stacktrace")) {
            ex.printStackTrace(err);
          } else {
            err.println("(run with LEANCX_STACKTRACE=1 for the stack trace)");
          }
          err.flush();
          return 1;
        });
    return cl;
  }

  static String messageOf(Throwable ex) {
    StringBuilder sb = new StringBuilder(String.valueOf(ex.getMessage()));
    Throwable cause = ex.getCause();
    while (cause != null && cause != ex) {
      if (cause.getMessage() != null && !sb.toString().contains(cause.getMessage())) {
        sb.append("\n  caused by: ").append(cause.getMessage());
      }
      ex = cause;
      cause = cause.getCause();
    }
    return sb.toString();
  }

  public static void main(String[] args) {
    int code = commandLine().execute(args);
    System.exit(code);
  }
}
