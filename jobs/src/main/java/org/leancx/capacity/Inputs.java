package org.leancx.capacity;

import org.leancx.common.TableContract;
import org.leancx.conditions.ConditionTables;
import org.leancx.demand.DemandTables;
import org.leancx.journeys.JourneyTables;

/**
 * The columns that capacity and the scorecard read from tables written by other jobs (failure demand, journeys,
 * root conditions): the subset this package relies on, with the writers' contracts. {@code InputsTest} checks that
 * every column named here is in the writer's contract, so that a renamed column fails a test, not a run.
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

    /** The writer's contract. */
    public static final TableContract CONTRACT = DemandTables.CONTACT_DEMAND;
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

    /** The writer's contract. */
    public static final TableContract CONTRACT = JourneyTables.JOURNEYS;
  }

  /** {@code journey_slo} (journeys job): one row per period and journey type. */
  public static final class JourneySlo {
    private JourneySlo() {}

    public static final String PERIOD_START = "period_start";
    public static final String JOURNEY_TYPE = "journey_type";
    public static final String ELIGIBLE = "eligible";
    public static final String MET = "met";

    /** The writer's contract. */
    public static final TableContract CONTRACT = JourneyTables.JOURNEY_SLO;
  }

  /** {@code root_conditions} (root-conditions job): one row per condition set. */
  public static final class RootConditions {
    private RootConditions() {}

    public static final String CONDITIONS = "conditions";
    public static final String EXCESS_COST = "excess_cost";
    public static final String RANK = "rank";
    public static final String OUTCOME = "outcome";
    public static final String FAILURE_DEMAND_OUTCOME = "failure-demand";

    /** The writer's contract. */
    public static final TableContract CONTRACT = ConditionTables.ROOT_CONDITIONS;
  }
}
