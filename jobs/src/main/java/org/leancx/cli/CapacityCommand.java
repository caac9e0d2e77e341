package org.leancx.cli;

import java.util.concurrent.Callable;
import org.leancx.capacity.CapacitySettings;
import org.leancx.capacity.CapacityWhatIf;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Runs the capacity what-if job. */
@Command(
    name = "capacity",
    mixinStandardHelpOptions = true,
    description = "Erlang C staffing per interval and queue, with and without failure demand and at the p90 peak:"
        + " writes capacity_whatif and capacity_summary (needs contacts and contact_demand).")
final class CapacityCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Mixin DateOption dateOption;

  @Override
  public Integer call() {
    Environment env = dateOption.apply(Environment.open(config));
    CapacitySettings capacity = CapacitySettings.from(env.settings());
    CapacityWhatIf.Result r = CapacityWhatIf.run(env.warehouse(), env.settings(), capacity);
    System.out.println("capacity: " + r.summary());
    return 0;
  }
}
