package org.leancx.journeys;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.timestamp_seconds;
import static org.apache.spark.sql.functions.xxhash64;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** flow_daily: WIP and its age profile on a small example, and Little's Law on stationary data. */
class FlowMetricsTest extends JourneyFixtures {
  static final StructType JOURNEYS =
      new StructType()
          .add("journey_type", DataTypes.StringType)
          .add("started_at", DataTypes.TimestampType)
          .add("ended_at", DataTypes.TimestampType)
          .add("lead_time_seconds", DataTypes.LongType);

  @Test
  void arrivalsCompletionsWipAndAgeBucketsPerDay() {
    JourneySettings s = JourneySettings.from(settings("journeys.flow.littles-law-window=2d"));
    Dataset<Row> journeys =
        rows(
            JOURNEYS,
            new Object[] {"t", ts("2026-03-01T10:00:00Z"), ts("2026-03-03T12:00:00Z"), 2 * 86400L + 7200},
            new Object[] {"t", ts("2026-03-02T08:00:00Z"), null, 0L});
    Map<String, Row> days =
        FlowMetrics.flowDaily(journeys, s, Instant.parse("2026-03-05T12:00:00Z"))
            .collectAsList()
            .stream()
            .collect(Collectors.toMap(r -> r.getAs("flow_date").toString(), r -> r));
    assertThat(days).containsOnlyKeys("2026-03-01", "2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05");
    assertThat(counts(days.get("2026-03-01"))).containsExactly(1L, 0L, 1L);
    assertThat(buckets(days.get("2026-03-01"))).containsExactly(1L, 0L, 0L, 0L, 0L, 0L);
    assertThat(counts(days.get("2026-03-02"))).containsExactly(1L, 0L, 2L);
    assertThat(buckets(days.get("2026-03-02"))).containsExactly(1L, 1L, 0L, 0L, 0L, 0L);
    assertThat(counts(days.get("2026-03-03"))).containsExactly(0L, 1L, 1L);
    assertThat(buckets(days.get("2026-03-03"))).containsExactly(0L, 1L, 0L, 0L, 0L, 0L);
    assertThat(buckets(days.get("2026-03-05"))).containsExactly(0L, 0L, 1L, 0L, 0L, 0L);
    Row d3 = days.get("2026-03-03");
    assertThat((double) d3.getAs("lead_time_p50_seconds")).isEqualTo(2 * 86400.0 + 7200);
    // Trailing 2 days (2nd, 3rd): 1 arrival / 2 days; W = 2d 2h; lambda W = 0.5 x 2.0833 days.
    assertThat((int) d3.getAs("trailing_days")).isEqualTo(2);
    assertThat((double) d3.getAs("arrival_rate_per_day")).isEqualTo(0.5);
    assertThat((double) d3.getAs("littles_law_wip")).isCloseTo(0.5 * (2 + 2 / 24.0), within(1e-12));
    assertThat((double) d3.getAs("wip_ratio")).isCloseTo(1 / (0.5 * (2 + 2 / 24.0)), within(1e-12));
    assertThat(days.get("2026-03-02").<Row>getList(days.get("2026-03-02").fieldIndex("wip_by_age")).stream().map(b -> b.<String>getAs("bucket")))
        .containsExactly("<=1d", "1d-3d", "3d-7d", "7d-14d", "14d-30d", ">30d");
  }

  /**
   * The rows of the days from D on, computed from the journeys open at or ended after the start of D's Little's Law
   * window (FlowMetrics.partFrom), with the types and first day of all journeys, equal the rows of a computation over
   * all journeys: the journeys left out (one long one, the only one of its type) count in none of those days.
   */
  @Test
  void thePartOfTheJourneysGivesTheRowsFromADayOn() {
    JourneySettings s = JourneySettings.from(settings("journeys.flow.littles-law-window=3d"));
    Dataset<Row> journeys =
        rows(
            JOURNEYS,
            new Object[] {"old", ts("2026-01-05T10:00:00Z"), ts("2026-02-20T12:00:00Z"), 46 * 86400L + 7200},
            new Object[] {"t", ts("2026-01-10T10:00:00Z"), ts("2026-01-12T12:00:00Z"), 2 * 86400L + 7200},
            new Object[] {"t", ts("2026-02-25T08:00:00Z"), ts("2026-03-02T08:00:00Z"), 5 * 86400L},
            new Object[] {"t", ts("2026-02-27T08:00:00Z"), ts("2026-02-28T09:00:00Z"), 86400L + 3600},
            new Object[] {"t", ts("2026-03-01T08:00:00Z"), null, 0L},
            new Object[] {"u", ts("2026-03-03T08:00:00Z"), ts("2026-03-04T08:00:00Z"), 86400L});
    Instant asOf = Instant.parse("2026-03-05T12:00:00Z");
    java.time.LocalDate from = java.time.LocalDate.parse("2026-03-01");
    Column since = col("flow_date").geq(lit(java.sql.Date.valueOf(from)));
    Dataset<Row> part = journeys.where(col("ended_at").isNull()
        .or(col("ended_at").geq(lit(java.sql.Timestamp.from(FlowMetrics.partFrom(from, s))))));
    assertThat(part.count()).isEqualTo(4);
    Dataset<Row> fromPart =
        FlowMetrics.flowDaily(part, journeys.select("journey_type"), java.time.LocalDate.parse("2026-01-05"), s, asOf)
            .where(since);
    Dataset<Row> fromAll = FlowMetrics.flowDaily(journeys, s, asOf).where(since);
    assertThat(fromAll.count()).isEqualTo(15);
    org.leancx.common.SameRows.assertSameRows("flow_daily", fromPart, "from the part", fromAll, "from all");
  }

  static List<Long> counts(Row r) {
    return List.of(r.getAs("arrivals"), r.getAs("completions"), r.getAs("wip"));
  }

  static List<Long> buckets(Row r) {
    return r.<Row>getList(r.fieldIndex("wip_by_age")).stream().map(b -> b.<Long>getAs("journeys")).toList();
  }

  /** A uniform (0, 1) number from a hash of the id and a salt. */
  static Column uniform(String salt) {
    return pmod(xxhash64(col("id"), lit(salt)), lit(1_000_000L)).plus(0.5).divide(1_000_000.0);
  }

  @Test
  void littlesLawHoldsOnStationaryData() {
    long days = 1000;
    long perDay = 30;
    double meanLeadDays = 4.0;
    long horizon = days * 86400;
    Dataset<Row> journeys =
        spark
            .range(days * perDay)
            .select(
                lit("t").as("journey_type"),
                floor(uniform("start").multiply(horizon)).as("_s"),
                floor(log(uniform("lead")).multiply(-meanLeadDays * 86400)).as("lead_time_seconds"))
            .select(
                col("journey_type"),
                timestamp_seconds(col("_s")).as("started_at"),
                timestamp_seconds(col("_s").plus(col("lead_time_seconds"))).as("ended_at"),
                col("lead_time_seconds"));
    Instant asOf = journeys.agg(max(col("ended_at"))).first().getTimestamp(0).toInstant();
    JourneySettings s = JourneySettings.from(settings());
    Row means =
        FlowMetrics.flowDaily(journeys, s, asOf)
            .filter(col("flow_date").between("1970-03-01", "1972-08-01"))
            .agg(avg(col("wip")), avg(col("littles_law_wip")), avg(col("arrival_rate_per_day")))
            .first();
    double measured = means.getDouble(0);
    double estimated = means.getDouble(1);
    assertThat(means.getDouble(2)).isCloseTo(perDay, within(perDay * 0.05));
    assertThat(measured).as("mean WIP, about lambda W = 120").isCloseTo(perDay * meanLeadDays, within(12.0));
    assertThat(Math.abs(measured / estimated - 1)).as("measured %s vs lambda W %s", measured, estimated).isLessThan(0.03);
  }
}
