package org.leancx.experiments;

import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;
import static org.leancx.common.TableContract.optional;
import static org.leancx.common.TableContract.required;

import java.util.List;
import java.util.Map;
import org.leancx.common.TableContract;

/** The tables of the experiment job: arms of a change compared on the full cost of resolving the customer's need. */
public final class ExperimentTables {
  private ExperimentTables() {}

  /** {@code experiment_results}: one row per experiment, arm and measure, with the difference to the control arm. */
  public static final TableContract EXPERIMENT_RESULTS =
      new TableContract(
          "experiment_results",
          1,
          "One row per experiment (experiments.NAME), arm and measure: the measure over the arm's settled needs (the"
              + " unit is the customer's need, a CLOSED journey of journeys: its contacts, their handle time, its"
              + " complaints and case work), beside the control arm's value, with the difference and its interval"
              + " from a bootstrap clustered by customer (seeded: a rerun is identical) and a verdict. Every measure is"
              + " better when lower. A run of `leancx experiment --name NAME` replaces that experiment's rows. See"
              + " docs/EXPERIMENTS.md.",
          TableContract.schema(
              required("experiment", StringType, "Name of the experiment (experiments.NAME in conf)"),
              required("design", StringType, "ATTRIBUTE (the arm is a contact attribute of the need's first"
                  + " contact), LIST (an assignment list in customer_lists) or BEFORE_AFTER (needs started before the"
                  + " change date against those after it and a washout)"),
              optional("description", StringType, "What was changed (experiments.NAME.description)"),
              required("arm", StringType, "The arm: the attribute's or the list's value, or before / after"),
              required("control_arm", StringType, "The control arm the other arms are compared with"),
              required("is_control", BooleanType, "This row is the control arm's"),
              required("measure", StringType, "contacts_per_need, first_contact_cost, full_cost_per_resolved_need,"
                  + " failure_demand_share, repeat_rate, lead_time_p50_hours or lead_time_p85_hours (see"
                  + " docs/EXPERIMENTS.md)"),
              required("unit", StringType, "contacts, currency, share or hours"),
              required("needs", LongType, "Needs (journeys) of the arm in the experiment, open ones included"),
              required("settled_needs", LongType, "CLOSED needs of the arm: the population of every measure (an OPEN"
                  + " need's cost and lead time are not final)"),
              required("customers", LongType, "Distinct customers of the arm's needs: the bootstrap's clusters"),
              optional("value", DoubleType, "The measure over the arm's settled needs; null when it has none"),
              optional("control_value", DoubleType, "The measure over the control arm's settled needs"),
              optional("difference", DoubleType, "value - control_value; null on the control's rows"),
              optional("difference_low", DoubleType, "Lower bound of the difference's interval (percentile"
                  + " bootstrap, customers resampled with Poisson(1) weights, experiment-analysis.confidence)"),
              optional("difference_high", DoubleType, "Upper bound of that interval"),
              optional("relative_difference", DoubleType, "difference / control_value; null when the control's value"
                  + " is 0 or unknown"),
              required("confidence", DoubleType, "Confidence of the interval, e.g. 0.95"),
              required("verdict", StringType, "better (the interval lies below 0: every measure is better lower),"
                  + " worse (above 0), no difference (it holds 0), or control on the control's rows"),
              optional("srm_p_value", DoubleType, "Sample-ratio check: p-value of the chi-square test of the arms'"
                  + " customers against the expected split (experiments.NAME.split, equal by default); null for"
                  + " BEFORE_AFTER, which has no planned split"),
              required("sample_ratio_mismatch", BooleanType, "srm_p_value is below experiment-analysis.srm-alpha: the"
                  + " assignment or its logging is broken, do not trust the differences"),
              required("resamples", IntegerType, "Bootstrap resamples"),
              required("seed", LongType, "Bootstrap seed"),
              optional("first_need_date", DateType, "UTC day of the first need's start in the experiment"),
              optional("last_need_date", DateType, "UTC day of the last need's start in the experiment"),
              required("as_of", TimestampType, "as_of of the journeys the needs come from")),
          List.of(),
          List.of("experiment", "arm", "measure"),
          Map.of(
              "verdict_known", "verdict IN ('better', 'worse', 'no difference', 'control')",
              "interval_ordered", "difference_low IS NULL OR difference_high IS NULL OR difference_low <="
                  + " difference_high",
              "settled_not_above_needs", "settled_needs <= needs"));

  /** Every table of the experiment job. */
  public static List<TableContract> all() {
    return List.of(EXPERIMENT_RESULTS);
  }
}
