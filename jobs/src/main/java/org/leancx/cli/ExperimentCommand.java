package org.leancx.cli;

import java.util.concurrent.Callable;
import org.leancx.experiments.ExperimentSettings;
import org.leancx.experiments.Experiments;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Runs the experiment job for one or every configured experiment. */
@Command(
    name = "experiment",
    mixinStandardHelpOptions = true,
    description = "Compares the arms of a change (an A/B test on a contact attribute or an assignment list, or before"
        + " and after a date) on the full cost of resolving the customer's need: contacts per need, first-contact"
        + " cost, full cost per resolved need (every contact's channel cost and handle time, complaints, case work),"
        + " failure-demand share, repeat rate and lead time, each with the difference to the control arm, its"
        + " interval from a bootstrap clustered by customer, and a verdict. Writes the experiment's rows of"
        + " experiment_results from journeys, journey_steps, contact_demand and contacts. Experiments are defined"
        + " under experiments.NAME in conf. See docs/EXPERIMENTS.md.")
final class ExperimentCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Option(
      names = "--name",
      paramLabel = "NAME",
      description = "The experiment (experiments.NAME in conf). Without it, every configured experiment runs.")
  String name;

  @Override
  public Integer call() {
    Environment env = Environment.open(config);
    ExperimentSettings analysis = ExperimentSettings.from(env.settings());
    java.util.List<String> names = name == null ? analysis.names() : java.util.List.of(name);
    if (names.isEmpty()) {
      System.out.println("experiment: no experiment configured (experiments.NAME in conf): nothing to do");
      return 0;
    }
    for (String n : names) {
      Experiments.Result r = Experiments.run(env.warehouse(), env.settings(), analysis, n);
      System.out.println("experiment: " + r.summary());
    }
    return 0;
  }
}
