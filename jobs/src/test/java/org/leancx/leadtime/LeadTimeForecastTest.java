package org.leancx.leadtime;

import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.leancx.common.Settings;
import org.leancx.common.SparkTestBase;
import org.leancx.common.Warehouse;

/**
 * Train, save, load and predict on inline journeys of the journeys tables' shape: 40 closed journeys (billing ones
 * resolve 2 days after assignment, tech ones 6 days) and 4 open ones.
 */
class LeadTimeForecastTest extends SparkTestBase {
  static final StructType JOURNEYS =
      new StructType()
          .add("journey_id", StringType)
          .add("journey_type", StringType)
          .add("status", StringType)
          .add("started_at", TimestampType)
          .add("last_event_at", TimestampType)
          .add("ended_at", TimestampType)
          .add("as_of", TimestampType)
          .add("touchpoints", IntegerType);
  static final StructType STEPS =
      new StructType()
          .add("journey_id", StringType)
          .add("seq", IntegerType)
          .add("step", StringType)
          .add("at", TimestampType)
          .add("team", StringType);
  static final Instant T0 = Instant.parse("2024-01-01T08:00:00Z");
  static final Instant AS_OF = Instant.parse("2024-03-01T00:00:00Z");

  static Dataset<Row> journeys;
  static Dataset<Row> steps;
  static Settings settings;

  @BeforeAll
  static void data() {
    List<Object[]> js = new ArrayList<>();
    List<Object[]> ss = new ArrayList<>();
    for (int i = 0; i < 44; i++) {
      boolean open = i >= 40;
      String type = i % 2 == 0 ? "billing" : "tech";
      Instant start = open ? AS_OF.minus(Duration.ofHours(30 + i)) : T0.plus(Duration.ofHours(7L * i));
      Instant assign = start.plus(Duration.ofHours(4));
      Instant resolve = assign.plus(Duration.ofDays(type.equals("billing") ? 2 : 6));
      Instant close = resolve.plus(Duration.ofDays(1));
      String id = "J" + i;
      List<Instant> times = open ? List.of(start, assign) : List.of(start, assign, resolve, close);
      List<String> names = List.of("open", "assign", "resolve", "close");
      for (int k = 0; k < times.size(); k++) {
        ss.add(new Object[] {id, k + 1, names.get(k), Timestamp.from(times.get(k)), k == 0 ? "front" : "back"});
      }
      Instant last = times.get(times.size() - 1);
      js.add(new Object[] {id, type, open ? "OPEN" : "CLOSED", Timestamp.from(start), Timestamp.from(last),
          open ? null : Timestamp.from(last), Timestamp.from(AS_OF), times.size()});
    }
    journeys = rows(JOURNEYS, js.toArray(Object[][]::new));
    steps = rows(STEPS, ss.toArray(Object[][]::new));
    settings = settings("lead-time-model.gbt.max-iter=4", "lead-time-model.gbt.max-depth=3",
        "lead-time-model.aft.max-iter=15");
  }

  @Test
  void trainingRowsAreClosedPrefixesObservedAndOpenPrefixesCensored() {
    Dataset<Row> events = LeadTimeForecast.events(journeys, steps);
    FeatureSpec spec = FeatureSpec.learn(events, LeadTimeForecast.CATEGORICAL, List.of(), 64, 32);
    List<Row> t = LeadTimeForecast.trainingPrefixes(events, spec).collectAsList();
    // 40 closed journeys x 3 proper prefixes + 4 open journeys x 2 prefixes.
    assertThat(t).hasSize(40 * 3 + 4 * 2);
    assertThat(t).filteredOn(r -> !r.<Boolean>getAs(LeadTimeModel.OBSERVED)).hasSize(8)
        .allSatisfy(r -> assertThat(r.<String>getAs(PrefixFeatures.CASE_ID)).isIn("J40", "J41", "J42", "J43"));
    Row j40second = t.stream().filter(r -> r.getAs(PrefixFeatures.CASE_ID).equals("J40")
        && r.<Integer>getAs(PrefixFeatures.PREFIX_LENGTH) == 2).findFirst().orElseThrow();
    // Censored label: as_of - assign = 70 h - 4 h.
    assertThat(j40second.<Double>getAs(PrefixFeatures.REMAINING_SECONDS)).isEqualTo(66 * 3600.0);
  }

  @Test
  void aSavedModelLoadsAndPredictsTheSame() {
    Dataset<Row> events = LeadTimeForecast.events(journeys, steps);
    FeatureSpec spec = FeatureSpec.learn(events, LeadTimeForecast.CATEGORICAL, List.of(), 64, 32);
    Dataset<Row> prefixes = LeadTimeForecast.trainingPrefixes(events, spec).cache();
    LeadTimeModel model = LeadTimeModel.fit(prefixes, spec, LeadTimeSettings.from(settings), "vtest");
    String path = HOME.resolve("jobs/target/test-warehouse/lead-time-model-save/vtest").toString();
    deleteRecursively(java.nio.file.Path.of(path));
    model.save(spark, path);
    LeadTimeModel loaded = LeadTimeModel.load(spark, path);

    assertThat(loaded.version()).isEqualTo("vtest");
    assertThat(loaded.spec()).isEqualTo(spec);
    assertThat(loaded.hasSurvivalModel()).isTrue();
    List<String> cols = List.of(PrefixFeatures.CASE_ID, PrefixFeatures.PREFIX_LENGTH, LeadTimeModel.BASELINE_SECONDS,
        LeadTimeModel.GBT_SECONDS, LeadTimeModel.AFT_SECONDS, LeadTimeModel.AFT_UPPER_SECONDS,
        LeadTimeModel.AFT_LOWER_SECONDS);
    String first = cols.get(0);
    String[] rest = cols.subList(1, cols.size()).toArray(String[]::new);
    List<Row> before = model.predict(prefixes).select(first, rest).orderBy(first, PrefixFeatures.PREFIX_LENGTH)
        .collectAsList();
    List<Row> after = loaded.predict(prefixes).select(first, rest).orderBy(first, PrefixFeatures.PREFIX_LENGTH)
        .collectAsList();
    assertThat(after).isEqualTo(before);
    // The GBT learned the journey types: after "assign", tech journeys have 4 days more to go than billing ones.
    double billing = meanGbt(before, "J0");
    double tech = meanGbt(before, "J1");
    assertThat(tech - billing).isBetween(2 * 86_400.0, 6 * 86_400.0);
    prefixes.unpersist();
  }

  private static double meanGbt(List<Row> rows, String id) {
    return rows.stream().filter(r -> r.getString(0).equals(id) && r.getInt(1) == 2).mapToDouble(r -> r.getDouble(3))
        .findFirst().orElseThrow();
  }

  @Test
  void predictForecastsOpenJourneysOnlyAndIsIdempotent() {
    Warehouse w = warehouse("lead-time-forecast");
    w.replaceAll(LeadTimeTables.JOURNEYS_INPUT, journeys.select("journey_id", "journey_type", "status", "started_at",
        "last_event_at", "as_of"), "test");
    w.replaceAll(LeadTimeTables.JOURNEY_STEPS_INPUT, steps, "test");
    Settings s = settingsFor(w);

    LeadTimeForecast.TrainResult trained = LeadTimeForecast.train(w, s, "v1");
    assertThat(trained.closedJourneys()).isEqualTo(40);
    assertThat(trained.openJourneys()).isEqualTo(4);
    assertThat(trained.path()).endsWith("/_models/lead_time/v1");
    assertThat(LeadTimeForecast.latestVersion(spark, LeadTimeForecast.modelsRoot(w))).isEqualTo("v1");

    // train cross-validated itself by journey (3 folds by default): one row per model and fold, every proper prefix
    // of every closed journey tested once (40 x 3), the open ones only learnt from.
    List<Row> evaluation = w.read(LeadTimeTables.MODEL_EVALUATION).collectAsList();
    assertThat(evaluation).hasSize(9).allSatisfy(r -> {
      assertThat(r.<String>getAs("dataset")).isEqualTo("warehouse");
      assertThat(r.<String>getAs("protocol")).isEqualTo("journey-cv-3/prefix-1..n-1/open-censored/seed-42");
      assertThat(r.<String>getAs("model_version")).isEqualTo("v1");
    });
    assertThat(evaluation.stream().filter(r -> r.getAs("model").equals("gbt"))
        .mapToLong(r -> r.<Long>getAs("predictions")).sum()).isEqualTo(120);
    Map<String, Double> mae = trained.crossValidation().means();
    // The journey type decides the time after "assign" (3 or 7 days): the GBT knows it, the baseline does not.
    assertThat(mae.get("gbt")).as(trained.summary()).isLessThan(mae.get("baseline"));
    assertThat(trained.summary()).contains("cross-validated by journey", "gbt", "baseline", "120 predictions");
    // By prefix length: after "assign" (prefix 2) 3 days remain for billing and 7 for tech, 5 on average.
    List<Row> bands = w.read(LeadTimeTables.MODEL_EVALUATION_BY_PREFIX).where("model = 'gbt' AND prefix_band = '2'")
        .collectAsList();
    assertThat(bands).hasSize(3);
    long n = bands.stream().mapToLong(r -> r.<Long>getAs("predictions")).sum();
    double actual = bands.stream().mapToDouble(r -> r.<Double>getAs("mean_actual_days") * r.<Long>getAs("predictions"))
        .sum() / n;
    assertThat(n).isEqualTo(40);
    assertThat(actual).isCloseTo(5.0, org.assertj.core.api.Assertions.within(1e-6));
    assertThat(w.read(LeadTimeTables.MODEL_EVALUATION_BY_PREFIX).where("model = 'aft'").collectAsList())
        .allSatisfy(r -> assertThat(r.<Double>getAs("interval_coverage")).isBetween(0.0, 1.0));
    // evaluate --source warehouse: the same cross-validation without a model saved; it replaces train's rows.
    LeadTimeEvaluation.CrossValidation cv = LeadTimeEvaluation.runWarehouse(w, s, 2);
    assertThat(cv.predictions()).isEqualTo(120);
    assertThat(w.read(LeadTimeTables.MODEL_EVALUATION).collectAsList()).hasSize(6).allSatisfy(r -> {
      assertThat(r.<String>getAs("protocol")).isEqualTo("journey-cv-2/prefix-1..n-1/open-censored/seed-42");
      assertThat(r.<String>getAs("model_version")).isNull();
    });
    assertThat(LeadTimeForecast.latestVersion(spark, LeadTimeForecast.modelsRoot(w))).isEqualTo("v1");

    LeadTimeForecast.PredictResult first = LeadTimeForecast.predict(w, s, null);
    assertThat(first.forecasts()).isEqualTo(4);
    List<Row> out = w.read(LeadTimeTables.LEAD_TIME_FORECAST).orderBy("journey_id").collectAsList();
    assertThat(out).extracting(r -> r.getString(0)).containsExactly("J40", "J41", "J42", "J43");
    for (Row r : out) {
      String id = r.getString(0);
      assertThat(r.<Timestamp>getAs("as_of").toInstant()).isEqualTo(AS_OF);
      int i = Integer.parseInt(id.substring(1));
      assertThat(r.<Long>getAs("elapsed_seconds")).as(id).isEqualTo((30L + i) * 3600);
      long remaining = r.getAs("predicted_remaining_seconds");
      assertThat(remaining).as(id).isGreaterThanOrEqualTo(0);
      assertThat(r.<Timestamp>getAs("predicted_end_at").toInstant()).as(id).isEqualTo(AS_OF.plusSeconds(remaining));
      assertThat(r.<Long>getAs("predicted_p90_seconds")).as(id).isNotNull().isGreaterThanOrEqualTo(0);
      assertThat(r.<Long>getAs("predicted_p10_seconds")).as(id + ": the interval's lower end").isNotNull()
          .isGreaterThanOrEqualTo(0).isLessThanOrEqualTo(r.<Long>getAs("predicted_p90_seconds"));
      assertThat(r.<String>getAs("model_version")).isEqualTo("v1");
    }
    LeadTimeForecast.predict(w, s, "v1");
    assertThat(w.read(LeadTimeTables.LEAD_TIME_FORECAST).collectAsList()).containsExactlyInAnyOrderElementsOf(out);
  }

  /**
   * Small models; fits one after the other: mvn test already runs two test JVMs on a two-core machine, and two fits
   * side by side here would take the other JVM's core (the pool itself is the same code either way; the demos and the
   * evaluation profile run it with two).
   */
  private static Settings settingsFor(Warehouse w) {
    return settings("warehouse.path=" + w.settings().path(), "lead-time-model.gbt.max-iter=4",
        "lead-time-model.gbt.max-depth=3", "lead-time-model.aft.max-iter=15", "lead-time-model.parallel-fits=1");
  }
}
