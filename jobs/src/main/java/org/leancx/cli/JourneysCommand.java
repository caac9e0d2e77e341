package org.leancx.cli;

import java.util.concurrent.Callable;
import org.leancx.daily.DailyRun;
import org.leancx.journeys.Journeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code leancx journeys}: builds journeys, journey_steps, flow_daily and journey_slo from contacts and case events. */
@Command(
    name = "journeys",
    mixinStandardHelpOptions = true,
    description =
        "Build customer journeys from contacts and case_events and write journeys, journey_steps, flow_daily and"
            + " journey_slo. Without --date every journey is recomputed; with --date only those the date's steps (and its recontact look-back) can have changed, and the open ones (--full: every journey). Settings: the journeys section of conf/application.conf.")
final class JourneysCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Mixin DateOption dateOption;

  @Option(
      names = "--full",
      description =
          "With --date: recompute every journey as of the end of the date instead of the changed ones (after"
              + " changing the journeys settings, or after loading contacts older than the recontact look-back).")
  boolean full;

  @Override
  public Integer call() {
    Environment env = dateOption.apply(Environment.open(config));
    Journeys.Result result =
        Journeys.run(env.warehouse(), env.settings(),
            dateOption.date == null || full ? null : DailyRun.changedFrom(env.settings(), dateOption.date),
            ("journeys " + (full ? "--full " : "") + dateOption.argument() + " " + String.join(" ", config.overrides)).strip());
    System.out.println("journeys: " + result.summary());
    return 0;
  }
}
