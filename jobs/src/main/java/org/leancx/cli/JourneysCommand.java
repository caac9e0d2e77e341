package org.leancx.cli;

import java.util.concurrent.Callable;
import org.leancx.journeys.Journeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code leancx journeys}: builds journeys, journey_steps, flow_daily and journey_slo from contacts and case events. */
@Command(
    name = "journeys",
    mixinStandardHelpOptions = true,
    description =
        "Build customer journeys from contacts and case_events and write journeys, journey_steps, flow_daily and"
            + " journey_slo (full recompute). Settings: the journeys section of conf/application.conf.")
final class JourneysCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Mixin DateOption dateOption;

  @Override
  public Integer call() {
    Environment env = dateOption.apply(Environment.open(config));
    Journeys.Result result =
        Journeys.run(env.warehouse(), env.settings(),
            ("journeys " + dateOption.argument() + " " + String.join(" ", config.overrides)).strip());
    System.out.println("journeys: " + result.summary());
    return 0;
  }
}
