package org.leancx.cli;

import static org.apache.spark.sql.functions.col;

import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.leancx.common.RunLog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Shows the run log. */
@Command(name = "runs", mixinStandardHelpOptions = true, description = "Show the latest runs from pipeline_runs.")
final class RunsCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Option(names = "--limit", defaultValue = "20", description = "How many runs to show, newest first (default 20).")
  int limit;

  @Override
  public Integer call() {
    Environment env = Environment.open(config);
    if (!env.warehouse().exists(RunLog.PIPELINE_RUNS)) {
      System.out.println("No runs recorded yet in " + env.warehouse().location(RunLog.PIPELINE_RUNS));
      return 0;
    }
    Dataset<Row> runs =
        env.warehouse()
            .read(RunLog.PIPELINE_RUNS)
            .orderBy(col("started_at").desc())
            .select("run_id", "job", "status", "started_at", "finished_at", "arguments", "counts", "error_message");
    runs.show(limit, 60, false);
    return 0;
  }
}
