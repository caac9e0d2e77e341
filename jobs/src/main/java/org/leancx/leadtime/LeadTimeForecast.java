package org.leancx.leadtime;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.timestamp_seconds;
import static org.apache.spark.sql.functions.unix_micros;
import static org.apache.spark.sql.functions.when;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.leancx.common.JobRunner;
import org.leancx.common.Settings;
import org.leancx.common.Step;
import org.leancx.common.Summarised;
import org.leancx.common.Warehouse;
import org.leancx.leadtime.LeadTimeTables.Journeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains the lead-time model on the journeys of the warehouse and forecasts the remaining lead time of every open
 * journey into {@code lead_time_forecast}.
 */
public final class LeadTimeForecast {
  private static final Logger LOG = LoggerFactory.getLogger(LeadTimeForecast.class);
  /** Job names in pipeline_runs. */
  public static final String TRAIN_JOB = "lead-time-train";

  public static final String PREDICT_JOB = "lead-time-predict";
  /** The categorical attributes taken from journeys: the journey type and the team of the step. */
  static final List<String> CATEGORICAL = List.of(Journeys.JOURNEY_TYPE, Journeys.TEAM);

  private LeadTimeForecast() {}

  /** The outcome of {@code train}. */
  public record TrainResult(String version, String path, long closedJourneys, long openJourneys,
      long trainingPrefixes, String gbtParameters, LeadTimeEvaluation.CrossValidation crossValidation)
      implements Summarised {

    /**
     * E.g. {@code model demo from 1,234 closed and 56 open journeys, 5,678 prefixes (GBT depth=5,...): path; 3-fold
     * MAE in days: gbt 1.230, ...}.
     */
    @Override
    public String summary() {
      return String.format(java.util.Locale.ROOT,
          "model %s from %,d closed and %,d open journeys, %,d prefixes (GBT %s): %s; %s",
          version, closedJourneys, openJourneys, trainingPrefixes, gbtParameters, path,
          crossValidation == null ? "not cross-validated (lead-time-model.train-folds = 0)"
              : "cross-validated by journey into model_evaluation: " + crossValidation.summary());
    }
  }

  /** The outcome of {@code predict}. */
  public record PredictResult(String version, long openJourneys, long forecasts) implements Summarised {

    /** E.g. {@code 56 of 56 open journeys forecast with model demo}. */
    @Override
    public String summary() {
      return String.format(java.util.Locale.ROOT, "%,d of %,d open journeys forecast with model %s into"
          + " lead_time_forecast", forecasts, openJourneys, version);
    }
  }

  /** Root folder of the saved models: {@code <warehouse>/_models/lead_time}. */
  public static String modelsRoot(Warehouse warehouse) {
    return warehouse.settings().path().replaceAll("/+$", "") + "/_models/lead_time";
  }

  /** A new model version: v + the UTC time of training, so that versions sort by age. */
  public static String newVersion() {
    return "v" + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC)
        .format(java.time.Instant.now());
  }

  /** The newest saved version (largest name), or fails naming the folder. */
  public static String latestVersion(SparkSession spark, String root) {
    return newestVersion(spark, root).orElseThrow(() -> new IllegalStateException(
        "No lead-time model under " + root + ". Train one first: leancx lead-time-model train"));
  }

  /** The newest model version saved under {@code root}, or empty when none is. */
  public static java.util.Optional<String> newestVersion(SparkSession spark, String root) {
    try {
      Path p = new Path(root);
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      List<String> versions = new ArrayList<>();
      if (fs.exists(p)) {
        for (FileStatus st : fs.listStatus(p)) {
          if (st.isDirectory()) {
            versions.add(st.getPath().getName());
          }
        }
      }
      return versions.stream().sorted().reduce((a, b) -> b);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("Could not list " + root, e);
    }
  }

  /**
   * The event table of {@link PrefixFeatures} from the journeys tables: one event per step, the journey as the case,
   * journey_steps.seq as the tie breaker, plus the journey's status and as_of.
   */
  public static Dataset<Row> events(Dataset<Row> journeys, Dataset<Row> steps) {
    return steps
        .select(
            col(Journeys.JOURNEY_ID).as(PrefixFeatures.CASE_ID),
            col(Journeys.STEP).as(PrefixFeatures.ACTIVITY),
            col(Journeys.AT).as(PrefixFeatures.AT),
            col(Journeys.SEQ).cast("long").as(PrefixFeatures.EVENT_ORDER),
            col(Journeys.TEAM))
        .join(
            journeys.select(
                col(Journeys.JOURNEY_ID).as(PrefixFeatures.CASE_ID),
                col(Journeys.JOURNEY_TYPE),
                col(Journeys.STATUS),
                col(Journeys.AS_OF)),
            PrefixFeatures.CASE_ID);
  }

  /**
   * Training rows: prefixes 1..n-1 of closed journeys with their remaining time (observed), and every prefix of an
   * open journey with the time it has run since (as_of - at), censored: a lower bound for the AFT model.
   */
  public static Dataset<Row> trainingPrefixes(Dataset<Row> events, FeatureSpec spec) {
    Dataset<Row> status = events.select(PrefixFeatures.CASE_ID, Journeys.STATUS, Journeys.AS_OF).distinct();
    Dataset<Row> p = PrefixFeatures.prefixes(events, spec).join(status, PrefixFeatures.CASE_ID);
    Column closed = col(Journeys.STATUS).equalTo(lit(Journeys.CLOSED));
    return p.where(col(Journeys.STATUS).equalTo(lit(Journeys.OPEN))
            .or(col(PrefixFeatures.PREFIX_LENGTH).lt(col(PrefixFeatures.CASE_LENGTH))))
        .withColumn(PrefixFeatures.REMAINING_SECONDS,
            when(closed, col(PrefixFeatures.REMAINING_SECONDS))
                .otherwise(greatest(lit(0.0), PrefixFeatures.seconds(col(PrefixFeatures.AT), col(Journeys.AS_OF)))))
        .withColumn(LeadTimeModel.OBSERVED, closed)
        .drop(Journeys.STATUS, Journeys.AS_OF);
  }

  /**
   * The forecast rows of the open journeys: the model predicts the remaining time after the last event; the forecast
   * is measured from as_of, at least 0. A pure transform.
   */
  public static Dataset<Row> forecast(Dataset<Row> journeys, Dataset<Row> events, LeadTimeModel model) {
    Dataset<Row> open = journeys.where(col(Journeys.STATUS).equalTo(lit(Journeys.OPEN)));
    Dataset<Row> openEvents =
        events.join(open.select(col(Journeys.JOURNEY_ID).as(PrefixFeatures.CASE_ID)), PrefixFeatures.CASE_ID,
            "left_semi");
    Dataset<Row> predicted = model.predict(PrefixFeatures.latest(PrefixFeatures.prefixes(openEvents, model.spec())));
    Column asOfMicros = unix_micros(col(Journeys.AS_OF));
    Column lastMicros = unix_micros(col(PrefixFeatures.AT));
    Column remaining =
        greatest(lit(0L), round(lastMicros.plus(col(LeadTimeModel.GBT_SECONDS).multiply(1e6)).minus(asOfMicros)
            .divide(1e6)).cast("long"));
    Column upper = fromAsOf(col(LeadTimeModel.AFT_UPPER_SECONDS), lastMicros, asOfMicros);
    Column lower = fromAsOf(col(LeadTimeModel.AFT_LOWER_SECONDS), lastMicros, asOfMicros);
    return predicted
        .join(open.select(col(Journeys.JOURNEY_ID).as(PrefixFeatures.CASE_ID), col(Journeys.AS_OF),
            col(Journeys.STARTED_AT)), PrefixFeatures.CASE_ID)
        .select(
            col(PrefixFeatures.CASE_ID).as("journey_id"),
            col(Journeys.AS_OF).as("as_of"),
            round(asOfMicros.minus(unix_micros(col(Journeys.STARTED_AT))).divide(1e6)).cast("long")
                .as("elapsed_seconds"),
            remaining.as("predicted_remaining_seconds"),
            upper.as("predicted_p90_seconds"),
            timestamp_seconds(asOfMicros.divide(1_000_000L).plus(remaining)).as("predicted_end_at"),
            lit(model.version()).as("model_version"),
            lower.as("predicted_p10_seconds"));
  }

  /** Seconds from as_of to the last event plus a predicted remaining time, at least 0; null when that is null. */
  private static Column fromAsOf(Column secondsAfterLast, Column lastMicros, Column asOfMicros) {
    return when(secondsAfterLast.isNull(), lit(null).cast("long"))
        .otherwise(greatest(lit(0L),
            round(lastMicros.plus(secondsAfterLast.multiply(1e6)).minus(asOfMicros).divide(1e6)).cast("long")));
  }

  /**
   * A deterministic sample of about {@code max} of {@code total} journeys (by hash of journey_id and seed), or all of
   * them when there are no more than {@code max}.
   */
  static Dataset<Row> sample(Dataset<Row> journeys, long total, int max, long seed) {
    if (total <= max) {
      return journeys;
    }
    long perMillion = Math.max(1, Math.round(1_000_000.0 * max / total));
    return journeys.where(
        org.apache.spark.sql.functions.pmod(
                org.apache.spark.sql.functions.xxhash64(col("journey_id"), lit(seed)), lit(1_000_000L))
            .lt(lit(perMillion)));
  }

  /**
   * Trains on the journeys of the warehouse (a sample beyond lead-time-model.max-training-journeys), saves the model
   * under a new version folder, and cross-validates the same training by journey (lead-time-model.train-folds folds,
   * 0 = none) into the warehouse rows of model_evaluation and model_evaluation_by_prefix.
   */
  public static TrainResult train(Warehouse warehouse, Settings settings, String version) {
    return train(warehouse, settings, version, LeadTimeSettings.from(settings).trainFolds());
  }

  /** {@link #train(Warehouse, Settings, String)} with {@code folds} folds (0 = no cross-validation). */
  public static TrainResult train(Warehouse warehouse, Settings settings, String version, int folds) {
    if (folds != 0 && folds < 2) {
      throw new IllegalArgumentException("--folds is " + folds + ": use 0 (no cross-validation) or at least 2.");
    }
    LeadTimeSettings s = LeadTimeSettings.from(settings);
    SparkSession spark = warehouse.spark();
    String v = version == null ? newVersion() : version;
    return JobRunner.run(warehouse, settings, TRAIN_JOB, "--version " + v + " --folds " + folds, run -> {
      Dataset<Row> all = warehouse.read(LeadTimeTables.JOURNEYS_INPUT);
      Dataset<Row> steps = warehouse.read(LeadTimeTables.JOURNEY_STEPS_INPUT);
      run.input(LeadTimeTables.JOURNEYS_INPUT);
      run.input(LeadTimeTables.JOURNEY_STEPS_INPUT);
      long total = all.count();
      Dataset<Row> journeys = sample(all, total, s.maxTrainingJourneys(), s.seed());
      run.count("journeys_available", total);
      Dataset<Row> events = events(journeys, steps).cache();
      FeatureSpec spec = FeatureSpec.learn(events, CATEGORICAL, List.of(), s.maxActivities(), s.maxAttributeLevels());
      Dataset<Row> prefixes = trainingPrefixes(events, spec).cache();
      String path = modelsRoot(warehouse) + "/" + v;
      // The model and the cross-validation's folds are fits of their own: they share a pool, the model first.
      java.util.concurrent.ExecutorService pool = LeadTimeEvaluation.fitPool(s);
      LeadTimeModel model;
      LeadTimeEvaluation.CrossValidation cv = null;
      try {
        java.util.concurrent.Future<LeadTimeModel> fitted = pool.submit(() -> {
          LeadTimeModel m = Step.run(spark, TRAIN_JOB, "fitting " + v, () -> LeadTimeModel.fit(prefixes, spec, s, v));
          Step.run(spark, TRAIN_JOB, "saving " + path, () -> m.save(spark, path));
          return m;
        });
        if (folds > 0) {
          cv = LeadTimeEvaluation.crossValidateJourneys(spark, TRAIN_JOB, run.id(), v, events, folds, s, pool);
        }
        model = LeadTimeEvaluation.await(fitted);
      } finally {
        pool.shutdownNow();
      }
      long closed = journeys.where(col(Journeys.STATUS).equalTo(lit(Journeys.CLOSED))).count();
      long open = journeys.where(col(Journeys.STATUS).equalTo(lit(Journeys.OPEN))).count();
      long rows = prefixes.count();
      prefixes.unpersist();
      if (cv != null) {
        LeadTimeEvaluation.write(warehouse, cv, "dataset = '" + LeadTimeEvaluation.WAREHOUSE + "'", run);
        cv.means().forEach((k, m) -> run.count("cv_mae_millidays_" + k, Math.round(m * 1000)));
      }
      events.unpersist();
      run.count("closed_journeys", closed);
      run.count("open_journeys", open);
      run.count("training_prefixes", rows);
      return new TrainResult(v, path, closed, open, rows, model.gbtParameters(), cv);
    });
  }

  /** Forecasts every open journey with the given model version (null = the newest) into lead_time_forecast. */
  public static PredictResult predict(Warehouse warehouse, Settings settings, String version) {
    SparkSession spark = warehouse.spark();
    String root = modelsRoot(warehouse);
    String v = version == null ? latestVersion(spark, root) : version;
    return JobRunner.run(warehouse, settings, PREDICT_JOB, "--version " + v, run -> {
      LeadTimeModel model = LeadTimeModel.load(spark, root + "/" + v);
      Dataset<Row> journeys = warehouse.read(LeadTimeTables.JOURNEYS_INPUT);
      Dataset<Row> steps = warehouse.read(LeadTimeTables.JOURNEY_STEPS_INPUT);
      run.input(LeadTimeTables.JOURNEYS_INPUT);
      run.input(LeadTimeTables.JOURNEY_STEPS_INPUT);
      Dataset<Row> rows = forecast(journeys, events(journeys, steps), model).cache();
      List<Row> asOfs = rows.select("as_of").distinct().collectAsList();
      long open = journeys.where(col(Journeys.STATUS).equalTo(lit(Journeys.OPEN))).count();
      if (asOfs.isEmpty()) {
        LOG.info("lead-time predict: no open journey, nothing to forecast");
        return new PredictResult(v, open, 0);
      }
      String condition = asOfs.stream()
          .map(r -> "TIMESTAMP '" + r.getTimestamp(0).toInstant().toString().replace("T", " ").replace("Z", "")
              + "'")
          .collect(Collectors.joining(", ", "as_of IN (", ")"));
      Step.run(spark, PREDICT_JOB, "writing lead_time_forecast", () ->
          warehouse.replaceWhere(LeadTimeTables.LEAD_TIME_FORECAST, rows, condition, run.id()));
      run.output(LeadTimeTables.LEAD_TIME_FORECAST);
      long n = rows.count();
      rows.unpersist();
      run.count("open_journeys", open);
      run.count("forecasts", n);
      return new PredictResult(v, open, n);
    });
  }
}
