package org.leancx.common;

import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** Opens the one SparkSession of a leancx process, with Delta configured at the first getOrCreate. */
public final class SparkSessions {
  /** Columns written without Parquet dictionary encoding (see {@link #open}). */
  static final java.util.List<String> PLAIN_ENCODED =
      java.util.List.of(
          "contact_id", "prior_contact_id", "chain_id", "customer_key", "started_at", "ended_at", "journey_id",
          "step_id", "event_id", "occurred_at");

  private SparkSessions() {}

  /**
   * Opens (or returns) the session. When spark-submit (or a platform) already set {@code spark.master}, that master
   * wins; otherwise the configured local master is used.
   */
  public static SparkSession open(SparkSettings settings, String warehouseDir) {
    SparkConf submitted = new SparkConf(true);
    SparkSession.Builder builder =
        SparkSession.builder()
            .appName(settings.appName())
            .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
            .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.shuffle.partitions", String.valueOf(settings.shufflePartitions()))
            .config("spark.ui.enabled", String.valueOf(settings.uiEnabled()))
            .config("spark.ui.showConsoleProgress", "false")
            // Small tables: loading a Delta snapshot with the default 50 partitions costs seconds for nothing.
            .config("spark.databricks.delta.snapshotPartitions", "2")
            .config("spark.databricks.delta.schema.autoMerge.enabled", "false");
    // Ids and timestamps are (nearly) unique per row: Parquet's dictionary encoding only builds a dictionary that it
    // then abandons. Plain encoding for them made writing contact_demand 7 s (10%) faster at 10M contacts, at the
    // same size (docs/BENCHMARKS.md). Per column name, in every table; spark.conf can set any of them back.
    for (String column : PLAIN_ENCODED) {
      String key = "spark.hadoop.parquet.enable.dictionary#" + column;
      if (!submitted.contains(key)) {
        builder.config(key, "false");
      }
    }
    // INT96 (Spark's default) is deprecated and 12 bytes a value; 64-bit microseconds are what other readers expect,
    // and they are faster to write (docs/DECISIONS.md). Older INT96 files of a table stay readable.
    if (!submitted.contains("spark.sql.parquet.outputTimestampType")) {
      builder.config("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS");
    }
    if (!submitted.contains("spark.master")) {
      builder.master(settings.master());
    }
    // A cluster's own catalog (a Hive metastore or Glue behind spark-defaults) wins: catalog mode writes into it.
    // Locally, the in-memory catalog, with managed tables (catalog mode) under the warehouse folder.
    if (!submitted.contains("spark.sql.catalogImplementation")) {
      builder.config("spark.sql.catalogImplementation", "in-memory");
    }
    if (!submitted.contains("spark.sql.warehouse.dir")) {
      builder.config("spark.sql.warehouse.dir", warehouseDir);
    }
    for (Map.Entry<String, String> e : settings.extra().entrySet()) {
      builder.config(e.getKey(), e.getValue());
    }
    SparkSession session = builder.getOrCreate();
    // Some code paths (Delta, MLlib, aggregate functions on task threads) look the session up with
    // SparkSession.active: make this one both the default and the active session of the process.
    SparkSession.setDefaultSession(session);
    SparkSession.setActiveSession(session);
    // Spark's console progress bar is off above (it garbles log files and the launcher's output): our own lines.
    Progress.attach(session.sparkContext(), settings.progress());
    return session;
  }

  /**
   * Runs {@code body} with the SQL conf {@code key} set to {@code value} in {@code spark}, then sets it back (or
   * unsets it). For confs that Spark reads when a plan is made or a dataset persisted, so the body must contain that
   * moment: the action, or the {@code persist}.
   */
  public static <T> T withConf(SparkSession spark, String key, String value, java.util.function.Supplier<T> body) {
    return withConf(spark, Map.of(key, value), body);
  }

  /** {@link #withConf(SparkSession, String, String, java.util.function.Supplier)} for several confs. */
  public static <T> T withConf(
      SparkSession spark, Map<String, String> confs, java.util.function.Supplier<T> body) {
    Map<String, String> previous = new java.util.HashMap<>();
    for (Map.Entry<String, String> e : confs.entrySet()) {
      previous.put(e.getKey(), spark.conf().getOption(e.getKey()).getOrElse(() -> null));
      spark.conf().set(e.getKey(), e.getValue());
    }
    try {
      return body.get();
    } finally {
      for (Map.Entry<String, String> e : previous.entrySet()) {
        if (e.getValue() == null) {
          spark.conf().unset(e.getKey());
        } else {
          spark.conf().set(e.getKey(), e.getValue());
        }
      }
    }
  }
}
