package org.leancx.guardrails;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.leancx.common.JobRunner;
import org.leancx.common.Settings;
import org.leancx.common.Step;
import org.leancx.common.Summarised;
import org.leancx.common.Warehouse;
import org.leancx.demand.DemandTables;
import org.leancx.ingest.CanonicalTables;
import org.leancx.journeys.JourneySettings;
import org.leancx.journeys.JourneyTables;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The guardrails job: the protective measures beside the efficiency ones. Writes efficiency_twins (from
 * contact_demand and contacts) and protected_outcomes (from journeys, journey_steps, contact_demand and contacts).
 */
public final class Guardrails {
  /** Job name in pipeline_runs. */
  public static final String JOB = "guardrails";

  private static final Logger LOG = LoggerFactory.getLogger(Guardrails.class);

  private Guardrails() {}

  /** Counts of one run; protected-outcome counts are -1 when the journeys tables are missing. */
  public record Result(long twinsRows, long periods, long teams, long flagged, long automationRows,
      java.util.List<String> exhausted, long protectedRows, long vulnerableCustomers, long worseRows)
      implements Summarised {
    /** E.g. {@code efficiency_twins 48 rows (6 periods, 8 teams), 2 flagged ...; protected_outcomes ...}. */
    @Override
    public String summary() {
      String twins = String.format(Locale.ROOT,
          "efficiency_twins %,d rows (%,d periods, %,d teams), %,d flagged (handle time down, repeats caused up)",
          twinsRows, periods, teams, flagged);
      String automation = String.format(Locale.ROOT, "; automation_slo %,d rows, %s", automationRows,
          exhausted.isEmpty() ? "no error budget exhausted in its latest assessed period"
              : "error budget exhausted in its latest assessed period: " + String.join(", ", exhausted));
      return twins + automation + (protectedRows < 0
          ? "; protected_outcomes not written (no journeys table: run leancx journeys first)"
          : String.format(Locale.ROOT,
              "; protected_outcomes %,d rows, %,d vulnerable customers, %,d rows worse than the others",
              protectedRows, vulnerableCustomers, worseRows));
    }
  }

  /** Writes efficiency_twins and protected_outcomes, and records the run. */
  public static Result run(Warehouse warehouse, Settings settings, GuardrailSettings guardrails) {
    String arguments = "period=" + guardrails.period() + " vulnerable-period=" + guardrails.protectedPeriod();
    return JobRunner.run(warehouse, settings, JOB, arguments, run -> {
      Dataset<Row> demand = warehouse.read(DemandTables.CONTACT_DEMAND);
      Dataset<Row> contacts = warehouse.read(CanonicalTables.CONTACTS);
      run.input(DemandTables.CONTACT_DEMAND);
      run.input(CanonicalTables.CONTACTS);
      Dataset<Row> twins = EfficiencyTwins.twins(demand, contacts, guardrails.period());
      Step.run(warehouse.spark(), JOB, "efficiency_twins per " + guardrails.period().name().toLowerCase(Locale.ROOT),
          () -> warehouse.replaceAll(GuardrailTables.EFFICIENCY_TWINS, twins, run.id()));
      long rows = run.output(GuardrailTables.EFFICIENCY_TWINS);
      Row counts = warehouse.read(GuardrailTables.EFFICIENCY_TWINS)
          .agg(countDistinct(col("period_start")), countDistinct(col("team")),
              sum(when(col("goodhart_flag"), 1L).otherwise(0L)))
          .first();
      long flagged = counts.isNullAt(2) ? 0 : counts.getLong(2);
      run.count("efficiency_twins_rows", rows);
      run.count("efficiency_twins_flagged", flagged);

      Dataset<Row> automation = AutomationSlo.automationSlo(demand, guardrails.automation(), guardrails.period());
      Step.run(warehouse.spark(), JOB, "automation_slo per " + guardrails.period().name().toLowerCase(Locale.ROOT),
          () -> warehouse.replaceAll(GuardrailTables.AUTOMATION_SLO, automation, run.id()));
      long automationRows = run.output(GuardrailTables.AUTOMATION_SLO);
      java.util.List<String> exhausted = exhausted(warehouse.read(GuardrailTables.AUTOMATION_SLO));
      run.count("automation_slo_rows", automationRows);
      run.count("automation_slo_exhausted", exhausted.size());

      if (!warehouse.exists(JourneyTables.JOURNEYS) || !warehouse.exists(JourneyTables.JOURNEY_STEPS)) {
        LOG.warn("No journeys table in the warehouse: protected_outcomes is not written. Run leancx journeys first"
            + " (leancx daily runs it before guardrails).");
        return new Result(rows, counts.getLong(0), counts.getLong(1), flagged, automationRows, exhausted, -1, -1, -1);
      }
      run.input(JourneyTables.JOURNEYS);
      run.input(JourneyTables.JOURNEY_STEPS);
      if (!guardrails.vulnerableLists().isEmpty()) {
        run.input(CanonicalTables.CUSTOMER_LISTS);
      }
      Dataset<Row> vulnerable = ProtectedOutcomes.vulnerableCustomers(warehouse, guardrails).cache();
      try {
        long vulnerableCustomers = vulnerable.count();
        if (vulnerableCustomers == 0) {
          LOG.warn("No customer with contacts is vulnerable by guardrails.vulnerable (attribute '{}' in {}, lists"
              + " {}): every customer is in the segment 'other'. Keep the column in the source mapping (keep ="
              + " [\"{}\"]), load a customer list, or set guardrails.vulnerable.", guardrails.vulnerableAttribute(),
              guardrails.vulnerableValues(), guardrails.vulnerableLists(), guardrails.vulnerableAttribute());
        }
        Dataset<Row> outcomes = ProtectedOutcomes.outcomes(warehouse.read(JourneyTables.JOURNEYS),
            warehouse.read(JourneyTables.JOURNEY_STEPS), demand, vulnerable,
            JourneySettings.from(settings).objectives(), guardrails.protectedPeriod());
        Step.run(warehouse.spark(), JOB,
            "protected_outcomes per " + guardrails.protectedPeriod().name().toLowerCase(Locale.ROOT),
            () -> warehouse.replaceAll(GuardrailTables.PROTECTED_OUTCOMES, outcomes, run.id()));
        long protectedRows = run.output(GuardrailTables.PROTECTED_OUTCOMES);
        long worse = warehouse.read(GuardrailTables.PROTECTED_OUTCOMES).where(col("worse_than_other")).count();
        run.count("protected_outcomes_rows", protectedRows);
        run.count("vulnerable_customers", vulnerableCustomers);
        run.count("protected_outcomes_worse", worse);
        return new Result(rows, counts.getLong(0), counts.getLong(1), flagged, automationRows, exhausted,
            protectedRows, vulnerableCustomers, worse);
      } finally {
        vulnerable.unpersist();
      }
    });
  }

  /**
   * The objectives whose error budget is exhausted in their latest assessed period of automation_slo, as "FLOW
   * containment (attainment 0.52 against 0.60, period 2026-06-22)": what --fail-on-exhausted stops the line for. Per
   * flow and SLO, the latest complete period (complete_period: the data covers every day of it) with a status (an
   * objective and at least one settled contact or hand-off); only a flow that has no complete assessed period is
   * judged on its latest partial one. The last period of the data is usually partial (a week of two days holds one or
   * two settled contacts, and an attainment of 0 or 1 from them is noise), and the current period's contacts are
   * mostly PENDING (too recent to tell), so the latest period alone would stop the line on noise or say nothing. An
   * exhausted budget of an earlier period than the one judged is history.
   */
  public static java.util.List<String> exhausted(Dataset<Row> automationSlo) {
    // One small collect (flows x periods with a status), then plain Java: the latest assessed period per flow and SLO.
    java.util.List<Row> assessed = automationSlo
        .where(col("containment_status").isNotNull().or(col("safe_hand_off_status").isNotNull()))
        .select("automation_flow", "period_start", "containment_status", "containment_rate", "containment_objective",
            "safe_hand_off_status", "safe_hand_off_rate", "safe_hand_off_objective", "complete_period")
        .collectAsList();
    java.util.List<String> out = new java.util.ArrayList<>();
    for (String slo : java.util.List.of("containment", "safe_hand_off")) {
      java.util.Map<String, Row> latest = new java.util.TreeMap<>();
      for (Row r : assessed) {
        if (r.isNullAt(r.fieldIndex(slo + "_status"))) {
          continue;
        }
        Row seen = latest.get(r.<String>getAs("automation_flow"));
        if (seen == null || judgedBefore(seen, r)) {
          latest.put(r.getAs("automation_flow"), r);
        }
      }
      for (Row r : latest.values()) {
        if (AutomationSlo.EXHAUSTED.equals(r.getAs(slo + "_status"))) {
          out.add(String.format(Locale.ROOT, "%s %s (attainment %.3f against %.3f, period %s)",
              r.<String>getAs("automation_flow"), slo, r.<Double>getAs(slo + "_rate"),
              r.<Double>getAs(slo + "_objective"), r.getAs("period_start")));
        }
      }
    }
    java.util.Collections.sort(out);
    return out;
  }

  /** Whether {@code candidate} is judged rather than {@code seen}: a complete period over a partial one, then the later. */
  private static boolean judgedBefore(Row seen, Row candidate) {
    boolean seenComplete = seen.<Boolean>getAs("complete_period");
    boolean candidateComplete = candidate.<Boolean>getAs("complete_period");
    if (seenComplete != candidateComplete) {
      return candidateComplete;
    }
    return candidate.<java.sql.Date>getAs("period_start").after(seen.getAs("period_start"));
  }
}
