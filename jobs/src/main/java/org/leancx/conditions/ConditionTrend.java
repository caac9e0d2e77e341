package org.leancx.conditions;

import static org.apache.spark.sql.functions.array_except;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.leancx.common.ReportingPeriod;

/**
 * The rows of {@code root_conditions_trend}: the reported sets measured period by period, each against the period's
 * own baseline, so that an analyst sees whether a countermeasure moved a set's failure rate.
 */
public final class ConditionTrend {
  private static final String PERIOD_START = "period_start";
  private static final String PERIOD_TOUCHES = "period_touches";
  private static final String PERIOD_FAILURES = "period_failures";
  private static final String SUPPORT = "support";
  private static final String FAILURES = "failures";
  private static final String COST = "_failure_cost";
  private static final String MET_PERIOD = "_met_period_start";
  private static final String MET_RANK = "_met_rank";

  private ConditionTrend() {}

  /**
   * One row per set of {@code sets} (columns {@code conditions}, {@code rank}) and period of {@code touches}
   * (with {@link Touches#ITEMS}), with the columns of {@link ConditionTables#ROOT_CONDITIONS_TREND}. Touches without a
   * date belong to no period and are left out.
   */
  public static Dataset<Row> trend(
      Dataset<Row> touches, Dataset<Row> sets, ReportingPeriod period, Outcome outcome, String runId) {
    Dataset<Row> dated =
        touches.where(col(Touches.PERIOD_DATE).isNotNull())
            .withColumn(PERIOD_START, period.start(col(Touches.PERIOD_DATE)));
    Column failed = when(col(Touches.FAILED), 1L).otherwise(0L);
    Dataset<Row> periods =
        dated.groupBy(PERIOD_START).agg(count(lit(1)).as(PERIOD_TOUCHES), sum(failed).as(PERIOD_FAILURES));
    periods = period.withCompletePeriod(periods, PERIOD_START, dated, col(Touches.PERIOD_DATE));
    Dataset<Row> chosen = sets.select(col("conditions"), col("rank"));
    // A touch meets a set when none of the set's conditions is missing from its items. The sets are few (at most
    // conditions.max-reported), so every touch is checked against each of them.
    Dataset<Row> met =
        dated.crossJoin(broadcast(chosen))
            .where(size(array_except(col("conditions"), col(Touches.ITEMS))).equalTo(0))
            .groupBy(col(PERIOD_START).as(MET_PERIOD), col("rank").as(MET_RANK))
            .agg(
                count(lit(1)).as(SUPPORT),
                sum(failed).as(FAILURES),
                sum(when(col(Touches.FAILED), col(Touches.FAILURE_COST)).otherwise(0.0)).as(COST));
    Dataset<Row> grid =
        periods.crossJoin(broadcast(chosen))
            .join(met, col(PERIOD_START).equalTo(col(MET_PERIOD)).and(col("rank").equalTo(col(MET_RANK))), "left")
            .select(
                col(PERIOD_START), col(ReportingPeriod.COMPLETE_PERIOD), col(PERIOD_TOUCHES), col(PERIOD_FAILURES),
                col("conditions"), col("rank"), coalesce(col(SUPPORT), lit(0L)).as(SUPPORT),
                coalesce(col(FAILURES), lit(0L)).as(FAILURES), coalesce(col(COST), lit(0.0)).as(COST));

    Column n = col(SUPPORT).cast("double");
    Column f = col(FAILURES).cast("double");
    Column baseline =
        when(col(PERIOD_TOUCHES).gt(0), col(PERIOD_FAILURES).cast("double").divide(col(PERIOD_TOUCHES)));
    Column rate = when(col(SUPPORT).gt(0), f.divide(n));
    // The 95% Wilson score interval, as MeasuredSet.wilson computes it on the driver.
    double z = MeasuredSet.Z95;
    double z2 = z * z;
    Column denominator = lit(1.0).plus(lit(z2).divide(n));
    Column centre = rate.plus(lit(z2).divide(n.multiply(2.0))).divide(denominator);
    Column half =
        lit(z).divide(denominator)
            .multiply(sqrt(rate.multiply(lit(1.0).minus(rate)).divide(n).plus(lit(z2).divide(n.multiply(n).multiply(4.0)))));
    Column excess = f.minus(n.multiply(coalesce(baseline, lit(0.0))));
    Column costPerFailure = when(col(FAILURES).gt(0), col(COST).divide(f)).otherwise(0.0);
    return grid.select(
        lit(runId).as("run_id"),
        lit(outcome.id()).as("outcome"),
        col("conditions"),
        col("rank"),
        col(PERIOD_START),
        col(ReportingPeriod.COMPLETE_PERIOD),
        col(PERIOD_TOUCHES),
        col(PERIOD_FAILURES),
        baseline.as("baseline_rate"),
        col(SUPPORT),
        col(FAILURES),
        rate.as("failure_rate"),
        when(col(SUPPORT).gt(0), greatest(lit(0.0), centre.minus(half))).as("ci_low"),
        when(col(SUPPORT).gt(0), least(lit(1.0), centre.plus(half))).as("ci_high"),
        when(baseline.gt(0), rate.divide(baseline)).as("lift"),
        excess.as("excess_failures"),
        excess.multiply(costPerFailure).as("excess_cost"));
  }
}
