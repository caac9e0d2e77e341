package org.leancx.leadtime;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
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
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.leancx.common.JobRunner;
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

  /** The protocol label, e.g. case-cv-5/prefix-1..n-1/seed-42. */
  public static String protocol(int folds, long seed) {
    return "case-cv-" + folds + "/prefix-1..n-1/seed-" + seed;
  }

  /** Adds the fold of each event's case: pmod(xxhash64(seed, case_id), folds), so a case lies wholly in one fold. */
  public static Dataset<Row> withFolds(Dataset<Row> events, int folds, long seed) {
    return events.withColumn(FOLD, pmod(xxhash64(lit(seed), col(PrefixFeatures.CASE_ID)), lit(folds)).cast("int"));
  }

  /** Runs the evaluation on one data set and writes its rows of model_evaluation. */
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
      List<FoldScore> scores = new ArrayList<>();
      List<Row> rows = new ArrayList<>();
      for (int k = 0; k < folds; k++) {
        int fold = k;
        Dataset<Row> trainEvents = events.where(col(FOLD).notEqual(fold));
        FeatureSpec spec =
            FeatureSpec.learn(trainEvents, categorical, dataset.numericColumns(), s.maxActivities(),
                s.maxAttributeLevels());
        // Features of a prefix depend only on its own case and the spec, so computing them over all cases at once
        // is the same as computing them per fold.
        Dataset<Row> prefixes =
            PrefixFeatures.proper(PrefixFeatures.prefixes(events, spec))
                .join(events.select(PrefixFeatures.CASE_ID, FOLD).distinct(), PrefixFeatures.CASE_ID)
                .withColumn(LeadTimeModel.OBSERVED, lit(true))
                .cache();
        Dataset<Row> train = prefixes.where(col(FOLD).notEqual(fold));
        Dataset<Row> test = prefixes.where(col(FOLD).equalTo(fold));
        LeadTimeModel model =
            Step.run(spark, JOB, dataset.label() + " fold " + fold + ": fitting",
                () -> LeadTimeModel.fit(train, spec, s, "evaluation-fold-" + fold));
        Row m =
            Step.run(spark, JOB, dataset.label() + " fold " + fold + ": scoring", () ->
                model.predict(test)
                    .agg(
                        avg(abs(col(LeadTimeModel.BASELINE_SECONDS).minus(col(PrefixFeatures.REMAINING_SECONDS)))),
                        avg(abs(col(LeadTimeModel.GBT_SECONDS).minus(col(PrefixFeatures.REMAINING_SECONDS)))),
                        avg(abs(col(LeadTimeModel.AFT_SECONDS).minus(col(PrefixFeatures.REMAINING_SECONDS)))),
                        count(lit(1)),
                        countDistinct(col(PrefixFeatures.CASE_ID)),
                        avg(when(col(PrefixFeatures.REMAINING_SECONDS).between(col(LeadTimeModel.AFT_LOWER_SECONDS),
                            col(LeadTimeModel.AFT_UPPER_SECONDS)), 1.0).otherwise(0.0)))
                    .first());
        long trainCases = train.select(PrefixFeatures.CASE_ID).distinct().count();
        prefixes.unpersist();
        long predictions = m.getLong(3);
        long testCases = m.getLong(4);
        add(scores, rows, "baseline", fold, m, 0, predictions, "mean remaining seconds per prefix length",
            dataset, protocol, run.id(), trainCases, testCases, null);
        add(scores, rows, "gbt", fold, m, 1, predictions, model.gbtParameters(), dataset, protocol, run.id(),
            trainCases, testCases, null);
        if (model.hasSurvivalModel()) {
          add(scores, rows, "aft", fold, m, 2, predictions, "weibull median, maxIter=" + s.aftMaxIter()
                  + ", interval p" + Math.round(s.lowerQuantile() * 100) + "-p" + Math.round(s.upperQuantile() * 100),
              dataset, protocol, run.id(), trainCases, testCases, m.isNullAt(5) ? null : m.getDouble(5));
        }
      }
      events.unpersist();
      Dataset<Row> table = spark.createDataFrame(rows, LeadTimeTables.MODEL_EVALUATION.schema());
      Step.run(spark, JOB, "writing model_evaluation", () ->
          warehouse.replaceWhere(LeadTimeTables.MODEL_EVALUATION, table,
              "dataset = '" + dataset.label() + "' AND protocol = '" + protocol + "'", run.id()));
      run.output(LeadTimeTables.MODEL_EVALUATION);
      Map<String, Double> means = new LinkedHashMap<>();
      for (String model : List.of("baseline", "gbt", "aft")) {
        scores.stream().filter(x -> x.model().equals(model)).mapToDouble(FoldScore::maeDays).average()
            .ifPresent(v -> means.put(model, v));
      }
      means.forEach((k, v) -> run.count("mae_millidays_" + k, Math.round(v * 1000)));
      run.count("predictions", scores.stream().filter(x -> x.model().equals("gbt")).mapToLong(FoldScore::predictions)
          .sum());
      return new Result(dataset, protocol, scores, means, published(s.dataDir(), dataset),
          (System.nanoTime() - t0) / 1e9);
    });
  }

  private static void add(List<FoldScore> scores, List<Row> rows, String model, int fold, Row metrics, int index,
      long predictions, String parameters, BenchmarkDataset dataset, String protocol, String runId, long trainCases,
      long testCases, Double coverage) {
    double mae = metrics.getDouble(index) / 86_400.0;
    scores.add(new FoldScore(model, fold, mae, predictions, parameters, coverage));
    rows.add(RowFactory.create(model, dataset.label(), fold, protocol, mae, predictions, runId, trainCases, testCases,
        parameters, coverage));
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
