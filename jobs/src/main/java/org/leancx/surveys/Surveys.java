package org.leancx.surveys;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.leancx.common.JobRunner;
import org.leancx.common.Settings;
import org.leancx.common.Step;
import org.leancx.common.Summarised;
import org.leancx.common.TableContract;
import org.leancx.common.Warehouse;
import org.leancx.guardrails.GuardrailSettings;
import org.leancx.guardrails.ProtectedOutcomes;
import org.leancx.ingest.CanonicalTables;
import org.leancx.journeys.JourneyTables;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The surveys job: links every survey to the journey it is about and writes survey_outcomes, NPS and CSAT by how the
 * journey went (first-time resolution, lead time, vulnerable customers) and the NPS slopes on repeats and lead time.
 */
public final class Surveys {
  /** Job name in pipeline_runs. */
  public static final String JOB = "surveys";

  private static final Logger LOG = LoggerFactory.getLogger(Surveys.class);

  private Surveys() {}

  /**
   * What one run wrote.
   *
   * @param surveys surveys read
   * @param linked surveys linked to a journey
   * @param unlinked surveys whose contact_id and case_id match no journey (counted in dimension all only)
   * @param rows survey_outcomes rows
   * @param nps the NPS of every survey, or null without NPS responses
   * @param fit the NPS score's fit on repeats and lead time
   */
  public record Result(long surveys, long linked, long unlinked, long rows, Double nps, SurveyOutcomes.Regression fit)
      implements Summarised {
    /** E.g. {@code survey_outcomes 14 rows: 1,234 surveys, 1,200 linked to a journey, 34 unlinked; NPS ...}. */
    @Override
    public String summary() {
      String head = String.format(Locale.ROOT,
          "survey_outcomes %,d rows: %,d surveys, %,d linked to a journey, %,d unlinked (neither their contact nor"
              + " their case is in journeys)", rows, surveys, linked, unlinked);
      String score = nps == null ? "; no NPS responses" : String.format(Locale.ROOT, "; NPS %.1f", nps);
      if (!fit.solved()) {
        return head + score + String.format(Locale.ROOT, "; NPS slopes not estimable from %,d surveys", fit.n());
      }
      double[] repeat = fit.interval(1);
      double[] day = fit.interval(2);
      return head + score + String.format(Locale.ROOT,
          "; NPS score per repeat %+.3f [%+.3f, %+.3f], per lead-time day %+.4f [%+.4f, %+.4f] (OLS, %,d surveys)",
          fit.coefficients()[1], repeat[0], repeat[1], fit.coefficients()[2], day[0], day[1], fit.n());
    }
  }

  /** Writes survey_outcomes from surveys, journeys and journey_steps, and records the run. */
  public static Result run(Warehouse warehouse, Settings settings) {
    GuardrailSettings guardrails = GuardrailSettings.from(settings);
    return JobRunner.run(warehouse, settings, JOB, "", run -> {
      require(warehouse, CanonicalTables.SURVEYS, "ingest a survey export first (leancx ingest --source NAME with a"
          + " mapping of target = surveys, e.g. synthetic_surveys)");
      require(warehouse, JourneyTables.JOURNEYS, "run leancx journeys first");
      require(warehouse, JourneyTables.JOURNEY_STEPS, "run leancx journeys first");
      run.input(CanonicalTables.SURVEYS);
      run.input(JourneyTables.JOURNEYS);
      run.input(JourneyTables.JOURNEY_STEPS);
      if (!guardrails.vulnerableLists().isEmpty()) {
        run.input(CanonicalTables.CUSTOMER_LISTS);
      }
      Dataset<Row> linked =
          SurveyOutcomes.linked(warehouse.read(CanonicalTables.SURVEYS), warehouse.read(JourneyTables.JOURNEYS),
                  warehouse.read(JourneyTables.JOURNEY_STEPS), ProtectedOutcomes.vulnerableCustomers(warehouse, guardrails))
              .persist(StorageLevel.MEMORY_AND_DISK());
      try {
        // One aggregation: the counts and the sums of the regression.
        List<Column> aggregates = new ArrayList<>();
        aggregates.add(count(lit(1)));
        aggregates.add(count(col("journey_id")));
        aggregates.addAll(SurveyOutcomes.regressionSums());
        Row totals = Step.run(warehouse.spark(), JOB, "linking surveys to journeys",
            () -> linked.agg(aggregates.get(0), aggregates.subList(1, aggregates.size()).toArray(Column[]::new)).first());
        long surveys = totals.getLong(0);
        long linkedCount = totals.getLong(1);
        SurveyOutcomes.Regression fit = SurveyOutcomes.regression(SurveyOutcomes.sumsInDays(totals, 2));
        if (surveys == 0) {
          LOG.info("No surveys in {}: survey_outcomes is written empty.",
              warehouse.qualifiedName(CanonicalTables.SURVEYS));
        } else if (linkedCount < surveys) {
          LOG.warn("{} of {} surveys are linked to no journey (their contact_id is no journey step and their case_id"
              + " no journey's case): they count in dimension all only.", surveys - linkedCount, surveys);
        }
        Dataset<Row> outcomes =
            SurveyOutcomes.segments(linked).unionByName(SurveyOutcomes.slopeRows(warehouse.spark(), fit));
        Step.run(warehouse.spark(), JOB, "survey_outcomes from " + surveys + " surveys",
            () -> warehouse.replaceAll(SurveyTables.SURVEY_OUTCOMES, outcomes, run.id()));
        long rows = run.output(SurveyTables.SURVEY_OUTCOMES);
        List<Row> all = warehouse.read(SurveyTables.SURVEY_OUTCOMES)
            .where(col("dimension").equalTo(SurveyOutcomes.ALL)).select(col("nps")).collectAsList();
        Double nps = all.isEmpty() || all.get(0).isNullAt(0) ? null : all.get(0).getDouble(0);
        run.count("surveys", surveys);
        run.count("linked", linkedCount);
        run.count("unlinked", surveys - linkedCount);
        run.count("regression_surveys", fit.n());
        return new Result(surveys, linkedCount, surveys - linkedCount, rows, nps, fit);
      } finally {
        linked.unpersist();
      }
    });
  }

  private static void require(Warehouse warehouse, TableContract table, String fix) {
    if (!warehouse.exists(table)) {
      throw new IllegalStateException("No " + warehouse.qualifiedName(table) + " table in the warehouse: " + fix
          + ", then run leancx surveys again.");
    }
  }
}
