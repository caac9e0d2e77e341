package org.leancx.cli;

import java.util.concurrent.Callable;
import org.leancx.generate.Generator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Writes the synthetic raw exports with their planted truth. */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    description =
        "Write synthetic raw exports (contacts, case events) and their planted truth to generate.output, replacing"
            + " what a previous run wrote. Size: --set generate.customers=N; format: --set generate.format=parquet.")
final class GenerateCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Override
  public Integer call() {
    Environment env = Environment.open(config);
    long t0 = System.nanoTime();
    Generator.Result r = Generator.run(env.warehouse(), env.settings());
    long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
    String out = r.output();
    System.out.printf("Generated in %d s from %,d customers:%n", seconds, r.customers());
    System.out.printf("  %-40s %,12d clean contacts + %,d dirty rows%n", out + "/contacts", r.contacts(), r.dirtyRows());
    System.out.printf("  %-40s %,12d events%n", out + "/case_events", r.caseEvents());
    System.out.printf(
        "  %-40s %,12d planted recontacts, %,d service accounts%n",
        out + "/truth/contacts", r.recontacts(), r.serviceAccounts());
    System.out.printf("  %-40s %,12d rows%n", out + "/truth/dirty", r.dirtyRows());
    System.out.printf("  %-40s %,12d planted condition sets%n", out + "/truth/planted_conditions", r.plantedSets());
    return 0;
  }
}
