package org.leancx.cli;

import java.util.concurrent.Callable;
import org.leancx.guardrails.Guardrails;
import org.leancx.guardrails.GuardrailSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Runs the guardrails job. */
@Command(
    name = "guardrails",
    mixinStandardHelpOptions = true,
    description = "The measures that stop over-optimisation, beside the efficiency ones: writes efficiency_twins (per"
        + " period and team, handle time beside the repeats and complaints the team's contacts caused, and the full"
        + " cost per need) from contact_demand and contacts. See docs/GUARDRAILS.md.")
final class GuardrailsCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Mixin DateOption dateOption;

  @Override
  public Integer call() {
    Environment env = dateOption.apply(Environment.open(config));
    Guardrails.Result r =
        Guardrails.run(env.warehouse(), env.settings(), GuardrailSettings.from(env.settings()));
    System.out.println("guardrails: " + r.summary());
    return 0;
  }
}
