package org.leancx.cli;

import java.util.concurrent.Callable;
import org.leancx.guardrails.GuardrailSettings;
import org.leancx.guardrails.Guardrails;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Runs the guardrails job. */
@Command(
    name = "guardrails",
    mixinStandardHelpOptions = true,
    description = "The measures that stop over-optimisation, beside the efficiency ones: writes efficiency_twins (per"
        + " period and team, handle time beside the repeats and complaints the team's contacts caused, and the full"
        + " cost per need) and automation_slo (per period and automation flow, containment and safe hand-off against"
        + " their objectives, with error budgets) from contact_demand and contacts, and protected_outcomes (vulnerable"
        + " customers' outcomes beside the others', with intervals) from journeys too. See docs/GUARDRAILS.md.")
final class GuardrailsCommand implements Callable<Integer> {
  /** Exit status when --fail-on-exhausted finds an exhausted error budget. */
  static final int EXHAUSTED_EXIT = 3;

  @Spec CommandSpec spec;

  @Mixin ConfigOptions config;

  @Mixin DateOption dateOption;

  @Option(
      names = "--fail-on-exhausted",
      description = "Stop the line: exit with status " + EXHAUSTED_EXIT + ", naming the flow and the SLO, when an"
          + " automation flow's error budget (containment or safe hand-off) is exhausted in its latest assessed period"
          + " of automation_slo (the latest complete period with settled contacts). The tables are written first.")
  boolean failOnExhausted;

  @Override
  public Integer call() {
    Environment env = dateOption.apply(Environment.open(config));
    Guardrails.Result r =
        Guardrails.run(env.warehouse(), env.settings(), GuardrailSettings.from(env.settings()));
    System.out.println("guardrails: " + r.summary());
    if (failOnExhausted && !r.exhausted().isEmpty()) {
      spec.commandLine().getErr().println("guardrails: stopping the line (--fail-on-exhausted): error budget exhausted for "
          + String.join("; ", r.exhausted()));
      return EXHAUSTED_EXIT;
    }
    return 0;
  }
}
