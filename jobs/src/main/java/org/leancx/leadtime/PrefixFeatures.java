package org.leancx.leadtime;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.dayofweek;
import static org.apache.spark.sql.functions.hour;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.last;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.unix_micros;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * The features of every prefix of every case (or journey), computed with window functions over the events of a case
 * ordered by time: one sort per case, no driver loop, so it scales to millions of journeys.
 *
 * <p>Input: an event table with {@link #CASE_ID}, {@link #ACTIVITY}, {@link #AT}, {@link #EVENT_ORDER} (the tie
 * breaker for equal timestamps, e.g. the file row or journey_steps.seq) and the attribute columns named by the
 * {@link FeatureSpec}. Output: one row per event = the prefix ending at that event.
 */
public final class PrefixFeatures {
  /** Case or journey id. */
  public static final String CASE_ID = "case_id";
  /** Activity or channel of the event. */
  public static final String ACTIVITY = "activity";
  /** When the event happened. */
  public static final String AT = "at";
  /** Tie breaker among events of one case with the same timestamp. */
  public static final String EVENT_ORDER = "event_order";
  /** Number of events in the prefix (1-based). */
  public static final String PREFIX_LENGTH = "prefix_length";
  /** Number of events of the whole case (as far as the input knows it). */
  public static final String CASE_LENGTH = "case_length";
  /** Seconds from the case's first event to the prefix's last event. */
  public static final String ELAPSED_SECONDS = "elapsed_seconds";
  /** Seconds from the previous event to the prefix's last event; 0 for the first. */
  public static final String SINCE_PREVIOUS_SECONDS = "since_previous_seconds";
  /** The label: seconds from the prefix's last event to the case's last event. */
  public static final String REMAINING_SECONDS = "remaining_seconds";
  /** UTC hour of the prefix's last event, 0 to 23. */
  public static final String HOUR = "hour";
  /** Weekday of the prefix's last event, 1 = Sunday to 7 = Saturday. */
  public static final String WEEKDAY = "weekday";
  /** Events so far whose activity had already occurred earlier in the case. */
  public static final String REPEATS = "repeats";
  /** Activity of the prefix's last event, capped to the vocabulary. */
  public static final String LAST_ACTIVITY = "last_activity";
  /** Activity of the event before it, capped; {@link FeatureSpec#NONE} for prefixes of length 1. */
  public static final String PREVIOUS_ACTIVITY = "previous_activity";
  /** Events so far whose activity is outside the vocabulary. */
  public static final String COUNT_OTHER = "count_other";
  /** Timestamp of the case's last event. */
  public static final String CASE_END_AT = "case_end_at";

  private PrefixFeatures() {}

  /** Name of the count-so-far column of the i-th vocabulary activity. */
  public static String countColumn(int i) {
    return "count_" + i;
  }

  /** The numeric feature columns the models use, in a fixed order. */
  public static List<String> numericFeatures(FeatureSpec spec) {
    List<String> out = new ArrayList<>(
        List.of(PREFIX_LENGTH, ELAPSED_SECONDS, SINCE_PREVIOUS_SECONDS, HOUR, WEEKDAY, REPEATS, COUNT_OTHER));
    for (int i = 0; i < spec.activities().size(); i++) {
      out.add(countColumn(i));
    }
    out.addAll(spec.numericColumns());
    return out;
  }

  /** The categorical feature columns the models use (string levels), in a fixed order. */
  public static List<String> categoricalFeatures(FeatureSpec spec) {
    List<String> out = new ArrayList<>(List.of(LAST_ACTIVITY, PREVIOUS_ACTIVITY));
    out.addAll(spec.categoricalColumns());
    return out;
  }

  /**
   * Every prefix of every case with its features and its label {@link #REMAINING_SECONDS}: one row per input event.
   * Columns not named by the spec are dropped, except {@link #CASE_ID} and {@link #AT}.
   */
  public static Dataset<Row> prefixes(Dataset<Row> events, FeatureSpec spec) {
    WindowSpec ordered = Window.partitionBy(CASE_ID).orderBy(col(AT), col(EVENT_ORDER));
    WindowSpec soFar = ordered.rowsBetween(Window.unboundedPreceding(), Window.currentRow());
    WindowSpec wholeCase = Window.partitionBy(CASE_ID);
    WindowSpec sameActivity = Window.partitionBy(CASE_ID, ACTIVITY).orderBy(col(AT), col(EVENT_ORDER));

    Column level = capped(col(ACTIVITY), spec.activities());
    Dataset<Row> tagged =
        events
            .withColumn("activity_level", level)
            .withColumn("is_repeat", when(row_number().over(sameActivity).gt(1), 1).otherwise(0));

    List<Column> out = new ArrayList<>();
    out.add(col(CASE_ID));
    out.add(col(AT));
    out.add(row_number().over(ordered).as(PREFIX_LENGTH));
    out.add(count(lit(1)).over(wholeCase).cast("int").as(CASE_LENGTH));
    out.add(max(col(AT)).over(wholeCase).as(CASE_END_AT));
    out.add(seconds(min(col(AT)).over(wholeCase), col(AT)).as(ELAPSED_SECONDS));
    out.add(coalesce(seconds(lag(col(AT), 1).over(ordered), col(AT)), lit(0.0)).as(SINCE_PREVIOUS_SECONDS));
    out.add(seconds(col(AT), max(col(AT)).over(wholeCase)).as(REMAINING_SECONDS));
    out.add(hour(col(AT)).cast("double").as(HOUR));
    out.add(dayofweek(col(AT)).cast("double").as(WEEKDAY));
    out.add(sum(col("is_repeat")).over(soFar).cast("double").as(REPEATS));
    out.add(col("activity_level").as(LAST_ACTIVITY));
    out.add(coalesce(lag(col("activity_level"), 1).over(ordered), lit(FeatureSpec.NONE)).as(PREVIOUS_ACTIVITY));
    for (int i = 0; i < spec.activities().size(); i++) {
      String a = spec.activities().get(i);
      out.add(sum(when(col(ACTIVITY).equalTo(lit(a)), 1).otherwise(0)).over(soFar).cast("double").as(countColumn(i)));
    }
    out.add(sum(when(col("activity_level").equalTo(lit(FeatureSpec.OTHER)), 1).otherwise(0)).over(soFar)
        .cast("double").as(COUNT_OTHER));
    for (String c : spec.categoricalColumns()) {
      // The latest known value so far: a case attribute stays, an event attribute (resource, team) follows the events.
      Column latest = last(col(c).cast("string"), true).over(soFar);
      out.add(when(latest.isNull(), lit(FeatureSpec.NONE)).otherwise(capped(latest, spec.categoricalLevels().get(c)))
          .as(c));
    }
    for (String c : spec.numericColumns()) {
      out.add(coalesce(last(col(c).cast("double"), true).over(soFar), lit(-1.0)).as(c));
    }
    return tagged.select(out.toArray(Column[]::new));
  }

  /** The prefixes whose remaining time is known and positive-length: lengths 1 to n-1 of each case. */
  public static Dataset<Row> proper(Dataset<Row> prefixes) {
    return prefixes.where(col(PREFIX_LENGTH).lt(col(CASE_LENGTH)));
  }

  /** The last prefix of each case: the state of an open journey now. */
  public static Dataset<Row> latest(Dataset<Row> prefixes) {
    return prefixes.where(col(PREFIX_LENGTH).equalTo(col(CASE_LENGTH)));
  }

  private static Column capped(Column value, List<String> vocabulary) {
    if (vocabulary.isEmpty()) {
      return lit(FeatureSpec.OTHER);
    }
    return when(value.isin(vocabulary.toArray()), value).otherwise(lit(FeatureSpec.OTHER));
  }

  /** Seconds from {@code from} to {@code to}, with microsecond precision. */
  static Column seconds(Column from, Column to) {
    return unix_micros(to).minus(unix_micros(from)).cast("double").divide(1_000_000.0);
  }
}
