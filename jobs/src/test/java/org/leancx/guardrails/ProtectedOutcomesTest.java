package org.leancx.guardrails;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.sql.Timestamp;
import java.util.ArrayList;
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
import org.leancx.journeys.JourneySettings;

/**
 * The protected-outcomes rule on a few inline journeys: who is vulnerable, the segments, the counts, the rates with
 * their Wilson intervals, the lead-time percentiles with their order-statistic intervals, SLO attainment, and the
 * flag that needs the intervals apart.
 */
class ProtectedOutcomesTest extends SparkTestBase {
  private static final long DAY = 86_400L;
  private static final StructType JOURNEYS =
      new StructType()
          .add("journey_id", DataTypes.StringType)
          .add("journey_type", DataTypes.StringType)
          .add("customer_key", DataTypes.StringType)
          .add("started_at", DataTypes.TimestampType)
          .add("status", DataTypes.StringType)
          .add("lead_time_seconds", DataTypes.LongType)
          .add("lead_time_business_seconds", DataTypes.LongType);
  private static final StructType STEPS =
      new StructType()
          .add("journey_id", DataTypes.StringType)
          .add("kind", DataTypes.StringType)
          .add("step_id", DataTypes.StringType);
  private static final StructType DEMAND =
      new StructType()
          .add("contact_id", DataTypes.StringType)
          .add("demand_class", DataTypes.StringType)
          .add("failure_subtype", DataTypes.StringType)
          .add("is_recontact", DataTypes.BooleanType)
          .add("fcr_status", DataTypes.StringType);
  private static final StructType CONTACTS =
      new StructType()
          .add("customer_key", DataTypes.StringType)
          .add("attributes", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType));
  private static final List<JourneySettings.Objective> BILLING_WITHIN_4_DAYS =
      List.of(new JourneySettings.Objective("billing", "4d", 4 * DAY, JourneySettings.TimeBasis.CALENDAR, 0.9));

  private static Object[] journey(String id, String type, String customer, String start, String status, long lead) {
    return new Object[] {id, type, customer, Timestamp.valueOf(start + " 10:00:00"), status, lead, lead};
  }

  private static Object[] step(String journey, String kind, String id) {
    return new Object[] {journey, kind, id};
  }

  private static Object[] demand(String id, String demandClass, String subtype, boolean recontact, String fcr) {
    return new Object[] {id, demandClass, subtype, recontact, fcr};
  }

  private static Map<String, Row> byKey(Dataset<Row> outcomes) {
    Map<String, Row> out = new HashMap<>();
    for (Row r : outcomes.collectAsList()) {
      out.put(r.getAs("period_start") + " " + r.getAs("journey_type") + " " + r.getAs("segment"), r);
    }
    return out;
  }

  @Test
  void aCustomerIsVulnerableWhenAnyOfTheirContactsCarriesAConfiguredValue() {
    Dataset<Row> contacts = rows(CONTACTS,
        new Object[] {"v", Map.of("vulnerability_flag", "N")},
        new Object[] {"v", Map.of("vulnerability_flag", "Y", "segment", "retail")},
        new Object[] {"w", Map.of("vulnerability_flag", "bereaved")},
        new Object[] {"o", Map.of("vulnerability_flag", "N")},
        new Object[] {"x", Map.of("segment", "retail")});
    List<String> vulnerable = ProtectedOutcomes.vulnerableCustomers(contacts, "vulnerability_flag",
            List.of("Y", "bereaved")).collectAsList().stream().map(r -> r.getString(0)).sorted().toList();
    assertThat(vulnerable).containsExactly("v", "w");
  }

  @Test
  void segmentsCountsRatesAndIntervals() {
    Dataset<Row> journeys = rows(JOURNEYS,
        journey("jv", "billing", "v", "2026-06-01", "CLOSED", 3 * DAY),
        journey("jo1", "billing", "o1", "2026-06-02", "CLOSED", DAY),
        journey("jo2", "billing", "o2", "2026-06-03", "OPEN", 10 * DAY),
        journey("jo3", "billing", "o1", "2026-06-10", "CLOSED", 2 * DAY),
        journey("ju", "unclassified", null, "2026-06-05", "CLOSED", 5 * 3600),
        journey("jm", "billing", "v", "2026-07-01", "CLOSED", DAY));
    Dataset<Row> steps = rows(STEPS,
        step("jv", "CONTACT", "cv1"), step("jv", "CONTACT", "cv2"), step("jv", "EVENT", "e1"),
        step("jo1", "CONTACT", "co1"), step("jo2", "CONTACT", "co2"), step("jo3", "CONTACT", "co3"),
        step("ju", "EVENT", "e2"), step("jm", "CONTACT", "cv3"));
    Dataset<Row> demand = rows(DEMAND,
        demand("cv1", "VALUE", null, false, "REPEATED"),
        demand("cv2", "FAILURE", "repeat_not_resolved", true, "RESOLVED_FIRST_TIME"),
        demand("co1", "VALUE", null, false, "RESOLVED_FIRST_TIME"),
        demand("co2", "FAILURE", "complaint", false, "PENDING"),
        demand("co3", "UNCLASSIFIED", null, false, "RESOLVED_FIRST_TIME"),
        demand("cv3", "VALUE", null, false, "RESOLVED_FIRST_TIME"));
    Dataset<Row> vulnerable = spark.createDataFrame(List.of(org.apache.spark.sql.RowFactory.create("v")),
        new StructType().add("customer_key", DataTypes.StringType));

    Dataset<Row> outcomes = ProtectedOutcomes.outcomes(journeys, steps, demand, vulnerable, BILLING_WITHIN_4_DAYS,
        ReportingPeriod.MONTH).cache();
    assertThat(outcomes.columns()).containsExactlyElementsOf(GuardrailTables.PROTECTED_OUTCOMES.columnNames());
    Map<String, Row> rows = byKey(outcomes);
    assertThat(rows).containsOnlyKeys("2026-06-01 billing vulnerable", "2026-06-01 billing other",
        "2026-06-01 unclassified unknown", "2026-07-01 billing vulnerable");

    Row v = rows.get("2026-06-01 billing vulnerable");
    assertThat(List.of(v.getAs("customers"), v.getAs("journeys"), v.getAs("closed_journeys"), v.getAs("contacts"),
        v.getAs("classified_contacts"), v.getAs("failure_contacts"), v.getAs("settled_contacts"),
        v.getAs("resolved_first_time"), v.getAs("recontacts"), v.getAs("complaints"), v.getAs("slo_assessed"),
        v.getAs("slo_met"))).containsExactly(1L, 1L, 1L, 2L, 2L, 1L, 2L, 1L, 1L, 0L, 1L, 1L);
    // 1 of 2: the Wilson 95% interval is [0.0945, 0.9055].
    assertThat((double) v.getAs("fcr_rate")).isEqualTo(0.5);
    assertThat((double) v.getAs("fcr_rate_low")).isCloseTo(0.0945, within(1e-4));
    assertThat((double) v.getAs("fcr_rate_high")).isCloseTo(0.9055, within(1e-4));
    assertThat((double) v.getAs("complaint_share")).isEqualTo(0.0);
    assertThat((double) v.getAs("complaint_share_low")).isEqualTo(0.0);
    assertThat((double) v.getAs("complaint_share_high")).isCloseTo(0.6576, within(1e-4));
    // One closed journey: the percentiles are its lead time, and it bounds neither on either side.
    assertThat(List.of(v.getAs("lead_time_p50_seconds"), v.getAs("lead_time_p85_seconds")))
        .containsExactly(3.0 * DAY, 3.0 * DAY);
    assertThat(java.util.Arrays.asList(v.getAs("lead_time_p50_low_seconds"), v.getAs("lead_time_p50_high_seconds"),
        v.getAs("lead_time_p85_low_seconds"), v.getAs("lead_time_p85_high_seconds"))).containsOnlyNulls();
    assertThat((double) v.getAs("slo_attainment")).isEqualTo(1.0);
    assertThat((boolean) v.getAs("worse_than_other")).as("one journey is no evidence").isFalse();
    assertThat(v.getList(v.fieldIndex("worse_on"))).isEmpty();
    assertThat((boolean) v.getAs("complete_period")).isTrue();
    assertThat((String) v.getAs("period")).isEqualTo("MONTH");

    Row o = rows.get("2026-06-01 billing other");
    assertThat(List.of(o.getAs("customers"), o.getAs("journeys"), o.getAs("closed_journeys"), o.getAs("contacts"),
        o.getAs("classified_contacts"), o.getAs("failure_contacts"), o.getAs("settled_contacts"),
        o.getAs("resolved_first_time"), o.getAs("recontacts"), o.getAs("complaints"), o.getAs("slo_assessed"),
        o.getAs("slo_met"))).containsExactly(2L, 3L, 2L, 3L, 2L, 1L, 2L, 2L, 0L, 1L, 3L, 2L);
    // The open journey, 10 days old against 4, is a breach; the closed ones are measured.
    assertThat((double) o.getAs("slo_attainment")).isCloseTo(2.0 / 3, within(1e-12));
    assertThat((double) o.getAs("lead_time_p50_seconds")).isEqualTo(1.5 * DAY);
    assertThat((double) o.getAs("lead_time_p85_seconds")).isCloseTo(1.85 * DAY, within(1e-6));
    assertThat(java.util.Arrays.asList(o.getAs("lead_time_p50_low_seconds"), o.getAs("lead_time_p50_high_seconds")))
        .containsOnlyNulls();
    assertThat((boolean) o.getAs("worse_than_other")).isFalse();

    Row u = rows.get("2026-06-01 unclassified unknown");
    assertThat(List.of(u.getAs("customers"), u.getAs("journeys"), u.getAs("contacts"), u.getAs("slo_assessed")))
        .containsExactly(0L, 1L, 0L, 0L);
    assertThat((Object) u.getAs("fcr_rate")).isNull();
    assertThat((Object) u.getAs("slo_attainment")).as("no objective for the type").isNull();

    assertThat((boolean) rows.get("2026-07-01 billing vulnerable").getAs("complete_period"))
        .as("the data ends on the period's first day").isFalse();
  }

  @Test
  void theVulnerableSegmentIsFlaggedOnlyWhereItsIntervalsClearTheOthers() {
    List<Object[]> journeys = new ArrayList<>();
    List<Object[]> steps = new ArrayList<>();
    List<Object[]> demand = new ArrayList<>();
    List<Row> vulnerable = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      journeys.add(journey("v" + i, "billing", "v" + i, "2026-06-0" + (1 + i % 9), "CLOSED", DAY));
      steps.add(step("v" + i, "CONTACT", "cv" + i));
      demand.add(demand("cv" + i, "FAILURE", "repeat_not_resolved", true, "REPEATED"));
      vulnerable.add(org.apache.spark.sql.RowFactory.create("v" + i));
      journeys.add(journey("o" + i, "billing", "o" + i, "2026-06-0" + (1 + i % 9), "CLOSED", DAY));
      steps.add(step("o" + i, "CONTACT", "co" + i));
      demand.add(demand("co" + i, "VALUE", null, false, "RESOLVED_FIRST_TIME"));
    }
    Dataset<Row> outcomes = ProtectedOutcomes.outcomes(rows(JOURNEYS, journeys.toArray(Object[][]::new)),
        rows(STEPS, steps.toArray(Object[][]::new)), rows(DEMAND, demand.toArray(Object[][]::new)),
        spark.createDataFrame(vulnerable, new StructType().add("customer_key", DataTypes.StringType)),
        List.of(), ReportingPeriod.MONTH);
    Map<String, Row> rows = byKey(outcomes);
    Row v = rows.get("2026-06-01 billing vulnerable");
    assertThat((boolean) v.getAs("worse_than_other")).isTrue();
    assertThat(v.<String>getList(v.fieldIndex("worse_on")))
        .as("equal lead times and no objective are not worse").containsExactly("failure_demand_share", "fcr_rate",
            "repeat_rate");
    Row o = rows.get("2026-06-01 billing other");
    assertThat((boolean) o.getAs("worse_than_other")).isFalse();
  }

  @Test
  void quantileBoundsAreOrderStatistics() {
    // 20 closed journeys of 1..20 days: median ranks floor(10 - 4.38) = 5 and ceil(10 + 4.38) + 1 = 16.
    List<Object[]> journeys = new ArrayList<>();
    for (int i = 1; i <= 20; i++) {
      journeys.add(journey("j" + i, "billing", "c" + i, "2026-06-0" + (1 + i % 9), "CLOSED", i * DAY));
    }
    Row r = ProtectedOutcomes.outcomes(rows(JOURNEYS, journeys.toArray(Object[][]::new)), rows(STEPS),
        rows(DEMAND), spark.createDataFrame(List.of(), new StructType().add("customer_key", DataTypes.StringType)),
        List.of(), ReportingPeriod.MONTH).first();
    assertThat((String) r.getAs("segment")).isEqualTo("other");
    assertThat((double) r.getAs("lead_time_p50_seconds")).isEqualTo(10.5 * DAY);
    assertThat(List.of(r.getAs("lead_time_p50_low_seconds"), r.getAs("lead_time_p50_high_seconds")))
        .containsExactly(5.0 * DAY, 16.0 * DAY);
    // p85: ranks floor(17 - 3.13) = 13 and ceil(17 + 3.13) + 1 = 22 > 20: no upper bound from 20 journeys.
    assertThat((double) r.getAs("lead_time_p85_low_seconds")).isEqualTo(13.0 * DAY);
    assertThat((Object) r.getAs("lead_time_p85_high_seconds")).isNull();
  }
}
