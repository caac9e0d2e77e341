package org.leancx.common;

import static org.apache.spark.sql.functions.add_months;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.date_trunc;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.trunc;

import java.time.LocalDate;
import java.util.Arrays;
import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** The calendar period that summary rows are grouped by: a UTC day, an ISO week starting Monday, or a month. */
public enum ReportingPeriod {
  DAY,
  WEEK,
  MONTH;

  /** The first day of the period holding {@code dateOrTimestamp}, as a date. */
  public Column start(Column dateOrTimestamp) {
    return switch (this) {
      case DAY -> to_date(dateOrTimestamp);
      case WEEK -> to_date(date_trunc("week", dateOrTimestamp));
      case MONTH -> trunc(to_date(dateOrTimestamp), "month");
    };
  }

  /** The column that says whether the data covers a row's whole period (rule in docs/DECISIONS.md). */
  public static final String COMPLETE_PERIOD = "complete_period";

  private static final String FIRST_DAY = "_first_covered_day";
  private static final String LAST_DAY = "_last_covered_day";

  /** The first day after the period that starts on {@code periodStart} (a date), as a date. */
  public Column end(Column periodStart) {
    return switch (this) {
      case DAY -> date_add(periodStart, 1);
      case WEEK -> date_add(periodStart, 7);
      case MONTH -> add_months(periodStart, 1);
    };
  }

  /**
   * The rule of {@link #withCompletePeriod} on the driver, for small collected results such as a chart's points: true
   * when the covered days {@code [firstCoveredDay, lastCoveredDay]} hold every day of the period starting on
   * {@code periodStart}.
   */
  public boolean isComplete(LocalDate periodStart, LocalDate firstCoveredDay, LocalDate lastCoveredDay) {
    LocalDate lastDay = switch (this) {
      case DAY -> periodStart;
      case WEEK -> periodStart.plusDays(6);
      case MONTH -> periodStart.plusMonths(1).minusDays(1);
    };
    return firstCoveredDay != null && lastCoveredDay != null && !firstCoveredDay.isAfter(periodStart)
        && !lastCoveredDay.isBefore(lastDay);
  }

  /**
   * Adds {@link #COMPLETE_PERIOD} to rows keyed by a {@code periodStart} date column: true when the days the data
   * covers, from the first to the last day of {@code coveredDay} over all of {@code data}, include every day of the
   * row's period. A covered day counts whole, even when its data stops mid-day: the data says no more. The first and
   * last periods of a history usually start before or end after the data, and their sums then read as a drop.
   * Without data (no covered day) no period is complete.
   */
  public Dataset<Row> withCompletePeriod(Dataset<Row> periods, String periodStart, Dataset<Row> data,
      Column coveredDay) {
    Dataset<Row> coverage = data.agg(min(to_date(coveredDay)).as(FIRST_DAY), max(to_date(coveredDay)).as(LAST_DAY));
    Column start = col(periodStart);
    Column complete = col(FIRST_DAY).leq(start).and(col(LAST_DAY).geq(date_add(end(start), -1)));
    return periods.crossJoin(broadcast(coverage))
        .withColumn(COMPLETE_PERIOD, coalesce(complete, lit(false)))
        .drop(FIRST_DAY, LAST_DAY);
  }

  /** Parses a config value such as {@code week}, naming the key and the valid values when it is wrong. */
  public static ReportingPeriod parse(String key, String value, ReportingPeriod... allowed) {
    for (ReportingPeriod p : allowed) {
      if (p.name().equalsIgnoreCase(value.trim())) {
        return p;
      }
    }
    throw new SettingsException(
        key + " is '" + value + "': use one of "
            + Arrays.stream(allowed).map(p -> p.name().toLowerCase(Locale.ROOT)).toList() + ".");
  }
}
