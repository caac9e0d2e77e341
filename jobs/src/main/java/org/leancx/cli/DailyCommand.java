package org.leancx.cli;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.concurrent.Callable;
import org.leancx.daily.DailyRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code leancx daily}: every job after ingest for a logical date (or a backfill of dates), in one session. */
@Command(
    name = "daily",
    mixinStandardHelpOptions = true,
    description = {
      "Run every job after ingest for a logical date, in one JVM and one Spark session: failure-demand, journeys,"
          + " root-conditions, lead-time-model predict (when a model was trained), capacity, guardrails, scorecard and"
          + " the report. The jobs read contacts, case events and contact_demand as known at the end of the date, so a"
          + " rerun of the date leaves the same tables. Schedule it after the day's ingest. Semantics:"
          + " docs/DAILY.md.",
      "  ./leancx daily --date 2026-06-01",
      "  ./leancx daily --date yesterday                               (cron: the day that just ended, UTC)",
      "  ./leancx daily --from 2026-05-01 --to 2026-05-31            (a backfill, day by day)",
      "  ./leancx daily --from 2026-05-01 --to 2026-05-31 --one-slice (the same dates in one run)"
    })
final class DailyCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--date", paramLabel = "DATE", converter = LogicalDateConverter.class,
      description = "The logical date: ISO (e.g. 2026-06-01), today or yesterday; days are UTC.")
  LocalDate date;

  @Option(names = "--from", paramLabel = "DATE", converter = LogicalDateConverter.class,
      description = "First date of a backfill (with --to).")
  LocalDate from;

  @Option(names = "--to", paramLabel = "DATE", converter = LogicalDateConverter.class,
      description = "Last date of a backfill, inclusive (with --from).")
  LocalDate to;

  @Option(
      names = "--one-slice",
      description = "Run a backfill's dates as one slice (failure-demand tags them together, the other jobs run once"
          + " as of the end of --to) instead of day by day. Same tables, less time.")
  boolean oneSlice;

  @Option(
      names = "--report",
      paramLabel = "FILE",
      description = "Where the HTML report goes (relative to the working directory). Default: ${DEFAULT-VALUE}.",
      defaultValue = ReportCommand.DEFAULT_OUT)
  Path report;

  @Option(names = "--no-report", description = "Do not write the HTML report.")
  boolean noReport;

  @Option(
      names = "--fail-on-exhausted",
      description = "Stop the line: after the run (of the last date), exit with status "
          + GuardrailsCommand.EXHAUSTED_EXIT + ", naming the flow and the SLO, when an automation flow's error budget"
          + " is exhausted in its latest assessed period of automation_slo (as leancx guardrails --fail-on-exhausted).")
  boolean failOnExhausted;

  @Override
  public Integer call() {
    if ((date == null) == (from == null && to == null)) {
      throw new ParameterException(spec.commandLine(),
          "Give either --date D or --from D1 --to D2, e.g. leancx daily --date 2026-06-01.");
    }
    if (date == null && (from == null || to == null)) {
      throw new ParameterException(spec.commandLine(),
          "A backfill needs both --from and --to, e.g. --from 2026-05-01 --to 2026-05-31.");
    }
    if (date != null && oneSlice) {
      throw new ParameterException(spec.commandLine(), "--one-slice is for a backfill (--from/--to), not --date.");
    }
    LocalDate first = date != null ? date : from;
    LocalDate last = date != null ? date : to;
    if (last.isBefore(first)) {
      throw new ParameterException(spec.commandLine(), "--to " + last + " is before --from " + first + ".");
    }
    Environment env = Environment.open(config);
    Path reportFile = noReport ? null : report;
    long t0 = System.nanoTime();
    int runs = 0;
    if (oneSlice) {
      System.out.println("daily " + first + ".." + last + " as one slice:");
      print(DailyRun.run(env.warehouse(), env.settings(), first, last, reportFile, DailyCommand::line));
      runs = 1;
    } else {
      for (LocalDate d = first; !d.isAfter(last); d = d.plusDays(1)) {
        // The report is written once, after the last date: earlier ones would be overwritten at once.
        Path file = d.equals(last) ? reportFile : null;
        System.out.println("daily " + d + ":");
        print(DailyRun.run(env.warehouse(), env.settings(), d, d, file, DailyCommand::line));
        runs++;
      }
    }
    if (runs > 1) {
      System.out.printf(java.util.Locale.ROOT, "daily: %d dates in %.1f s%n", runs, (System.nanoTime() - t0) / 1e9);
    }
    if (failOnExhausted && env.warehouse().exists(org.leancx.guardrails.GuardrailTables.AUTOMATION_SLO)) {
      java.util.List<String> exhausted = org.leancx.guardrails.Guardrails.exhausted(
          env.warehouse().read(org.leancx.guardrails.GuardrailTables.AUTOMATION_SLO));
      if (!exhausted.isEmpty()) {
        spec.commandLine().getErr().println("daily: stopping the line (--fail-on-exhausted): error budget exhausted for "
            + String.join("; ", exhausted));
        return GuardrailsCommand.EXHAUSTED_EXIT;
      }
    }
    return 0;
  }

  private static void line(String text) {
    System.out.println("  " + text);
  }

  private static void print(DailyRun.Result r) {
    System.out.println("daily " + r.summary());
  }
}
