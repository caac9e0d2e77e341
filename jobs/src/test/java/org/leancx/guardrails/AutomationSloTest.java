package org.leancx.guardrails;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Date;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.leancx.common.ReportingPeriod;
import org.leancx.common.SparkTestBase;

/**
 * The automation-SLO rules on a few inline contacts: containment (a person later in the chain breaks it, a bot
 * repeat does not), safe and unsafe hand-offs, automation-induced failure demand charged to the flow that routed
 * the prior contact, objectives (a named flow before "*"), budgets and statuses, and the latest-period check of
 * --fail-on-exhausted.
 */
class AutomationSloTest extends SparkTestBase {
  private static final StructType DEMAND =
      new StructType()
          .add("contact_id", DataTypes.StringType)
          .add("contact_date", DataTypes.DateType)
          .add("team", DataTypes.StringType)
          .add("automation_flow", DataTypes.StringType)
          .add("chain_id", DataTypes.StringType)
          .add("chain_position", DataTypes.IntegerType)
          .add("fcr_status", DataTypes.StringType)
          .add("is_transfer", DataTypes.BooleanType)
          .add("prior_contact_id", DataTypes.StringType)
          .add("decided_by", DataTypes.StringType)
          .add("cost", DataTypes.DoubleType);
  private static final GuardrailSettings.Automation OBJECTIVES =
      new GuardrailSettings.Automation(List.of(
          new GuardrailSettings.FlowObjective("*", 0.5, null),
          new GuardrailSettings.FlowObjective("bot_a", 0.6, 0.8)), 0.75);

  private static Object[] contact(String id, String date, String team, String flow, String chain, int position,
      String fcr, boolean transfer, String prior, String decidedBy, double cost) {
    return new Object[] {id, Date.valueOf(date), team, flow, chain, position, fcr, transfer, prior, decidedBy, cost};
  }

  /** Week of 2026-06-01: bot_a routes six contacts, ivr_x one that a person answers. */
  private static final Object[][] WEEK_1 = {
    // Contained: the bot resolved it.
    contact("b1", "2026-06-01", null, "bot_a", "b1", 1, "RESOLVED_FIRST_TIME", false, null, "taxonomy_value_reason", 1),
    // Handed off to a person who resolved it: not contained, a safe hand-off, the transfer automation-induced.
    contact("b2", "2026-06-01", null, "bot_a", "b2", 1, "REPEATED", false, null, "taxonomy_value_reason", 1),
    contact("h2", "2026-06-01", "chat-t", null, "b2", 2, "RESOLVED_FIRST_TIME", true, "b2", "automation_induced", 5),
    // Handed off, and the customer came back: an unsafe hand-off.
    contact("b3", "2026-06-02", null, "bot_a", "b3", 1, "REPEATED", false, null, "taxonomy_value_reason", 1),
    contact("h3", "2026-06-02", "chat-t", null, "b3", 2, "REPEATED", true, "b3", "automation_induced", 5),
    contact("r3", "2026-06-04", "phone-t", null, "b3", 3, "RESOLVED_FIRST_TIME", false, "h3", "recontact", 6),
    // Back to the bot, never to a person: both contained, the repeat automation-induced.
    contact("b4", "2026-06-03", null, "bot_a", "b4", 1, "REPEATED", false, null, "taxonomy_value_reason", 1),
    contact("b4b", "2026-06-05", null, "bot_a", "b4", 2, "RESOLVED_FIRST_TIME", false, "b4", "automation_induced", 1),
    // Too recent to tell: routed, not settled.
    contact("b5", "2026-06-07", null, "bot_a", "b5", 1, "PENDING", false, null, "taxonomy_value_reason", 1),
    // An IVR routes to a person: never contained; "*" gives it a containment objective only.
    contact("i1", "2026-06-02", "phone-t", "ivr_x", "i1", 1, "RESOLVED_FIRST_TIME", false, null,
        "taxonomy_value_reason", 6),
  };

  private static Map<String, Row> byKey(Dataset<Row> slo) {
    Map<String, Row> out = new HashMap<>();
    for (Row r : slo.collectAsList()) {
      out.put(r.getAs("automation_flow") + " " + r.getAs("period_start"), r);
    }
    return out;
  }

  @Test
  void containmentHandOffsBudgetsAndStatuses() {
    Dataset<Row> slo = AutomationSlo.automationSlo(rows(DEMAND, WEEK_1), OBJECTIVES, ReportingPeriod.WEEK).cache();
    assertThat(slo.columns()).containsExactlyElementsOf(GuardrailTables.AUTOMATION_SLO.columnNames());
    Map<String, Row> rows = byKey(slo);
    assertThat(rows).containsOnlyKeys("bot_a 2026-06-01", "ivr_x 2026-06-01");

    Row bot = rows.get("bot_a 2026-06-01");
    assertThat(List.of(bot.getAs("routed_contacts"), bot.getAs("settled_contacts"), bot.getAs("contained"),
        bot.getAs("hand_offs"), bot.getAs("safe_hand_offs"), bot.getAs("automation_induced_contacts")))
        .containsExactly(6L, 5L, 3L, 2L, 1L, 3L);
    assertThat((double) bot.getAs("automation_induced_cost")).isEqualTo(11.0);
    // Containment 3 of 5 against 0.6: a budget of 2 breaches, both spent; burn 1.0 is AT_RISK, not beyond it.
    assertThat(List.of(bot.getAs("containment_rate"), bot.getAs("containment_objective"),
        bot.getAs("containment_error_budget"), bot.getAs("containment_budget_remaining"),
        bot.getAs("containment_burn_rate"))).containsExactly(0.6, 0.6, 2.0, 0.0, 1.0);
    assertThat((String) bot.getAs("containment_status")).isEqualTo("AT_RISK");
    // Safe hand-off 1 of 2 against 0.8: a budget of 0.4, one breach: exhausted.
    assertThat(List.of(bot.getAs("safe_hand_off_rate"), bot.getAs("safe_hand_off_objective"),
        bot.getAs("safe_hand_off_error_budget"))).containsExactly(0.5, 0.8, 0.4);
    assertThat((String) bot.getAs("safe_hand_off_status")).isEqualTo("EXHAUSTED");
    assertThat((String) bot.getAs("period")).isEqualTo("WEEK");

    Row ivr = rows.get("ivr_x 2026-06-01");
    assertThat(List.of(ivr.getAs("routed_contacts"), ivr.getAs("settled_contacts"), ivr.getAs("contained"),
        ivr.getAs("hand_offs"))).containsExactly(1L, 1L, 0L, 0L);
    assertThat(List.of(ivr.getAs("containment_rate"), ivr.getAs("containment_objective")))
        .as("the \"*\" objective").containsExactly(0.0, 0.5);
    assertThat((String) ivr.getAs("containment_status")).isEqualTo("EXHAUSTED");
    assertThat(Arrays.asList(ivr.getAs("safe_hand_off_rate"), ivr.getAs("safe_hand_off_objective"),
        ivr.getAs("safe_hand_off_burn_rate"), ivr.getAs("safe_hand_off_status")))
        .as("no hand-off and no objective").containsOnlyNulls();

    assertThat(Guardrails.exhausted(slo)).containsExactly(
        "bot_a safe_hand_off (attainment 0.500 against 0.800, period 2026-06-01)",
        "ivr_x containment (attainment 0.000 against 0.500, period 2026-06-01)");
  }

  @Test
  void theLatestAssessedPeriodOfEachFlowAndSloStopsTheLine() {
    // Week 2: bot_a contains two of three settled contacts (burn 1 / 1.2: at risk) and hands one off safely; ivr_x
    // routes nothing; b8 is still PENDING.
    Object[][] week2 = {
      contact("b6", "2026-06-08", null, "bot_a", "b6", 1, "RESOLVED_FIRST_TIME", false, null, "taxonomy_value_reason",
          1),
      contact("b7", "2026-06-09", null, "bot_a", "b7", 1, "REPEATED", false, null, "taxonomy_value_reason", 1),
      contact("h7", "2026-06-09", "chat-t", null, "b7", 2, "RESOLVED_FIRST_TIME", true, "b7", "automation_induced", 5),
      contact("b8", "2026-06-14", null, "bot_a", "b8", 1, "PENDING", false, null, "taxonomy_value_reason", 1),
      contact("b9", "2026-06-10", null, "bot_a", "b9", 1, "RESOLVED_FIRST_TIME", false, null, "taxonomy_value_reason",
          1),
    };
    Object[][] both = Arrays.copyOf(WEEK_1, WEEK_1.length + week2.length);
    System.arraycopy(week2, 0, both, WEEK_1.length, week2.length);
    Dataset<Row> slo = AutomationSlo.automationSlo(rows(DEMAND, both), OBJECTIVES, ReportingPeriod.WEEK).cache();
    Row latest = byKey(slo).get("bot_a 2026-06-08");
    assertThat(List.of(latest.getAs("containment_status"), latest.getAs("safe_hand_off_status")))
        .containsExactly("AT_RISK", "OK");
    // bot_a's week-1 hand-off budget is history; ivr_x has had no contact since its exhausted week 1.
    assertThat(Guardrails.exhausted(slo))
        .containsExactly("ivr_x containment (attainment 0.000 against 0.500, period 2026-06-01)");
    // A week with nothing settled says nothing: the latest assessed one counts.
    Object[][] pendingOnly = Arrays.copyOf(WEEK_1, WEEK_1.length + 1);
    pendingOnly[WEEK_1.length] = week2[3];
    assertThat(Guardrails.exhausted(
            AutomationSlo.automationSlo(rows(DEMAND, pendingOnly), OBJECTIVES, ReportingPeriod.WEEK)))
        .contains("bot_a safe_hand_off (attainment 0.500 against 0.800, period 2026-06-01)");
  }

  @Test
  void aPartialLastPeriodDoesNotStopTheLine() {
    // Week 2 complete (bot_a at risk on containment, safe on hand-offs); the data ends on Monday 2026-06-15, so week 3
    // is partial: its one contact, handed off and repeated, exhausts both of bot_a's budgets, on one contact.
    Object[][] weeks = {
      contact("b6", "2026-06-08", null, "bot_a", "b6", 1, "RESOLVED_FIRST_TIME", false, null, "taxonomy_value_reason",
          1),
      contact("b7", "2026-06-09", null, "bot_a", "b7", 1, "REPEATED", false, null, "taxonomy_value_reason", 1),
      contact("h7", "2026-06-09", "chat-t", null, "b7", 2, "RESOLVED_FIRST_TIME", true, "b7", "automation_induced", 5),
      contact("b9", "2026-06-14", null, "bot_a", "b9", 1, "RESOLVED_FIRST_TIME", false, null, "taxonomy_value_reason",
          1),
      contact("c1", "2026-06-15", null, "bot_a", "c1", 1, "REPEATED", false, null, "taxonomy_value_reason", 1),
      contact("d1", "2026-06-15", "chat-t", null, "c1", 2, "REPEATED", true, "c1", "automation_induced", 5),
    };
    Dataset<Row> slo = AutomationSlo.automationSlo(rows(DEMAND, weeks), OBJECTIVES, ReportingPeriod.WEEK).cache();
    Row partial = byKey(slo).get("bot_a 2026-06-15");
    assertThat(List.of(partial.getAs("containment_status"), partial.getAs("safe_hand_off_status"),
        partial.getAs("complete_period"))).containsExactly("EXHAUSTED", "EXHAUSTED", false);
    assertThat((Boolean) byKey(slo).get("bot_a 2026-06-08").getAs("complete_period")).isTrue();
    // Judged on week 2, the latest complete period: nothing exhausted.
    assertThat(Guardrails.exhausted(slo)).isEmpty();
    // Without a complete period (week 3 alone) the partial one is all there is, and it is judged.
    assertThat(Guardrails.exhausted(AutomationSlo.automationSlo(rows(DEMAND, Arrays.copyOfRange(weeks, 4, 6)),
            OBJECTIVES, ReportingPeriod.WEEK)))
        .containsExactly("bot_a containment (attainment 0.000 against 0.600, period 2026-06-15)",
            "bot_a safe_hand_off (attainment 0.000 against 0.800, period 2026-06-15)");
  }
}
