package org.leancx.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.leancx.ingest.IngestJob;
import org.leancx.ingest.SourceMapping;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Ingests raw exports into the canonical contacts, case_events, customer_lists and surveys tables through their
 * source mappings.
 */
@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    description = {
      "Ingest raw exports into the canonical contacts, case_events, customer_lists and surveys tables through"
          + " conf/sources/<NAME>.conf.",
      "Rejected rows go to the quarantine table with a reason. A snapshot load (the files are the whole source)"
          + " replaces the source's rows and refuses to remove more than ingest.max-removed-share of them; an"
          + " incremental load (the files are a drop of new and changed records) merges them by id and keeps the rest."
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

  @Option(
      names = "--load",
      paramLabel = "MODE",
      description = "snapshot or incremental, instead of the mapping's load (default snapshot): incremental merges the"
          + " files' records by id, for daily drops.")
  String load;

  @Option(
      names = "--allow-shrink",
      description = "Let a snapshot load remove more than ingest.max-removed-share of the rows the source holds.")
  boolean allowShrink;

  @Override
  public Integer call() {
    if (path != null && sources.size() > 1) {
      throw new IllegalArgumentException("--path applies to one source, but " + sources.size() + " were given: run"
          + " `leancx ingest --source NAME --path FILE` once per source.");
    }
    SourceMapping.LoadMode mode = load == null ? null : SourceMapping.LoadMode.parse(load, "--load");
    IngestJob.Shrink shrink = allowShrink ? IngestJob.Shrink.ALLOW : IngestJob.Shrink.REFUSE;
    Environment env = Environment.open(config);
    for (String source : sources) {
      IngestJob.Result r = IngestJob.load(env.warehouse(), env.settings(), source, new IngestJob.Request(path, mode, shrink));
      System.out.println(r.summary());
      System.out.println("  table: " + r.table());
      System.out.println("  quarantine: " + r.quarantineTable() + " (WHERE source = '" + r.source() + "')");
      System.out.println("  run: " + r.runId());
    }
    return 0;
  }
}
