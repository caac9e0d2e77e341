package org.leancx.demand;

import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;
import static org.leancx.common.TableContract.optional;
import static org.leancx.common.TableContract.required;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.types.DataTypes;
import org.leancx.common.TableContract;

/** The output tables of the failure-demand job (see docs/FAILURE_DEMAND.md for the rules behind each column). */
public final class DemandTables {
  private DemandTables() {}

  /** {@code contact_demand}: one row per contact of a customer that is not a service account. */
  public static final TableContract CONTACT_DEMAND =
      new TableContract(
          "contact_demand",
          1,
          "One row per contact (contact_id) of contacts, except the contacts of excluded service accounts (listed in"
              + " excluded_customers): contacts = contact_demand + excluded_customers.contacts. Value or failure"
              + " demand, recontact, chain and first-contact-resolution status, with the rule that decided.",
          TableContract.schema(
              required("contact_date", DateType, "UTC date of started_at; incremental runs replace date slices"),
              required("started_at", TimestampType, "When the contact started (UTC)"),
              required("contact_id", StringType, "Contact id, as in contacts"),
              required("customer_key", StringType, "Pseudonymised customer, as in contacts"),
              required("channel", StringType, "Channel, lower case"),
              required("direction", StringType, "INBOUND or OUTBOUND"),
              optional("ended_at", TimestampType, "When the contact ended (UTC), if known"),
              optional("reason", StringType, "Contact reason, as in contacts"),
              optional("outcome", StringType, "Outcome, as in contacts"),
              optional("team", StringType, "Team that handled the contact"),
              optional("automation_flow", StringType, "Bot or IVR flow that routed the contact, if any"),
              optional("need_family", StringType, "The reason's need family from the taxonomy; null when the reason"
                  + " is missing from the taxonomy"),
              required("need_key", StringType, "What 'the same need' means for recontacts"
                  + " (demand.recontact.need-key): the need family, else the reason, else '(none)'; or the case id;"
                  + " or the configured columns joined with '|'"),
              required("demand_class", StringType, "VALUE, FAILURE or UNCLASSIFIED (reason missing from the"
                  + " taxonomy and not a recontact)"),
              optional("failure_subtype", StringType, "Subtype of FAILURE demand: the taxonomy's (progress_chasing,"
                  + " complaint, ...), repeat_not_resolved for a recontact, or automation_induced"),
              required("decided_by", StringType, "The rule that set demand_class: taxonomy_failure_reason,"
                  + " automation_induced, recontact, taxonomy_value_reason, reason_not_in_taxonomy or no_reason"),
              required("is_recontact", BooleanType, "The same customer had a contact with the same need_key at most"
                  + " the recontact window before this one (start to start), and this one is neither a transfer nor"
                  + " outbound"),
              required("is_transfer", BooleanType, "This contact started at most demand.recontact.transfer-gap after"
                  + " the end of the previous contact of the same customer and need, whose outcome was a transfer"),
              optional("prior_contact_id", StringType, "The previous contact of the same customer and need that this"
                  + " one repeats or continues; null unless is_recontact or is_transfer"),
              optional("gap_seconds", LongType, "Seconds from prior_contact_id's start to this contact's start; null"
                  + " unless is_recontact or is_transfer"),
              required("chain_id", StringType, "contact_id of the first contact of the contact's chain (a first"
                  + " contact and the recontacts and transfers that follow it without a break); a contact that"
                  + " starts a chain has its own id"),
              required("chain_position", IntegerType, "1 for the first contact of the chain (the failed touch when"
                  + " the chain has recontacts), 2, 3, ... for the following ones"),
              required("fcr_status", StringType, "REPEATED: the next contact of the same customer and need that is"
                  + " not a transfer is a recontact; PENDING: not followed yet, but started less than the longest"
                  + " window that applies before the as-of time (right-censored); RESOLVED_FIRST_TIME otherwise"),
              required("cost", DoubleType, "Cost of the contact from demand.channel-cost (else"
                  + " demand.default-channel-cost)")),
          List.of(),
          List.of("contact_id"),
          Map.of(
              "demand_class_known", "demand_class IN ('VALUE', 'FAILURE', 'UNCLASSIFIED')",
              "fcr_status_known", "fcr_status IN ('RESOLVED_FIRST_TIME', 'REPEATED', 'PENDING')",
              "failure_has_subtype", "demand_class <> 'FAILURE' OR failure_subtype IS NOT NULL",
              "recontact_has_prior", "NOT is_recontact OR (prior_contact_id IS NOT NULL AND gap_seconds >= 0)",
              "recontact_not_transfer", "NOT (is_recontact AND is_transfer)",
              "chain_start_is_own_chain", "chain_position > 1 OR chain_id = contact_id",
              "chain_position_positive", "chain_position >= 1"),
          // Filtered by period (and replaced by date slices), by time and by customer: files hold disjoint customer
          // ranges when contacts are customer-clustered. Ids and low-cardinality columns span every file.
          List.of("contact_date", "started_at", "customer_key"));

  /** {@code recontact_chains}: one row per chain that holds at least one recontact. */
  public static final TableContract RECONTACT_CHAINS =
      new TableContract(
          "recontact_chains",
          1,
          "One row per recontact chain (chain_id): a first contact and the recontacts and transfers of the same"
              + " customer and need that follow it without a break, listed when it holds at least one recontact."
              + " Recomputed in full from contact_demand on every run.",
          TableContract.schema(
              required("chain_id", StringType, "contact_id of the first contact (the failed touch)"),
              required("customer_key", StringType, "Pseudonymised customer"),
              required("need_key", StringType, "Need key of the chain's contacts"),
              optional("need_family", StringType, "Need family of the first contact; null when its reason is not in"
                  + " the taxonomy"),
              required("first_contact_id", StringType, "The first contact, equal to chain_id"),
              required("first_date", DateType, "UTC date of the first contact"),
              required("first_at", TimestampType, "Start of the first contact"),
              required("last_at", TimestampType, "Start of the last contact"),
              required("contacts", LongType, "Contacts in the chain, the first one included"),
              required("recontacts", LongType, "Recontacts in the chain (at least 1)"),
              required("transfers", LongType, "Transfers in the chain"),
              required("channels", DataTypes.createArrayType(StringType, false), "Channels used, sorted, distinct"),
              required("span_seconds", LongType, "Seconds from the first to the last contact's start"),
              required("cost", DoubleType, "Channel cost of all the chain's contacts (demand.channel-cost)"),
              required("repeat_cost", DoubleType, "Channel cost of the contacts after the first: the price of the"
                  + " failure")),
          List.of(),
          List.of("chain_id"),
          Map.of(
              "chain_has_recontact", "recontacts >= 1 AND contacts >= recontacts + 1",
              "chain_span_not_negative", "span_seconds >= 0 AND last_at >= first_at",
              "chain_first_is_id", "first_contact_id = chain_id"));

  /** {@code demand_daily}: one row per date, channel, need family and team. */
  public static final TableContract DEMAND_DAILY =
      new TableContract(
          "demand_daily",
          1,
          "One row per contact_date, channel, need_family and team: demand and first-contact-resolution KPIs over"
              + " contact_demand. need_family 'unclassified' = reason missing from the taxonomy; team 'unknown' ="
              + " no team.",
          TableContract.schema(
              required("contact_date", DateType, "UTC date"),
              required("channel", StringType, "Channel"),
              required("need_family", StringType, "Need family, 'unclassified' for reasons missing from the"
                  + " taxonomy"),
              required("team", StringType, "Team, 'unknown' when the contact has none"),
              required("contacts", LongType, "Contacts"),
              required("value", LongType, "VALUE demand contacts"),
              required("failure", LongType, "FAILURE demand contacts"),
              required("unclassified", LongType, "UNCLASSIFIED contacts"),
              required("failure_by_subtype", DataTypes.createMapType(StringType, LongType, false),
                  "FAILURE contacts by failure_subtype"),
              required("recontacts", LongType, "Recontacts"),
              required("transfers", LongType, "Transfers"),
              required("resolved_first_time", LongType, "Contacts with fcr_status RESOLVED_FIRST_TIME"),
              required("repeated", LongType, "Contacts with fcr_status REPEATED"),
              required("pending", LongType, "Contacts with fcr_status PENDING (right-censored)"),
              optional("fcr_rate", DoubleType, "resolved_first_time / (resolved_first_time + repeated): PENDING"
                  + " contacts are left out; null when both are 0"),
              required("repeat_rate", DoubleType, "recontacts / contacts"),
              optional("failure_share", DoubleType, "failure / (value + failure); null when both are 0"),
              required("cost", DoubleType, "Channel cost of the contacts"),
              required("failure_cost", DoubleType, "Channel cost of the FAILURE contacts")),
          List.of(),
          List.of("contact_date", "channel", "need_family", "team"),
          Map.of(
              "daily_classes_add_up", "contacts = value + failure + unclassified",
              "daily_statuses_add_up", "contacts = resolved_first_time + repeated + pending"));

  /** {@code excluded_customers}: one row per service account. */
  public static final TableContract EXCLUDED_CUSTOMERS =
      new TableContract(
          "excluded_customers",
          1,
          "One row per customer_key excluded from failure demand as a service account: more than"
              + " demand.recontact.service-account-contacts-per-day contacts on at least one UTC day. Recomputed in"
              + " full on every run.",
          TableContract.schema(
              required("customer_key", StringType, "Pseudonymised customer"),
              required("contacts", LongType, "All the customer's contacts (all excluded)"),
              required("days_over_threshold", LongType, "Days with more contacts than the threshold"),
              required("max_contacts_per_day", LongType, "Most contacts on one day"),
              required("busiest_date", DateType, "The (latest) day with max_contacts_per_day"),
              required("first_date", DateType, "First contact date"),
              required("last_date", DateType, "Last contact date"),
              required("threshold", IntegerType, "The threshold in force (contacts per day)")),
          List.of(),
          List.of("customer_key"),
          Map.of("excluded_over_threshold", "max_contacts_per_day > threshold"));

  /** {@code unclassified_reasons}: the taxonomy's coverage gaps. */
  public static final TableContract UNCLASSIFIED_REASONS =
      new TableContract(
          "unclassified_reasons",
          1,
          "One row per contact reason missing from the taxonomy (demand.taxonomy), with its contacts: add these"
              + " reasons to conf/taxonomy/reasons.csv. Recomputed in full from contact_demand on every run.",
          TableContract.schema(
              required("reason", StringType, "The reason as in contacts; '(none)' for contacts without a reason"),
              required("contacts", LongType, "Contacts with this reason"),
              required("recontacts", LongType, "Of which recontacts (FAILURE by the recontact rule)"),
              required("first_date", DateType, "First contact date"),
              required("last_date", DateType, "Last contact date")),
          List.of(),
          List.of("reason"),
          Map.of());
}
