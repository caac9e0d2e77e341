package org.leancx.cli;

import java.util.concurrent.Callable;
import org.leancx.capacity.LeanScorecard;
import org.leancx.capacity.ScorecardSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Runs the Lean scorecard job. */
@Command(
    name = "scorecard",
    mixinStandardHelpOptions = true,
    description = "The Lean scorecard per period, for the organisation and per journey type: writes lean_scorecard"
        + " from contact_demand and, when they exist, journeys, journey_slo, capacity_whatif and root_conditions.")
final class ScorecardCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Mixin DateOption dateOption;

  @Override
  public Integer call() {
    Environment env = dateOption.apply(Environment.open(config));
    ScorecardSettings scorecard = ScorecardSettings.from(env.settings());
    LeanScorecard.Result r = LeanScorecard.run(env.warehouse(), env.settings(), scorecard);
    System.out.println("scorecard: " + r.summary());
    return 0;
  }
}
