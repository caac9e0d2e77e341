package org.leancx.capacity;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.leancx.capacity.CapacityFixtures.at;
import static org.leancx.capacity.CapacityFixtures.demand;

import java.sql.Date;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.leancx.common.SparkTestBase;

/** The Lean scorecard on inline source tables: its numbers reconcile with the tables they come from. */
class LeanScorecardTest extends SparkTestBase {
  private static final LocalDate MON1 = LocalDate.parse("2026-06-01");
  private static final LocalDate MON2 = LocalDate.parse("2026-06-08");
  private static ScorecardSettings weekly;
  private static Dataset<Row> contactDemand;
  private static Dataset<Row> journeys;
  private static Dataset<Row> journeySlo;
  private static Dataset<Row> capacity;
  private static Dataset<Row> rootConditions;
  private static List<Row> card;

  @BeforeAll
  static void data() {
    weekly = ScorecardSettings.from(settings());
    contactDemand =
        rows(
            CapacityFixtures.DEMAND,
            demand("c1", MON1, "phone", "billing", "VALUE", false, "RESOLVED_FIRST_TIME"),
            demand("c2", MON1.plusDays(1), "phone", "billing", "FAILURE", true, "REPEATED"),
            demand("c3", MON1.plusDays(2), "chat", "billing", "FAILURE", true, "RESOLVED_FIRST_TIME"),
            demand("c4", MON1.plusDays(6), "email", "moving", "VALUE", false, "PENDING"),
            demand("c5", MON1.plusDays(6), "phone", "moving", "FAILURE", false, "REPEATED"),
            demand("c6", MON2, "phone", "billing", "VALUE", false, "RESOLVED_FIRST_TIME"),
            demand("c7", MON2.plusDays(3), "letter", "moving", "FAILURE", true, "PENDING"));
    journeys =
        rows(
            CapacityFixtures.JOURNEYS,
            journey("j1", "billing", "CLOSED", "2026-06-02T10:00:00Z", 100L, 0.1),
            journey("j2", "billing", "CLOSED", "2026-06-03T10:00:00Z", 200L, 0.2),
            journey("j3", "billing", "CLOSED", "2026-06-04T10:00:00Z", 300L, 0.3),
            journey("j4", "moving", "CLOSED", "2026-06-07T23:59:00Z", 1000L, 0.5),
            journey("j5", "moving", "OPEN", "2026-06-05T10:00:00Z", 99_999L, 0.9),
            journey("j6", "claims", "CLOSED", "2026-06-09T10:00:00Z", 50L, 1.0));
    journeySlo =
        rows(
            CapacityFixtures.JOURNEY_SLO,
            new Object[] {Date.valueOf(MON1), "billing", 10L, 9L},
            new Object[] {Date.valueOf(MON1), "moving", 10L, 7L});
    capacity =
        rows(
            new StructType().add("interval_date", DataTypes.DateType).add("failure_agent_hours", DataTypes.DoubleType),
            new Object[] {Date.valueOf(MON1), 1.5},
            new Object[] {Date.valueOf(MON1.plusDays(2)), 0.5},
            new Object[] {Date.valueOf(MON2.plusDays(1)), 2.0});
    rootConditions =
        rows(
            CapacityFixtures.ROOT_CONDITIONS,
            new Object[] {List.of("channel=bot", "need_family=billing"), 500.0, 1, "failure-demand"},
            new Object[] {List.of("region=north"), 200.0, 2, "failure-demand"},
            // An SLO-breach set ranks below every failure-demand set, whatever its excess cost.
            new Object[] {List.of("team=backoffice"), 900.0, 1, "slo-breach"});
    card =
        LeanScorecard.scorecard(
                new LeanScorecard.Sources(contactDemand, journeys, journeySlo, capacity, rootConditions), weekly)
            .collectAsList();
  }

  private static Object[] journey(String id, String type, String status, String endedAt, long lead, double flow) {
    return new Object[] {id, type, status, at("2026-05-20T00:00:00Z"), at(endedAt), lead, (long) (lead * flow), flow};
  }

  private static Row row(List<Row> rows, LocalDate periodStart, String journeyType) {
    return rows.stream()
        .filter(r -> r.getAs("period_start").equals(Date.valueOf(periodStart)) && r.getAs("journey_type").equals(journeyType))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no scorecard row for " + periodStart + " " + journeyType));
  }

  /** Exact interpolated percentile, as Spark's percentile: the oracle for lead times. */
  private static double percentile(double[] values, double p) {
    double[] v = values.clone();
    Arrays.sort(v);
    double pos = p * (v.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = (int) Math.ceil(pos);
    return v[lo] + (pos - lo) * (v[hi] - v[lo]);
  }

  @Test
  void theOrganisationRowReconcilesWithItsSourceTables() {
    Row r = row(card, MON1, "ALL");
    // Directly from contact_demand, for the same week.
    Dataset<Row> week =
        contactDemand.filter(col("contact_date").geq(Date.valueOf(MON1)).and(col("contact_date").lt(Date.valueOf(MON2))));
    long contacts = week.count();
    long failures = week.filter(col("demand_class").equalTo("FAILURE")).count();
    long resolved = week.filter(col("fcr_status").equalTo("RESOLVED_FIRST_TIME")).count();
    long repeated = week.filter(col("fcr_status").equalTo("REPEATED")).count();
    long recontacts = week.filter(col("is_recontact")).count();
    assertThat(r.<Long>getAs("contacts")).isEqualTo(contacts).isEqualTo(5);
    assertThat(r.<Long>getAs("failure_contacts")).isEqualTo(failures).isEqualTo(3);
    assertThat(r.<Double>getAs("failure_share")).isCloseTo((double) failures / contacts, within(1e-12));
    assertThat(r.<Double>getAs("fcr_rate")).isCloseTo((double) resolved / (resolved + repeated), within(1e-12));
    assertThat(r.<Double>getAs("repeat_rate")).isCloseTo((double) recontacts / contacts, within(1e-12));
    // Failure cost: phone 6 + chat 4 + phone 6 (demand.channel-cost).
    assertThat(r.<Double>getAs("failure_cost")).isCloseTo(16.0, within(1e-12));
    // Journeys closed in the week: lead times 100, 200, 300, 1000; the open one is left out.
    double[] leads = {100, 200, 300, 1000};
    assertThat(r.<Long>getAs("closed_journeys")).isEqualTo(4);
    assertThat(r.<Double>getAs("lead_time_p50_seconds")).isCloseTo(percentile(leads, 0.5), within(1e-9)).isEqualTo(250.0);
    assertThat(r.<Double>getAs("lead_time_p85_seconds")).isCloseTo(percentile(leads, 0.85), within(1e-9));
    assertThat(r.<Double>getAs("flow_efficiency")).isCloseTo((0.1 + 0.2 + 0.3 + 0.5) / 4, within(1e-12));
    assertThat(r.<Double>getAs("slo_attainment")).isCloseTo(0.8, within(1e-12));
    assertThat(r.<Double>getAs("failure_agent_hours")).isCloseTo(2.0, within(1e-12));
    assertThat(r.<String>getList(r.fieldIndex("top_root_conditions"))).containsExactly("channel=bot", "need_family=billing");
    assertThat(r.<Double>getAs("top_root_conditions_excess_cost")).isEqualTo(500.0);
    assertThat(r.<String>getAs("period")).isEqualTo("WEEK");
    assertThat(r.<String>getList(r.fieldIndex("sources")))
        .containsExactly("contact_demand", "journeys", "journey_slo", "capacity_whatif", "root_conditions");
  }

  @Test
  void journeyTypeRowsSumToTheOrganisationAndLeaveQueueColumnsNull() {
    Row billing = row(card, MON1, "billing");
    Row moving = row(card, MON1, "moving");
    Row all = row(card, MON1, "ALL");
    assertThat(billing.<Long>getAs("contacts") + moving.<Long>getAs("contacts")).isEqualTo(all.<Long>getAs("contacts"));
    assertThat(billing.<Double>getAs("failure_cost") + moving.<Double>getAs("failure_cost"))
        .isCloseTo(all.<Double>getAs("failure_cost"), within(1e-12));
    assertThat(billing.<Double>getAs("fcr_rate")).isCloseTo(2 / 3.0, within(1e-12));
    assertThat(billing.<Double>getAs("lead_time_p50_seconds")).isEqualTo(200.0);
    assertThat(billing.<Double>getAs("slo_attainment")).isEqualTo(0.9);
    assertThat(billing.isNullAt(billing.fieldIndex("failure_agent_hours"))).isTrue();
    assertThat(billing.isNullAt(billing.fieldIndex("top_root_conditions"))).isTrue();
    // A journey type with journeys but no contacts in the period: zero contacts, no rates.
    Row claims = row(card, MON2, "claims");
    assertThat(claims.<Long>getAs("contacts")).isZero();
    assertThat(claims.isNullAt(claims.fieldIndex("failure_share"))).isTrue();
    assertThat(claims.<Long>getAs("closed_journeys")).isEqualTo(1);
    // Week 2: the PENDING contact is out of the FCR denominator.
    assertThat(row(card, MON2, "ALL").<Double>getAs("fcr_rate")).isEqualTo(1.0);
    assertThat(card.stream().map(r -> r.getAs("period_start") + "/" + r.getAs("journey_type"))).doesNotHaveDuplicates();
  }

  @Test
  void withOnlyContactDemandTheOtherColumnsAreNullAndTheSourcesSaySo() {
    List<Row> only =
        LeanScorecard.scorecard(new LeanScorecard.Sources(contactDemand, null, null, null, null), weekly)
            .collectAsList();
    Row r = row(only, MON1, "ALL");
    assertThat(r.<Long>getAs("contacts")).isEqualTo(5);
    for (String c : List.of("closed_journeys", "lead_time_p50_seconds", "flow_efficiency", "slo_attainment",
        "failure_agent_hours", "top_root_conditions")) {
      assertThat(r.isNullAt(r.fieldIndex(c))).as(c).isTrue();
    }
    assertThat(r.<String>getList(r.fieldIndex("sources"))).containsExactly("contact_demand");
    // 2 weeks x (ALL, billing, moving)
    assertThat(only).hasSize(6);
  }

  @Test
  void protectiveColumnsComeFromTheVulnerableCustomersAndTheGuardrailTables() {
    // c1, c2, c3 (billing, week 1) are a vulnerable customer's; c4 (PENDING) and c5 (REPEATED) another's.
    Dataset<Row> demand = contactDemand.withColumn("customer_key",
        org.apache.spark.sql.functions.when(col("contact_id").isin("c1", "c2", "c3"), "kv").otherwise("ko"));
    Dataset<Row> vulnerable = rows(new StructType().add("customer_key", DataTypes.StringType), new Object[] {"kv"});
    StructType sloSchema = new StructType().add("period_start", DataTypes.DateType)
        .add("settled_contacts", DataTypes.LongType).add("contained", DataTypes.LongType)
        .add("hand_offs", DataTypes.LongType).add("safe_hand_offs", DataTypes.LongType)
        .add("automation_induced_contacts", DataTypes.LongType).add("containment_status", DataTypes.StringType)
        .add("safe_hand_off_status", DataTypes.StringType);
    Dataset<Row> slo = rows(sloSchema,
        new Object[] {Date.valueOf(MON1), 10L, 6L, 4L, 3L, 2L, "OK", "AT_RISK"},
        new Object[] {Date.valueOf(MON1), 10L, 4L, 0L, 0L, 1L, "EXHAUSTED", null});
    Dataset<Row> twins = rows(new StructType().add("period_start", DataTypes.DateType)
            .add("goodhart_flag", DataTypes.BooleanType),
        new Object[] {Date.valueOf(MON1), true}, new Object[] {Date.valueOf(MON1), false},
        new Object[] {Date.valueOf(MON2), false});
    List<Row> rows = LeanScorecard.scorecard(
        new LeanScorecard.Sources(demand, null, null, null, null, vulnerable, slo, twins), weekly).collectAsList();

    Row all = row(rows, MON1, "ALL");
    assertThat(all.<Long>getAs("vulnerable_contacts")).isEqualTo(3);
    assertThat(all.<Double>getAs("vulnerable_fcr_rate")).isCloseTo(2 / 3.0, within(1e-12));
    assertThat(all.<Double>getAs("other_fcr_rate")).as("c4 is PENDING, c5 REPEATED").isEqualTo(0.0);
    assertThat(all.<Double>getAs("containment_rate")).as("pooled over the flows: 10 of 20").isEqualTo(0.5);
    assertThat(all.<Double>getAs("safe_hand_off_rate")).isEqualTo(0.75);
    assertThat(all.<Long>getAs("automation_induced_contacts")).isEqualTo(3);
    assertThat(all.<Long>getAs("automation_slos_exhausted")).isEqualTo(1);
    assertThat(all.<Long>getAs("goodhart_teams")).isEqualTo(1);
    assertThat(all.<String>getList(all.fieldIndex("sources")))
        .containsExactly("contact_demand", "contacts", "automation_slo", "efficiency_twins");
    Row billing = row(rows, MON1, "billing");
    assertThat(billing.<Long>getAs("vulnerable_contacts")).isEqualTo(3);
    assertThat(billing.isNullAt(billing.fieldIndex("other_fcr_rate"))).as("billing has no other customer").isTrue();
    assertThat(billing.isNullAt(billing.fieldIndex("containment_rate"))).as("automation: 'ALL' rows only").isTrue();
    Row week2 = row(rows, MON2, "ALL");
    assertThat(week2.<Long>getAs("vulnerable_contacts")).isZero();
    assertThat(week2.isNullAt(week2.fieldIndex("vulnerable_fcr_rate"))).isTrue();
    assertThat(week2.<Long>getAs("goodhart_teams")).isZero();
    assertThat(week2.isNullAt(week2.fieldIndex("containment_rate"))).as("no automation_slo row in week 2").isTrue();
    // Without the guardrails' sources the protective columns are null.
    Row none = row(card, MON1, "ALL");
    for (String c : List.of("vulnerable_contacts", "vulnerable_fcr_rate", "containment_rate", "goodhart_teams")) {
      assertThat(none.isNullAt(none.fieldIndex(c))).as(c).isTrue();
    }
  }

  @Test
  void monthlyRowsHoldTheWholeMonth() {
    ScorecardSettings monthly = ScorecardSettings.from(settings("scorecard.period=month"));
    List<Row> rows =
        LeanScorecard.scorecard(new LeanScorecard.Sources(contactDemand, journeys, null, capacity, null), monthly)
            .collectAsList();
    Row june = row(rows, LocalDate.parse("2026-06-01"), "ALL");
    assertThat(june.<Long>getAs("contacts")).isEqualTo(7);
    assertThat(june.<Long>getAs("failure_contacts")).isEqualTo(4);
    assertThat(june.<Double>getAs("failure_agent_hours")).isCloseTo(4.0, within(1e-12));
    assertThat(june.<String>getAs("period")).isEqualTo("MONTH");
  }
}
