package org.leancx.surveys;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.leancx.common.Settings;
import org.leancx.common.SparkTestBase;
import org.leancx.common.Warehouse;
import org.leancx.demand.FailureDemand;
import org.leancx.generate.Generator;
import org.leancx.ingest.CanonicalTables;
import org.leancx.ingest.IngestJob;
import org.leancx.journeys.Journeys;

/**
 * The generator's planted surveys recovered end to end: generate, ingest contacts, case events and surveys,
 * failure-demand, journeys, surveys. The NPS score's slope per repeat has the planted sign and its 95% interval holds
 * the planted value; the slope per lead-time day has the planted sign; the dirty survey rows are quarantined; and
 * every clean survey links to a journey.
 */
@Tag("e2e")
class PlantedSurveysTest extends SparkTestBase {
  private static final double PER_REPEAT = -1.5;
  private static final double PER_DAY = -0.1;

  @Test
  void theRecoveredSlopesHoldThePlantedOnes() {
    Warehouse w = warehouse("planted-surveys");
    String raw = HOME.resolve("jobs/target/planted-surveys-raw").toString();
    Settings s = settings(
        "warehouse.path=" + w.settings().path(),
        "generate.output=" + raw,
        "generate.customers=1200",
        "generate.seed=7",
        "generate.surveys.share=0.3",
        "generate.surveys.nps-per-repeat=" + PER_REPEAT,
        "generate.surveys.nps-per-lead-time-day=" + PER_DAY,
        "lead-time-model.train-folds=0");
    Generator.Result generated = Generator.run(w, s);
    IngestJob.run(w, s, "synthetic_contacts", raw + "/contacts");
    IngestJob.run(w, s, "synthetic_case_events", raw + "/case_events");
    IngestJob.Result ingested = IngestJob.run(w, s, "synthetic_surveys", raw + "/surveys");
    FailureDemand.run(w, s, FailureDemand.Slice.full());
    Journeys.run(w, s, "test");
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
}
