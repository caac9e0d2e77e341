package org.leancx.conditions;

import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.leancx.common.TableContract.optional;
import static org.leancx.common.TableContract.required;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.types.DataTypes;
import org.leancx.common.TableContract;

/** The tables the root-conditions job writes. */
public final class ConditionTables {
  private ConditionTables() {}

  /** {@code root_conditions}: the reported condition sets of the latest run of each outcome. */
  public static final TableContract ROOT_CONDITIONS =
      new TableContract(
          "root_conditions",
          1,
          "One row per reported condition set per run: the sets of conditions under which the outcome fails more"
              + " often than the baseline, after redundancy pruning, ranked by excess cost. Each run replaces the rows"
              + " of its outcome, so the table holds the latest run per outcome (older runs: Delta time travel to the"
              + " version in pipeline_runs.outputs). See docs/ROOT_CONDITIONS.md.",
          TableContract.schema(
              required("run_id", StringType, "Run that computed the set (pipeline_runs.run_id)"),
              required("outcome", StringType, "Outcome explained: failure-demand (the first contact of a chain was"
                  + " followed by a recontact) or slo-breach (a closed journey's lead time exceeded the SLO)"),
              required("conditions", DataTypes.createArrayType(StringType, false), "The condition set: items"
                  + " \"attribute=value\", sorted; every one must hold"),
              required("size", IntegerType, "Number of conditions (1 to conditions.max-size)"),
              required("support", LongType, "Touches (resolved or failed) meeting every condition"),
              required("failures", LongType, "Of which failed"),
              required("failure_rate", DoubleType, "failures / support"),
              required("baseline_rate", DoubleType, "Failures / touches over all touches of the run"),
              required("lift", DoubleType, "failure_rate / baseline_rate"),
              required("ci_low", DoubleType, "Lower end of the 95% Wilson score interval of failure_rate"),
              required("ci_high", DoubleType, "Upper end of the 95% Wilson score interval of failure_rate"),
              required("excess_failures", DoubleType, "failures - support x baseline_rate: failures beyond what the"
                  + " baseline rate predicts"),
              required("excess_cost", DoubleType, "excess_failures x the mean cost of one failure in the set (the"
                  + " repeat contacts it caused, priced by demand.channel-cost and conditions.handle-hour-cost; for"
                  + " slo-breach conditions.slo.breach-cost)"),
              required("rank", IntegerType, "1 = highest excess_cost (ties: excess_failures, then conditions)")),
          List.of(),
          List.of("run_id", "outcome", "conditions"),
          Map.of(
              "size_matches_conditions", "size = size(conditions)",
              "failures_within_support", "failures >= 0 AND failures <= support",
              "interval_holds_rate", "ci_low <= failure_rate AND failure_rate <= ci_high",
              "rank_positive", "rank >= 1"));

  /**
   * {@code root_conditions_explained}: the sets with the floor of excess failures that a pruning rule dropped because
   * of another set, with that set, so that an analyst sees why a set is absent from root_conditions.
   */
  public static final TableContract ROOT_CONDITIONS_EXPLAINED =
      new TableContract(
          "root_conditions_explained",
          1,
          "One row per outcome, condition set not reported and set that explains it, for the latest run of each"
              + " outcome: every set with at least the floor of excess failures (conditions.min-excess-failures,"
              + " conditions.min-excess-share) that a redundancy rule dropped because of another set. A product of"
              + " parts has one row per part. The explaining set is usually in root_conditions; when it was itself"
              + " explained, it has its own row here. Replaced per outcome on each run. See docs/ROOT_CONDITIONS.md.",
          TableContract.schema(
              required("run_id", StringType, "Run that computed the row (the run of root_conditions)"),
              required("outcome", StringType, "failure-demand or slo-breach"),
              required("conditions", DataTypes.createArrayType(StringType, false), "The set not reported: items"
                  + " \"attribute=value\", sorted"),
              required("size", IntegerType, "Number of conditions"),
              required("support", LongType, "Touches meeting every condition"),
              required("failures", LongType, "Of which failed"),
              required("failure_rate", DoubleType, "failures / support"),
              required("lift", DoubleType, "failure_rate / the run's baseline_rate"),
              required("excess_failures", DoubleType, "failures - support x baseline_rate"),
              required("excess_cost", DoubleType, "excess_failures x the set's mean cost of one failure"),
              required("rule", StringType, "Why it is not reported: not_beyond_subset (rule 1: explained_by, a proper"
                  + " subset, fails about as often, so the extra conditions add nothing beyond noise),"
                  + " explained_by_overlap (rule 2: outside explained_by the set fails no more than its own best"
                  + " subset; a part, slice, decoy, proxy or mixture of explained_by), product_of_parts (rule 3: a"
                  + " disjoint union of reported sets whose lifts multiply to its lift; one row per part)"),
              required("explained_by", DataTypes.createArrayType(StringType, false), "The set that explains it"),
              required("explained_by_rate", DoubleType, "Failure rate of explained_by"),
              required("explained_share", DoubleType, "Share of this set's excess failures that explained_by accounts"
                  + " for, in [0, 1]: the excess of the touches meeting both (rule 2), or the excess this set's"
                  + " touches would have at explained_by's rate (rules 1 and 3)")),
          List.of(),
          List.of("run_id", "outcome", "conditions", "explained_by"),
          Map.of(
              "size_matches_conditions", "size = size(conditions)",
              "failures_within_support", "failures >= 0 AND failures <= support",
              "share_is_a_share", "explained_share >= 0 AND explained_share <= 1"));

  /** {@code failure_cost_daily}: the total cost of the outcome's failures per day. */
  public static final TableContract FAILURE_COST_DAILY =
      new TableContract(
          "failure_cost_daily",
          1,
          "One row per outcome and period_date for the latest run of each outcome: touches, failures and the total"
              + " cost of the failures (failure demand) of the touches of that day. Replaced per outcome on each run.",
          TableContract.schema(
              required("run_id", StringType, "Run that computed the row"),
              required("outcome", StringType, "failure-demand or slo-breach"),
              optional("period_date", DateType, "UTC date of the touch (the failed first contact, or the journey's"
                  + " start); null when the input has no date"),
              required("touches", LongType, "Touches of the day: first contacts resolved first time or repeated"
                  + " (journeys: closed journeys)"),
              required("failures", LongType, "Of which failed"),
              required("failure_rate", DoubleType, "failures / touches"),
              required("failure_contacts", LongType, "Failure-demand contacts the failures caused (the repeats of"
                  + " their chains; slo-breach: the breached journeys)"),
              required("failure_cost", DoubleType, "Their cost: channel cost + handle hours x"
                  + " conditions.handle-hour-cost per repeat contact (slo-breach: breaches x conditions.slo.breach-cost)")),
          List.of(),
          List.of("outcome", "period_date"),
          Map.of("failures_within_touches", "failures >= 0 AND failures <= touches"));

  /**
   * {@code root_conditions_trend}: each reported set of the latest run measured period by period, so that a cause
   * that was fixed is seen falling.
   */
  public static final TableContract ROOT_CONDITIONS_TREND =
      new TableContract(
          "root_conditions_trend",
          1,
          "One row per outcome, condition set of the latest run (root_conditions) and reporting period"
              + " (conditions.trend-period, week by default) of the touches: the set's touches, failures, failure rate"
              + " with its 95% Wilson interval, lift and excess over that period's own baseline. A period in which no"
              + " touch meets the set has support 0. Replaced per outcome on each run. See docs/ROOT_CONDITIONS.md.",
          TableContract.schema(
              required("run_id", StringType, "Run that computed the row (the run of root_conditions)"),
              required("outcome", StringType, "failure-demand or slo-breach"),
              required("conditions", DataTypes.createArrayType(StringType, false), "The condition set, as in"
                  + " root_conditions"),
              required("rank", IntegerType, "The set's rank in root_conditions (over the whole history)"),
              required("period_start", DateType, "First day of the period (a UTC day, a Monday, or the 1st)"),
              required("complete_period", BooleanType, "True when the touches cover every day of the period; the"
                  + " first and last periods of the history usually hold part of one"),
              required("period_touches", LongType, "All touches of the period"),
              required("period_failures", LongType, "Of which failed"),
              optional("baseline_rate", DoubleType, "period_failures / period_touches"),
              required("support", LongType, "Touches of the period meeting every condition of the set"),
              required("failures", LongType, "Of which failed"),
              optional("failure_rate", DoubleType, "failures / support; null when support is 0"),
              optional("ci_low", DoubleType, "Lower end of the 95% Wilson score interval of failure_rate"),
              optional("ci_high", DoubleType, "Upper end of the 95% Wilson score interval of failure_rate"),
              optional("lift", DoubleType, "failure_rate / baseline_rate; null when either is null or the baseline"
                  + " is 0"),
              required("excess_failures", DoubleType, "failures - support x baseline_rate of the period"),
              required("excess_cost", DoubleType, "excess_failures x the mean cost of one failure of the set in the"
                  + " period (0 without failures)")),
          List.of(),
          List.of("outcome", "conditions", "period_start"),
          Map.of(
              "failures_within_support", "failures >= 0 AND failures <= support",
              "support_within_period", "support <= period_touches"));
}
