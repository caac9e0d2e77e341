package org.leancx.guardrails;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.sql.Date;
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

/** The efficiency-twins rule on a few inline contacts: attribution of repeats, the rates, the costs and the flag. */
class EfficiencyTwinsTest extends SparkTestBase {
  private static final StructType DEMAND =
      new StructType()
          .add("contact_id", DataTypes.StringType)
          .add("contact_date", DataTypes.DateType)
          .add("team", DataTypes.StringType)
          .add("fcr_status", DataTypes.StringType)
          .add("is_recontact", DataTypes.BooleanType)
          .add("prior_contact_id", DataTypes.StringType)
          .add("failure_subtype", DataTypes.StringType)
          .add("cost", DataTypes.DoubleType);
  private static final StructType CONTACTS =
      new StructType().add("contact_id", DataTypes.StringType).add("handle_seconds", DataTypes.LongType);

  private static Object[] demand(String id, String date, String team, String status, String prior, String subtype,
      double cost) {
    return new Object[] {id, Date.valueOf(date), team, status, prior != null, prior, subtype, cost};
  }

  @Test
  void repeatsAreChargedToTheContactTheyRepeatAndAFasterTeamThatCausesMoreRepeatsIsFlagged() {
    // Weeks starting 2026-06-01, 06-08 and 06-15 (Mondays). Team a gets faster in week 2 and causes more repeats.
    Dataset<Row> demand = rows(DEMAND,
        demand("c1", "2026-06-01", "a", "RESOLVED_FIRST_TIME", null, null, 6.0),
        demand("c2", "2026-06-02", "a", "REPEATED", null, null, 6.0),
        demand("r1", "2026-06-04", "b", "RESOLVED_FIRST_TIME", "c2", "repeat_not_resolved", 6.0),
        demand("c6", "2026-06-03", "c", "RESOLVED_FIRST_TIME", null, null, 6.0),
        demand("c3", "2026-06-08", "a", "REPEATED", null, null, 6.0),
        demand("c4", "2026-06-09", "a", "REPEATED", null, null, 6.0),
        demand("r2", "2026-06-10", "b", "RESOLVED_FIRST_TIME", "c3", "complaint", 6.0),
        // A repeat on the bot: no team of its own, still caused by team a's contact.
        demand("r3", "2026-06-12", null, "RESOLVED_FIRST_TIME", "c4", "repeat_not_resolved", 1.0),
        demand("c5", "2026-06-14", "a", "PENDING", null, null, 6.0),
        // Team c is back after a week without contacts: no previous period to compare with.
        demand("c7", "2026-06-15", "c", "PENDING", null, null, 6.0));
    Dataset<Row> contacts = rows(CONTACTS,
        new Object[] {"c1", 600L}, new Object[] {"c2", 600L}, new Object[] {"r1", 900L}, new Object[] {"c6", 500L},
        new Object[] {"c3", 300L}, new Object[] {"c4", 300L}, new Object[] {"r2", 900L}, new Object[] {"r3", null},
        new Object[] {"c5", null}, new Object[] {"c7", 400L});

    Dataset<Row> twins = EfficiencyTwins.twins(demand, contacts, ReportingPeriod.WEEK).cache();
    assertThat(twins.columns()).containsExactlyElementsOf(GuardrailTables.EFFICIENCY_TWINS.columnNames());
    Map<String, Row> byKey = new HashMap<>();
    for (Row r : twins.collectAsList()) {
      byKey.put(r.getAs("team") + " " + r.getAs("period_start"), r);
    }
    assertThat(byKey).containsOnlyKeys("a 2026-06-01", "a 2026-06-08", "b 2026-06-01", "b 2026-06-08",
        "c 2026-06-01", "c 2026-06-15");

    Row a1 = byKey.get("a 2026-06-01");
    assertThat(List.of(a1.getAs("contacts"), a1.getAs("settled_contacts"), a1.getAs("repeats_caused"),
        a1.getAs("complaints_caused"))).containsExactly(2L, 2L, 1L, 0L);
    assertThat((double) a1.getAs("handle_mean_seconds")).isEqualTo(600.0);
    assertThat((double) a1.getAs("fcr_rate")).isEqualTo(0.5);
    assertThat((double) a1.getAs("repeat_rate_caused")).isEqualTo(0.5);
    assertThat((double) a1.getAs("cost_per_contact")).isEqualTo(6.0);
    assertThat((double) a1.getAs("full_cost_per_need")).isEqualTo(9.0);
    assertThat((Object) a1.getAs("handle_mean_change_seconds")).isNull();
    assertThat((boolean) a1.getAs("goodhart_flag")).isFalse();
    assertThat((String) a1.getAs("period")).isEqualTo("WEEK");

    // Week 2: c5 is pending, so it counts as a contact but in no rate and no cost; r3's cost (the bot's) is caused.
    Row a2 = byKey.get("a 2026-06-08");
    assertThat(List.of(a2.getAs("contacts"), a2.getAs("settled_contacts"), a2.getAs("repeats_caused"),
        a2.getAs("complaints_caused"))).containsExactly(3L, 2L, 2L, 1L);
    assertThat((double) a2.getAs("handle_mean_seconds")).isEqualTo(300.0);
    assertThat((double) a2.getAs("handle_p50_seconds")).isEqualTo(300.0);
    assertThat((double) a2.getAs("fcr_rate")).isEqualTo(0.0);
    assertThat((double) a2.getAs("contact_cost")).isEqualTo(12.0);
    assertThat((double) a2.getAs("caused_cost")).isEqualTo(7.0);
    assertThat((double) a2.getAs("full_cost_per_need")).isEqualTo(9.5);
    assertThat((double) a2.getAs("handle_mean_change_seconds")).isEqualTo(-300.0);
    assertThat((double) a2.getAs("repeat_rate_change")).isCloseTo(0.5, within(1e-12));
    // Faster and more repeats, but on two contacts a week neither change is beyond chance: no flag.
    assertThat((boolean) a2.getAs("goodhart_flag")).isFalse();
    assertThat((boolean) a2.getAs("complete_period")).isTrue();

    // Team b got slower and caused nothing: not flagged. Team c's week 3 has no previous week and is incomplete.
    Row b2 = byKey.get("b 2026-06-08");
    assertThat((double) b2.getAs("handle_mean_change_seconds")).isEqualTo(0.0);
    assertThat((boolean) b2.getAs("goodhart_flag")).isFalse();
    Row c3 = byKey.get("c 2026-06-15");
    assertThat((Object) c3.getAs("handle_mean_change_seconds")).isNull();
    assertThat((Object) c3.getAs("fcr_rate")).isNull();
    assertThat((boolean) c3.getAs("goodhart_flag")).isFalse();
    assertThat((boolean) c3.getAs("complete_period")).isFalse();

    // Every recontact whose prior contact had a team is charged to exactly one team and period.
    long charged = twins.agg(sum(col("repeats_caused"))).first().getLong(0);
    assertThat(charged).isEqualTo(demand.where(col("is_recontact")).count());
  }

  @Test
  void theFlagNeedsBothChangesBeyondChance() {
    // Three teams, 40 settled contacts a week each. a: handle 600 -> 300 s, repeats 4 -> 20 (both beyond chance).
    // b: handle 600 -> 590 s (within the spread of +-50 s), repeats 4 -> 20. c: handle 600 -> 300 s, repeats 4 -> 4.
    java.util.List<Object[]> demand = new java.util.ArrayList<>();
    java.util.List<Object[]> contacts = new java.util.ArrayList<>();
    Map<String, int[]> plan = Map.of("a", new int[] {600, 4, 300, 20}, "b", new int[] {600, 4, 590, 20},
        "c", new int[] {600, 4, 300, 4});
    plan.forEach((team, p) -> {
      for (int week = 0; week < 2; week++) {
        for (int i = 0; i < 40; i++) {
          String id = team + week + "-" + i;
          String date = week == 0 ? "2026-06-0" + (1 + i % 7) : String.format("2026-06-%02d", 8 + i % 7);
          boolean repeated = i < p[week * 2 + 1];
          demand.add(demand(id, date, team, repeated ? "REPEATED" : "RESOLVED_FIRST_TIME", null, null, 6.0));
          contacts.add(new Object[] {id, (long) (p[week * 2] + (i % 2 == 0 ? 50 : -50))});
          if (repeated) {
            demand.add(demand(id + "-r", "2026-06-20", "z", "RESOLVED_FIRST_TIME", id, "repeat_not_resolved", 6.0));
          }
        }
      }
    });
    Dataset<Row> twins = EfficiencyTwins.twins(rows(DEMAND, demand.toArray(Object[][]::new)),
        rows(CONTACTS, contacts.toArray(Object[][]::new)), ReportingPeriod.WEEK);
    Map<String, Boolean> flags = new HashMap<>();
    for (Row r : twins.where(col("period_start").equalTo(Date.valueOf("2026-06-08"))).collectAsList()) {
      flags.put(r.getAs("team"), r.getAs("goodhart_flag"));
    }
    assertThat(flags).containsEntry("a", true).containsEntry("b", false).containsEntry("c", false);
  }

  @Test
  void aMonthlyPeriodComparesWithThePreviousMonth() {
    Dataset<Row> demand = rows(DEMAND,
        demand("m1", "2026-05-01", "a", "RESOLVED_FIRST_TIME", null, null, 6.0),
        demand("m2", "2026-06-30", "a", "REPEATED", null, null, 6.0),
        demand("m3", "2026-07-01", "b", "RESOLVED_FIRST_TIME", "m2", "complaint", 6.0));
    Dataset<Row> contacts = rows(CONTACTS, new Object[] {"m1", 100L}, new Object[] {"m2", 50L},
        new Object[] {"m3", 70L});
    List<Row> rows = EfficiencyTwins.twins(demand, contacts, ReportingPeriod.MONTH)
        .where(col("team").equalTo("a")).orderBy("period_start").collectAsList();
    assertThat(rows).hasSize(2);
    // June follows May, although the repeat came in July: it is charged to June's contact.
    assertThat((long) rows.get(1).getAs("complaints_caused")).isEqualTo(1L);
    assertThat((double) rows.get(1).getAs("handle_mean_change_seconds")).isEqualTo(-50.0);
    assertThat((double) rows.get(1).getAs("repeat_rate_change")).isEqualTo(1.0);
  }
}
