package org.leancx.cli;

import java.time.LocalDate;
import org.leancx.daily.DailyRun;
import picocli.CommandLine.Option;

/** The {@code --date} option of a job that can run for a logical date, as {@code leancx daily} runs it. */
final class DateOption {
  @Option(
      names = "--date",
      paramLabel = "DATE",
      converter = LogicalDateConverter.class,
      description =
          "Run as of the end of this logical date (ISO, today or yesterday; UTC days): contacts, case events and contact_demand of later"
              + " dates are not read, and open journeys are aged to the end of the date. Default: all the data.")
  LocalDate date;

  /** The environment as known at the end of the date, or {@code env} itself without --date. */
  Environment apply(Environment env) {
    if (date == null) {
      return env;
    }
    DailyRun.AsOf at = DailyRun.AsOf.endOf(date, env.settings(), env.warehouse());
    return new Environment(at.settings(), env.spark(), at.warehouse());
  }

  /** {@code --date D} for the run log's arguments, or empty. */
  String argument() {
    return date == null ? "" : "--date " + date;
  }
}
