package org.leancx.capacity;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Date;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.leancx.common.ReportingPeriod;
import org.leancx.common.SparkTestBase;

/**
 * complete_period: a period is complete when the days the data covers (its first to its last day) include every day
 * of the period. Examples on a few inline rows, and the capacity summary that carries the column.
 */
class CompletePeriodTest extends SparkTestBase {
  private static final StructType PERIODS = new StructType().add("period_start", DataTypes.DateType);
  private static final StructType DAYS = new StructType().add("day", DataTypes.DateType);

  private static Object[] date(String day) {
    return new Object[] {Date.valueOf(day)};
  }

  /** complete_period by period_start, for rows starting on {@code starts} and data on {@code days}. */
  private static Map<String, Boolean> completeness(ReportingPeriod period, String[] starts, String... days) {
    Dataset<Row> periods = rows(PERIODS, Arrays.stream(starts).map(CompletePeriodTest::date).toArray(Object[][]::new));
    Dataset<Row> data = rows(DAYS, Arrays.stream(days).map(CompletePeriodTest::date).toArray(Object[][]::new));
    Map<String, Boolean> out = new TreeMap<>();
    for (Row r : period.withCompletePeriod(periods, "period_start", data, col("day")).collectAsList()) {
      out.put(r.getDate(r.fieldIndex("period_start")).toString(), r.getBoolean(r.fieldIndex("complete_period")));
    }
    return out;
  }

  @Test
  void weeksTheDataStartsOrEndsInArePartial() {
    // Data from Wednesday 3 June to Monday 15 June 2026: only the week of Monday 8 June is covered whole.
    assertThat(completeness(ReportingPeriod.WEEK, new String[] {"2026-06-01", "2026-06-08", "2026-06-15"},
        "2026-06-03", "2026-06-09", "2026-06-15"))
        .containsExactlyEntriesOf(new TreeMap<>(Map.of("2026-06-01", false, "2026-06-08", true, "2026-06-15", false)));
  }

  @Test
  void aWeekCoveredFromItsMondayToItsSundayIsComplete() {
    assertThat(completeness(ReportingPeriod.WEEK, new String[] {"2026-06-01"}, "2026-06-01", "2026-06-07"))
        .containsExactlyEntriesOf(Map.of("2026-06-01", true));
    assertThat(completeness(ReportingPeriod.WEEK, new String[] {"2026-06-01"}, "2026-06-01", "2026-06-06"))
        .as("the data stops on the Saturday").containsExactlyEntriesOf(Map.of("2026-06-01", false));
  }

  @Test
  void monthsUseTheirOwnLength() {
    // February 2026 has 28 days; the data ends on 2 April.
    assertThat(completeness(ReportingPeriod.MONTH, new String[] {"2026-02-01", "2026-03-01", "2026-04-01"},
        "2026-02-01", "2026-02-28", "2026-03-15", "2026-04-02"))
        .containsExactlyEntriesOf(new TreeMap<>(Map.of("2026-02-01", true, "2026-03-01", true, "2026-04-01", false)));
  }

  @Test
  void aDayWithoutRowsInsideTheCoveredSpanIsComplete() {
    // 2 June has no rows, but the data runs past it: a quiet day, not a missing one.
    assertThat(completeness(ReportingPeriod.DAY, new String[] {"2026-06-01", "2026-06-02", "2026-06-03",
        "2026-06-04"}, "2026-06-01", "2026-06-03"))
        .containsExactlyEntriesOf(new TreeMap<>(
            Map.of("2026-06-01", true, "2026-06-02", true, "2026-06-03", true, "2026-06-04", false)));
  }

  @Test
  void withoutDataNoPeriodIsComplete() {
    assertThat(completeness(ReportingPeriod.WEEK, new String[] {"2026-06-01"}))
        .containsExactlyEntriesOf(Map.of("2026-06-01", false));
  }

  @Test
  void theDriverSideRuleAgreesWithTheColumn() {
    LocalDate first = LocalDate.parse("2026-06-03");
    LocalDate last = LocalDate.parse("2026-06-15");
    assertThat(ReportingPeriod.WEEK.isComplete(LocalDate.parse("2026-06-01"), first, last)).isFalse();
    assertThat(ReportingPeriod.WEEK.isComplete(LocalDate.parse("2026-06-08"), first, last)).isTrue();
    assertThat(ReportingPeriod.WEEK.isComplete(LocalDate.parse("2026-06-15"), first, last)).isFalse();
    assertThat(ReportingPeriod.MONTH.isComplete(LocalDate.parse("2026-02-01"), LocalDate.parse("2026-02-01"),
        LocalDate.parse("2026-02-28"))).isTrue();
    assertThat(ReportingPeriod.DAY.isComplete(LocalDate.parse("2026-06-02"), first, last)).isFalse();
    assertThat(ReportingPeriod.WEEK.isComplete(LocalDate.parse("2026-06-08"), null, null)).isFalse();
  }

  @Test
  void theCapacitySummaryMarksItsPartialWeeks() {
    StructType whatIf =
        new StructType()
            .add("interval_date", DataTypes.DateType)
            .add("interval_seconds", DataTypes.IntegerType)
            .add("channel", DataTypes.StringType)
            .add("queue", DataTypes.StringType)
            .add("arrivals", DataTypes.LongType)
            .add("failure_arrivals", DataTypes.LongType)
            .add("agents_scheduled", DataTypes.DoubleType)
            .add("value_agents_scheduled", DataTypes.DoubleType)
            .add("peak_agents_scheduled", DataTypes.DoubleType)
            .add("failure_agent_hours", DataTypes.DoubleType)
            .add("failure_handle_seconds", DataTypes.LongType);
    // One interval a day per queue; the data runs from Sunday 7 June to Sunday 14 June 2026.
    Object[][] intervals = new Object[16][];
    for (int i = 0; i < 8; i++) {
      Date day = Date.valueOf(LocalDate.parse("2026-06-07").plusDays(i));
      intervals[2 * i] = new Object[] {day, 3600, "phone", "phone", 10L, 4L, 3.0, 2.0, 4.0, 1.0, 600L};
      intervals[2 * i + 1] = new Object[] {day, 3600, "chat", "chat", 2L, 0L, 1.0, 1.0, 1.0, 0.0, 0L};
    }
    CapacitySettings weekly = CapacitySettings.from(settings("capacity.summary-period=week"));
    Dataset<Row> summary = CapacityWhatIf.summary(rows(whatIf, intervals), weekly);

    assertThat(summary.columns()).containsExactlyElementsOf(CapacityTables.CAPACITY_SUMMARY.columnNames());
    Map<String, String> byWeekAndQueue = new TreeMap<>();
    for (Row r : summary.collectAsList()) {
      byWeekAndQueue.put(r.getDate(r.fieldIndex("period_start")) + " " + r.getString(r.fieldIndex("queue")),
          r.getLong(r.fieldIndex("intervals")) + " intervals, complete " + r.getBoolean(r.fieldIndex("complete_period")));
    }
    assertThat(byWeekAndQueue)
        .containsExactlyEntriesOf(new TreeMap<>(Map.of(
            "2026-06-01 chat", "1 intervals, complete false",
            "2026-06-01 phone", "1 intervals, complete false",
            "2026-06-08 chat", "7 intervals, complete true",
            "2026-06-08 phone", "7 intervals, complete true")));
  }

  @Test
  void theScorecardMarksThePeriodsTheContactsCoverInPart() {
    // Contacts from Monday 1 June to Thursday 11 June 2026: the week of 8 June is cut short, for every journey type.
    LocalDate monday = LocalDate.parse("2026-06-01");
    Dataset<Row> contactDemand =
        rows(
            CapacityFixtures.DEMAND,
            CapacityFixtures.demand("c1", monday, "phone", "billing", "VALUE", false, "RESOLVED_FIRST_TIME"),
            CapacityFixtures.demand("c2", monday.plusDays(6), "chat", "moving", "FAILURE", true, "REPEATED"),
            CapacityFixtures.demand("c3", monday.plusDays(10), "phone", "billing", "FAILURE", false, "PENDING"));
    Dataset<Row> card =
        LeanScorecard.scorecard(new LeanScorecard.Sources(contactDemand, null, null, null, null),
            ScorecardSettings.from(settings("scorecard.period=week")));
    Map<String, Boolean> complete = new TreeMap<>();
    for (Row r : card.collectAsList()) {
      complete.put(r.getDate(r.fieldIndex("period_start")) + " " + r.getString(r.fieldIndex("journey_type")),
          r.getBoolean(r.fieldIndex("complete_period")));
    }
    assertThat(complete)
        .containsExactlyEntriesOf(new TreeMap<>(Map.of(
            "2026-06-01 ALL", true, "2026-06-01 billing", true, "2026-06-01 moving", true,
            "2026-06-08 ALL", false, "2026-06-08 billing", false)));
  }
}
