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
    // The generator writes some unreadable times ("N/A", ...), which ingest quarantines: they go with the history.
    String lastDay = contacts.where(isDate(day(contacts, "start_time")))
        .agg(max(day(contacts, "start_time"))).first().getString(0);
    LocalDate.parse(lastDay);
    long[] counts = new long[2];
    for (Map.Entry<String, String> e : TIME_COLUMNS.entrySet()) {
      Dataset<Row> rows = spark.read().parquet(raw.resolve(e.getKey()).toString());
      org.apache.spark.sql.Column date = day(rows, e.getValue());
      Dataset<Row> day = rows.where(isDate(date).and(date.equalTo(lastDay)));
      Dataset<Row> history = rows.where(org.apache.spark.sql.functions.not(isDate(date).and(date.equalTo(lastDay)))
          .or(date.isNull()));
      history.write().mode("overwrite").parquet(out.resolve("history").resolve(e.getKey()).toString());
      day.write().mode("overwrite").parquet(out.resolve("day").resolve(e.getKey()).toString());
      long h = spark.read().parquet(out.resolve("history").resolve(e.getKey()).toString()).count();
      long d = spark.read().parquet(out.resolve("day").resolve(e.getKey()).toString()).count();
      long total = rows.count();
      if (h + d != total) {
        throw new IllegalStateException(e.getKey() + ": the history (" + h + ") and the last day (" + d
            + ") do not add up to the export (" + total + ")");
      }
      if (e.getKey().equals("contacts")) {
        counts[0] = h;
        counts[1] = d;
      }
    }
    System.out.println("BENCH_RESULT last_day=" + lastDay + " history_contacts=" + counts[0] + " day_contacts="
        + counts[1]);
    spark.stop();
  }

  private static org.apache.spark.sql.Column isDate(org.apache.spark.sql.Column text) {
    return text.rlike("^[0-9]{4}-[0-9]{2}-[0-9]{2}$");
  }

  /** The UTC date of a time column, as yyyy-MM-dd text, whether it is a timestamp or text. */
  private static org.apache.spark.sql.Column day(Dataset<Row> rows, String column) {
    return substring(col(column).cast("string"), 1, 10);
  }
}
