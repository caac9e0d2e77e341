package org.leancx.journeys;

import static org.apache.spark.sql.functions.add_months;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.date_from_unix_date;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.trunc;
import static org.apache.spark.sql.functions.when;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The journey_slo transform: attainment, error budget, breaches, budget remaining, burn rate and status per period,
 * journey type and objective.
 */
public final class ServiceLevels {
  private ServiceLevels() {}

  private static final StructType OBJECTIVES =
      new StructType()
          .add("_objective_type", DataTypes.StringType, false)
          .add("objective", DataTypes.StringType, false)
          .add("time_basis", DataTypes.StringType, false)
          .add("within_seconds", DataTypes.LongType, false)
          .add("target", DataTypes.DoubleType, false);

  /**
   * journey_slo from journeys (journey_type, status, ended_at, lead_time_seconds, lead_time_business_seconds). A
   * closed journey is assessed in the period of its ended_at: met when its lead time is within the objective, else
   * a breach. An open journey already beyond the objective is a breach in the period of {@code asOf}; an open
   * journey within it is pending. Budget: error_budget = (1 - target) x eligible, burn_rate = breaches /
   * error_budget; EXHAUSTED when breaches exceed the budget, AT_RISK when the burn rate reaches the configured
   * threshold.
   */
  public static Dataset<Row> journeySlo(Dataset<Row> journeys, JourneySettings settings, Instant asOf) {
    SparkSession spark = journeys.sparkSession();
    List<Row> rows = new ArrayList<>();
    for (JourneySettings.Objective o : settings.objectives()) {
      rows.add(RowFactory.create(o.journeyType(), o.label(), o.basis().name(), o.withinSeconds(), o.target()));
    }
    Dataset<Row> objectives = broadcast(spark.createDataFrame(rows, OBJECTIVES));
    BusinessCalendar calendar = settings.calendar();

    Dataset<Row> assessed =
        journeys
            .join(
                objectives,
                col("journey_type").equalTo(col("_objective_type")).or(col("_objective_type").equalTo("*")))
            .withColumn(
                "_measured",
                when(col("time_basis").equalTo("BUSINESS"), col("lead_time_business_seconds"))
                    .otherwise(col("lead_time_seconds")))
            .withColumn("_within", col("_measured").leq(col("within_seconds")))
            .withColumn("_closed", col("status").equalTo(JourneyAssembly.CLOSED))
            .withColumn(
                "_assessed_at",
                when(col("_closed"), col("ended_at")).otherwise(lit(Timestamp.from(asOf))));
    Column localDate = date_from_unix_date(floor(calendar.localSeconds(col("_assessed_at")).divide(86_400L)).cast("int"));
    Column periodStart;
    Column periodEnd;
    switch (settings.sloPeriod()) {
      case DAY -> {
        periodStart = localDate;
        periodEnd = col("period_start");
      }
      case WEEK -> {
        periodStart = trunc(localDate, "week");
        periodEnd = date_add(col("period_start"), 6);
      }
      case MONTH -> {
        periodStart = trunc(localDate, "month");
        periodEnd = date_add(add_months(col("period_start"), 1), -1);
      }
      case QUARTER -> {
        periodStart = trunc(localDate, "quarter");
        periodEnd = date_add(add_months(col("period_start"), 3), -1);
      }
      default -> throw new IllegalStateException("Unknown period " + settings.sloPeriod());
    }
    Dataset<Row> grouped =
        assessed
            .withColumn("period_start", periodStart)
            .groupBy("period_start", "journey_type", "objective", "time_basis", "within_seconds", "target")
            .agg(
                count(col("_closed").or(not(col("_within")))).as("eligible"),
                count(col("_closed").and(col("_within"))).as("met"),
                count(not(col("_closed")).and(not(col("_within")))).as("open_breaches"),
                count(not(col("_closed")).and(col("_within"))).as("pending"));
    Dataset<Row> slo =
        grouped
            .withColumn("period_end", periodEnd)
            .withColumn("breaches", col("eligible").minus(col("met")))
            .withColumn("attainment", when(col("eligible").gt(0), col("met").divide(col("eligible"))))
            // Rounded so that (1 - 0.9) x 20 is exactly 2 allowed breaches, not 1.9999999999999996.
            .withColumn("error_budget", round(lit(1.0).minus(col("target")).multiply(col("eligible")), 9))
            .withColumn("budget_remaining", col("error_budget").minus(col("breaches")))
            .withColumn("burn_rate", when(col("eligible").gt(0), col("breaches").divide(col("error_budget"))))
            .withColumn(
                "status",
                when(col("breaches").gt(col("error_budget")), lit("EXHAUSTED"))
                    .when(col("burn_rate").geq(settings.atRiskBurnRate()), lit("AT_RISK"))
                    .otherwise(lit("OK")));
    return slo.select(
        JourneyTables.JOURNEY_SLO.columnNames().stream().map(c -> col(c)).toArray(Column[]::new));
  }

  /**
   * The first day of the period that holds {@code day}, as journey_slo's period_start (weeks start on Monday, as
   * Spark's {@code trunc(d, 'week')}).
   */
  public static LocalDate periodStart(LocalDate day, JourneySettings.SloPeriod period) {
    return switch (period) {
      case DAY -> day;
      case WEEK -> day.with(java.time.temporal.TemporalAdjusters.previousOrSame(java.time.DayOfWeek.MONDAY));
      case MONTH -> day.withDayOfMonth(1);
      case QUARTER -> day.withDayOfMonth(1).withMonth(((day.getMonthValue() - 1) / 3) * 3 + 1);
    };
  }

  /** Counts the rows where {@code condition} is true. */
  private static Column count(Column condition) {
    return sum(when(condition, 1L).otherwise(0L));
  }
}
