package org.leancx.surveys;

import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.leancx.common.SparkTestBase;

/** The rules of survey_outcomes on a few inline rows, with expected values computed by hand. */
class SurveyOutcomesTest extends SparkTestBase {
  private static final StructType SURVEYS = new StructType()
      .add("survey_id", StringType).add("customer_key", StringType).add("contact_id", StringType)
      .add("case_id", StringType).add("nps", IntegerType).add("csat", IntegerType);
  private static final StructType JOURNEYS = new StructType()
      .add("journey_id", StringType).add("case_id", StringType).add("repeats", IntegerType)
      .add("lead_time_seconds", LongType);
  private static final StructType STEPS = new StructType()
      .add("journey_id", StringType).add("step_id", StringType).add("kind", StringType);
  private static final StructType CUSTOMERS = new StructType().add("customer_key", StringType);
  private static final StructType LINKED = new StructType()
      .add("survey_id", StringType).add("customer_key", StringType).add("nps", IntegerType).add("csat", IntegerType)
      .add("journey_id", StringType).add("repeats", IntegerType).add("lead_time_seconds", LongType)
      .add("lead_time_days", DoubleType).add("vulnerable", StringType);

  /** S1 by contact to J1, S2 by case to J2, S5 by contact to J2; S3 and S4 (an event id, not a contact) unlinked. */
  private static Dataset<Row> linked() {
    Dataset<Row> surveys = rows(SURVEYS,
        new Object[] {"S1", "a", "c1", null, 10, 5},
        new Object[] {"S2", "v", null, "K2", 6, 2},
        new Object[] {"S3", "b", "cX", null, 8, 4},
        new Object[] {"S4", "b", "e1", null, null, 3},
        new Object[] {"S5", "a", "c2", null, 3, 1});
    Dataset<Row> journeys = rows(JOURNEYS,
        new Object[] {"J1", null, 0, 43_200L},
        new Object[] {"J2", "K2", 2, 432_000L});
    Dataset<Row> steps = rows(STEPS,
        new Object[] {"J1", "c1", "CONTACT"},
        new Object[] {"J2", "c2", "CONTACT"},
        new Object[] {"J2", "e1", "EVENT"});
    Dataset<Row> vulnerable = rows(CUSTOMERS, new Object[] {"v"});
    return SurveyOutcomes.linked(surveys, journeys, steps, vulnerable);
  }

  private static Map<String, Row> bySurvey(Dataset<Row> rows) {
    Map<String, Row> out = new HashMap<>();
    rows.collectAsList().forEach(r -> out.put(r.getAs("survey_id"), r));
    return out;
  }

  private static Map<String, Row> bySegment(Dataset<Row> rows) {
    Map<String, Row> out = new HashMap<>();
    rows.collectAsList().forEach(r -> out.put(r.<String>getAs("dimension") + "/" + r.<String>getAs("segment"), r));
    return out;
  }

  @Test
  void aSurveyLinksThroughItsContactElseItsCaseAndNeverThroughAnEvent() {
    Map<String, Row> l = bySurvey(linked());
    assertThat(l).hasSize(5);
    assertThat(l.get("S1").<String>getAs("journey_id")).isEqualTo("J1");
    assertThat(l.get("S1").<Double>getAs("lead_time_days")).isEqualTo(0.5);
    assertThat(l.get("S1").<String>getAs("vulnerable")).isEqualTo("no");
    assertThat(l.get("S2").<String>getAs("journey_id")).as("by case").isEqualTo("J2");
    assertThat(l.get("S2").<Integer>getAs("repeats")).isEqualTo(2);
    assertThat(l.get("S2").<String>getAs("vulnerable")).isEqualTo("yes");
    assertThat(l.get("S3").isNullAt(l.get("S3").fieldIndex("journey_id"))).as("unknown contact").isTrue();
    assertThat(l.get("S4").isNullAt(l.get("S4").fieldIndex("journey_id"))).as("an event is no contact").isTrue();
    assertThat(l.get("S5").<String>getAs("journey_id")).isEqualTo("J2");
  }

  @Test
  void npsAndCsatWithTheirIntervalsPerSegment() {
    Map<String, Row> out = bySegment(SurveyOutcomes.segments(linked()));
    assertThat(out.keySet()).containsExactlyInAnyOrder("all/all", "journey_outcome/resolved_first_time",
        "journey_outcome/repeated", "lead_time_band/0-1d", "lead_time_band/3-7d", "vulnerable/yes", "vulnerable/no");

    // all: NPS scores 10, 6, 8, 3 (S4 has none): 1 promoter, 1 passive, 2 detractors: NPS 100 * (1/4 - 2/4) = -25;
    // v = (0.25 + 0.5 - 0.0625) / 4 = 0.171875, half-width 100 * 1.96 * sqrt(v) = 81.256: [-100 (clamped), 56.256].
    Row all = out.get("all/all");
    assertThat(all.<Long>getAs("responses")).isEqualTo(5);
    assertThat(all.<Long>getAs("nps_responses")).isEqualTo(4);
    assertThat(all.<Long>getAs("promoters")).isEqualTo(1);
    assertThat(all.<Long>getAs("passives")).isEqualTo(1);
    assertThat(all.<Long>getAs("detractors")).isEqualTo(2);
    assertThat(all.<Double>getAs("nps")).isCloseTo(-25.0, within(1e-9));
    assertThat(all.<Double>getAs("nps_ci_low")).isCloseTo(-100.0, within(1e-9));
    assertThat(all.<Double>getAs("nps_ci_high")).isCloseTo(-25 + 100 * SurveyOutcomes.Z95 * Math.sqrt(0.171875),
        within(1e-9));
    assertThat(all.<Double>getAs("nps_ci_high")).isCloseTo(56.256, within(1e-3));
    assertThat(all.<Double>getAs("nps_score_mean")).isCloseTo(6.75, within(1e-9));
    // CSAT 5, 2, 4, 3, 1: mean 3, sample sd sqrt(10 / 4) = 1.5811, half-width 1.96 * 1.5811 / sqrt(5) = 1.3859.
    assertThat(all.<Long>getAs("csat_responses")).isEqualTo(5);
    assertThat(all.<Double>getAs("csat_mean")).isCloseTo(3.0, within(1e-9));
    assertThat(all.<Double>getAs("csat_ci_low")).isCloseTo(1.6141, within(1e-3));
    assertThat(all.<Double>getAs("csat_ci_high")).isCloseTo(4.3859, within(1e-3));
    assertThat(all.isNullAt(all.fieldIndex("coefficient"))).isTrue();

    // Resolved first time: S1 alone, a promoter: NPS 100, and v = (1 + 0 - 1) / 1 = 0.
    Row first = out.get("journey_outcome/resolved_first_time");
    assertThat(first.<Long>getAs("responses")).isEqualTo(1);
    assertThat(first.<Double>getAs("nps")).isEqualTo(100.0);
    assertThat(first.<Double>getAs("nps_ci_low")).isEqualTo(100.0);
    assertThat(first.isNullAt(first.fieldIndex("csat_ci_low"))).as("one CSAT response has no interval").isTrue();
    // Repeated: S2 and S5 (J2), NPS 6 and 3: both detractors, NPS -100; CSAT 2 and 1: mean 1.5, sd 0.7071,
    // half-width 1.96 * 0.7071 / sqrt(2) = 0.98.
    Row repeated = out.get("journey_outcome/repeated");
    assertThat(repeated.<Long>getAs("responses")).isEqualTo(2);
    assertThat(repeated.<Double>getAs("nps")).isEqualTo(-100.0);
    assertThat(repeated.<Double>getAs("csat_ci_low")).isCloseTo(1.5 - 0.98, within(1e-3));
    assertThat(repeated.<Double>getAs("csat_ci_high")).isCloseTo(1.5 + 0.98, within(1e-3));
    // Lead time: J1 half a day, J2 five days.
    assertThat(out.get("lead_time_band/0-1d").<Long>getAs("responses")).isEqualTo(1);
    assertThat(out.get("lead_time_band/3-7d").<Long>getAs("responses")).isEqualTo(2);
    // Vulnerable: S2's customer; the unlinked S3 and S4 are in no dimension but all.
    assertThat(out.get("vulnerable/yes").<Long>getAs("responses")).isEqualTo(1);
    assertThat(out.get("vulnerable/no").<Long>getAs("responses")).isEqualTo(2);
  }

  @Test
  void leadTimeBandsIncludeTheirLowerBound() {
    Dataset<Row> days = rows(new StructType().add("d", DoubleType),
        new Object[] {0.0}, new Object[] {0.999}, new Object[] {1.0}, new Object[] {6.99}, new Object[] {7.0},
        new Object[] {14.0}, new Object[] {200.0}, new Object[] {null});
    assertThat(days.select(SurveyOutcomes.leadTimeBand(org.apache.spark.sql.functions.col("d"))).collectAsList())
        .extracting(r -> r.isNullAt(0) ? null : r.getString(0))
        .containsExactly("0-1d", "0-1d", "1-3d", "3-7d", "7-14d", "14d+", "14d+", null);
  }

  /**
   * A balanced 2x2 design: repeats 0 or 1, lead time 0 or 2 days, NPS 9, 5, 6, 6 = 8 - 2 repeats - 0.5 days + e, e =
   * (+1, -1, -1, +1) orthogonal to both. So b = (8, -2, -0.5); residual sum of squares 4 on 4 - 3 = 1 degree of
   * freedom, s^2 = 4; the centred sums of squares are 1 (repeats) and 4 (days): SE 2 and 1.
   */
  @Test
  void slopesAreTheLeastSquaresFitOfNpsOnRepeatsAndLeadTimeTogether() {
    Dataset<Row> linked = rows(LINKED,
        new Object[] {"A", "a", 9, 5, "J1", 0, 0L, 0.0, "no"},
        new Object[] {"B", "b", 5, 5, "J2", 1, 0L, 0.0, "no"},
        new Object[] {"C", "c", 6, 5, "J3", 0, 172_800L, 2.0, "no"},
        new Object[] {"D", "d", 6, 5, "J4", 1, 172_800L, 2.0, "no"},
        // Left out of the fit: unlinked, no NPS score, unknown repeats.
        new Object[] {"E", "e", 0, 1, null, null, null, null, "no"},
        new Object[] {"F", "f", null, 1, "J5", 3, 777_600L, 9.0, "no"},
        new Object[] {"G", "g", 0, 1, "J6", null, 777_600L, 9.0, "no"});
    Row sums = linked.agg(SurveyOutcomes.regressionSums().get(0),
        SurveyOutcomes.regressionSums().subList(1, SurveyOutcomes.SUMS.size()).toArray(org.apache.spark.sql.Column[]::new))
        .first();
    double[] s = SurveyOutcomes.sumsInDays(sums, 0);
    // n, then the sums of repeats, days, NPS, repeats^2, repeats * days, days^2, repeats * NPS, days * NPS, NPS^2.
    assertThat(s).containsExactly(new double[] {4, 2, 4, 26, 2, 2, 8, 11, 24, 178}, within(1e-12));
    SurveyOutcomes.Regression fit = SurveyOutcomes.regression(s);

    assertThat(fit.n()).isEqualTo(4);
    assertThat(fit.solved()).isTrue();
    assertThat(fit.coefficients()).containsExactly(new double[] {8.0, -2.0, -0.5}, within(1e-9));
    assertThat(fit.standardErrors()[1]).isCloseTo(2.0, within(1e-9));
    assertThat(fit.standardErrors()[2]).isCloseTo(1.0, within(1e-9));
    assertThat(fit.interval(1)).containsExactly(new double[] {-2 - 2 * 1.96, -2 + 2 * 1.96}, within(1e-3));

    Map<String, Row> rows = bySegment(SurveyOutcomes.slopeRows(spark, fit));
    Row perRepeat = rows.get("slope/per_repeat");
    assertThat(perRepeat.<Long>getAs("responses")).isEqualTo(4);
    assertThat(perRepeat.<Double>getAs("coefficient")).isCloseTo(-2.0, within(1e-9));
    assertThat(perRepeat.<Double>getAs("coefficient_ci_low")).isCloseTo(-5.92, within(1e-3));
    assertThat(rows.get("slope/per_lead_time_day").<Double>getAs("coefficient_ci_high")).isCloseTo(1.46, within(1e-3));
  }

  @Test
  void aFitWhoseRegressorDoesNotVaryHasNoCoefficients() {
    // Every survey after one repeat: X'X is singular, so no slope can be told apart from the intercept.
    double[] s = {5, 5, 10, 30, 5, 10, 30, 30, 60, 190};
    SurveyOutcomes.Regression fit = SurveyOutcomes.regression(s);
    assertThat(fit.solved()).isFalse();
    Row row = bySegment(SurveyOutcomes.slopeRows(spark, fit)).get("slope/per_repeat");
    assertThat(row.isNullAt(row.fieldIndex("coefficient"))).isTrue();
    assertThat(row.<Long>getAs("responses")).isEqualTo(5);
  }
}
