package org.leancx.leadtime;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.monotonically_increasing_id;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The public event logs of the remaining-time benchmark (Rama-Maneiro et al.), read directly with Spark's CSV reader
 * into the event table of {@link PrefixFeatures}: the evaluation stays independent of the ingest mappings, so that
 * its figures depend only on the raw file.
 */
public enum BenchmarkDataset {
  /** Helpdesk ticketing log (helpdesk_full.csv): activity = concept:name, attribute = the resource. */
  HELPDESK("helpdesk_full.csv", "helpdesk", "`concept:name`", List.of("resource"), List.of(), null),
  /** BPI Challenge 2013 incidents: activity = status + sub-status; attributes group, impact, product, country. */
  BPIC2013("bpic2013_incidents.csv.gz", "bpi_challenge_2013_incidents",
      "concat_ws('+', `concept:name`, `lifecycle:transition`)", List.of("resource", "group", "impact", "product"),
      List.of(), null),
  /** BPI Challenge 2012 loan applications: activity = name + lifecycle; numeric attribute the requested amount. */
  BPIC2012("bpic2012.csv.gz", "bpi_challenge_2012", "concat_ws('+', `concept:name`, `lifecycle:transition`)",
      List.of("resource"), List.of("amount_requested"), null),
  /**
   * BPI Challenge 2012, COMPLETE events only (the benchmark's "bpi_challenge_2012_complete", where Navarin's 7.20 is
   * published): activity = name; numeric attribute the requested amount.
   */
  BPIC2012_COMPLETE("bpic2012.csv.gz", "bpi_challenge_2012_complete", "`concept:name`", List.of("resource"),
      List.of("amount_requested"), "`lifecycle:transition` = 'COMPLETE'");

  private final String file;
  private final String referenceName;
  private final String activityExpression;
  private final List<String> categorical;
  private final List<String> numeric;
  private final String eventFilter;

  BenchmarkDataset(String file, String referenceName, String activityExpression, List<String> categorical,
      List<String> numeric, String eventFilter) {
    this.eventFilter = eventFilter;
    this.file = file;
    this.referenceName = referenceName;
    this.activityExpression = activityExpression;
    this.categorical = categorical;
    this.numeric = numeric;
  }

  /** The name used on the command line and in model_evaluation.dataset. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The file under the data folder. */
  public String file() {
    return file;
  }

  /** The log's name in reference_ramamaneiro_remaining_time.csv. */
  public String referenceName() {
    return referenceName;
  }

  /** Categorical attribute columns of the event table (journey_type is added to every data set). */
  public List<String> categoricalColumns() {
    return categorical;
  }

  public List<String> numericColumns() {
    return numeric;
  }

  /** Parses a --dataset value. */
  public static BenchmarkDataset parse(String value) {
    for (BenchmarkDataset d : values()) {
      if (d.label().equalsIgnoreCase(value.replace('-', '_'))) {
        return d;
      }
    }
    throw new IllegalArgumentException(
        "Unknown data set '" + value + "': use helpdesk, bpic2013, bpic2012 or bpic2012-complete.");
  }

  /**
   * Reads the log into the event table: case_id, activity, at, event_order (the file order, the tie breaker of equal
   * timestamps), journey_type (the data set) and the attribute columns. Fails naming the file when a timestamp does
   * not parse.
   */
  public Dataset<Row> read(SparkSession spark, String dataDir) {
    Path path = Path.of(dataDir).resolve(file);
    if (!Files.exists(path)) {
      throw new IllegalStateException(
          "Event log " + path + " not found. Set lead-time-model.data-dir to the folder of the public logs"
              + " (default ../shared/data/real).");
    }
    Dataset<Row> raw = spark.read().option("header", "true").option("inferSchema", "false").csv(path.toString())
        .withColumn("event_order", monotonically_increasing_id());
    if (eventFilter != null) {
      raw = raw.where(expr(eventFilter));
    }
    Column at = expr("try_cast(`time:timestamp` AS TIMESTAMP)");
    Dataset<Row> events =
        raw.select(
            col("`case:concept:name`").as(PrefixFeatures.CASE_ID),
            expr(activityExpression).as(PrefixFeatures.ACTIVITY),
            at.as(PrefixFeatures.AT),
            col("event_order").as(PrefixFeatures.EVENT_ORDER),
            lit(label()).as("journey_type"),
            attribute("resource", raw),
            attribute("group", raw),
            attribute("impact", raw),
            attribute("product", raw),
            attribute("amount_requested", raw));
    Row bad = events.where(col(PrefixFeatures.AT).isNull().or(col(PrefixFeatures.CASE_ID).isNull())).limit(1)
        .select(col(PrefixFeatures.CASE_ID), col(PrefixFeatures.EVENT_ORDER)).collectAsList().stream().findFirst()
        .orElse(null);
    if (bad != null) {
      throw new IllegalStateException(
          "Event log " + path + ": an event of case " + bad.get(0) + " (row id " + bad.get(1) + ") has no case id or"
              + " an unparseable time:timestamp. Fix the file or exclude the row.");
    }
    return events;
  }

  private static Column attribute(String name, Dataset<Row> raw) {
    List<String> cols = List.of(raw.columns());
    String source =
        switch (name) {
          case "resource" -> "org:resource";
          case "group" -> "org:group";
          case "impact" -> "impact";
          case "product" -> "product";
          case "amount_requested" -> "case:AMOUNT_REQ";
          default -> throw new IllegalArgumentException(name);
        };
    if (!cols.contains(source)) {
      return lit(null).cast("string").as(name);
    }
    Column c = col("`" + source + "`");
    return (name.equals("amount_requested") ? expr("try_cast(`" + source + "` AS DOUBLE)") : c).as(name);
  }
}
