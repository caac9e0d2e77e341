package org.leancx.leadtime;

import static org.apache.spark.ml.functions.vector_to_array;
import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.expm1;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log1p;
import static org.apache.spark.sql.functions.map_from_arrays;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.try_element_at;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.regression.AFTSurvivalRegression;
import org.apache.spark.ml.regression.GBTRegressor;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A trained remaining-lead-time model: the trivial baseline (mean remaining time per prefix length), an MLlib
 * GBTRegressor and, optionally, a censoring-aware AFTSurvivalRegression, over the features of one {@link FeatureSpec}.
 * Saved and loaded with MLlib persistence; the spec and the baseline travel in a one-row JSON metadata folder.
 */
public final class LeadTimeModel {
  private static final Logger LOG = LoggerFactory.getLogger(LeadTimeModel.class);

  /** Input column: whether the case's end is known (true) or the label is a lower bound (an open journey). */
  public static final String OBSERVED = "observed";
  /** Output: the baseline's prediction, in seconds. */
  public static final String BASELINE_SECONDS = "baseline_seconds";
  /** Output: the GBT's prediction, in seconds. */
  public static final String GBT_SECONDS = "gbt_seconds";
  /** Output: the AFT model's median, in seconds; null when AFT is disabled. */
  public static final String AFT_SECONDS = "aft_seconds";
  /** Output: the AFT model's upper quantile (p90 by default), in seconds; null when AFT is disabled. */
  public static final String AFT_UPPER_SECONDS = "aft_upper_seconds";
  /**
   * Output: the AFT model's lower quantile (p10 by default), in seconds; null when AFT is disabled or the model was
   * saved before it had one.
   */
  public static final String AFT_LOWER_SECONDS = "aft_lower_seconds";

  private static final String GBT_LABEL = "gbt_label";
  private static final String AFT_LABEL = "aft_label_days";
  private static final String AFT_CENSOR = "aft_censor";

  private static final StructType METADATA =
      new StructType()
          .add("version", DataTypes.StringType)
          .add("trained_at", DataTypes.StringType)
          .add("target", DataTypes.StringType)
          .add("activities", DataTypes.createArrayType(DataTypes.StringType))
          .add("categorical_columns", DataTypes.createArrayType(DataTypes.StringType))
          .add("categorical_levels",
              DataTypes.createMapType(DataTypes.StringType, DataTypes.createArrayType(DataTypes.StringType)))
          .add("numeric_columns", DataTypes.createArrayType(DataTypes.StringType))
          .add("baseline_lengths", DataTypes.createArrayType(DataTypes.IntegerType))
          .add("baseline_means", DataTypes.createArrayType(DataTypes.DoubleType))
          .add("overall_mean", DataTypes.DoubleType)
          .add("upper_quantile", DataTypes.DoubleType)
          .add("gbt_max_depth", DataTypes.IntegerType)
          .add("gbt_max_iter", DataTypes.IntegerType)
          .add("training_prefixes", DataTypes.LongType)
          // Added with the interval's calibration by prefix-length band; null in models saved before it.
          .add("interval_bands", DataTypes.createArrayType(DataTypes.IntegerType))
          .add("interval_lower_shifts", DataTypes.createArrayType(DataTypes.DoubleType))
          .add("interval_upper_shifts", DataTypes.createArrayType(DataTypes.DoubleType));

  private final String version;
  private final FeatureSpec spec;
  private final LeadTimeSettings.Target target;
  private final Map<Integer, Double> baseline;
  private final double overallMean;
  private final PipelineModel gbt;
  private final PipelineModel aft;
  private final double upperQuantile;
  private final int gbtMaxDepth;
  private final int gbtMaxIter;
  private final long trainingPrefixes;
  /** Per prefix-length band (its shortest length): the interval's shifts on the log1p-seconds scale, lower and upper. */
  private final Map<Integer, double[]> intervalShifts;

  private LeadTimeModel(
      String version,
      FeatureSpec spec,
      LeadTimeSettings.Target target,
      Map<Integer, Double> baseline,
      double overallMean,
      PipelineModel gbt,
      PipelineModel aft,
      double upperQuantile,
      int gbtMaxDepth,
      int gbtMaxIter,
      long trainingPrefixes,
      Map<Integer, double[]> intervalShifts) {
    this.version = version;
    this.spec = spec;
    this.target = target;
    this.baseline = Map.copyOf(baseline);
    this.overallMean = overallMean;
    this.gbt = gbt;
    this.aft = aft;
    this.upperQuantile = upperQuantile;
    this.gbtMaxDepth = gbtMaxDepth;
    this.gbtMaxIter = gbtMaxIter;
    this.trainingPrefixes = trainingPrefixes;
    this.intervalShifts = Map.copyOf(intervalShifts);
  }

  public String version() {
    return version;
  }

  public FeatureSpec spec() {
    return spec;
  }

  /** Whether the AFT survival model is part of this model (it gives the upper quantile). */
  public boolean hasSurvivalModel() {
    return aft != null;
  }

  /** The GBT depth and iterations actually used (after the inner validation, if any). */
  public String gbtParameters() {
    return "depth=" + gbtMaxDepth + ",iter=" + gbtMaxIter + ",target=" + target.name().toLowerCase(java.util.Locale.ROOT);
  }

  public long trainingPrefixes() {
    return trainingPrefixes;
  }

  /**
   * Fits the three models on {@code prefixes}: the output of {@link PrefixFeatures#prefixes} with an
   * {@link #OBSERVED} column. The baseline and the GBT learn from observed rows only; the AFT model also from
   * censored ones (an open journey's label is the time it has already run past the prefix, a lower bound).
   */
  public static LeadTimeModel fit(Dataset<Row> input, FeatureSpec spec, LeadTimeSettings s, String version) {
    Dataset<Row> prefixes = compact(input);
    Dataset<Row> observed = prefixes.where(col(OBSERVED));
    // Baseline: one small aggregate, brought to the driver (a few hundred prefix lengths at most).
    Map<Integer, Double> baseline = new LinkedHashMap<>();
    for (Row r :
        observed.groupBy(PrefixFeatures.PREFIX_LENGTH).agg(avg(PrefixFeatures.REMAINING_SECONDS)).collectAsList()) {
      baseline.put(r.getInt(0), r.getDouble(1));
    }
    Row overall = observed.agg(avg(PrefixFeatures.REMAINING_SECONDS), org.apache.spark.sql.functions.count(lit(1)))
        .first();
    if (overall.isNullAt(0)) {
      throw new IllegalStateException(
          "No prefix with a known remaining time to train on: the training data holds no closed case (or journey)"
              + " with at least two events. Train on more history.");
    }
    double overallMean = overall.getDouble(0);
    long count = overall.getLong(1);

    int depth = s.gbtMaxDepth();
    int iter = s.gbtMaxIter();
    if (s.tuning()) {
      int[] best = tune(observed, spec, s);
      depth = best[0];
      iter = best[1];
    }
    PipelineModel gbt = gbtPipeline(spec, s.withGbt(depth, iter)).fit(withGbtLabel(observed, s.target()));
    PipelineModel aft = null;
    if (s.aftEnabled()) {
      Dataset<Row> aftData =
          prefixes
              .withColumn(AFT_LABEL, col(PrefixFeatures.REMAINING_SECONDS).plus(1.0).divide(86_400.0))
              .withColumn(AFT_CENSOR, when(col(OBSERVED), 1.0).otherwise(0.0));
      aft = aftPipeline(spec, s).fit(aftData);
    }
    Map<Integer, double[]> shifts = aft == null ? Map.of() : calibrate(aft, observed, s);
    return new LeadTimeModel(version, spec, s.target(), baseline, overallMean, gbt, aft, s.upperQuantile(), depth,
        iter, count, shifts);
  }

  /** Bands with fewer observed training prefixes than this take the shifts of all bands together. */
  static final long MIN_CALIBRATION_PREFIXES = 50;

  /**
   * The interval's calibration by prefix-length band. The AFT model's quantiles assume one Weibull shape for every
   * prefix, so its P10-P90 is too narrow after one or two events (BPIC 2012: 44% of true remaining times inside) and
   * too wide later (93%). Per band of {@link LeadTimeEvaluation#BAND_MIN_LENGTHS}, on the observed training prefixes:
   * the lower-quantile of log1p(remaining) - log1p(lower) and the upper-quantile of log1p(remaining) - log1p(upper),
   * added to the bounds on that scale, so that in each band about lower-quantile of the remaining times fall below
   * the interval and 1 - upper-quantile above it. Exact percentiles (order-independent: the same model on every run);
   * the evaluation measures the coverage on held-out cases.
   */
  private static Map<Integer, double[]> calibrate(PipelineModel aft, Dataset<Row> observed, LeadTimeSettings s) {
    Column quantiles = vector_to_array(col("aft_quantiles"), "float64");
    Column actual = log1p(col(PrefixFeatures.REMAINING_SECONDS));
    Dataset<Row> scores = aft.transform(observed).select(
        LeadTimeEvaluation.bandMinLength(col(PrefixFeatures.PREFIX_LENGTH)).as("band"),
        actual.minus(log1p(element_at(quantiles, 3).multiply(86_400.0))).as("d_lower"),
        actual.minus(log1p(element_at(quantiles, 2).multiply(86_400.0))).as("d_upper"));
    Column[] aggregates = {
      org.apache.spark.sql.functions.count(lit(1)),
      org.apache.spark.sql.functions.percentile(col("d_lower"), lit(s.lowerQuantile())),
      org.apache.spark.sql.functions.percentile(col("d_upper"), lit(s.upperQuantile()))
    };
    Row all = scores.agg(aggregates[0], aggregates[1], aggregates[2]).first();
    Map<Integer, double[]> shifts = new LinkedHashMap<>();
    if (all.getLong(0) == 0) {
      return shifts;
    }
    double[] pooled = {all.getDouble(1), all.getDouble(2)};
    List<Row> bands = scores.groupBy("band").agg(aggregates[0], aggregates[1], aggregates[2]).collectAsList();
    for (int band : LeadTimeEvaluation.BAND_MIN_LENGTHS) {
      shifts.put(band, pooled);
    }
    for (Row b : bands) {
      if (b.getLong(1) >= MIN_CALIBRATION_PREFIXES) {
        shifts.put(b.getInt(0), new double[] {b.getDouble(2), b.getDouble(3)});
      }
    }
    LOG.info("lead-time-model interval shifts per prefix band (log1p seconds, lower/upper): {}",
        shifts.entrySet().stream().map(e -> String.format(java.util.Locale.ROOT, "%d: %.3f/%.3f", e.getKey(),
            e.getValue()[0], e.getValue()[1])).toList());
    return shifts;
  }

  /** Rows per partition of the training data below which fewer partitions are used. */
  static final long ROWS_PER_TRAINING_PARTITION = 50_000;

  /**
   * Fewer partitions for small training sets. GBT and AFT run one Spark job per level or iteration, so their cost
   * on a few thousand prefixes is almost all task overhead: 16 shuffle partitions made the demo's 60-tree fit take
   * 83 s. At most one partition per {@link #ROWS_PER_TRAINING_PARTITION} rows, and never more than before.
   */
  static Dataset<Row> compact(Dataset<Row> data) {
    long rows = data.count();
    int now = data.rdd().getNumPartitions();
    int wanted = (int) Math.max(1, Math.min(now, (rows + ROWS_PER_TRAINING_PARTITION - 1) / ROWS_PER_TRAINING_PARTITION));
    return wanted < now ? data.coalesce(wanted) : data;
  }

  /** Inner validation: GBT candidates fitted on part of the training cases and scored by MAE on the rest. */
  private static int[] tune(Dataset<Row> observed, FeatureSpec spec, LeadTimeSettings s) {
    List<Integer> depths = s.tuningMaxDepths().isEmpty() ? List.of(s.gbtMaxDepth()) : s.tuningMaxDepths();
    List<Integer> iters = s.tuningMaxIters().isEmpty() ? List.of(s.gbtMaxIter()) : s.tuningMaxIters();
    Column validation =
        pmod(xxhash64(lit(s.seed() + 1), col(PrefixFeatures.CASE_ID)), lit(1000))
            .lt(lit((int) Math.round(s.validationShare() * 1000)));
    Dataset<Row> inner = withGbtLabel(observed.where(org.apache.spark.sql.functions.not(validation)), s.target());
    Dataset<Row> held = observed.where(validation);
    int[] best = null;
    double bestMae = Double.POSITIVE_INFINITY;
    for (int d : depths) {
      for (int i : iters) {
        PipelineModel m = gbtPipeline(spec, s.withGbt(d, i)).fit(inner);
        double mae =
            m.transform(held)
                .select(avg(abs(gbtSeconds(s.target()).minus(col(PrefixFeatures.REMAINING_SECONDS)))))
                .first()
                .getDouble(0);
        LOG.info("lead-time-model inner validation: depth={} iter={} MAE {} days", d, i, mae / 86_400.0);
        if (mae < bestMae) {
          bestMae = mae;
          best = new int[] {d, i};
        }
      }
    }
    return best;
  }

  private static Dataset<Row> withGbtLabel(Dataset<Row> data, LeadTimeSettings.Target target) {
    Column seconds = col(PrefixFeatures.REMAINING_SECONDS);
    return data.withColumn(GBT_LABEL, target == LeadTimeSettings.Target.LOG1P ? log1p(seconds) : seconds);
  }

  private static Column gbtSeconds(LeadTimeSettings.Target target) {
    Column raw = col("gbt_raw");
    return greatest(lit(0.0), target == LeadTimeSettings.Target.LOG1P ? expm1(raw) : raw);
  }

  private static Pipeline gbtPipeline(FeatureSpec spec, LeadTimeSettings s) {
    List<String> categorical = PrefixFeatures.categoricalFeatures(spec);
    List<String> indexed = categorical.stream().map(c -> c + "_gbt_index").toList();
    StringIndexer indexer =
        new StringIndexer()
            .setInputCols(categorical.toArray(String[]::new))
            .setOutputCols(indexed.toArray(String[]::new))
            .setStringOrderType("alphabetAsc")
            .setHandleInvalid("keep");
    List<String> inputs = new ArrayList<>(PrefixFeatures.numericFeatures(spec));
    inputs.addAll(indexed);
    VectorAssembler assembler =
        new VectorAssembler().setInputCols(inputs.toArray(String[]::new)).setOutputCol("gbt_features");
    int largestVocabulary = Math.max(spec.activities().size(),
        spec.categoricalLevels().values().stream().mapToInt(List::size).max().orElse(0));
    GBTRegressor gbt =
        new GBTRegressor()
            .setFeaturesCol("gbt_features")
            .setLabelCol(GBT_LABEL)
            .setPredictionCol("gbt_raw")
            .setMaxDepth(s.gbtMaxDepth())
            .setMaxIter(s.gbtMaxIter())
            .setStepSize(s.gbtStepSize())
            .setSubsamplingRate(s.gbtSubsamplingRate())
            // Categories: the vocabulary plus <other>, <none> and the indexer's unseen bucket.
            .setMaxBins(Math.max(s.gbtMaxBins(), largestVocabulary + 3))
            .setSeed(s.seed());
    return new Pipeline().setStages(new PipelineStage[] {indexer, assembler, gbt});
  }

  private static Pipeline aftPipeline(FeatureSpec spec, LeadTimeSettings s) {
    List<String> categorical = PrefixFeatures.categoricalFeatures(spec);
    List<String> indexed = categorical.stream().map(c -> c + "_aft_index").toList();
    List<String> encoded = categorical.stream().map(c -> c + "_aft_onehot").toList();
    StringIndexer indexer =
        new StringIndexer()
            .setInputCols(categorical.toArray(String[]::new))
            .setOutputCols(indexed.toArray(String[]::new))
            .setStringOrderType("alphabetAsc")
            .setHandleInvalid("keep");
    OneHotEncoder onehot =
        new OneHotEncoder()
            .setInputCols(indexed.toArray(String[]::new))
            .setOutputCols(encoded.toArray(String[]::new))
            .setHandleInvalid("keep");
    // A log-linear model: durations and counts enter on a log scale.
    StringBuilder sql = new StringBuilder("SELECT *");
    List<String> logged = new ArrayList<>();
    for (String c : PrefixFeatures.numericFeatures(spec)) {
      String name = c + "_aft_log";
      sql.append(", log1p(greatest(`").append(c).append("`, 0D)) AS `").append(name).append('`');
      logged.add(name);
    }
    sql.append(" FROM __THIS__");
    List<String> inputs = new ArrayList<>(logged);
    inputs.addAll(encoded);
    VectorAssembler assembler =
        new VectorAssembler().setInputCols(inputs.toArray(String[]::new)).setOutputCol("aft_features");
    AFTSurvivalRegression aft =
        new AFTSurvivalRegression()
            .setFeaturesCol("aft_features")
            .setLabelCol(AFT_LABEL)
            .setCensorCol(AFT_CENSOR)
            .setPredictionCol("aft_raw")
            .setQuantileProbabilities(new double[] {0.5, s.upperQuantile(), s.lowerQuantile()})
            .setQuantilesCol("aft_quantiles")
            .setMaxIter(s.aftMaxIter());
    return new Pipeline()
        .setStages(new PipelineStage[] {indexer, onehot, new SQLTransformer().setStatement(sql.toString()), assembler,
            aft});
  }

  /**
   * Adds {@link #BASELINE_SECONDS}, {@link #GBT_SECONDS}, {@link #AFT_SECONDS}, {@link #AFT_UPPER_SECONDS} and
   * {@link #AFT_LOWER_SECONDS} to prefixes computed with this model's spec, keeping their own columns. A pure
   * transform.
   */
  public Dataset<Row> predict(Dataset<Row> prefixes) {
    List<Column> keys = new ArrayList<>();
    List<Column> values = new ArrayList<>();
    baseline.forEach(
        (k, v) -> {
          keys.add(lit(k));
          values.add(lit(v));
        });
    Column baselineSeconds =
        baseline.isEmpty()
            ? lit(overallMean)
            : coalesce(
                element_at(
                    map_from_arrays(
                        org.apache.spark.sql.functions.array(keys.toArray(Column[]::new)),
                        org.apache.spark.sql.functions.array(values.toArray(Column[]::new))),
                    col(PrefixFeatures.PREFIX_LENGTH)),
                lit(overallMean));
    String[] own = prefixes.columns();
    List<Column> out = new ArrayList<>();
    for (String c : own) {
      out.add(col(c));
    }
    out.add(baselineSeconds.as(BASELINE_SECONDS));
    out.add(gbtSeconds(target).as(GBT_SECONDS));
    Dataset<Row> scored = gbt.transform(prefixes);
    if (aft != null) {
      scored = aft.transform(scored);
      out.add(element_at(vector_to_array(col("aft_quantiles"), "float64"), 1).multiply(86_400.0).as(AFT_SECONDS));
      Column upper = element_at(vector_to_array(col("aft_quantiles"), "float64"), 2).multiply(86_400.0);
      // A model saved before the lower quantile existed has two quantiles: null, not an error.
      Column lower = try_element_at(vector_to_array(col("aft_quantiles"), "float64"), lit(3)).multiply(86_400.0);
      if (!intervalShifts.isEmpty()) {
        Column band = LeadTimeEvaluation.bandMinLength(col(PrefixFeatures.PREFIX_LENGTH));
        upper = shifted(upper, band, 1);
        lower = shifted(lower, band, 0);
        lower = org.apache.spark.sql.functions.least(lower, upper);
      }
      out.add(upper.as(AFT_UPPER_SECONDS));
      out.add(lower.as(AFT_LOWER_SECONDS));
    } else {
      out.add(lit(null).cast("double").as(AFT_SECONDS));
      out.add(lit(null).cast("double").as(AFT_UPPER_SECONDS));
      out.add(lit(null).cast("double").as(AFT_LOWER_SECONDS));
    }
    return scored.select(out.toArray(Column[]::new));
  }

  /** A bound moved by its band's shift (index 0 lower, 1 upper) on the log1p-seconds scale; at least 0. */
  private Column shifted(Column seconds, Column band, int index) {
    List<Column> bands = new ArrayList<>();
    List<Column> shifts = new ArrayList<>();
    intervalShifts.forEach((b, v) -> {
      bands.add(lit(b));
      shifts.add(lit(v[index]));
    });
    Column shift = coalesce(element_at(map_from_arrays(org.apache.spark.sql.functions.array(bands.toArray(Column[]::new)),
        org.apache.spark.sql.functions.array(shifts.toArray(Column[]::new))), band), lit(0.0));
    return greatest(lit(0.0), expm1(log1p(greatest(lit(0.0), seconds)).plus(shift)));
  }

  /** Saves the model under {@code path} (a folder that this model owns): gbt/, aft/ and metadata/. */
  public void save(SparkSession spark, String path) {
    try {
      gbt.write().overwrite().save(path + "/gbt");
      if (aft != null) {
        aft.write().overwrite().save(path + "/aft");
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("Could not save the lead-time model to " + path, e);
    }
    List<Integer> lengths = new ArrayList<>(baseline.keySet());
    java.util.Collections.sort(lengths);
    List<Double> means = lengths.stream().map(baseline::get).toList();
    List<Integer> bands = new ArrayList<>(intervalShifts.keySet());
    java.util.Collections.sort(bands);
    Row meta =
        RowFactory.create(
            version,
            Instant.now().toString(),
            target.name(),
            scala.jdk.javaapi.CollectionConverters.asScala(spec.activities()).toSeq(),
            scala.jdk.javaapi.CollectionConverters.asScala(spec.categoricalColumns()).toSeq(),
            scalaMap(spec.categoricalLevels()),
            scala.jdk.javaapi.CollectionConverters.asScala(spec.numericColumns()).toSeq(),
            scala.jdk.javaapi.CollectionConverters.asScala(lengths).toSeq(),
            scala.jdk.javaapi.CollectionConverters.asScala(means).toSeq(),
            overallMean,
            upperQuantile,
            gbtMaxDepth,
            gbtMaxIter,
            trainingPrefixes,
            scala.jdk.javaapi.CollectionConverters.asScala(bands).toSeq(),
            scala.jdk.javaapi.CollectionConverters.asScala(
                bands.stream().map(b -> intervalShifts.get(b)[0]).toList()).toSeq(),
            scala.jdk.javaapi.CollectionConverters.asScala(
                bands.stream().map(b -> intervalShifts.get(b)[1]).toList()).toSeq());
    spark.createDataFrame(List.of(meta), METADATA).coalesce(1).write().mode("overwrite").json(path + "/metadata");
  }

  private static scala.collection.immutable.Map<String, scala.collection.immutable.Seq<String>> scalaMap(
      Map<String, List<String>> m) {
    Map<String, scala.collection.immutable.Seq<String>> converted = new LinkedHashMap<>();
    m.forEach((k, v) -> converted.put(k, scala.jdk.javaapi.CollectionConverters.asScala(v).toList()));
    return scala.collection.immutable.Map.from(scala.jdk.javaapi.CollectionConverters.asScala(converted));
  }

  /** Loads a model saved by {@link #save}. */
  public static LeadTimeModel load(SparkSession spark, String path) {
    Row meta;
    try {
      meta = spark.read().schema(METADATA).json(path + "/metadata").first();
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "No lead-time model at " + path + " (metadata/ unreadable). Train one first: leancx lead-time-model train",
          e);
    }
    List<String> activities = meta.getList(meta.fieldIndex("activities"));
    List<String> categorical = meta.getList(meta.fieldIndex("categorical_columns"));
    Map<String, scala.collection.Seq<String>> levelsRaw = meta.getJavaMap(meta.fieldIndex("categorical_levels"));
    Map<String, List<String>> levels = new LinkedHashMap<>();
    levelsRaw.forEach((k, v) -> levels.put(k, scala.jdk.javaapi.CollectionConverters.asJava(v)));
    List<String> numeric = meta.getList(meta.fieldIndex("numeric_columns"));
    List<Integer> lengths = meta.getList(meta.fieldIndex("baseline_lengths"));
    List<Double> means = meta.getList(meta.fieldIndex("baseline_means"));
    Map<Integer, Double> baseline = new LinkedHashMap<>();
    for (int i = 0; i < lengths.size(); i++) {
      baseline.put(lengths.get(i), means.get(i));
    }
    Map<Integer, double[]> shifts = new LinkedHashMap<>();
    if (!meta.isNullAt(meta.fieldIndex("interval_bands"))) {
      List<Integer> bands = meta.getList(meta.fieldIndex("interval_bands"));
      List<Double> lowerShifts = meta.getList(meta.fieldIndex("interval_lower_shifts"));
      List<Double> upperShifts = meta.getList(meta.fieldIndex("interval_upper_shifts"));
      for (int i = 0; i < bands.size(); i++) {
        shifts.put(bands.get(i), new double[] {lowerShifts.get(i), upperShifts.get(i)});
      }
    }
    PipelineModel gbt = PipelineModel.load(path + "/gbt");
    PipelineModel aft = null;
    try {
      org.apache.hadoop.fs.Path aftPath = new org.apache.hadoop.fs.Path(path + "/aft");
      if (aftPath.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(aftPath)) {
        aft = PipelineModel.load(path + "/aft");
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("Could not read " + path + "/aft", e);
    }
    return new LeadTimeModel(
        meta.getString(meta.fieldIndex("version")),
        new FeatureSpec(activities, categorical, levels, numeric),
        LeadTimeSettings.Target.valueOf(meta.getString(meta.fieldIndex("target"))),
        baseline,
        meta.getDouble(meta.fieldIndex("overall_mean")),
        gbt,
        aft,
        meta.getDouble(meta.fieldIndex("upper_quantile")),
        meta.getInt(meta.fieldIndex("gbt_max_depth")),
        meta.getInt(meta.fieldIndex("gbt_max_iter")),
        meta.getLong(meta.fieldIndex("training_prefixes")),
        shifts);
  }
}
