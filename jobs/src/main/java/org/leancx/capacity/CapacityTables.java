package org.leancx.capacity;

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
import org.leancx.common.ReportingPeriod;
import org.leancx.common.TableContract;

/** The tables the capacity and scorecard jobs write: capacity_whatif, capacity_summary and lean_scorecard. */
public final class CapacityTables {
  private CapacityTables() {}

  /** {@code capacity_whatif}: one row per interval and queue, staffed three ways. */
  public static final TableContract CAPACITY_WHATIF =
      new TableContract(
          "capacity_whatif",
          1,
          "One row per staffing interval (interval_start, capacity.interval long, UTC) and queue (channel, queue) over"
              + " the analysed period, intervals without arrivals included: Erlang C staffing for all demand, for"
              + " value demand only (FAILURE contacts of contact_demand removed) and for the peak (the"
              + " capacity.peak-percentile of arrivals for the same interval of the week). Replaced as a whole by"
              + " each capacity run.",
          TableContract.schema(
              required("interval_start", TimestampType, "Start of the interval (UTC)"),
              required("interval_date", DateType, "UTC date of interval_start"),
              required("interval_seconds", IntegerType, "Length of the interval (capacity.interval), seconds"),
              required("slot_of_week", IntegerType, "Interval of the week: 0 = Monday 00:00 UTC, then one per"
                  + " interval"),
              required("channel", StringType, "Channel of the queue (contacts.channel)"),
              required("queue", StringType, "The queue: the channel (capacity.queue-by = channel) or the team"
                  + " (queue-by = team; '(no team)' when contacts.team is null)"),
              required("concurrency", DoubleType, "Contacts one agent serves at once on this channel"
                  + " (capacity.concurrency); Erlangs use handle time / concurrency"),
              required("arrivals", LongType, "Contacts that started in the interval (inbound unless"
                  + " capacity.include-outbound)"),
              required("failure_arrivals", LongType, "Of arrivals, FAILURE demand in contact_demand"),
              required("value_arrivals", LongType, "arrivals - failure_arrivals (value, unclassified, and contacts"
                  + " absent from contact_demand)"),
              optional("handle_seconds_mean", DoubleType, "Mean handle time of the arrivals with a known one"
                  + " (contacts.handle_seconds, else ended_at - started_at); null when none is known"),
              optional("value_handle_seconds_mean", DoubleType, "Mean handle time of the value arrivals with a known"
                  + " one"),
              required("failure_handle_seconds", LongType, "Sum of the known handle times of failure arrivals: the"
                  + " pure workload of failure demand"),
              required("erlangs", DoubleType, "All demand: arrivals x handle time / concurrency / interval_seconds;"
                  + " handle time = handle_seconds_mean, else capacity.default-handle-time"),
              required("agents_required", IntegerType, "All demand: smallest number of agents > erlangs meeting"
                  + " the service level (capacity.service-level-target within capacity.answer-within); 0 without"
                  + " arrivals"),
              required("agents_scheduled", DoubleType, "All demand: agents_required / (1 - capacity.shrinkage)"),
              optional("service_level", DoubleType, "All demand: Erlang C service level with agents_required;"
                  + " null without arrivals"),
              optional("asa_seconds", DoubleType, "All demand: Erlang C average speed of answer with"
                  + " agents_required; null without arrivals"),
              required("value_erlangs", DoubleType, "Value demand only: value_arrivals x value handle time"
                  + " (value_handle_seconds_mean, else handle_seconds_mean, else the default) / concurrency /"
                  + " interval_seconds"),
              required("value_agents_required", IntegerType, "Value demand only: agents required"),
              required("value_agents_scheduled", DoubleType, "Value demand only: value_agents_required / (1 -"
                  + " shrinkage)"),
              optional("value_service_level", DoubleType, "Value demand only: service level with"
                  + " value_agents_required"),
              optional("value_asa_seconds", DoubleType, "Value demand only: average speed of answer"),
              required("peak_arrivals", DoubleType, "Peak: percentile capacity.peak-percentile (exact,"
                  + " interpolated) of arrivals over every interval of the analysed period with the same queue and"
                  + " slot_of_week, zero-arrival intervals included"),
              required("peak_erlangs", DoubleType, "Peak: peak_arrivals x the slot's mean handle time (over the same"
                  + " intervals) / concurrency / interval_seconds"),
              required("peak_agents_required", IntegerType, "Peak: agents required"),
              required("peak_agents_scheduled", DoubleType, "Peak: peak_agents_required / (1 - shrinkage)"),
              optional("peak_service_level", DoubleType, "Peak: service level with peak_agents_required"),
              optional("peak_asa_seconds", DoubleType, "Peak: average speed of answer"),
              required("failure_agent_hours", DoubleType, "Agent-hours consumed by failure demand in the interval:"
                  + " max(0, agents_scheduled - value_agents_scheduled) x interval_seconds / 3600"),
              optional("observed_service_level", DoubleType, "Share of the arrivals with a known"
                  + " contacts.wait_seconds that waited at most capacity.answer-within; null when no wait is"
                  + " known")),
          List.of(),
          List.of("interval_start", "channel", "queue"),
          // Few, combined constraints: each one is a Delta commit at creation and a check on every write.
          Map.of(
              "arrivals_consistent",
              "failure_arrivals >= 0 AND failure_arrivals <= arrivals AND value_arrivals = arrivals - failure_arrivals",
              "staffing_consistent",
              "agents_required >= 0 AND value_agents_required >= 0 AND peak_agents_required >= 0"
                  + " AND (arrivals = 0 OR agents_required > erlangs) AND failure_agent_hours >= 0",
              "service_level_is_share", "service_level IS NULL OR (service_level >= 0 AND service_level <= 1)"));

  /** {@code capacity_summary}: one row per period and queue. */
  public static final TableContract CAPACITY_SUMMARY =
      new TableContract(
          "capacity_summary",
          2,
          "One row per period (capacity.summary-period) and queue (channel, queue): the sums of capacity_whatif over"
              + " the period's intervals, and the agent-hours consumed by failure demand; complete_period = false"
              + " marks a first or last period the data covers only in part. Replaced as a whole by each capacity"
              + " run.",
          TableContract.schema(
              required("period_start", DateType, "First day of the period (weeks start on Monday)"),
              required("period", StringType, "DAY, WEEK or MONTH"),
              required("channel", StringType, "Channel of the queue"),
              required("queue", StringType, "Queue, as in capacity_whatif"),
              required("intervals", LongType, "Intervals of the period in capacity_whatif"),
              required("arrivals", LongType, "Sum of capacity_whatif.arrivals"),
              required("failure_arrivals", LongType, "Sum of capacity_whatif.failure_arrivals"),
              required("agent_hours_scheduled", DoubleType, "All demand: sum of agents_scheduled x interval hours"),
              required("value_agent_hours_scheduled", DoubleType, "Value demand only: sum of value_agents_scheduled"
                  + " x interval hours"),
              required("peak_agent_hours_scheduled", DoubleType, "Peak: sum of peak_agents_scheduled x interval"
                  + " hours"),
              required("failure_agent_hours", DoubleType, "Sum of capacity_whatif.failure_agent_hours: the"
                  + " agent-hours (scheduled, shrinkage included) that failure demand consumes"),
              required("failure_handle_hours", DoubleType, "Sum of failure_handle_seconds / 3600: the handle time"
                  + " of failure contacts alone, without queueing slack or shrinkage"),
              optional("failure_agent_hours_share", DoubleType, "failure_agent_hours / agent_hours_scheduled; null"
                  + " when no hours are scheduled"),
              // Last, as schema evolution adds it to a table written by contract v1.
              required(ReportingPeriod.COMPLETE_PERIOD, BooleanType, "True when capacity_whatif covers every day of"
                  + " the period (its first interval_date on or before period_start, its last on or after the"
                  + " period's last day); false for a partial first or last period, whose sums are not comparable")),
          List.of(),
          List.of("period_start", "channel", "queue"),
          Map.of("failure_hours_within_total", "failure_agent_hours <= agent_hours_scheduled + 1e-9"));

  /** {@code lean_scorecard}: one row per period, for the whole organisation and per journey type. */
  public static final TableContract LEAN_SCORECARD =
      new TableContract(
          "lean_scorecard",
          3,
          "One row per period (scorecard.period) and journey type, with journey_type = 'ALL' for the whole"
              + " organisation: the Lean metric tree on one page. Columns from a source table that does not exist are"
              + " null, and `sources` lists the tables used; complete_period = false marks a first or last period the"
              + " contacts cover only in part. Replaced as a whole by each scorecard run.",
          TableContract.schema(
              required("period_start", DateType, "First day of the period (weeks start on Monday)"),
              required("period", StringType, "WEEK or MONTH (scorecard.period)"),
              required("journey_type", StringType, "'ALL' for the organisation, else the journey type"
                  + " (journeys.journey_type; for contact columns, contact_demand.<scorecard.journey-type-column>)"),
              optional("contacts", LongType, "contact_demand: contacts whose contact_date is in the period"),
              optional("failure_contacts", LongType, "contact_demand: of contacts, demand_class = 'FAILURE'"),
              optional("failure_share", DoubleType, "failure_contacts / contacts"),
              optional("fcr_rate", DoubleType, "contact_demand: RESOLVED_FIRST_TIME / (RESOLVED_FIRST_TIME +"
                  + " REPEATED); PENDING contacts are left out (right-censored)"),
              optional("repeat_rate", DoubleType, "contact_demand: contacts with is_recontact / contacts"),
              optional("closed_journeys", LongType, "journeys: status = 'CLOSED' with ended_at in the period"),
              optional("lead_time_p50_seconds", DoubleType, "journeys: median lead_time_seconds of closed_journeys"
                  + " (exact percentile, interpolated)"),
              optional("lead_time_p85_seconds", DoubleType, "journeys: 85th percentile of lead_time_seconds of"
                  + " closed_journeys"),
              optional("flow_efficiency", DoubleType, "journeys: mean flow_efficiency (touch / lead) of"
                  + " closed_journeys"),
              optional("slo_attainment", DoubleType, "journey_slo: sum(met) / sum(eligible) of the SLO rows whose"
                  + " period_start is in the period (pooled over journey types for 'ALL')"),
              optional("failure_cost", DoubleType, "contact_demand: sum over failure_contacts of the channel's cost"
                  + " (demand.channel-cost, else demand.default-channel-cost)"),
              optional("failure_agent_hours", DoubleType, "capacity_whatif: sum of failure_agent_hours of the"
                  + " intervals in the period, over all queues; 'ALL' rows only (queues are not journey types)"),
              optional("top_root_conditions", DataTypes.createArrayType(StringType, true), "root_conditions: the"
                  + " condition set with the highest excess_cost (failure-demand outcome first; ties: lowest rank);"
                  + " 'ALL' rows only, the same on"
                  + " every period (root conditions are computed over the whole history)"),
              optional("top_root_conditions_excess_cost", DoubleType, "root_conditions: excess_cost of"
                  + " top_root_conditions"),
              required("sources", DataTypes.createArrayType(StringType, false), "The source tables that existed and"
                  + " were used, e.g. [contact_demand, journeys, capacity_whatif]"),
              // Last, as schema evolution adds it to a table written by contract v1.
              required(ReportingPeriod.COMPLETE_PERIOD, BooleanType, "True when contact_demand covers every day of"
                  + " the period (its first contact_date on or before period_start, its last on or after the period's"
                  + " last day); false for a partial first or last period, whose counts and sums are not comparable"),
              // The protective columns (contract v3), last for the same reason; docs/GUARDRAILS.md.
              optional("vulnerable_contacts", LongType, "contact_demand and contacts: of contacts, those of customers"
                  + " in vulnerable circumstances (guardrails.vulnerable: any contact of theirs has the attribute"
                  + " value)"),
              optional("vulnerable_fcr_rate", DoubleType, "fcr_rate of the vulnerable customers' contacts; null when"
                  + " none is settled"),
              optional("other_fcr_rate", DoubleType, "fcr_rate of the other customers' contacts: set beside"
                  + " vulnerable_fcr_rate, a gap is a guardrail breach (protected_outcomes has the intervals)"),
              optional("containment_rate", DoubleType, "automation_slo: sum(contained) / sum(settled_contacts) over"
                  + " the flows and the rows whose period_start is in the period; 'ALL' rows only"),
              optional("safe_hand_off_rate", DoubleType, "automation_slo: sum(safe_hand_offs) / sum(hand_offs), as"
                  + " containment_rate"),
              optional("automation_induced_contacts", LongType, "automation_slo: automation-induced contacts; 'ALL'"
                  + " rows only"),
              optional("automation_slos_exhausted", LongType, "automation_slo: flow objectives (containment or safe"
                  + " hand-off) with status EXHAUSTED in the rows of the period; 'ALL' rows only"),
              optional("goodhart_teams", LongType, "efficiency_twins: teams flagged in the period (goodhart_flag:"
                  + " handle time down and repeats caused up against their previous period); 'ALL' rows only")),
          List.of(),
          List.of("period_start", "journey_type"),
          Map.of(
              "rates_are_shares",
              "(failure_share IS NULL OR failure_share BETWEEN 0 AND 1) AND (fcr_rate IS NULL OR fcr_rate BETWEEN 0 AND 1)",
              "lead_time_percentiles_ordered",
              "lead_time_p50_seconds IS NULL OR lead_time_p85_seconds >= lead_time_p50_seconds"));
}
