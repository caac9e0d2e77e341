package org.leancx.cli;

import java.util.List;
import org.leancx.capacity.CapacityTables;
import org.leancx.common.RunLog;
import org.leancx.common.TableContract;
import org.leancx.ingest.CanonicalTables;
import org.leancx.journeys.JourneyTables;

/** Every table leancx writes, in data-flow order: for registration by name, `leancx tables` and docs/tables.md. */
public final class Contracts {
  private Contracts() {}

  public static List<TableContract> all() {
    return List.of(
        CanonicalTables.CONTACTS,
        CanonicalTables.CASE_EVENTS,
        CanonicalTables.CUSTOMER_LISTS,
        CanonicalTables.SURVEYS,
        CanonicalTables.QUARANTINE,
        org.leancx.demand.DemandTables.CONTACT_DEMAND,
        org.leancx.demand.DemandTables.RECONTACT_CHAINS,
        org.leancx.demand.DemandTables.DEMAND_DAILY,
        org.leancx.demand.DemandTables.EXCLUDED_CUSTOMERS,
        org.leancx.demand.DemandTables.UNCLASSIFIED_REASONS,
        org.leancx.conditions.ConditionTables.ROOT_CONDITIONS,
        org.leancx.conditions.ConditionTables.FAILURE_COST_DAILY,
        org.leancx.conditions.ConditionTables.ROOT_CONDITIONS_TREND,
        org.leancx.conditions.ConditionTables.ROOT_CONDITIONS_EXPLAINED,
        JourneyTables.JOURNEYS,
        JourneyTables.JOURNEY_STEPS,
        JourneyTables.FLOW_DAILY,
        JourneyTables.JOURNEY_SLO,
        org.leancx.leadtime.LeadTimeTables.LEAD_TIME_FORECAST,
        org.leancx.leadtime.LeadTimeTables.MODEL_EVALUATION,
        org.leancx.leadtime.LeadTimeTables.MODEL_EVALUATION_BY_PREFIX,
        CapacityTables.CAPACITY_WHATIF,
        CapacityTables.CAPACITY_SUMMARY,
        CapacityTables.LEAN_SCORECARD,
        org.leancx.guardrails.GuardrailTables.EFFICIENCY_TWINS,
        org.leancx.guardrails.GuardrailTables.PROTECTED_OUTCOMES,
        org.leancx.guardrails.GuardrailTables.AUTOMATION_SLO,
        org.leancx.experiments.ExperimentTables.EXPERIMENT_RESULTS,
        org.leancx.surveys.SurveyTables.SURVEY_OUTCOMES,
        RunLog.PIPELINE_RUNS);
  }
}
