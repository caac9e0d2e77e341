package org.leancx.guardrails;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.try_divide;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.leancx.common.Aggregates;
import org.leancx.common.ReportingPeriod;

/**
 * Service-level objectives for automation (bots, IVR flows): per period and flow, containment (the routed contacts
 * whose need no person had to take up) and safe hand-off (hand-offs to a person that resolved the need, not ones
 * the customer had to come back after), each against an objective with an error budget, burn rate and status as in
 * journey_slo, beside the automation-induced failure demand the flow caused. Semantics in docs/GUARDRAILS.md.
 */
public final class AutomationSlo {
  static final String OK = "OK";
  static final String AT_RISK = "AT_RISK";
  static final String EXHAUSTED = "EXHAUSTED";

  private static final String PERIOD_START = "period_start";
  private static final String FLOW = "automation_flow";
  private static final String SETTLED = "_settled";

  private AutomationSlo() {}

  /**
   * automation_slo from contact_demand (contact_id, contact_date, team, automation_flow, chain_id, chain_position,
   * fcr_status, is_transfer, prior_contact_id, decided_by, cost). A pure transform.
   *
   * <ul>
   *   <li>routed: a contact with automation_flow F;
   *   <li>contained: routed, without a team (no person handled it), settled (fcr_status not PENDING), and no later
   *       contact of its chain (chain_id, higher chain_position) has a team;
   *   <li>hand-off: the transfer (is_transfer) that follows a routed contact (its prior_contact_id) and has a team;
   *       safe when that contact is RESOLVED_FIRST_TIME, unsafe when REPEATED, not assessed while PENDING;
   *   <li>automation-induced: contacts with decided_by automation_induced whose prior contact F routed.
   * </ul>
   */
  public static Dataset<Row> automationSlo(Dataset<Row> contactDemand, GuardrailSettings.Automation settings,
      ReportingPeriod period) {
    Dataset<Row> routed =
        contactDemand.where(col(FLOW).isNotNull())
            .select(col("contact_id"), col("contact_date"), col(FLOW), col("team"), col("chain_id"),
                col("chain_position"), col("fcr_status"));
    // The highest chain position that a person handled, per chain: a routed contact before it was not contained.
    Dataset<Row> lastHuman =
        contactDemand.where(col("team").isNotNull())
            .groupBy(col("chain_id").as("_chain"))
            .agg(max(col("chain_position")).as("_last_human_position"));
    Dataset<Row> handOffs =
        contactDemand.where(col("is_transfer").and(col("team").isNotNull()))
            .select(col("prior_contact_id").as("_handed_from"), col("fcr_status").as("_hand_off_status"));
    Dataset<Row> induced =
        contactDemand.where(col("decided_by").equalTo("automation_induced"))
            .groupBy(col("prior_contact_id").as("_induced_by"))
            .agg(count(lit(1)).as("_induced"), Aggregates.exactSum(col("cost"), 9).as("_induced_cost"));

    Column settled = col("fcr_status").isin("RESOLVED_FIRST_TIME", "REPEATED");
    Column contained = col("team").isNull().and(settled)
        .and(coalesce(col("_last_human_position").leq(col("chain_position")), lit(true)));
    Dataset<Row> perContact =
        routed
            .join(lastHuman, col("chain_id").equalTo(col("_chain")), "left")
            .join(handOffs, col("contact_id").equalTo(col("_handed_from")), "left")
            .join(induced, col("contact_id").equalTo(col("_induced_by")), "left")
            .withColumn(SETTLED, settled)
            .withColumn("_contained", contained);
    Dataset<Row> perFlow =
        perContact
            .groupBy(period.start(col("contact_date")).as(PERIOD_START), col(FLOW))
            .agg(
                count(lit(1)).as("routed_contacts"),
                Aggregates.countWhere(col(SETTLED)).as("settled_contacts"),
                Aggregates.countWhere(col("_contained")).as("contained"),
                Aggregates.countWhere(col("_hand_off_status").isin("RESOLVED_FIRST_TIME", "REPEATED")).as("hand_offs"),
                Aggregates.countWhere(col("_hand_off_status").equalTo("RESOLVED_FIRST_TIME")).as("safe_hand_offs"),
                coalesce(sum(col("_induced")), lit(0L)).as("automation_induced_contacts"),
                coalesce(Aggregates.exactSum(col("_induced_cost"), 9), lit(0.0)).as("automation_induced_cost"))
            .withColumn("period", lit(period.name()));
    Dataset<Row> slo = withObjective(perFlow, "containment", col("contained"), col("settled_contacts"),
        objective(settings.objectives(), true), settings.atRiskBurnRate());
    slo = withObjective(slo, "safe_hand_off", col("safe_hand_offs"), col("hand_offs"),
        objective(settings.objectives(), false), settings.atRiskBurnRate());
    slo = period.withCompletePeriod(slo, PERIOD_START, contactDemand, col("contact_date"));
    return slo.select(GuardrailTables.AUTOMATION_SLO.columnNames().stream().map(c -> col(c))
        .toArray(Column[]::new));
  }

  /**
   * The objective of each flow for containment (or safe hand-off): the first objective that names the flow, else the
   * first for "*", else null (no objective: no budget and no status).
   */
  static Column objective(List<GuardrailSettings.FlowObjective> objectives, boolean containment) {
    Column out = lit(null).cast("double");
    Column star = null;
    for (int i = objectives.size() - 1; i >= 0; i--) {
      GuardrailSettings.FlowObjective o = objectives.get(i);
      Double target = containment ? o.containment() : o.safeHandOff();
      if (target == null) {
        continue;
      }
      if (o.flow().equals("*")) {
        star = lit(target);
      } else {
        out = when(col(FLOW).equalTo(o.flow()), lit(target)).otherwise(out);
      }
    }
    return star == null ? out : coalesce(out, star);
  }

  /**
   * Adds NAME_rate (met / eligible), NAME_objective, NAME_error_budget ((1 - objective) x eligible),
   * NAME_budget_remaining (budget - breaches), NAME_burn_rate (breaches / budget) and NAME_status (EXHAUSTED when the
   * breaches exceed the budget, AT_RISK from the at-risk burn rate, else OK; null without an objective or with no
   * eligible contact).
   */
  static Dataset<Row> withObjective(Dataset<Row> rows, String name, Column met, Column eligible, Column objective,
      double atRisk) {
    Column breaches = eligible.minus(met);
    Column budget = round(lit(1.0).minus(col(name + "_objective")).multiply(eligible), 9);
    Column some = eligible.gt(0);
    Column burn = col(name + "_burn_rate");
    return rows
        .withColumn(name + "_rate", when(some, met.cast("double").divide(eligible)))
        .withColumn(name + "_objective", objective)
        .withColumn(name + "_error_budget", budget)
        .withColumn(name + "_budget_remaining", budget.minus(breaches))
        .withColumn(name + "_burn_rate", when(some, try_divide(breaches, budget)))
        .withColumn(name + "_status",
            when(col(name + "_objective").isNull().or(not(some)), lit(null).cast("string"))
                .when(breaches.gt(col(name + "_error_budget")), lit(EXHAUSTED))
                .when(burn.geq(atRisk), lit(AT_RISK))
                .otherwise(lit(OK)));
  }

  private static Column not(Column c) {
    return org.apache.spark.sql.functions.not(c);
  }
}
