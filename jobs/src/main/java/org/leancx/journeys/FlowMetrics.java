package org.leancx.journeys;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_from_unix_date;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.percentile;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.when;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * The flow_daily transform: arrivals, completions, measured WIP and its age profile, the Little's Law estimate and
 * lead-time percentiles per local day and journey type, from the journeys table.
 */
public final class FlowMetrics {
  private FlowMetrics() {}

  private static final long DAY = BusinessCalendar.DAY;
  /** An end beyond any real day, for journeys that are still open. */
  private static final long NEVER = Long.MAX_VALUE / 4;

  /**
   * flow_daily from journeys (journey_type, started_at, ended_at, lead_time_seconds; ended_at null when open).
   * A journey is in the WIP of local day d when it started before the end of d and had not ended before it. Each
   * journey contributes +1/-1 day markers per age bucket, and running sums per type and bucket give the daily WIP
   * by age, so no journey is expanded over the days it is open.
   */
  public static Dataset<Row> flowDaily(Dataset<Row> journeys, JourneySettings settings, Instant asOf) {
    return flowDaily(journeys, null, null, settings, asOf);
  }

  /**
   * flow_daily from a part of the journeys, for the days from {@code fromDay} on (docs/JOURNEYS.md, "Daily runs"): the
   * rows of those days equal the whole table's when {@code journeys} holds every journey open at, or ended on or after,
   * the start of the trailing window of {@code fromDay} ({@link #partFrom}), {@code types} every journey type of the
   * whole table, and {@code firstDay} its first day; a journey that ended before contributes nothing to those days
   * (its WIP markers sum to zero before them).
   *
   * @param types the journey_type column of every journey, or null to take the types of {@code journeys}
   * @param firstDay the first local day of the whole table, or null to take the first start in {@code journeys}
   */
  public static Dataset<Row> flowDaily(
      Dataset<Row> journeys, Dataset<Row> types, LocalDate firstDay, JourneySettings settings, Instant asOf) {
    BusinessCalendar calendar = settings.calendar();
    List<Duration> bounds = settings.ageBuckets();
    long asOfDay = Math.floorDiv(
        asOf.getEpochSecond() + calendar.zone().getRules().getOffset(asOf).getTotalSeconds(), DAY);
    Column start = calendar.localSeconds(col("started_at"));
    Column end = coalesce(calendar.localSeconds(col("ended_at")), lit(NEVER));
    Dataset<Row> j =
        journeys.select(
            col("journey_type"),
            start.as("_s"),
            end.as("_e"),
            when(col("ended_at").isNotNull(), col("lead_time_seconds")).as("_lead"));

    // WIP markers: bucket k holds ages in (lo, hi]; the journey is in it at the end of day d when
    // (d + 1) * DAY lies in (s + lo, min(s + hi, e)], i.e. for floor((s + lo) / DAY) <= d < floor(min(..) / DAY).
    List<Column> buckets = new ArrayList<>();
    List<Column> labels = new ArrayList<>();
    long lo = 0;
    for (int k = 0; k <= bounds.size(); k++) {
      Long hi = k < bounds.size() ? bounds.get(k).toSeconds() : null;
      Column upper = hi == null ? col("_e") : least(col("_s").plus(hi), col("_e"));
      buckets.add(
          struct(
              lit(k).as("k"),
              floor(col("_s").plus(lo).divide(DAY)).as("from_day"),
              least(floor(upper.divide(DAY)), lit(asOfDay + 1)).as("to_day")));
      labels.add(
          struct(
              lit(k).as("k"),
              lit(label(lo, hi)).as("bucket"),
              lit(lo).as("min_age_seconds"),
              lit(hi).cast("bigint").as("max_age_seconds")));
      lo = hi == null ? lo : hi;
    }
    Dataset<Row> markers =
        j.select(col("journey_type"), explode(array(buckets.toArray(Column[]::new))).as("b"))
            .filter(col("b.from_day").lt(col("b.to_day")))
            .select(
                col("journey_type"),
                col("b.k").as("k"),
                explode(
                        array(
                            struct(col("b.from_day").as("day"), lit(1L).as("delta")),
                            struct(col("b.to_day").as("day"), lit(-1L).as("delta"))))
                    .as("m"))
            .groupBy(col("journey_type"), col("k"), col("m.day").as("day"))
            .agg(sum(col("m.delta")).as("delta"));

    Dataset<Row> days =
        (firstDay == null
                ? j.agg(min(floor(col("_s").divide(DAY))).as("first_day"))
                : j.sparkSession().range(1).select(lit(firstDay.toEpochDay()).as("first_day")))
            .select(explode(sequence(col("first_day"), lit(asOfDay))).as("day"));
    Dataset<Row> grid =
        days.crossJoin((types == null ? j : types).select("journey_type").distinct());
    Dataset<Row> bucketLabels =
        j.sparkSession().range(1).select(explode(array(labels.toArray(Column[]::new))).as("l")).select("l.*");

    WindowSpec running =
        Window.partitionBy("journey_type", "k").orderBy("day").rowsBetween(Window.unboundedPreceding(), 0);
    Dataset<Row> wipByAge =
        grid.crossJoin(bucketLabels)
            .join(markers, new String[] {"journey_type", "k", "day"}, "left")
            .withColumn("journeys", sum(coalesce(col("delta"), lit(0L))).over(running))
            .groupBy("journey_type", "day")
            .agg(
                sum(col("journeys")).as("wip"),
                array_sort(
                        collect_list(
                            struct(
                                col("k"), col("bucket"), col("min_age_seconds"), col("max_age_seconds"),
                                col("journeys"))))
                    .as("_buckets"));

    Dataset<Row> arrivals =
        j.groupBy(col("journey_type"), floor(col("_s").divide(DAY)).as("day")).agg(count(lit(1)).as("arrivals"));
    Dataset<Row> completions =
        j.filter(col("_lead").isNotNull())
            .groupBy(col("journey_type"), floor(col("_e").divide(DAY)).as("day"))
            .agg(
                count(lit(1)).as("completions"),
                sum(col("_lead")).as("_lead_sum"),
                percentile(col("_lead"), array(lit(0.5), lit(0.85), lit(0.95))).as("_p"));

    int window = (int) settings.littlesLawWindow().toDays();
    WindowSpec trailing = Window.partitionBy("journey_type").orderBy("day").rowsBetween(-(window - 1), 0);
    Dataset<Row> daily =
        wipByAge
            .join(arrivals, new String[] {"journey_type", "day"}, "left")
            .join(completions, new String[] {"journey_type", "day"}, "left")
            .withColumn("arrivals", coalesce(col("arrivals"), lit(0L)))
            .withColumn("completions", coalesce(col("completions"), lit(0L)))
            .withColumn("_lead_sum", coalesce(col("_lead_sum"), lit(0L)))
            .withColumn("trailing_days", count(lit(1)).over(trailing).cast("int"))
            .withColumn("_arrivals_w", sum(col("arrivals")).over(trailing))
            .withColumn("_completions_w", sum(col("completions")).over(trailing))
            .withColumn("_lead_w", sum(col("_lead_sum")).over(trailing))
            .withColumn("arrival_rate_per_day", col("_arrivals_w").divide(col("trailing_days")))
            .withColumn(
                "mean_lead_time_seconds",
                when(col("_completions_w").gt(0), col("_lead_w").divide(col("_completions_w"))))
            .withColumn(
                "littles_law_wip", col("arrival_rate_per_day").multiply(col("mean_lead_time_seconds")).divide(DAY))
            .withColumn("wip_ratio", when(col("littles_law_wip").gt(0), col("wip").divide(col("littles_law_wip"))))
            .withColumn("lead_time_p50_seconds", col("_p").getItem(0))
            .withColumn("lead_time_p85_seconds", col("_p").getItem(1))
            .withColumn("lead_time_p95_seconds", col("_p").getItem(2))
            .withColumn("flow_date", date_from_unix_date(col("day").cast("int")))
            .withColumn("wip_by_age", transform(
                    col("_buckets"),
                    b ->
                        struct(
                            b.getField("bucket").as("bucket"),
                            b.getField("min_age_seconds").as("min_age_seconds"),
                            b.getField("max_age_seconds").as("max_age_seconds"),
                            b.getField("journeys").as("journeys"))));
    return daily.select(
        JourneyTables.FLOW_DAILY.columnNames().stream().map(c -> col(c)).toArray(Column[]::new));
  }

  /**
   * The first instant whose journeys {@link #flowDaily(Dataset, Dataset, LocalDate, JourneySettings, Instant)} needs for
   * the days from {@code fromDay} on: the start of the Little's Law window before it, a day early for any zone offset.
   */
  public static Instant partFrom(LocalDate fromDay, JourneySettings settings) {
    return fromDay.minusDays(settings.littlesLawWindow().toDays() + 1).atStartOfDay(java.time.ZoneOffset.UTC)
        .toInstant();
  }

  /** A bucket label such as "1d-3d", "<=1d" or ">30d", in whole days when the bounds are whole days. */
  static String label(long lo, Long hi) {
    if (hi == null) {
      return ">" + human(lo);
    }
    return lo == 0 ? "<=" + human(hi) : human(lo) + "-" + human(hi);
  }

  private static String human(long seconds) {
    if (seconds % DAY == 0) {
      return seconds / DAY + "d";
    }
    if (seconds % 3600 == 0) {
      return seconds / 3600 + "h";
    }
    return seconds + "s";
  }

  /** The as-of instant as a timestamp literal. */
  static Column timestamp(Instant instant) {
    return lit(Timestamp.from(instant));
  }
}
