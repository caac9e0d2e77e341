package org.leancx.conditions;

import static org.apache.spark.sql.functions.*;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.leancx.common.JobRunner;
import org.leancx.common.ReportingPeriod;
import org.leancx.common.Settings;
import org.leancx.common.Step;
import org.leancx.common.Summarised;
import org.leancx.common.TableContract;
import org.leancx.common.Warehouse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The root-conditions job: which sets of conditions make touches fail (failure demand, or journeys breaching their
 * SLO), how much more often than the baseline, and what the excess costs. Writes root_conditions,
 * root_conditions_explained, root_conditions_trend and failure_cost_daily. See docs/ROOT_CONDITIONS.md for the method.
 */
public final class RootConditions {
  private static final Logger LOG = LoggerFactory.getLogger(RootConditions.class);
  public static final String JOB = "root-conditions";

  private RootConditions() {}

  /**
   * What a run found.
   *
   * @param outcome the outcome explained
   * @param touches touches analysed
   * @param failures of which failed
   * @param baselineRate failures / touches
   * @param candidates candidate sets measured (FPGrowth, size <= k)
   * @param droppedBySubsetLift dropped by rule 1 (lift over every subset, interval above baseline)
   * @param droppedAsExplained dropped by rule 2 (explained by a stronger set)
   * @param droppedAsProduct dropped by rule 3 (product of reported parts)
   * @param reported sets written
   * @param failureCost total cost of the failures
   */
  public record Result(
      String outcome, long touches, long failures, double baselineRate, int candidates, int droppedBySubsetLift,
      int droppedAsExplained, int droppedAsProduct, int reported, double failureCost) implements Summarised {

    /** E.g. {@code failure-demand: 12,345 touches, 2,345 failures (baseline 19.0%), 120 candidate sets, 8 reported}. */
    @Override
    public String summary() {
      return String.format(java.util.Locale.ROOT,
          "%s: %,d touches, %,d failures (baseline %.1f%%), %,d candidate sets, %,d reported; failure cost %,.2f",
          outcome, touches, failures, 100 * baselineRate, candidates, reported, failureCost);
    }
  }

  /**
   * The mining result before it is written: the pruned, ranked sets and the totals.
   *
   * @param floor the least excess failures of a reported set (conditions.min-excess-*)
   */
  public record Mined(
      RedundancyPruning.Outcome pruning, long touches, long failures, double failureCost, double floor) {
    public double baselineRate() {
      return touches == 0 ? 0.0 : (double) failures / touches;
    }
  }

  /** Runs the job for one outcome, recorded in pipeline_runs. */
  public static Result run(Warehouse warehouse, Settings settings, Outcome outcome) {
    TouchSource source = TouchSource.of(outcome, settings);
    ConditionSettings conditions = source.adapt(ConditionSettings.from(settings).withOutcome(outcome));
    ReportingPeriod trendPeriod = trendPeriod(settings);
    return JobRunner.run(warehouse, settings, JOB, "--outcome " + outcome.id(), run -> {
      for (TableContract input : source.inputs()) {
        run.input(input);
      }
      SparkSession spark = warehouse.spark();
      Dataset<Row> touches =
          Touches.withItems(source.touches(warehouse, conditions), conditions).persist(StorageLevel.MEMORY_AND_DISK());
      try {
        Mined mined = mine(spark, touches, conditions);
        Dataset<Row> sets = rootConditions(spark, mined, outcome, run.id());
        Dataset<Row> explained = explained(spark, mined, outcome, run.id());
        Dataset<Row> daily = failureCostDaily(touches, outcome, run.id());
        // Only this outcome's rows are replaced: the table holds the latest run per outcome (see the contract).
        String ofOutcome = "outcome = '" + outcome.id() + "'";
        Step.run(spark, JOB, "writing root_conditions (" + outcome.id() + ")",
            () -> warehouse.replaceWhere(ConditionTables.ROOT_CONDITIONS, sets, ofOutcome, run.id()));
        Step.run(spark, JOB, "writing root_conditions_explained (" + outcome.id() + ")",
            () -> warehouse.replaceWhere(ConditionTables.ROOT_CONDITIONS_EXPLAINED, explained, ofOutcome, run.id()));
        Step.run(spark, JOB, "writing failure_cost_daily (" + outcome.id() + ")",
            () -> warehouse.replaceWhere(ConditionTables.FAILURE_COST_DAILY, daily, ofOutcome, run.id()));
        Dataset<Row> trend = ConditionTrend.trend(touches, sets, trendPeriod, outcome, run.id());
        Step.run(spark, JOB, "writing root_conditions_trend (" + outcome.id() + ", per "
                + trendPeriod.name().toLowerCase(java.util.Locale.ROOT) + ")",
            () -> warehouse.replaceWhere(ConditionTables.ROOT_CONDITIONS_TREND, trend, ofOutcome, run.id()));
        run.output(ConditionTables.ROOT_CONDITIONS);
        run.output(ConditionTables.ROOT_CONDITIONS_EXPLAINED);
        run.output(ConditionTables.FAILURE_COST_DAILY);
        run.output(ConditionTables.ROOT_CONDITIONS_TREND);
        RedundancyPruning.Outcome p = mined.pruning();
        run.count("touches", mined.touches());
        run.count("failures", mined.failures());
        run.count("candidates", p.candidates());
        run.count("min_excess_failures", Math.round(mined.floor()));
        run.count("below_floor", p.belowFloor());
        run.count("not_significant", p.notSignificant());
        run.count("dropped_by_subset_lift", p.droppedBySubsetLift());
        run.count("dropped_as_explained", p.droppedAsExplained());
        run.count("dropped_as_product", p.droppedAsProduct());
        run.count("reported", p.reported().size());
        return new Result(outcome.id(), mined.touches(), mined.failures(), mined.baselineRate(), p.candidates(),
            p.droppedBySubsetLift(), p.droppedAsExplained(), p.droppedAsProduct(), p.reported().size(),
            mined.failureCost());
      } finally {
        touches.unpersist();
      }
    });
  }

  /** The period of root_conditions_trend (conditions.trend-period): day, week or month. */
  static ReportingPeriod trendPeriod(Settings settings) {
    return ReportingPeriod.parse("conditions.trend-period", settings.config().getString("conditions.trend-period"),
        ReportingPeriod.DAY, ReportingPeriod.WEEK, ReportingPeriod.MONTH);
  }

  /**
   * Searches, measures and prunes: every set that can reach the floor of excess failures, counted among the failed
   * touches, each measured over all touches, then the redundancy rules. {@code touches} must have {@link Touches#ITEMS}; best persisted, it is read twice.
   */
  public static Mined mine(SparkSession spark, Dataset<Row> touches, ConditionSettings settings) {
    Row totals =
        Step.run(spark, JOB, "counting touches", () -> touches.agg(
            count(lit(1)), coalesce(sum(when(col(Touches.FAILED), 1L).otherwise(0L)), lit(0L)),
            coalesce(sum(when(col(Touches.FAILED), col(Touches.FAILURE_COST))), lit(0.0))).first());
    long n = totals.getLong(0);
    long failures = totals.getLong(1);
    double cost = totals.getDouble(2);
    double floor = settings.floor(failures);
    long minFailures = ConditionMining.minFailures(floor, n == 0 ? 0.0 : (double) failures / n);
    if (failures == 0 || minFailures == Long.MAX_VALUE) {
      // No failure, or every touch failed: no set can fail more often than the baseline.
      LOG.info("{}: {} touches, {} failures: nothing to explain", JOB, n, failures);
      List<MeasuredSet> none = List.of(new MeasuredSet(List.of(), n, failures, cost));
      return new Mined(RedundancyPruning.prune(none, settings.liftMargin(), settings.maxReported()), n, failures, cost,
          floor);
    }
    List<List<String>> candidates =
        Step.run(spark, JOB, String.format(java.util.Locale.ROOT, "searching the sets of up to %d conditions that can"
                + " reach %.0f excess failures (at least %d of %d failures)", settings.maxSize(), floor, minFailures,
                failures),
            () -> ConditionMining.candidates(spark, touches, minFailures, settings.maxSize(), settings.maxCandidates()));
    Broadcast<Set<String>> keys =
        JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(ConditionMining.keys(candidates));
    try {
      List<Row> rows =
          Step.run(spark, JOB, "measuring " + candidates.size() + " candidate sets over " + n + " touches",
              () -> ConditionMining.measure(touches, keys, settings.maxSize()).collectAsList());
      List<MeasuredSet> measured = ConditionMining.toMeasuredSets(rows);
      List<MeasuredSet> overlaps = overlaps(spark, touches, keys, measured, settings, floor);
      RedundancyPruning.Outcome pruning =
          RedundancyPruning.prune(measured, overlaps, settings.liftMargin(), floor, settings.falseDiscoveryRate(),
              accepted -> Step.run(spark, JOB, "counting the touches of " + accepted.size()
                      + " accepted sets by the sets they meet (rule 2 jointly)",
                  () -> ConditionMining.signatures(spark, touches, accepted)),
              settings.maxReported());
      LOG.info("{}: {} candidates, {} below {} excess failures, {} not significant, {} not beyond a subset, {}"
              + " explained by stronger sets, {} products of parts, {} reported", JOB, pruning.candidates(),
          pruning.belowFloor(), Math.round(floor), pruning.notSignificant(), pruning.droppedBySubsetLift(),
          pruning.droppedAsExplained(), pruning.droppedAsProduct(), pruning.reported().size());
      return new Mined(pruning, n, failures, cost, floor);
    } finally {
      keys.destroy();
    }
  }

  /** The touches shared by the sets that pass rule 1, where their union was not measured (rule 2 compares them). */
  private static List<MeasuredSet> overlaps(
      SparkSession spark, Dataset<Row> touches, Broadcast<Set<String>> candidateKeys,
      List<MeasuredSet> measured, ConditionSettings settings, double floor) {
    List<List<String>> survivors =
        RedundancyPruning.survivors(measured, settings.liftMargin(), floor, settings.falseDiscoveryRate());
    if (survivors.size() < 2) {
      return List.of();
    }
    Broadcast<List<List<String>>> survivorSets =
        JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(survivors);
    try {
      return ConditionMining.toMeasuredSets(
          Step.run(spark, JOB, "measuring the overlaps of " + survivors.size() + " sets that beat their subsets",
              () -> ConditionMining.measureOverlaps(touches, candidateKeys, survivorSets, settings.maxSize())
                  .collectAsList()));
    } finally {
      survivorSets.destroy();
    }
  }

  /** The reported sets as root_conditions rows. */
  public static Dataset<Row> rootConditions(SparkSession spark, Mined mined, Outcome outcome, String runId) {
    List<Row> rows = new ArrayList<>();
    for (RedundancyPruning.RootConditionSet s : mined.pruning().reported()) {
      rows.add(RowFactory.create(runId, outcome.id(), s.conditions(), s.conditions().size(), s.support(),
          s.failures(), s.failureRate(), s.baselineRate(), s.lift(), s.ciLow(), s.ciHigh(), s.excessFailures(),
          s.excessCost(), s.rank()));
    }
    return spark.createDataFrame(rows, ConditionTables.ROOT_CONDITIONS.schema());
  }

  /** The sets above the floor that another set explains, as root_conditions_explained rows. */
  public static Dataset<Row> explained(SparkSession spark, Mined mined, Outcome outcome, String runId) {
    List<Row> rows = new ArrayList<>();
    for (RedundancyPruning.ExplainedSet e : mined.pruning().explained()) {
      rows.add(RowFactory.create(runId, outcome.id(), e.conditions(), e.conditions().size(), e.support(),
          e.failures(), e.failureRate(), e.lift(), e.excessFailures(), e.excessCost(), e.rule().id(),
          e.explainedBy(), e.explainedByRate(), e.explainedShare()));
    }
    return spark.createDataFrame(rows, ConditionTables.ROOT_CONDITIONS_EXPLAINED.schema());
  }

  /** Touches, failures and the cost of the failures per period_date. */
  public static Dataset<Row> failureCostDaily(Dataset<Row> touches, Outcome outcome, String runId) {
    return touches
        .groupBy(col(Touches.PERIOD_DATE))
        .agg(
            count(lit(1)).as("touches"),
            sum(when(col(Touches.FAILED), 1L).otherwise(0L)).as("failures"),
            sum(col(Touches.FAILURE_CONTACTS)).as("failure_contacts"),
            sum(col(Touches.FAILURE_COST)).as("failure_cost"))
        .select(
            lit(runId).as("run_id"),
            lit(outcome.id()).as("outcome"),
            col(Touches.PERIOD_DATE).as("period_date"),
            col("touches"),
            col("failures"),
            col("failures").divide(col("touches")).as("failure_rate"),
            col("failure_contacts"),
            col("failure_cost"));
  }
}
