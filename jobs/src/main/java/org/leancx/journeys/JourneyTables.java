package org.leancx.journeys;

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
import org.apache.spark.sql.types.StructType;
import org.leancx.common.TableContract;

/** The output tables of the journeys job: journeys, journey_steps, flow_daily and journey_slo. */
public final class JourneyTables {
  private JourneyTables() {}

  /** One bucket of the age profile of open journeys in flow_daily. */
  public static final StructType AGE_BUCKET =
      TableContract.schema(
          optional("bucket", StringType, "Label, e.g. 1d-3d (age above the lower bound, at most the upper)"),
          optional("min_age_seconds", LongType, "Lower bound of the age, exclusive"),
          optional("max_age_seconds", LongType, "Upper bound of the age, inclusive; null for the last bucket"),
          optional("journeys", LongType, "Open journeys of that age at the end of the day"));

  /** {@code journeys}: one row per journey. */
  public static final TableContract JOURNEYS =
      new TableContract(
          "journeys",
          1,
          "One row per customer journey (journey_id): the touchpoints and case events of one case, or of one customer"
              + " and one need with no gap above journeys.gap. Recomputed in full by a run without --date (replaceAll); a daily run merges the journeys its date can"
              + " have changed and the open ones (docs/JOURNEYS.md).",
          TableContract.schema(
              required("journey_id", StringType, "Stable id: the first 32 hex digits of SHA-256 of 'case|<case_id>',"
                  + " or of 'need|<customer_key>|<need_key>|<first event micros>|<first step id>'"),
              required("basis", StringType, "CASE (a case id defines the journey) or CUSTOMER_NEED"),
              required("journey_type", StringType, "Journey type from journeys.journey-type (need family by default)"),
              optional("customer_key", StringType, "Customer of the journey; null for case events without customer"),
              optional("need_key", StringType, "Need key of the journey's contacts (need family, or from"
                  + " contact_demand); null when it has no contact"),
              optional("case_id", StringType, "Case id when basis is CASE"),
              required("started_at", TimestampType, "First touchpoint or event (UTC)"),
              required("last_event_at", TimestampType, "Start of the last touchpoint or event (UTC)"),
              optional("ended_at", TimestampType, "End of the journey (end of its last touch) when CLOSED; null when"
                  + " OPEN"),
              required("status", StringType, "CLOSED or OPEN (censored at as_of)"),
              optional("closed_by", StringType, "RESOLVED (last step resolving) or SILENCE (no event for more than"
                  + " journeys.gap before as_of); null when OPEN"),
              required("as_of", TimestampType, "The as-of instant of the run that last changed the journey's row:"
                  + " open journeys are measured up to it (every run measures them again); a closed journey no later"
                  + " daily run changed keeps its own"),
              required("lead_time_seconds", LongType, "ended_at - started_at; for OPEN journeys the age, as_of -"
                  + " started_at"),
              required("touch_seconds", LongType, "Seconds in which at least one touchpoint or event was in progress"),
              required("wait_seconds", LongType, "lead_time_seconds - touch_seconds"),
              optional("flow_efficiency", DoubleType, "touch_seconds / lead_time_seconds; null when lead time is 0"),
              required("lead_time_business_seconds", LongType, "Lead time in business seconds (journeys.calendar)"),
              required("touch_business_seconds", LongType, "Touch time in business seconds"),
              required("wait_business_seconds", LongType, "Wait time in business seconds"),
              required("touchpoints", IntegerType, "Number of steps: contacts and case events"),
              required("contacts", IntegerType, "Number of customer contacts among the steps"),
              required("channels", DataTypes.createArrayType(StringType, true), "Distinct contact channels, in order"
                  + " of first use"),
              required("channel_switches", IntegerType, "Consecutive contacts on different channels"),
              required("hand_offs", IntegerType, "Consecutive steps (with a team) handled by different teams"),
              optional("repeats", IntegerType, "Contacts flagged is_recontact in contact_demand; null when that table"
                  + " is absent"),
              required("longest_gap_seconds", LongType, "Longest wait between two steps (0 for one step)"),
              required("longest_gap_business_seconds", LongType, "That gap in business seconds"),
              optional("breakpoint_seq", IntegerType, "seq of the step after which the longest gap opened; null when"
                  + " the longest gap is 0"),
              optional("breakpoint_step", StringType, "Activity or channel of that step"),
              optional("breakpoint_step_id", StringType, "contact_id or event_id of that step")),
          List.of(),
          List.of("journey_id"),
          Map.of(
              "status_known", "status IN ('OPEN', 'CLOSED')",
              "closed_has_end", "(status = 'CLOSED') = (ended_at IS NOT NULL)",
              "durations_add_up", "lead_time_seconds = touch_seconds + wait_seconds AND touch_seconds >= 0"
                  + " AND wait_seconds >= 0",
              "business_not_above_elapsed", "lead_time_business_seconds <= lead_time_seconds",
              "flow_efficiency_ratio", "flow_efficiency IS NULL OR (flow_efficiency >= 0 AND flow_efficiency <= 1)"));

  /** {@code journey_steps}: one row per step of a journey. */
  public static final TableContract JOURNEY_STEPS =
      new TableContract(
          "journey_steps",
          1,
          "One row per touchpoint or case event in a journey (journey_id, seq). Recomputed in full by a run without"
              + " --date (replaceAll); a daily run merges the steps of the journeys it recomputes.",
          TableContract.schema(
              required("journey_id", StringType, "Journey (journeys.journey_id)"),
              required("seq", IntegerType, "1-based position in the journey, by time then step_id"),
              required("step_id", StringType, "contact_id or event_id"),
              required("kind", StringType, "CONTACT or EVENT"),
              required("step", StringType, "The activity of an event or the channel of a contact"),
              optional("channel", StringType, "Channel of a contact"),
              optional("activity", StringType, "Activity of a case event"),
              optional("team", StringType, "Team that handled the step"),
              optional("outcome", StringType, "Outcome of a contact"),
              required("at", TimestampType, "When the step started (UTC)"),
              required("touch_seconds", LongType, "Handle time of a contact; for a case event with lifecycle start,"
                  + " the seconds to the next complete of the same activity; else 0"),
              required("wait_before_seconds", LongType, "Seconds since every earlier step had ended (0 for seq 1 or"
                  + " when an earlier step was still in progress)"),
              required("wait_before_business_seconds", LongType, "The same wait in business seconds"),
              required("is_resolving", BooleanType, "Outcome or activity is resolving (journeys.resolving-*)"),
              required("channel_switch", BooleanType, "A contact on another channel than the previous contact"),
              required("hand_off", BooleanType, "A team other than the previous step's team")),
          List.of(),
          List.of("journey_id", "seq"),
          Map.of(
              "seq_positive", "seq >= 1",
              "waits_not_negative", "wait_before_seconds >= 0 AND touch_seconds >= 0"
                  + " AND wait_before_business_seconds <= wait_before_seconds"),
          // Statistics on `at`: the files are laid out by it, and a daily run's MERGE skips the older ones.
          List.of("journey_id", "seq", "at"));

  /** {@code flow_daily}: one row per local day and journey type. */
  public static final TableContract FLOW_DAILY =
      new TableContract(
          "flow_daily",
          1,
          "One row per day (in journeys.calendar.time-zone) and journey type, from the first arrival to the as-of"
              + " day. Recomputed in full by a run without --date (replaceAll); a daily run rewrites the days from the first"
              + " changed journey's start on (replaceWhere).",
          TableContract.schema(
              required("flow_date", DateType, "Local day"),
              required("journey_type", StringType, "Journey type"),
              required("arrivals", LongType, "Journeys started that day"),
              required("completions", LongType, "Journeys closed that day (by ended_at)"),
              required("wip", LongType, "Measured work in progress: journeys started and not ended at the end of"
                  + " the day"),
              required("trailing_days", IntegerType, "Days in the trailing window (journeys.flow.littles-law-window,"
                  + " fewer at the start)"),
              required("arrival_rate_per_day", DoubleType, "lambda: arrivals in the trailing window / trailing_days"),
              optional("mean_lead_time_seconds", DoubleType, "W: mean lead time of completions in the trailing window"),
              optional("littles_law_wip", DoubleType, "lambda x W (W in days): the Little's Law estimate of WIP"),
              optional("wip_ratio", DoubleType, "wip / littles_law_wip; null when the estimate is 0 or null"),
              optional("lead_time_p50_seconds", DoubleType, "Median lead time of that day's completions (exact)"),
              optional("lead_time_p85_seconds", DoubleType, "85th percentile of that day's completions (exact)"),
              optional("lead_time_p95_seconds", DoubleType, "95th percentile of that day's completions (exact)"),
              required("wip_by_age", DataTypes.createArrayType(AGE_BUCKET, true),
                  "Open journeys at the end of the day by age bucket (journeys.flow.age-buckets); sums to wip")),
          List.of(),
          List.of("flow_date", "journey_type"),
          Map.of(
              "counts_not_negative", "arrivals >= 0 AND completions >= 0 AND wip >= 0",
              "wip_ratio_positive", "wip_ratio IS NULL OR wip_ratio >= 0"));

  /** {@code journey_slo}: one row per period, journey type and objective. */
  public static final TableContract JOURNEY_SLO =
      new TableContract(
          "journey_slo",
          1,
          "One row per SLO period, journey type and objective (journeys.slo). A closed journey counts in the period"
              + " of its ended_at; an open journey already beyond the objective counts as a breach in the period of"
              + " as_of. Recomputed in full by a run without --date (replaceAll); a daily run rewrites the periods from the"
              + " one of the first changed journey's start on (replaceWhere).",
          TableContract.schema(
              required("period_start", DateType, "First local day of the period"),
              required("period_end", DateType, "Last local day of the period"),
              required("journey_type", StringType, "Journey type"),
              required("objective", StringType, "The objective, e.g. billing: 95.0% within 5 business days"),
              required("time_basis", StringType, "BUSINESS or CALENDAR seconds"),
              required("within_seconds", LongType, "Threshold in seconds of time_basis"),
              required("target", DoubleType, "Share of journeys that must meet the threshold"),
              required("eligible", LongType, "Journeys assessed in the period: closed, or open and already breached"),
              required("met", LongType, "Closed within the threshold"),
              required("breaches", LongType, "eligible - met"),
              required("open_breaches", LongType, "Breaches that are still open"),
              required("pending", LongType, "Open journeys still within the threshold (not assessed yet)"),
              optional("attainment", DoubleType, "met / eligible; null when eligible is 0"),
              required("error_budget", DoubleType, "Allowed breaches: (1 - target) x eligible"),
              required("budget_remaining", DoubleType, "error_budget - breaches (negative when overspent)"),
              optional("burn_rate", DoubleType, "breaches / error_budget = (breaches / eligible) / (1 - target);"
                  + " null when eligible is 0"),
              required("status", StringType, "EXHAUSTED when breaches > error_budget, AT_RISK when burn_rate >="
                  + " journeys.slo.at-risk-burn-rate, else OK")),
          List.of(),
          List.of("period_start", "journey_type", "objective"),
          Map.of(
              "status_known", "status IN ('OK', 'AT_RISK', 'EXHAUSTED')",
              "breaches_add_up", "breaches = eligible - met AND breaches >= 0"));
}
