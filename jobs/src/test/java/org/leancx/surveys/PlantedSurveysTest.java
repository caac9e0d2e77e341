package org.leancx.surveys;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.sum;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.leancx.common.Settings;
import org.leancx.common.SparkTestBase;
import org.leancx.common.Warehouse;
import org.leancx.demand.DemandTables;
import org.leancx.demand.FailureDemand;
import org.leancx.experiments.ExperimentAnalysis.Measure;
import org.leancx.experiments.ExperimentSettings;
import org.leancx.experiments.ExperimentTables;
import org.leancx.experiments.Experiments;
import org.leancx.generate.Generator;
import org.leancx.ingest.CanonicalTables;
import org.leancx.ingest.IngestJob;
import org.leancx.journeys.Journeys;

/**
 * The generator's planted surveys and planted A/B test recovered end to end, in one world (2,000 customers, seed 42,
 * the demo's settings: generated and loaded once for the class): generate, ingest contacts, case events and surveys,
 * failure-demand, journeys, then the surveys and the experiment jobs. The NPS score's slope per repeat has the
 * planted sign and its 95% interval holds the planted value; the slope per lead-time day has the planted sign; the
 * dirty survey rows are quarantined; every clean survey links to a journey; and the experiment's verdicts and
 * interval hold the planted ones.
 */
@Tag("e2e")
class PlantedSurveysTest extends SparkTestBase {
  private static final double PER_REPEAT = -1.5;
  private static final double PER_DAY = -0.1;

  private static Warehouse w;
  private static Settings s;
  private static String raw;
  private static Generator.Result generated;
  private static IngestJob.Result ingested;

  @BeforeAll
  static void generateAndLoad() {
    w = warehouse("planted-surveys");
    raw = HOME.resolve("jobs/target/planted-surveys-raw").toString();
    s = settings(
        "warehouse.path=" + w.settings().path(),
        "generate.output=" + raw,
        "generate.customers=2000",
        "generate.seed=42",
        "generate.surveys.share=0.3",
        "generate.surveys.nps-per-repeat=" + PER_REPEAT,
        "generate.surveys.nps-per-lead-time-day=" + PER_DAY,
        "lead-time-model.train-folds=0");
    generated = Generator.run(w, s);
    IngestJob.run(w, s, "synthetic_contacts", raw + "/contacts");
    IngestJob.run(w, s, "synthetic_case_events", raw + "/case_events");
    ingested = IngestJob.run(w, s, "synthetic_surveys", raw + "/surveys");
    FailureDemand.run(w, s, FailureDemand.Slice.full());
    Journeys.run(w, s, "test");
  }

  @Test
  void theRecoveredSlopesHoldThePlantedOnes() {
    Surveys.Result r = Surveys.run(w, s);
    System.out.println("PlantedSurveysTest: " + generated.summary());
    System.out.println("PlantedSurveysTest: " + ingested.summary());
    System.out.println("PlantedSurveysTest: " + r.summary());

    // The dirty rows are quarantined with their reasons, and no row is lost.
    assertThat(ingested.inputRows()).isEqualTo(generated.surveys() + generated.dirtySurveys());
    assertThat(ingested.inputRows()).isEqualTo(
        ingested.inserted() + ingested.updated() + ingested.duplicates() + ingested.superseded() + ingested.quarantined());
    assertThat(generated.dirtySurveys()).isPositive();
    assertThat(ingested.quarantined()).isEqualTo(generated.dirtySurveys());
    assertThat(ingested.quarantinedByReason()).containsOnlyKeys("BAD_VALUE", "MISSING_REQUIRED");
    assertThat(w.read(CanonicalTables.SURVEYS).count()).isEqualTo(generated.surveys());

    // Every survey names a contact of its need, so each links to a journey.
    assertThat(r.surveys()).isEqualTo(generated.surveys());
    assertThat(r.unlinked()).as("surveys linked to no journey").isLessThanOrEqualTo(r.surveys() / 100);

    SurveyOutcomes.Regression fit = r.fit();
    assertThat(fit.solved()).isTrue();
    double[] repeat = fit.interval(1);
    double[] day = fit.interval(2);
    System.out.printf(Locale.ROOT, "PlantedSurveysTest: per repeat planted %.3f, recovered %.3f [%.3f, %.3f]; per"
            + " lead-time day planted %.3f, recovered %.4f [%.4f, %.4f]; %d surveys in the fit%n",
        PER_REPEAT, fit.coefficients()[1], repeat[0], repeat[1], PER_DAY, fit.coefficients()[2], day[0], day[1],
        fit.n());
    assertThat(fit.coefficients()[1]).as("slope per repeat").isNegative();
    assertThat(PER_REPEAT).as("planted slope per repeat inside the recovered 95%% interval [%s, %s]", repeat[0],
        repeat[1]).isBetween(repeat[0], repeat[1]);
    assertThat(fit.coefficients()[2]).as("slope per lead-time day").isNegative();

    // The table holds the same slopes, and the outcome rows tell the story: first-time resolution scores higher.
    Row slope = w.read(SurveyTables.SURVEY_OUTCOMES)
        .where(col("dimension").equalTo("slope").and(col("segment").equalTo("per_repeat"))).first();
    assertThat(slope.<Double>getAs("coefficient")).isEqualTo(fit.coefficients()[1]);
    Row first = w.read(SurveyTables.SURVEY_OUTCOMES)
        .where(col("dimension").equalTo("journey_outcome").and(col("segment").equalTo("resolved_first_time"))).first();
    Row repeated = w.read(SurveyTables.SURVEY_OUTCOMES)
        .where(col("dimension").equalTo("journey_outcome").and(col("segment").equalTo("repeated"))).first();
    assertThat(first.<Double>getAs("nps_ci_low")).isGreaterThan(repeated.<Double>getAs("nps_ci_high"));
  }

  /**
   * The planted A/B test (generate.experiment, conf experiments.short_handling): arm B's touches take 0.8 times as
   * long and fail twice as often. Through journeys and the experiment job, B is better on first-contact cost and worse on
   * repeat rate and full cost per resolved need; and the planted difference in full cost per need, computed from the
   * generator's own journeys (truth planted_journey_id: the episodes it planted, not the journeys the job rebuilt)
   * with the same cost rule, lies in the job's 95% interval.
   */
  @Test
  void thePlantedExperimentIsCheaperPerContactAndDearerPerResolvedNeed() {
    ExperimentSettings analysis = ExperimentSettings.from(s);
    Experiments.Result result = Experiments.run(w, s, analysis, "short_handling");
    System.out.println("Experiment truth: " + result.summary());
    Dataset<Row> b = w.read(ExperimentTables.EXPERIMENT_RESULTS).where("experiment = 'short_handling' AND arm = 'B'");
    java.util.Map<String, Row> byMeasure = new java.util.HashMap<>();
    for (Row r : b.collectAsList()) {
      byMeasure.put(r.getAs("measure"), r);
    }
    assertThat(byMeasure.get(Measure.FIRST_CONTACT_COST.column()).<String>getAs("verdict"))
        .as("arm B's first-contact cost").isEqualTo("better");
    assertThat(byMeasure.get(Measure.REPEAT_RATE.column()).<String>getAs("verdict"))
        .as("arm B's repeat rate").isEqualTo("worse");
    Row full = byMeasure.get(Measure.FULL_COST_PER_RESOLVED_NEED.column());
    assertThat(full.<String>getAs("verdict")).as("arm B's full cost per resolved need").isEqualTo("worse");
    assertThat(full.<Boolean>getAs("sample_ratio_mismatch")).as("arms split 50/50 by the generator").isFalse();

    // The planted difference: the generator's episodes, costed as the job costs a need.
    Dataset<Row> truth = spark.read().parquet(raw + "/truth/contacts")
        .select(col("contact_ref").as("t_contact_id"), col("planted_journey_id"));
    Dataset<Row> contacts = w.read(CanonicalTables.CONTACTS).select(col("contact_id"), col("started_at"),
        col("handle_seconds"), col("case_id"), org.apache.spark.sql.functions.try_element_at(col("attributes"),
            org.apache.spark.sql.functions.lit("handling_variant")).as("variant"));
    Dataset<Row> demand = w.read(DemandTables.CONTACT_DEMAND).select(col("contact_id").as("d_contact_id"),
        col("cost"), col("failure_subtype"));
    Dataset<Row> caseWork = w.read(CanonicalTables.CASE_EVENTS).groupBy(col("case_id").as("e_case_id"))
        .agg(count("*").as("events"));
    Dataset<Row> costed = truth.join(contacts, col("t_contact_id").equalTo(col("contact_id")))
        .join(demand, col("contact_id").equalTo(col("d_contact_id")))
        .withColumn("contact_cost", col("cost").plus(col("handle_seconds").cast("double").divide(3600.0)
            .multiply(analysis.handleCostPerHour())));
    Dataset<Row> episodes = costed.groupBy("planted_journey_id")
        .agg(org.apache.spark.sql.functions.min_by(col("variant"), col("started_at")).as("arm"),
            sum("contact_cost").as("contact_cost"),
            sum(org.apache.spark.sql.functions.when(col("failure_subtype").equalTo("complaint"), 1).otherwise(0))
                .as("complaints"),
            org.apache.spark.sql.functions.max("case_id").as("case_id"))
        .where(col("arm").isNotNull())
        .join(caseWork, col("case_id").equalTo(col("e_case_id")), "left")
        .withColumn("full_cost", col("contact_cost")
            .plus(col("complaints").multiply(analysis.complaintCost()))
            .plus(org.apache.spark.sql.functions.coalesce(col("events"), org.apache.spark.sql.functions.lit(0L))
                .multiply(analysis.caseEventCost())));
    java.util.Map<String, Double> mean = new java.util.TreeMap<>();
    for (Row r : episodes.groupBy("arm").agg(avg("full_cost"), count("*")).collectAsList()) {
      mean.put(r.getString(0), r.getDouble(1));
      System.out.printf("Experiment truth: arm %s, %d planted episodes, full cost per need %.3f%n", r.getString(0),
          r.getLong(2), r.getDouble(1));
    }
    double planted = mean.get("B") - mean.get("A");
    double low = full.getAs("difference_low");
    double high = full.getAs("difference_high");
    System.out.printf("Experiment truth: full cost per resolved need, B - A: estimated %.3f, 95%% [%.3f, %.3f];"
        + " planted %.3f%n", full.<Double>getAs("difference"), low, high, planted);
    assertThat(planted).as("planted difference in full cost per need in the 95%% interval [%s, %s]", low, high)
        .isBetween(low, high);
  }

}
