package org.leancx.cli;

import java.util.concurrent.Callable;
import org.leancx.surveys.Surveys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Runs the surveys job. */
@Command(
    name = "surveys",
    mixinStandardHelpOptions = true,
    description = "Link every survey (the canonical surveys table, loaded by `leancx ingest` with a mapping of target ="
        + " surveys) to the journey it is about, through its contact (journey_steps) or else its case (journeys), and"
        + " write survey_outcomes: NPS and CSAT with 95%% intervals by journey outcome (resolved first time or"
        + " repeated), lead-time band and vulnerable customers, and the NPS score's least-squares slopes per repeat"
        + " and per day of lead time. Surveys linked to no journey are counted in the result line. Run it after"
        + " journeys.")
final class SurveysCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Override
  public Integer call() {
    Environment env = Environment.open(config);
    Surveys.Result r = Surveys.run(env.warehouse(), env.settings());
    System.out.println("surveys: " + r.summary());
    return 0;
  }
}
