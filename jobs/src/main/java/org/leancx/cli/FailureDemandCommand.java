package org.leancx.cli;

import java.time.Instant;
import java.time.LocalDate;
import java.util.concurrent.Callable;
import org.leancx.daily.DailyRun;
import org.leancx.demand.FailureDemand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code leancx failure-demand}: recontacts, value and failure demand, chains and FCR from the contacts table. */
@Command(
    name = "failure-demand",
    mixinStandardHelpOptions = true,
    description = {
      "Tag every contact as value or failure demand, recontact, transfer and chain member, with its first-contact"
          + " resolution status (PENDING when right-censored); write contact_demand, recontact_chains, demand_daily,"
          + " excluded_customers and unclassified_reasons. Rules: docs/FAILURE_DEMAND.md, keys demand.* in"
          + " conf/application.conf."
    })
final class FailureDemandCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Option(
      names = "--from",
      paramLabel = "DATE",
      description =
          "First contact date of an incremental run (ISO, e.g. 2026-06-01). The look-back of the longest recontact"
              + " window before it is re-tagged too. Default: the whole history.")
  LocalDate from;

  @Option(names = "--to", paramLabel = "DATE", description = "Last contact date (inclusive). Default: no limit.")
  LocalDate to;

  @Option(
      names = "--as-of",
      paramLabel = "INSTANT",
      description =
          "Time up to which the data is complete (ISO instant, e.g. 2026-06-30T23:59:59Z); contacts closer than the"
              + " window to it are PENDING. Default: the latest started_at read.")
  Instant asOf;

  @Option(
      names = "--date",
      paramLabel = "DATE",
      converter = LogicalDateConverter.class,
      description =
          "Tag the contacts of one logical date as `leancx daily` does: --from D --to D --as-of the end of D, reading"
              + " no contacts of later dates.")
  LocalDate date;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    if (date != null && (from != null || to != null || asOf != null)) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "--date D stands for --from D --to D --as-of the end of D: give either --date or those options.");
    }
    Environment env = Environment.open(config);
    FailureDemand.Slice slice = new FailureDemand.Slice(from, to, asOf);
    var warehouse = env.warehouse();
    if (date != null) {
      warehouse = DailyRun.AsOf.endOf(date, env.settings(), warehouse).warehouse();
      slice = DailyRun.failureDemandSlice(warehouse, date, date);
    }
    FailureDemand.Result result = FailureDemand.run(warehouse, env.settings(), slice);
    System.out.println("failure-demand: " + result.summary());
    return 0;
  }
}
