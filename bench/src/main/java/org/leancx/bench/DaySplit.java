package org.leancx.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.substring;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.leancx.common.SparkSessions;
import org.leancx.common.SparkSettings;

/**
 * Cuts the generator's Parquet exports (contacts, case_events) into the history (every record dated before the last
 * day of contacts) and the last day, for the daily measurement of bench/run: the history is loaded and run as of the
 * day before, then the last day is loaded incrementally and run with {@code leancx daily --date}. A record's date is
 * the UTC date of its time column, as the shipped mappings read it.
 *
 * <p>Usage: {@code DaySplit <raw folder> <out folder>}: writes out/history/{contacts,case_events} and
 * out/day/{contacts,case_events}; prints a {@code BENCH_RESULT} line with last_day, history_contacts and
 * day_contacts.
 */
public final class DaySplit {
  private DaySplit() {}

  /** Each export and the column that dates its records. */
  static final Map<String, String> TIME_COLUMNS = Map.of("contacts", "start_time", "case_events", "event_time");

  public static void main(String[] args) {
    if (args.length != 2) {
      throw new IllegalArgumentException("Usage: DaySplit <raw folder> <out folder>");
    }
    Path raw = Path.of(args[0]);
    Path out = Path.of(args[1]);
    SparkSession spark =
        SparkSessions.open(new SparkSettings("local[2]", "leancx-bench-split", 4, false,
            Map.of("spark.sql.session.timeZone", "UTC")), out.resolve("spark-warehouse").toString());
    Dataset<Row> contacts = spark.read().parquet(raw.resolve("contacts").toString());
    String lastDay = contacts.agg(max(day(contacts, "start_time"))).first().getString(0);
    LocalDate.parse(lastDay);
    long[] counts = new long[2];
    for (Map.Entry<String, String> e : TIME_COLUMNS.entrySet()) {
      Dataset<Row> rows = spark.read().parquet(raw.resolve(e.getKey()).toString());
      Dataset<Row> history = rows.where(day(rows, e.getValue()).lt(lastDay));
      Dataset<Row> day = rows.where(day(rows, e.getValue()).equalTo(lastDay));
      history.write().mode("overwrite").parquet(out.resolve("history").resolve(e.getKey()).toString());
      day.write().mode("overwrite").parquet(out.resolve("day").resolve(e.getKey()).toString());
      if (e.getKey().equals("contacts")) {
        counts[0] = spark.read().parquet(out.resolve("history").resolve("contacts").toString()).count();
        counts[1] = spark.read().parquet(out.resolve("day").resolve("contacts").toString()).count();
      }
    }
    System.out.println("BENCH_RESULT last_day=" + lastDay + " history_contacts=" + counts[0] + " day_contacts="
        + counts[1]);
    spark.stop();
  }

  /** The UTC date of a time column, as yyyy-MM-dd text, whether it is a timestamp or text. */
  private static org.apache.spark.sql.Column day(Dataset<Row> rows, String column) {
    return substring(col(column).cast("string"), 1, 10);
  }
}
