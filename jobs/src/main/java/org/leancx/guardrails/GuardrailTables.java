package org.leancx.guardrails;

import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.createArrayType;
import static org.leancx.common.TableContract.optional;
import static org.leancx.common.TableContract.required;

import java.util.List;
import java.util.Map;
import org.leancx.common.TableContract;

/** The tables of the guardrails job: the protective measures that sit beside the efficiency ones. */
public final class GuardrailTables {
  private GuardrailTables() {}

  /** {@code efficiency_twins}: one row per period and team, handle time beside the repeats it causes. */
  public static final TableContract EFFICIENCY_TWINS =
      new TableContract(
          "efficiency_twins",
          1,
          "One row per period (guardrails.period, by contact_date) and team, over the contacts of contact_demand"
              + " that a team handled: each efficiency measure (handle time) beside the failure demand the team's"
              + " contacts caused (the recontacts whose prior contact was theirs) and the full cost that follows."
              + " No agent appears. Replaced as a whole by each guardrails run. See docs/GUARDRAILS.md.",
          TableContract.schema(
              required("period_start", DateType, "First day of the period (a Monday for week, the 1st for month)"),
              required("period", StringType, "WEEK or MONTH (guardrails.period)"),
              required("team", StringType, "Team that handled the contacts (contact_demand.team); contacts without a"
                  + " team (bot and other automation without a person) are not in this table"),
              required("contacts", LongType, "Contacts of the team in the period"),
              optional("handle_mean_seconds", DoubleType, "Mean handle time of the contacts with a known one"
                  + " (contacts.handle_seconds); null when none is known"),
              optional("handle_p50_seconds", DoubleType, "Median handle time of those contacts"),
              required("settled_contacts", LongType, "Contacts whose first-contact resolution is known (fcr_status"
                  + " RESOLVED_FIRST_TIME or REPEATED; PENDING ones are too recent to tell and count in no rate)"),
              optional("fcr_rate", DoubleType, "RESOLVED_FIRST_TIME / settled_contacts; null when none is settled"),
              required("repeats_caused", LongType, "Recontacts (contact_demand.is_recontact) whose prior contact"
                  + " (prior_contact_id) is one of these contacts, whenever they came: each recontact is caused by"
                  + " exactly one contact, the one it repeats"),
              required("complaints_caused", LongType, "Of repeats_caused, those with failure_subtype complaint"),
              optional("repeat_rate_caused", DoubleType, "repeats_caused / settled_contacts; null when none is"
                  + " settled"),
              required("contact_cost", DoubleType, "Cost of the settled contacts (contact_demand.cost)"),
              required("caused_cost", DoubleType, "Cost of the repeats they caused (contact_demand.cost of each"
                  + " recontact)"),
              optional("cost_per_contact", DoubleType, "contact_cost / settled_contacts: the efficiency view"),
              optional("full_cost_per_need", DoubleType, "(contact_cost + caused_cost) / settled_contacts: a"
                  + " contact's cost plus that of the repeats it caused, per need the team handled"),
              optional("handle_mean_change_seconds", DoubleType, "handle_mean_seconds minus the team's value in the"
                  + " previous period; null when either is unknown or the team had no contacts then"),
              optional("repeat_rate_change", DoubleType, "repeat_rate_caused minus the team's value in the previous"
                  + " period; null when either is unknown"),
              required("goodhart_flag", BooleanType, "Handle time fell and the repeats caused rose against the"
                  + " previous period, each beyond chance: Welch's z of the mean handle time below -1.645 and the"
                  + " two-proportion z of repeat_rate_caused above 1.645 (one-sided, 95%), with at least 20 settled"
                  + " contacts in both periods. The efficiency gain may be paid for by the customers who call back"),
              required("complete_period", BooleanType, "The contacts cover every day of the period (a partial first"
                  + " or last period has false)")),
          List.of(),
          List.of("period_start", "team"),
          Map.of(
              "counts_consistent",
              "settled_contacts <= contacts AND complaints_caused <= repeats_caused AND contacts > 0",
              "costs_not_negative", "contact_cost >= 0 AND caused_cost >= 0"));

  /** {@code protected_outcomes}: vulnerable customers' outcomes beside everyone else's, with intervals. */
  public static final TableContract PROTECTED_OUTCOMES =
      new TableContract(
          "protected_outcomes",
          1,
          "One row per period (guardrails.vulnerable.period, by the journey's started_at), journey type and segment:"
              + " the outcomes of the journeys of customers in vulnerable circumstances (guardrails.vulnerable) beside"
              + " those of the other customers, each rate and percentile with its 95% interval, and a flag where the"
              + " vulnerable segment is worse beyond the intervals. Counts are kept beside the rates, so that periods"
              + " can be summed. Replaced as a whole by each guardrails run. See docs/GUARDRAILS.md.",
          TableContract.schema(
              required("period_start", DateType, "First day of the period (the 1st for month, a Monday for week)"),
              required("period", StringType, "WEEK or MONTH (guardrails.vulnerable.period)"),
              required("journey_type", StringType, "Journey type, as in journeys"),
              required("segment", StringType, "vulnerable (a contact of the customer carries the configured"
                  + " attribute value), other, or unknown (journeys without a customer: case events only)"),
              required("customers", LongType, "Distinct customers of the journeys"),
              required("journeys", LongType, "Journeys that started in the period"),
              required("closed_journeys", LongType, "Of those, CLOSED ones (lead time known)"),
              required("contacts", LongType, "Contacts of those journeys found in contact_demand (service accounts'"
                  + " contacts are not there)"),
              required("classified_contacts", LongType, "Contacts with demand_class VALUE or FAILURE"),
              required("failure_contacts", LongType, "Contacts with demand_class FAILURE"),
              optional("failure_demand_share", DoubleType, "failure_contacts / classified_contacts"),
              optional("failure_demand_share_low", DoubleType, "Lower bound of its 95% Wilson interval"),
              optional("failure_demand_share_high", DoubleType, "Upper bound of its 95% Wilson interval"),
              required("settled_contacts", LongType, "Contacts with fcr_status RESOLVED_FIRST_TIME or REPEATED"),
              required("resolved_first_time", LongType, "Contacts with fcr_status RESOLVED_FIRST_TIME"),
              optional("fcr_rate", DoubleType, "resolved_first_time / settled_contacts"),
              optional("fcr_rate_low", DoubleType, "Lower bound of its 95% Wilson interval"),
              optional("fcr_rate_high", DoubleType, "Upper bound of its 95% Wilson interval"),
              required("recontacts", LongType, "Contacts flagged is_recontact"),
              optional("repeat_rate", DoubleType, "recontacts / contacts"),
              optional("repeat_rate_low", DoubleType, "Lower bound of its 95% Wilson interval"),
              optional("repeat_rate_high", DoubleType, "Upper bound of its 95% Wilson interval"),
              required("complaints", LongType, "Contacts with failure_subtype complaint"),
              optional("complaint_share", DoubleType, "complaints / contacts"),
              optional("complaint_share_low", DoubleType, "Lower bound of its 95% Wilson interval"),
              optional("complaint_share_high", DoubleType, "Upper bound of its 95% Wilson interval"),
              optional("lead_time_p50_seconds", DoubleType, "Median lead time of the closed journeys (journeys"
                  + ".lead_time_seconds, interpolated)"),
              optional("lead_time_p50_low_seconds", DoubleType, "Lower bound of its 95% distribution-free interval"
                  + " (an order statistic of the closed journeys' lead times)"),
              optional("lead_time_p50_high_seconds", DoubleType, "Upper bound of that interval"),
              optional("lead_time_p85_seconds", DoubleType, "85th percentile of the closed journeys' lead time"),
              optional("lead_time_p85_low_seconds", DoubleType, "Lower bound of its 95% distribution-free interval"),
              optional("lead_time_p85_high_seconds", DoubleType, "Upper bound of that interval"),
              required("slo_assessed", LongType, "Journeys of a type with an objective (journeys.slo.objectives, the"
                  + " first that names the type, else one for \"*\") that are closed, or open and already beyond it"),
              required("slo_met", LongType, "Of those, closed within the objective"),
              optional("slo_attainment", DoubleType, "slo_met / slo_assessed; null when none is assessed (the"
                  + " type has no objective)"),
              optional("slo_attainment_low", DoubleType, "Lower bound of its 95% Wilson interval"),
              optional("slo_attainment_high", DoubleType, "Upper bound of its 95% Wilson interval"),
              required("worse_than_other", BooleanType, "On a vulnerable row: at least one measure is worse than on"
                  + " the other segment's row of the same period and journey type beyond the intervals (the two 95%"
                  + " intervals do not overlap); false on the other rows"),
              required("worse_on", createArrayType(StringType, false), "The measures worse beyond the intervals:"
                  + " failure_demand_share, fcr_rate, repeat_rate, complaint_share, lead_time_p85, slo_attainment"),
              required("complete_period", BooleanType, "The journeys' start days cover every day of the period")),
          List.of(),
          List.of("period_start", "journey_type", "segment"),
          Map.of(
              "counts_consistent",
              "closed_journeys <= journeys AND failure_contacts <= classified_contacts AND classified_contacts <="
                  + " contacts AND resolved_first_time <= settled_contacts AND slo_met <= slo_assessed",
              "segment_known", "segment IN ('vulnerable', 'other', 'unknown')",
              "flag_only_on_vulnerable", "segment = 'vulnerable' OR NOT worse_than_other"));

  /** {@code automation_slo}: containment and safe hand-off per automation flow, with objectives and budgets. */
  public static final TableContract AUTOMATION_SLO =
      new TableContract(
          "automation_slo",
          1,
          "One row per period (guardrails.period, by contact_date) and automation flow (contact_demand"
              + ".automation_flow): containment and safe hand-off, each against the flow's objective with an error"
              + " budget, burn rate and status as in journey_slo, and the automation-induced failure demand the"
              + " flow caused. Replaced as a whole by each guardrails run. See docs/GUARDRAILS.md.",
          TableContract.schema(
              required("period_start", DateType, "First day of the period (a Monday for week, the 1st for month)"),
              required("period", StringType, "WEEK or MONTH (guardrails.period)"),
              required("automation_flow", StringType, "The bot or IVR flow that routed the contacts"),
              required("routed_contacts", LongType, "Contacts the flow routed (automation_flow), in the period"),
              required("settled_contacts", LongType, "Of those, settled (fcr_status not PENDING): the contacts"
                  + " containment is assessed on"),
              required("contained", LongType, "Settled routed contacts without a team (no person handled them) and"
                  + " with no later contact of their chain that a person handled"),
              optional("containment_rate", DoubleType, "contained / settled_contacts"),
              optional("containment_objective", DoubleType, "The flow's objective (guardrails.automation.objectives);"
                  + " null when none applies"),
              optional("containment_error_budget", DoubleType, "Allowed breaches: (1 - objective) x settled_contacts"),
              optional("containment_budget_remaining", DoubleType, "Error budget minus breaches (negative when"
                  + " overspent)"),
              optional("containment_burn_rate", DoubleType, "Breaches / error budget; null without an objective or"
                  + " with no settled_contacts"),
              optional("containment_status", StringType, "EXHAUSTED when the breaches exceed the budget, AT_RISK from"
                  + " guardrails.automation.at-risk-burn-rate, else OK; null without an objective or with no"
                  + " settled_contacts"),
              required("hand_offs", LongType, "Transfers to a person (is_transfer, with a team) that followed a"
                  + " routed contact and are settled"),
              required("safe_hand_offs", LongType, "Of those, RESOLVED_FIRST_TIME (the person resolved the need;"
                  + " unsafe: REPEATED, the customer came back)"),
              optional("safe_hand_off_rate", DoubleType, "safe_hand_offs / hand_offs"),
              optional("safe_hand_off_objective", DoubleType, "The flow's objective (guardrails.automation.objectives);"
                  + " null when none applies"),
              optional("safe_hand_off_error_budget", DoubleType, "Allowed breaches: (1 - objective) x hand_offs"),
              optional("safe_hand_off_budget_remaining", DoubleType, "Error budget minus breaches (negative when"
                  + " overspent)"),
              optional("safe_hand_off_burn_rate", DoubleType, "Breaches / error budget; null without an objective or"
                  + " with no hand_offs"),
              optional("safe_hand_off_status", StringType, "EXHAUSTED when the breaches exceed the budget, AT_RISK from"
                  + " guardrails.automation.at-risk-burn-rate, else OK; null without an objective or with no"
                  + " hand_offs"),
              required("automation_induced_contacts", LongType, "Contacts with decided_by automation_induced whose"
                  + " prior contact the flow routed (recontacts and transfers after it)"),
              required("automation_induced_cost", DoubleType, "Their cost (contact_demand.cost)"),
              required("complete_period", BooleanType, "The contacts cover every day of the period")),
          List.of(),
          List.of("period_start", "automation_flow"),
          Map.of(
              "counts_consistent",
              "settled_contacts <= routed_contacts AND contained <= settled_contacts AND safe_hand_offs <= hand_offs",
              "status_known",
              "(containment_status IS NULL OR containment_status IN ('OK', 'AT_RISK', 'EXHAUSTED')) AND"
                  + " (safe_hand_off_status IS NULL OR safe_hand_off_status IN ('OK', 'AT_RISK', 'EXHAUSTED'))"));
}
