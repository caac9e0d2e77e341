package org.leancx.leadtime;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.leancx.common.JobRunner;
import org.leancx.common.RunLog;
import org.leancx.common.Settings;
import org.leancx.common.Step;
import org.leancx.common.Summarised;
import org.leancx.common.Warehouse;

/**
 * The benchmark protocol of Rama-Maneiro et al.: k-fold cross-validation by case, a model trained on k-1 folds,
 * predictions at every prefix of length 1 to n-1 of every test case, MAE in days per fold and its mean over folds.
 * Everything learned (vocabularies, baseline, GBT, AFT, inner validation) sees the training folds only.
 */
public final class LeadTimeEvaluation {
  /** Job name in pipeline_runs. */
  public static final String JOB = "lead-time-evaluate";
  /** Column of the event table: the fold of the event's case. */
  static final String FOLD = "fold";

  private LeadTimeEvaluation() {}

  /** One fold's MAE of one model, and for the AFT model the coverage of its interval (else null). */
  public record FoldScore(String model, int fold, double maeDays, long predictions, String parameters,
      Double intervalCoverage) {}

  /**
   * The outcome of one evaluation.
   *
   * @param dataset the data set
   * @param protocol the protocol label written to model_evaluation
   * @param scores one per model and fold
   * @param meanMaeDays per model, the mean of its fold MAEs
   * @param published per published approach, its mean of fold MAEs on this log (days)
   * @param seconds wall time of the evaluation
   */
  public record Result(
      BenchmarkDataset dataset,
      String protocol,
      List<FoldScore> scores,
      Map<String, Double> meanMaeDays,
      Map<String, Double> published,
      double seconds) implements Summarised {
    public Result {
      scores = List.copyOf(scores);
      meanMaeDays = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(meanMaeDays));
      published = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(published));
    }

    /** E.g. {@code helpdesk, 5 folds: mean MAE in days gbt 3.46, mean 4.12; 120 s}. */
    @Override
    public String summary() {
      StringBuilder models = new StringBuilder();
      meanMaeDays.forEach((model, mae) -> models.append(models.length() == 0 ? "" : ", ")
          .append(String.format(java.util.Locale.ROOT, "%s %.2f", model, mae)));
      long folds = scores.stream().mapToInt(FoldScore::fold).distinct().count();
      String coverage = Double.isNaN(intervalCoverage()) ? "" : String.format(java.util.Locale.ROOT,
          "; aft interval coverage %.3f", intervalCoverage());
      return String.format(java.util.Locale.ROOT, "%s (%s), %d folds: mean MAE in days %s%s; %.0f s",
          dataset.label(), protocol, folds, models, coverage, seconds);
    }

    /** The AFT interval's coverage over all folds' predictions (fold coverages weighted by predictions), or NaN. */
    public double intervalCoverage() {
      return coverage(scores);
    }

    /** The comparison table: our models' fold means beside the published figures. */
    public String table() {
      StringBuilder sb = new StringBuilder();
      sb.append(String.format("Remaining-time MAE in days, %s, %s%n", dataset.label(), protocol));
      sb.append(String.format("%-28s %10s  %s%n", "model", "mean MAE", "folds"));
      for (Map.Entry<String, Double> e : meanMaeDays.entrySet()) {
        StringBuilder folds = new StringBuilder();
        for (FoldScore s : scores) {
          if (s.model().equals(e.getKey())) {
            folds.append(String.format("%.2f ", s.maeDays()));
          }
        }
        sb.append(String.format("%-28s %10.2f  %s%n", "leancx " + e.getKey(), e.getValue(), folds.toString().trim()));
      }
      if (!Double.isNaN(intervalCoverage())) {
        sb.append(String.format("%-28s %10.3f  (share of true remaining times inside the aft interval)%n",
            "leancx aft interval coverage", intervalCoverage()));
      }
      for (Map.Entry<String, Double> e : published.entrySet()) {
        sb.append(String.format("%-28s %10.2f  (published, Rama-Maneiro et al.)%n", e.getKey(), e.getValue()));
      }
      return sb.toString();
    }
  }

  /** The AFT interval's coverage over all folds' predictions (fold coverages weighted by predictions), or NaN. */
  static double coverage(List<FoldScore> scores) {
    double covered = 0;
    long n = 0;
    for (FoldScore f : scores) {
      if (f.intervalCoverage() != null) {
        covered += f.intervalCoverage() * f.predictions();
        n += f.predictions();
      }
    }
    return n == 0 ? Double.NaN : covered / n;
  }

  /** The protocol label, e.g. case-cv-5/prefix-1..n-1/seed-42. */
  public static String protocol(int folds, long seed) {
    return "case-cv-" + folds + "/prefix-1..n-1/seed-" + seed;
  }

  /** Adds the fold of each event's case: pmod(xxhash64(seed, case_id), folds), so a case lies wholly in one fold. */
  public static Dataset<Row> withFolds(Dataset<Row> events, int folds, long seed) {
    return events.withColumn(FOLD, pmod(xxhash64(lit(seed), col(PrefixFeatures.CASE_ID)), lit(folds)).cast("int"));
  }

  /** Runs the evaluation on one data set and writes its rows of model_evaluation and model_evaluation_by_prefix. */
  public static Result run(Warehouse warehouse, Settings settings, BenchmarkDataset dataset, int folds) {
    LeadTimeSettings s = LeadTimeSettings.from(settings);
    SparkSession spark = warehouse.spark();
    String protocol = protocol(folds, s.seed());
    return JobRunner.run(warehouse, settings, JOB, "--dataset " + dataset.label() + " --folds " + folds, run -> {
      long t0 = System.nanoTime();
      Dataset<Row> events =
          Step.run(spark, JOB, "reading " + dataset.file(), () -> withFolds(dataset.read(spark, s.dataDir()), folds,
              s.seed()).cache());
      List<String> categorical = new ArrayList<>(List.of("journey_type"));
      categorical.addAll(dataset.categoricalColumns());
      java.util.concurrent.ExecutorService pool = fitPool(s);
      CrossValidation cv;
      try {
        cv = crossValidate(spark, JOB, dataset.label(), protocol, run.id(), null, events, folds, categorical,
            dataset.numericColumns(), s, false, pool);
      } finally {
        pool.shutdownNow();
      }
      events.unpersist();
      write(warehouse, cv, "dataset = '" + dataset.label() + "' AND protocol = '" + protocol + "'", run);
      cv.means().forEach((k, v) -> run.count("mae_millidays_" + k, Math.round(v * 1000)));
      run.count("predictions", cv.predictions());
      return new Result(dataset, protocol, cv.scores(), cv.means(), published(s.dataDir(), dataset),
          (System.nanoTime() - t0) / 1e9);
    });
  }

  /** The data set label of the rows cross-validated on the warehouse's journeys. */
  public static final String WAREHOUSE = "warehouse";

  /** The protocol label of the warehouse's cross-validation, e.g. journey-cv-3/prefix-1..n-1/open-censored/seed-42. */
  public static String warehouseProtocol(int folds, long seed) {
    return "journey-cv-" + folds + "/prefix-1..n-1/open-censored/seed-" + seed;
  }

  /**
   * {@code evaluate --source warehouse}: the cross-validation {@code train} runs, on the same journeys (the sample of
   * lead-time-model.max-training-journeys), without saving a model. Replaces the warehouse rows of model_evaluation
   * and model_evaluation_by_prefix.
   */
  public static CrossValidation runWarehouse(Warehouse warehouse, Settings settings, int folds) {
    LeadTimeSettings s = LeadTimeSettings.from(settings);
    SparkSession spark = warehouse.spark();
    return JobRunner.run(warehouse, settings, JOB, "--source warehouse --folds " + folds, run -> {
      Dataset<Row> journeys = warehouse.read(LeadTimeTables.JOURNEYS_INPUT);
      Dataset<Row> steps = warehouse.read(LeadTimeTables.JOURNEY_STEPS_INPUT);
      run.input(LeadTimeTables.JOURNEYS_INPUT);
      run.input(LeadTimeTables.JOURNEY_STEPS_INPUT);
      Dataset<Row> sample = LeadTimeForecast.sample(journeys, journeys.count(), s.maxTrainingJourneys(), s.seed());
      Dataset<Row> events = LeadTimeForecast.events(sample, steps).cache();
      java.util.concurrent.ExecutorService pool = fitPool(s);
      CrossValidation cv;
      try {
        cv = crossValidateJourneys(spark, JOB, run.id(), null, events, folds, s, pool);
      } finally {
        pool.shutdownNow();
      }
      events.unpersist();
      write(warehouse, cv, "dataset = '" + WAREHOUSE + "'", run);
      cv.means().forEach((k, v) -> run.count("mae_millidays_" + k, Math.round(v * 1000)));
      run.count("predictions", cv.predictions());
      return cv;
    });
  }

  /**
   * The cross-validation of journeys' events (as {@link LeadTimeForecast#events}: with status and as_of): folds by
   * journey; each fold's model learns as {@code train} does (closed journeys' proper prefixes, open journeys' prefixes
   * censored) from the other folds, and predicts every proper prefix of the fold's closed journeys.
   */
  static CrossValidation crossValidateJourneys(SparkSession spark, String job, String runId, String modelVersion,
      Dataset<Row> events, int folds, LeadTimeSettings s, java.util.concurrent.ExecutorService pool) {
    return crossValidate(spark, job, WAREHOUSE, warehouseProtocol(folds, s.seed()), runId, modelVersion,
        withFolds(events, folds, s.seed()), folds, LeadTimeForecast.CATEGORICAL, List.of(), s, true, pool);
  }

  /**
   * What one cross-validation found: the scores per model and fold, and the rows of model_evaluation and
   * model_evaluation_by_prefix.
   */
  public record CrossValidation(String dataset, String protocol, List<FoldScore> scores, List<Row> rows,
      List<Row> bandRows) implements Summarised {
    public CrossValidation {
      scores = List.copyOf(scores);
      rows = List.copyOf(rows);
      bandRows = List.copyOf(bandRows);
    }

    /** Per model (baseline, gbt, aft), the mean of its fold MAEs in days. */
    public Map<String, Double> means() {
      Map<String, Double> means = new LinkedHashMap<>();
      for (String model : List.of("baseline", "gbt", "aft")) {
        scores.stream().filter(x -> x.model().equals(model)).mapToDouble(FoldScore::maeDays).average()
            .ifPresent(v -> means.put(model, v));
      }
      return means;
    }

    /** Test prefixes predicted, over all folds. */
    public long predictions() {
      return scores.stream().filter(x -> x.model().equals("gbt")).mapToLong(FoldScore::predictions).sum();
    }

    /** The AFT interval's coverage over all folds' predictions (fold coverages weighted by predictions), or NaN. */
    public double intervalCoverage() {
      return coverage(scores);
    }

    /** E.g. {@code 3-fold MAE in days: gbt 1.230, aft 1.400, baseline 2.100 (gbt 41% below the baseline); ...}. */
    @Override
    public String summary() {
      Map<String, Double> m = means();
      StringBuilder sb = new StringBuilder();
      sb.append(scores.stream().mapToInt(FoldScore::fold).distinct().count()).append("-fold MAE in days:");
      for (String model : List.of("gbt", "aft", "baseline")) {
        if (m.containsKey(model)) {
          sb.append(String.format(java.util.Locale.ROOT, " %s %.3f", model, m.get(model)));
        }
      }
      if (m.containsKey("gbt") && m.containsKey("baseline") && m.get("baseline") > 0) {
        double change = m.get("gbt") / m.get("baseline") - 1;
        sb.append(String.format(java.util.Locale.ROOT, " (gbt %.0f%% %s the baseline)", Math.abs(change) * 100,
            change <= 0 ? "below" : "ABOVE"));
      }
      if (!Double.isNaN(intervalCoverage())) {
        sb.append(String.format(java.util.Locale.ROOT, "; aft interval coverage %.3f", intervalCoverage()));
      }
      return sb.append(String.format(java.util.Locale.ROOT, "; %,d predictions", predictions())).toString();
    }
  }

  /** The prefix-length bands of model_evaluation_by_prefix: their shortest lengths (the last band is open). */
  static final int[] BAND_MIN_LENGTHS = {1, 2, 3, 4, 6, 10, 20};

  /** The band's shortest length for a prefix length (a Spark column). */
  static Column bandMinLength(Column prefixLength) {
    Column c = lit(BAND_MIN_LENGTHS[BAND_MIN_LENGTHS.length - 1]);
    for (int i = BAND_MIN_LENGTHS.length - 2; i >= 0; i--) {
      c = when(prefixLength.lt(BAND_MIN_LENGTHS[i + 1]), BAND_MIN_LENGTHS[i]).otherwise(c);
    }
    return c;
  }

  /** The label of the band starting at {@code min}: 1, 2, 3, 4-5, 6-9, 10-19 or 20+. */
  static String bandLabel(int min) {
    for (int i = 0; i < BAND_MIN_LENGTHS.length; i++) {
      if (BAND_MIN_LENGTHS[i] == min) {
        if (i == BAND_MIN_LENGTHS.length - 1) {
          return min + "+";
        }
        int max = BAND_MIN_LENGTHS[i + 1] - 1;
        return max == min ? String.valueOf(min) : min + "-" + max;
      }
    }
    throw new IllegalArgumentException("No prefix band starts at " + min);
  }

  /**
   * The k-fold loop: per fold, the vocabularies and models learn from the other folds only and predict every proper
   * prefix of the fold's cases. {@code withOpen}: the events carry status and as_of (journeys), the training folds'
   * open cases are learnt from as censored rows and only closed cases are tested; otherwise every case is complete.
   * The folds run on {@code pool} (lead-time-model.parallel-fits at once); the result is in fold order whatever the
   * order they finish in, and each fold's model is the same as when fitted alone (its seed, its data).
   */
  static CrossValidation crossValidate(SparkSession spark, String job, String dataset, String protocol, String runId,
      String modelVersion, Dataset<Row> events, int folds, List<String> categorical, List<String> numeric,
      LeadTimeSettings s, boolean withOpen, java.util.concurrent.ExecutorService pool) {
    Dataset<Row> caseFolds = events.select(PrefixFeatures.CASE_ID, FOLD).distinct();
    List<java.util.concurrent.Future<FoldResult>> pending = new ArrayList<>();
    for (int k = 0; k < folds; k++) {
      int fold = k;
      pending.add(pool.submit(() -> fold(spark, job, dataset, protocol, runId, modelVersion, events, caseFolds, fold,
          categorical, numeric, s, withOpen)));
    }
    List<FoldScore> scores = new ArrayList<>();
    List<Row> rows = new ArrayList<>();
    List<Row> bandRows = new ArrayList<>();
    for (java.util.concurrent.Future<FoldResult> f : pending) {
      FoldResult r = await(f);
      scores.addAll(r.scores());
      rows.addAll(r.rows());
      bandRows.addAll(r.bandRows());
    }
    return new CrossValidation(dataset, protocol, scores, rows, bandRows);
  }

  /** One fold's scores and table rows. */
  private record FoldResult(List<FoldScore> scores, List<Row> rows, List<Row> bandRows) {}

  /**
   * A pool for fits that run at once (lead-time-model.parallel-fits): on a small data set a fit is one task per Spark
   * job, one core busy, so two fits side by side use both cores of a small machine. Shut it down after use.
   */
  public static java.util.concurrent.ExecutorService fitPool(LeadTimeSettings s) {
    java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
    return java.util.concurrent.Executors.newFixedThreadPool(s.parallelFits(), r -> {
      Thread t = new Thread(r, "leancx-fit-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  /** The value of a fit run on the pool; its failure rethrown as it was (unchecked) or wrapped. */
  public static <T> T await(java.util.concurrent.Future<T> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for a model fit", e);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  private static FoldResult fold(SparkSession spark, String job, String dataset, String protocol, String runId,
      String modelVersion, Dataset<Row> events, Dataset<Row> caseFolds, int fold, List<String> categorical,
      List<String> numeric, LeadTimeSettings s, boolean withOpen) {
    List<FoldScore> scores = new ArrayList<>();
    List<Row> rows = new ArrayList<>();
    List<Row> bandRows = new ArrayList<>();
    Dataset<Row> trainEvents = events.where(col(FOLD).notEqual(fold));
    FeatureSpec spec = FeatureSpec.learn(trainEvents, categorical, numeric, s.maxActivities(),
        s.maxAttributeLevels());
    // Features of a prefix depend only on its own case and the spec, so computing them over all cases at once
    // is the same as computing them per fold.
    Dataset<Row> prefixes = (withOpen
            ? LeadTimeForecast.trainingPrefixes(events, spec)
            : PrefixFeatures.proper(PrefixFeatures.prefixes(events, spec)).withColumn(LeadTimeModel.OBSERVED,
                lit(true)))
        .join(caseFolds, PrefixFeatures.CASE_ID)
        .cache();
    Dataset<Row> train = prefixes.where(col(FOLD).notEqual(fold));
    Dataset<Row> test = prefixes.where(col(FOLD).equalTo(fold).and(col(LeadTimeModel.OBSERVED)));
    LeadTimeModel model = Step.run(spark, job, dataset + " fold " + fold + ": fitting",
        () -> LeadTimeModel.fit(train, spec, s, "evaluation-fold-" + fold));
    Column actual = col(PrefixFeatures.REMAINING_SECONDS);
    Column lower = col(LeadTimeModel.AFT_LOWER_SECONDS);
    Column upper = col(LeadTimeModel.AFT_UPPER_SECONDS);
    // Per band: count, sum of actual, then (sum of absolute errors, sum of predictions) per model, then the
    // interval: covered, sum of lower, sum of upper.
    List<Row> bands = Step.run(spark, job, dataset + " fold " + fold + ": scoring", () ->
        model.predict(test)
            .groupBy(bandMinLength(col(PrefixFeatures.PREFIX_LENGTH)).as("band"))
            .agg(
                count(lit(1)),
                sum(actual),
                sum(abs(col(LeadTimeModel.BASELINE_SECONDS).minus(actual))),
                sum(col(LeadTimeModel.BASELINE_SECONDS)),
                sum(abs(col(LeadTimeModel.GBT_SECONDS).minus(actual))),
                sum(col(LeadTimeModel.GBT_SECONDS)),
                sum(abs(col(LeadTimeModel.AFT_SECONDS).minus(actual))),
                sum(col(LeadTimeModel.AFT_SECONDS)),
                sum(when(lower.isNull().or(upper.isNull()), lit(null).cast("long"))
                    .when(actual.between(lower, upper), 1L).otherwise(0L)),
                sum(lower),
                sum(upper))
            .orderBy("band")
            .collectAsList());
    long trainCases = train.select(PrefixFeatures.CASE_ID).distinct().count();
    long testCases = test.select(PrefixFeatures.CASE_ID).distinct().count();
    prefixes.unpersist();
    if (bands.isEmpty()) {
      throw new IllegalStateException("Fold " + fold + " of " + dataset + " has no case to test (no closed case"
          + " with at least two events): use fewer folds (--folds) or more history.");
    }
    List<String> models = new ArrayList<>(List.of("baseline", "gbt"));
    if (model.hasSurvivalModel()) {
      models.add("aft");
    }
    for (int m = 0; m < models.size(); m++) {
      String name = models.get(m);
      boolean aft = name.equals("aft");
      int errorIndex = 3 + 2 * m;
      long n = 0;
      double errors = 0;
      long covered = 0;
      for (Row b : bands) {
        long bn = b.getLong(1);
        n += bn;
        errors += b.getDouble(errorIndex);
        Long bandCovered = aft && !b.isNullAt(9) ? b.getLong(9) : null;
        covered += bandCovered == null ? 0 : bandCovered;
        bandRows.add(RowFactory.create(name, dataset, protocol, fold, bandLabel(b.getInt(0)), b.getInt(0), bn,
            days(b.getDouble(errorIndex) / bn), days(b.getDouble(2) / bn),
            b.isNullAt(errorIndex + 1) ? null : days(b.getDouble(errorIndex + 1) / bn),
            bandCovered == null ? null : round(bandCovered / (double) bn),
            aft && !b.isNullAt(10) ? days(b.getDouble(10) / bn) : null,
            aft && !b.isNullAt(11) ? days(b.getDouble(11) / bn) : null, runId, modelVersion));
      }
      Double coverage = aft ? round(covered / (double) n) : null;
      String parameters = switch (name) {
        case "baseline" -> "mean remaining seconds per prefix length";
        case "gbt" -> model.gbtParameters();
        default -> "weibull median, maxIter=" + s.aftMaxIter() + ", interval p"
            + Math.round(s.lowerQuantile() * 100) + "-p" + Math.round(s.upperQuantile() * 100);
      };
      double mae = days(errors / n);
      scores.add(new FoldScore(name, fold, mae, n, parameters, coverage));
      rows.add(RowFactory.create(name, dataset, fold, protocol, mae, n, runId, trainCases, testCases, parameters,
          coverage, modelVersion));
    }
    return new FoldResult(scores, rows, bandRows);
  }

  /** Seconds to days, rounded to 1e-9 days (86 µs): sums over partitions differ in the last bits between runs. */
  private static double days(double seconds) {
    return round(seconds / 86_400.0);
  }

  private static double round(double v) {
    return Math.round(v * 1e9) / 1e9;
  }

  /** Replaces the rows of model_evaluation and model_evaluation_by_prefix that {@code where} selects with cv's. */
  static void write(Warehouse warehouse, CrossValidation cv, String where, RunLog.Run run) {
    SparkSession spark = warehouse.spark();
    Dataset<Row> table = spark.createDataFrame(cv.rows(), LeadTimeTables.MODEL_EVALUATION.schema());
    Step.run(spark, run.job(), "writing model_evaluation", () ->
        warehouse.replaceWhere(LeadTimeTables.MODEL_EVALUATION, table, where, run.id()));
    Dataset<Row> bands = spark.createDataFrame(cv.bandRows(), LeadTimeTables.MODEL_EVALUATION_BY_PREFIX.schema());
    Step.run(spark, run.job(), "writing model_evaluation_by_prefix", () ->
        warehouse.replaceWhere(LeadTimeTables.MODEL_EVALUATION_BY_PREFIX, bands, where, run.id()));
    run.output(LeadTimeTables.MODEL_EVALUATION);
    run.output(LeadTimeTables.MODEL_EVALUATION_BY_PREFIX);
  }

  /**
   * The published fold-mean MAE per approach on this log, from reference_ramamaneiro_remaining_time.csv (columns
   * index, approach, fold, log, rt); empty when the file is absent.
   */
  public static Map<String, Double> published(String dataDir, BenchmarkDataset dataset) {
    Path file = Path.of(dataDir).resolve("reference_ramamaneiro_remaining_time.csv");
    Map<String, double[]> sums = new TreeMap<>();
    if (!Files.exists(file)) {
      return Map.of();
    }
    try {
      for (String line : Files.readAllLines(file)) {
        String[] f = line.split(",");
        if (f.length == 5 && f[3].equals(dataset.referenceName())) {
          double[] acc = sums.computeIfAbsent(f[1], a -> new double[2]);
          acc[0] += Double.parseDouble(f[4]);
          acc[1] += 1;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Could not read " + file, e);
    }
    Map<String, Double> out = new LinkedHashMap<>();
    sums.entrySet().stream()
        .sorted(Map.Entry.comparingByValue((a, b) -> Double.compare(a[0] / a[1], b[0] / b[1])))
        .forEach(e -> out.put(e.getKey(), e.getValue()[0] / e.getValue()[1]));
    return out;
  }
}
