package org.leancx.surveys;

import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.leancx.common.TableContract.optional;
import static org.leancx.common.TableContract.required;

import java.util.List;
import java.util.Map;
import org.leancx.common.TableContract;

/** The table of the surveys job: loyalty (NPS, CSAT) beside the operational facts of the journey it is about. */
public final class SurveyTables {
  private SurveyTables() {}

  /** {@code survey_outcomes}: one row per dimension and segment, NPS and CSAT with intervals, and the NPS slopes. */
  public static final TableContract SURVEY_OUTCOMES =
      new TableContract(
          "survey_outcomes",
          1,
          "One row per dimension and segment (dimension, segment): NPS and CSAT of the surveys (canonical surveys)"
              + " linked to the journey they are about, by how the journey went, so that the metric tree from"
              + " operations to loyalty is visible; and two rows (dimension slope) for how the NPS score falls with"
              + " repeats and lead time. A survey is linked through its contact_id (journey_steps.step_id of kind"
              + " CONTACT), else its case_id (journeys.case_id); unlinked surveys count only in dimension all and in"
              + " the job's result line. Dimensions: all (every survey), journey_outcome (resolved_first_time: the"
              + " journey's repeats = 0; repeated; unknown when journeys has no repeats), lead_time_band (the"
              + " journey's lead_time_seconds: 0-1d, 1-3d, 3-7d, 7-14d, 14d+, lower bound inclusive), vulnerable (yes:"
              + " the survey's customer is vulnerable by guardrails.vulnerable; no). Intervals are 95% normal"
              + " approximations (z = 1.96). Replaced as a whole by each surveys run. See docs/DECISIONS.md.",
          TableContract.schema(
              required("dimension", StringType, "all, journey_outcome, lead_time_band, vulnerable, or slope"),
              required("segment", StringType, "The segment of the dimension: all; resolved_first_time, repeated,"
                  + " unknown; 0-1d, 1-3d, 3-7d, 7-14d, 14d+; yes, no; for slope: per_repeat (NPS points per repeat"
                  + " of the journey) or per_lead_time_day (NPS points per day of the journey's lead time)"),
              required("responses", LongType, "Surveys in the segment; for slope rows the surveys in the regression"
                  + " (linked, with an NPS score and the journey's repeats)"),
              required("nps_responses", LongType, "Of those, surveys with an NPS score (0-10); 0 on slope rows"),
              required("promoters", LongType, "NPS scores 9-10; 0 on slope rows"),
              required("passives", LongType, "NPS scores 7-8; 0 on slope rows"),
              required("detractors", LongType, "NPS scores 0-6; 0 on slope rows"),
              optional("nps", DoubleType, "Net promoter score, 100 * (promoters - detractors) / nps_responses, on"
                  + " -100..100; null without NPS responses and on slope rows"),
              optional("nps_ci_low", DoubleType, "Lower end of the 95% interval of nps: nps - 196 * sqrt(v), v ="
                  + " (p+ + p- - (p+ - p-)^2) / nps_responses with p+ and p- the promoter and detractor shares; not"
                  + " below -100"),
              optional("nps_ci_high", DoubleType, "Upper end of that interval; not above 100"),
              optional("nps_score_mean", DoubleType, "Mean NPS score on its 0-10 scale"),
              required("csat_responses", LongType, "Surveys with a CSAT score (1-5); 0 on slope rows"),
              optional("csat_mean", DoubleType, "Mean CSAT score (1-5); null without CSAT responses and on slope"
                  + " rows"),
              optional("csat_ci_low", DoubleType, "Lower end of the 95% interval of csat_mean: mean - 1.96 * s /"
                  + " sqrt(n), s the sample standard deviation; null with fewer than 2 CSAT responses"),
              optional("csat_ci_high", DoubleType, "Upper end of that interval"),
              optional("coefficient", DoubleType, "Slope rows: the ordinary least squares coefficient of the NPS score"
                  + " (0-10) on the journey's repeats and lead time in days together, with an intercept; null"
                  + " elsewhere, and when the regressors do not vary (singular normal equations)"),
              optional("coefficient_standard_error", DoubleType, "Its standard error, sqrt(s^2 * (X'X)^-1) with s^2"
                  + " = residual sum of squares / (responses - 3)"),
              optional("coefficient_ci_low", DoubleType, "coefficient - 1.96 * coefficient_standard_error"),
              optional("coefficient_ci_high", DoubleType, "coefficient + 1.96 * coefficient_standard_error")),
          List.of(),
          List.of("dimension", "segment"),
          Map.of(
              "nps_on_scale", "nps IS NULL OR (nps >= -100 AND nps <= 100)",
              "nps_classes_add_up", "promoters + passives + detractors = nps_responses"));
}
