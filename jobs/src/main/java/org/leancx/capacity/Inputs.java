package org.leancx.capacity;

import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;
import static org.leancx.common.TableContract.optional;
import static org.leancx.common.TableContract.required;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.types.DataTypes;
import org.leancx.common.TableContract;

/**
 * The columns that capacity and the scorecard read from tables written by other jobs (failure demand, journeys,
 * root conditions), declared here as the subset this package relies on, so that a renamed column fails in one
 * place. The contracts are read-side views: only their name (the table's folder) and column names are used; they are
 * not listed in {@code cli.Contracts}, which holds the writers' full contracts.
 */
public final class Inputs {
  private Inputs() {}

  /** {@code contact_demand} (failure-demand job): one row per contact. */
  public static final class ContactDemand {
    private ContactDemand() {}

    public static final String CONTACT_ID = "contact_id";
    public static final String CONTACT_DATE = "contact_date";
    public static final String CHANNEL = "channel";
    public static final String NEED_KEY = "need_key";
    public static final String DEMAND_CLASS = "demand_class";
    public static final String IS_RECONTACT = "is_recontact";
    public static final String FCR_STATUS = "fcr_status";
    public static final String FAILURE = "FAILURE";
    public static final String RESOLVED_FIRST_TIME = "RESOLVED_FIRST_TIME";
    public static final String REPEATED = "REPEATED";

    /** The read-side view of contact_demand. */
    public static final TableContract CONTRACT =
        new TableContract(
            "contact_demand",
            1,
            "One row per contact (read-side view of the failure-demand job's table)",
            TableContract.schema(
                required(CONTACT_DATE, DateType, "UTC date of started_at"),
                required(CONTACT_ID, StringType, "Contact id"),
                required(CHANNEL, StringType, "Channel, lower case"),
                required(NEED_KEY, StringType, "Need key (the need family by default)"),
                required(DEMAND_CLASS, StringType, "VALUE, FAILURE or UNCLASSIFIED"),
                required(IS_RECONTACT, BooleanType, "Whether the contact is a recontact"),
                required(FCR_STATUS, StringType, "RESOLVED_FIRST_TIME, REPEATED or PENDING")),
            List.of(),
            List.of(CONTACT_ID),
            Map.of());
  }

  /** {@code journeys} (journeys job): one row per journey. */
  public static final class Journeys {
    private Journeys() {}

    public static final String JOURNEY_ID = "journey_id";
    public static final String JOURNEY_TYPE = "journey_type";
    public static final String STATUS = "status";
    public static final String CLOSED = "CLOSED";
    public static final String STARTED_AT = "started_at";
    public static final String ENDED_AT = "ended_at";
    public static final String LEAD_TIME_SECONDS = "lead_time_seconds";
    public static final String TOUCH_SECONDS = "touch_seconds";
    public static final String FLOW_EFFICIENCY = "flow_efficiency";

    /** The read-side view of journeys. */
    public static final TableContract CONTRACT =
        new TableContract(
            "journeys",
            1,
            "One row per journey (read-side view of the journeys job's table)",
            TableContract.schema(
                required(JOURNEY_ID, StringType, "Journey id"),
                required(JOURNEY_TYPE, StringType, "Journey type (the need family by default)"),
                required(STATUS, StringType, "OPEN or CLOSED"),
                required(STARTED_AT, TimestampType, "First event"),
                optional(ENDED_AT, TimestampType, "Last event"),
                optional(LEAD_TIME_SECONDS, LongType, "Lead time in seconds"),
                optional(TOUCH_SECONDS, LongType, "Touch time in seconds"),
                optional(FLOW_EFFICIENCY, DoubleType, "touch / lead")),
            List.of(),
            List.of(JOURNEY_ID),
            Map.of());
  }

  /** {@code journey_slo} (journeys job): one row per period and journey type. */
  public static final class JourneySlo {
    private JourneySlo() {}

    public static final String PERIOD_START = "period_start";
    public static final String JOURNEY_TYPE = "journey_type";
    public static final String ATTAINMENT = "attainment";

    /** The read-side view of journey_slo. */
    public static final TableContract CONTRACT =
        new TableContract(
            "journey_slo",
            1,
            "One row per SLO period and journey type (read-side view of the journeys job's table)",
            TableContract.schema(
                required(PERIOD_START, DateType, "First day of the SLO period"),
                required(JOURNEY_TYPE, StringType, "Journey type"),
                optional(ATTAINMENT, DoubleType, "Share of journeys that met the objective")),
            List.of(),
            List.of(PERIOD_START, JOURNEY_TYPE),
            Map.of());
  }

  /** {@code root_conditions} (root-conditions job): one row per condition set. */
  public static final class RootConditions {
    private RootConditions() {}

    public static final String CONDITIONS = "conditions";
    public static final String EXCESS_COST = "excess_cost";
    public static final String RANK = "rank";
    public static final String OUTCOME = "outcome";

    /** The read-side view of root_conditions. */
    public static final TableContract CONTRACT =
        new TableContract(
            "root_conditions",
            1,
            "One row per root-condition set (read-side view of the root-conditions job's table)",
            TableContract.schema(
                required(CONDITIONS, DataTypes.createArrayType(StringType, true), "attribute=value conditions"),
                optional(EXCESS_COST, DoubleType, "Cost above what the set would cost at the base rate"),
                optional(RANK, LongType, "Rank by excess cost, 1 = highest"),
                optional(OUTCOME, StringType, "The outcome the set explains")),
            List.of(),
            List.of(),
            Map.of());
  }
}
