package org.leancx.leadtime;

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

/**
 * The tables of the lead-time model: what it writes ({@code lead_time_forecast}, {@code model_evaluation}) and the
 * columns it reads from the journeys tables.
 */
public final class LeadTimeTables {
  private LeadTimeTables() {}

  /** {@code lead_time_forecast}: one row per open journey per run (as_of). */
  public static final TableContract LEAD_TIME_FORECAST =
      new TableContract(
          "lead_time_forecast",
          2,
          "One row per open journey (journey_id) per as_of: its predicted remaining lead time. The rows of one as_of"
              + " are replaced as a whole when predict runs again.",
          TableContract.schema(
              required("journey_id", StringType, "Open journey (journeys.journey_id, status OPEN)"),
              required("as_of", TimestampType, "The journeys run's as-of instant the forecast is made at (UTC)"),
              required("elapsed_seconds", LongType, "as_of - started_at: the journey's age"),
              required("predicted_remaining_seconds", LongType, "GBT prediction of the time from as_of to the last"
                  + " event: last_event_at + predicted remaining after the last event - as_of, at least 0"),
              optional("predicted_p90_seconds", LongType, "Upper quantile (lead-time-model.aft.upper-quantile, p90"
                  + " by default) of the AFT survival model, calibrated per prefix-length band on the training"
                  + " journeys (docs/EVALUATION.md), from as_of, at least 0; null when AFT is disabled"),
              required("predicted_end_at", TimestampType, "as_of + predicted_remaining_seconds (UTC)"),
              required("model_version", StringType, "Version folder of the model under"
                  + " <warehouse>/_models/lead_time/"),
              // Contract v2, last (additive schema evolution).
              optional("predicted_p10_seconds", LongType, "Lower quantile (lead-time-model.aft.lower-quantile, p10"
                  + " by default) of the AFT survival model, calibrated per prefix-length band like the p90, from"
                  + " as_of, at least 0: with predicted_p90_seconds the"
                  + " forecast's 80% interval, whose coverage `lead-time-model evaluate` measures (model_evaluation."
                  + "interval_coverage); null when AFT is disabled or the model predates it")),
          List.of(),
          List.of("journey_id", "as_of"),
          Map.of(
              "forecast_not_negative", "predicted_remaining_seconds >= 0 AND elapsed_seconds >= 0",
              "p90_not_below_zero", "predicted_p90_seconds IS NULL OR predicted_p90_seconds >= 0",
              "interval_ordered", "predicted_p10_seconds IS NULL OR predicted_p90_seconds IS NULL"
                  + " OR predicted_p10_seconds <= predicted_p90_seconds"));

  /** {@code model_evaluation}: one row per model, data set, fold and protocol. */
  public static final TableContract MODEL_EVALUATION =
      new TableContract(
          "model_evaluation",
          3,
          "One row per model, data set, fold and protocol: the remaining-time MAE of one cross-validation fold. The"
              + " rows of a public log and protocol are replaced as a whole when evaluate runs again; the rows of"
              + " dataset 'warehouse' (the user's journeys) by each `train` or `evaluate --source warehouse`."
              + " model_evaluation_by_prefix holds the same folds by prefix length.",
          TableContract.schema(
              required("model", StringType, "baseline (mean remaining time per prefix length), gbt or aft (median)"),
              required("dataset", StringType, "A public log (helpdesk, bpic2013, bpic2012, bpic2012-complete) or"
                  + " warehouse: the journeys of the warehouse, cross-validated by `train` (the model it saves) or by"
                  + " `evaluate --source warehouse`"),
              required("fold", IntegerType, "Test fold, 0-based; cases are assigned by pmod(xxhash64(seed, case"
                  + " id), folds)"),
              required("protocol", StringType, "e.g. case-cv-5/prefix-1..n-1/seed-42: k-fold cross-validation by"
                  + " case, predictions at every prefix of length 1 to n-1 of every test case; on the warehouse"
                  + " journey-cv-3/prefix-1..n-1/open-censored/seed-42: by journey, the test folds' closed journeys"
                  + " predicted, the training folds' open journeys learnt from as censored rows (as train does)"),
              required("mae_days", DoubleType, "Mean absolute error of the remaining time over all predictions of"
                  + " the fold, in days (86,400 s)"),
              required("predictions", LongType, "Number of prefixes predicted in the test fold"),
              required("run_id", StringType, "The evaluate run (pipeline_runs.run_id)"),
              required("train_cases", LongType, "Cases in the training folds"),
              required("test_cases", LongType, "Cases in the test fold"),
              optional("parameters", StringType, "Hyper-parameters used, e.g. depth=6,iter=60,target=log1p"),
              // Contract v2, last (additive schema evolution).
              optional("interval_coverage", DoubleType, "aft rows: share of the fold's predictions whose true"
                  + " remaining time lies in the model's interval [lower-quantile, upper-quantile] (p10 to p90 by"
                  + " default, calibrated per prefix-length band on the training folds: about 0.8 when it holds);"
                  + " null for the point models"),
              // Contract v3, last (additive schema evolution).
              optional("model_version", StringType, "dataset warehouse, written by train: the model version it"
                  + " saved (the folds' models are fitted the same way on part of its journeys); null otherwise")),
          List.of(),
          List.of("model", "dataset", "fold", "protocol"),
          Map.of("mae_not_negative", "mae_days >= 0 AND predictions >= 0"));

  /** {@code model_evaluation_by_prefix}: model_evaluation's folds by prefix-length band. */
  public static final TableContract MODEL_EVALUATION_BY_PREFIX =
      new TableContract(
          "model_evaluation_by_prefix",
          1,
          "One row per model, data set, protocol, fold and prefix-length band: the fold of model_evaluation split by"
              + " the number of events seen so far, with the mean actual and predicted remaining time (the report's"
              + " predicted-against-actual chart) and, for aft, the interval's coverage in the band. Replaced with"
              + " model_evaluation, by the same runs.",
          TableContract.schema(
              required("model", StringType, "baseline, gbt or aft (as model_evaluation.model)"),
              required("dataset", StringType, "As model_evaluation.dataset"),
              required("protocol", StringType, "As model_evaluation.protocol"),
              required("fold", IntegerType, "Test fold, 0-based"),
              required("prefix_band", StringType, "Events seen so far: 1, 2, 3, 4-5, 6-9, 10-19 or 20+"),
              required("band_min_length", IntegerType, "Shortest prefix length of the band (1, 2, 3, 4, 6, 10, 20):"
                  + " its sort key"),
              required("predictions", LongType, "Test prefixes of the fold in the band"),
              required("mae_days", DoubleType, "Mean absolute error of the remaining time in the band, in days"),
              required("mean_actual_days", DoubleType, "Mean true remaining time of the band's prefixes, in days"),
              optional("mean_predicted_days", DoubleType, "Mean predicted remaining time (aft: the median), in"
                  + " days"),
              optional("interval_coverage", DoubleType, "aft rows: share of the band's prefixes whose true remaining"
                  + " time lies in the interval [lower-quantile, upper-quantile]; null for the point models"),
              optional("mean_lower_days", DoubleType, "aft rows: mean lower bound of the interval (p10 by default),"
                  + " in days"),
              optional("mean_upper_days", DoubleType, "aft rows: mean upper bound of the interval (p90 by default),"
                  + " in days"),
              required("run_id", StringType, "The run that wrote it (pipeline_runs.run_id)"),
              optional("model_version", StringType, "As model_evaluation.model_version")),
          List.of(),
          List.of("model", "dataset", "protocol", "fold", "prefix_band"),
          Map.of("counts_not_negative", "predictions > 0 AND mae_days >= 0",
              "coverage_is_a_share", "interval_coverage IS NULL OR interval_coverage BETWEEN 0 AND 1"));

  /** The columns read from {@code journeys} (written by the journeys job); the rest of that table is not used. */
  public static final TableContract JOURNEYS_INPUT =
      new TableContract(
          "journeys",
          1,
          "Input view: one row per journey, as written by `leancx journeys`.",
          TableContract.schema(
              required(Journeys.JOURNEY_ID, StringType, "Journey id"),
              required(Journeys.JOURNEY_TYPE, StringType, "Journey type"),
              required(Journeys.STATUS, StringType, "OPEN or CLOSED"),
              required(Journeys.STARTED_AT, TimestampType, "First event"),
              required(Journeys.LAST_EVENT_AT, TimestampType, "Last event"),
              required(Journeys.AS_OF, TimestampType, "As-of of the journeys run")),
          List.of(),
          List.of(Journeys.JOURNEY_ID),
          Map.of());

  /** The columns read from {@code journey_steps}. */
  public static final TableContract JOURNEY_STEPS_INPUT =
      new TableContract(
          "journey_steps",
          1,
          "Input view: one row per step of a journey, as written by `leancx journeys`.",
          TableContract.schema(
              required(Journeys.JOURNEY_ID, StringType, "Journey id"),
              required(Journeys.SEQ, IntegerType, "1-based position in the journey"),
              required(Journeys.STEP, StringType, "Activity of an event or channel of a contact"),
              required(Journeys.AT, TimestampType, "When the step started"),
              optional(Journeys.TEAM, StringType, "Team that handled the step")),
          List.of(),
          List.of(Journeys.JOURNEY_ID, Journeys.SEQ),
          Map.of());

  /** Column names of the journeys tables that this package relies on. */
  public static final class Journeys {
    private Journeys() {}

    public static final String JOURNEY_ID = "journey_id";
    public static final String JOURNEY_TYPE = "journey_type";
    public static final String STATUS = "status";
    public static final String STARTED_AT = "started_at";
    public static final String LAST_EVENT_AT = "last_event_at";
    public static final String AS_OF = "as_of";
    public static final String SEQ = "seq";
    public static final String STEP = "step";
    public static final String AT = "at";
    public static final String TEAM = "team";
    public static final String OPEN = "OPEN";
    public static final String CLOSED = "CLOSED";
  }
}
