package org.leancx.cli;

import java.util.concurrent.Callable;
import org.leancx.conditions.ConditionSettings;
import org.leancx.conditions.ConditionTables;
import org.leancx.conditions.Outcome;
import org.leancx.conditions.RootConditions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Runs the root-conditions job. */
@Command(
    name = "root-conditions",
    mixinStandardHelpOptions = true,
    description = "Find the sets of conditions that produce failure demand (or SLO breaches), with lift, a 95%%"
        + " interval, excess failures and excess cost; writes root_conditions and failure_cost_daily.")
final class RootConditionsCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Mixin DateOption dateOption;

  @Option(names = "--outcome", paramLabel = "OUTCOME",
      description = "failure-demand (first contacts followed by a recontact, from contact_demand) or slo-breach"
          + " (closed journeys over conditions.slo.threshold, from journeys). Default: conditions.outcome.")
  String outcome;

  @Override
  public Integer call() {
    Environment env = dateOption.apply(Environment.open(config));
    Outcome chosen = outcome == null ? ConditionSettings.from(env.settings()).outcome() : Outcome.parse(outcome);
    RootConditions.Result r = RootConditions.run(env.warehouse(), env.settings(), chosen);
    System.out.println("root-conditions " + r.summary());
    env.spark()
        .sql("SELECT rank, conditions, support, failures, round(lift, 2) AS lift, round(excess_failures, 1) AS"
            + " excess_failures, round(excess_cost, 2) AS excess_cost FROM "
            + env.warehouse().qualifiedName(ConditionTables.ROOT_CONDITIONS) + " WHERE outcome = '" + chosen.id() + "' ORDER BY rank")
        .show(20, false);
    return 0;
  }
}
