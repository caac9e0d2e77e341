package org.leancx.guardrails;

import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
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
}
