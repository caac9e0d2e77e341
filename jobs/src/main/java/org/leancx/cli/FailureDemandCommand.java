package org.leancx.cli;

import java.time.Instant;
import java.time.LocalDate;
import java.util.concurrent.Callable;
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

  @Override
  public Integer call() {
    Environment env = Environment.open(config);
    FailureDemand.Result result =
        FailureDemand.run(env.warehouse(), env.settings(), new FailureDemand.Slice(from, to, asOf));
    System.out.println("failure-demand: " + result.summary());
    return 0;
  }
}
