package org.leancx.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.leancx.ingest.IngestJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Ingests raw exports into the canonical contacts and case_events tables through their source mappings. */
@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    description = {
      "Ingest raw exports into the canonical contacts and case_events tables through conf/sources/<NAME>.conf.",
      "Rejected rows go to the quarantine table with a reason; re-ingesting a source replaces its rows."
    })
final class IngestCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Option(
      names = "--source",
      required = true,
      paramLabel = "NAME",
      description = "Source mapping conf/sources/NAME.conf, e.g. synthetic_contacts. Repeatable.")
  List<String> sources = new ArrayList<>();

  @Option(
      names = "--path",
      paramLabel = "FILE_OR_DIR",
      description = "Read this file, folder or glob instead of the mapping's path (only with one --source).")
  String path;

  @Override
  public Integer call() {
    if (path != null && sources.size() > 1) {
      throw new IllegalArgumentException("--path applies to one source, but " + sources.size() + " were given: run"
          + " `leancx ingest --source NAME --path FILE` once per source.");
    }
    Environment env = Environment.open(config);
    for (String source : sources) {
      IngestJob.Result r = IngestJob.run(env.warehouse(), env.settings(), source, path);
      System.out.println(r.summary());
      System.out.println("  table: " + r.table());
      System.out.println("  quarantine: " + r.quarantineTable() + " (WHERE source = '" + r.source() + "')");
      System.out.println("  run: " + r.runId());
    }
    return 0;
  }
}
