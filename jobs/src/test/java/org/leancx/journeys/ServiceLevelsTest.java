package org.leancx.journeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** SLO arithmetic on a small example with a known error budget and burn rate. */
class ServiceLevelsTest extends JourneyFixtures {
  static final StructType JOURNEYS =
      new StructType()
          .add("journey_type", DataTypes.StringType)
          .add("status", DataTypes.StringType)
          .add("ended_at", DataTypes.TimestampType)
          .add("lead_time_seconds", DataTypes.LongType)
          .add("lead_time_business_seconds", DataTypes.LongType);

  static Object[] closed(String type, String endedAt, long seconds, long businessSeconds) {
    return new Object[] {type, "CLOSED", ts(endedAt), seconds, businessSeconds};
  }

  static Object[] open(String type, long seconds, long businessSeconds) {
    return new Object[] {type, "OPEN", null, seconds, businessSeconds};
  }

  @Test
  void budgetBreachesBurnRateAndStatus() {
    JourneySettings s =
        JourneySettings.from(
            settings(
                "journeys.slo.objectives=[{journey-type = billing, within = 2 business days, target = 0.9},"
                    + " {journey-type = delivery, within = 48h, target = 0.5}]"));
    List<Object[]> rows = new ArrayList<>();
    // March, billing: 17 within 2 business days (16 business hours), 3 beyond: budget 0.1 x 20 = 2, burn 3/2.
    for (int i = 0; i < 17; i++) {
      rows.add(closed("billing", "2026-03-10T12:00:00Z", 90_000, 3600));
    }
    for (int i = 0; i < 3; i++) {
      rows.add(closed("billing", "2026-03-20T12:00:00Z", 400_000, 20 * 3600));
    }
    // April (the as-of month): 10 met, 1 open journey already beyond the objective, 2 open within it (pending):
    // eligible 11, budget 1.1, burn 1/1.1 = 0.909 >= 0.75: AT_RISK.
    for (int i = 0; i < 10; i++) {
      rows.add(closed("billing", "2026-04-02T12:00:00Z", 3600, 3600));
    }
    rows.add(open("billing", 500_000, 100_000));
    rows.add(open("billing", 7200, 7200));
    rows.add(open("billing", 7200, 7200));
    // March, delivery, calendar time: 3 of 4 within 48h, budget 2, burn 0.5: OK. Other types have no objective.
    for (int i = 0; i < 3; i++) {
      rows.add(closed("delivery", "2026-03-15T12:00:00Z", 86_400, 28_800));
    }
    rows.add(closed("delivery", "2026-03-16T12:00:00Z", 3 * 86_400, 1));
    rows.add(closed("technical", "2026-03-16T12:00:00Z", 3 * 86_400, 1));

    Map<String, Row> slo =
        ServiceLevels.journeySlo(rows(JOURNEYS, rows.toArray(Object[][]::new)), s, Instant.parse("2026-04-10T00:00:00Z"))
            .collectAsList()
            .stream()
            .collect(Collectors.toMap(r -> r.getAs("journey_type") + "@" + r.getAs("period_start"), r -> r));
    assertThat(slo).containsOnlyKeys("billing@2026-03-01", "billing@2026-04-01", "delivery@2026-03-01");

    Row march = slo.get("billing@2026-03-01");
    assertThat(march.getAs("period_end").toString()).isEqualTo("2026-03-31");
    assertThat((String) march.getAs("time_basis")).isEqualTo("BUSINESS");
    assertThat((long) march.getAs("within_seconds")).isEqualTo(2 * 8 * 3600);
    assertThat((long) march.getAs("eligible")).isEqualTo(20);
    assertThat((long) march.getAs("met")).isEqualTo(17);
    assertThat((long) march.getAs("breaches")).isEqualTo(3);
    assertThat((double) march.getAs("attainment")).isCloseTo(0.85, within(1e-12));
    assertThat((double) march.getAs("error_budget")).isEqualTo(2.0);
    assertThat((double) march.getAs("budget_remaining")).isEqualTo(-1.0);
    assertThat((double) march.getAs("burn_rate")).isCloseTo(1.5, within(1e-12));
    assertThat((String) march.getAs("status")).isEqualTo("EXHAUSTED");

    Row april = slo.get("billing@2026-04-01");
    assertThat((long) april.getAs("eligible")).isEqualTo(11);
    assertThat((long) april.getAs("met")).isEqualTo(10);
    assertThat((long) april.getAs("breaches")).isEqualTo(1);
    assertThat((long) april.getAs("open_breaches")).isEqualTo(1);
    assertThat((long) april.getAs("pending")).isEqualTo(2);
    assertThat((double) april.getAs("error_budget")).isCloseTo(1.1, within(1e-9));
    assertThat((double) april.getAs("budget_remaining")).isCloseTo(0.1, within(1e-9));
    assertThat((double) april.getAs("burn_rate")).isCloseTo(1 / 1.1, within(1e-9));
    assertThat((String) april.getAs("status")).isEqualTo("AT_RISK");

    Row delivery = slo.get("delivery@2026-03-01");
    assertThat((String) delivery.getAs("time_basis")).isEqualTo("CALENDAR");
    assertThat((long) delivery.getAs("breaches")).isEqualTo(1);
    assertThat((double) delivery.getAs("error_budget")).isEqualTo(2.0);
    assertThat((double) delivery.getAs("burn_rate")).isEqualTo(0.5);
    assertThat((String) delivery.getAs("status")).isEqualTo("OK");
  }

  /** periodStart, which says which journey_slo rows a daily run rewrites, agrees with Spark's trunc over two years. */
  @Test
  void periodStartAgreesWithSparkTrunc() {
    java.time.LocalDate first = java.time.LocalDate.parse("2025-12-25");
    List<Row> truncated = spark
        .sql("SELECT d, trunc(d, 'week'), trunc(d, 'month'), trunc(d, 'quarter') FROM (SELECT explode(sequence(DATE '"
            + first + "', DATE '" + first.plusDays(730) + "')) AS d)")
        .collectAsList();
    assertThat(truncated).hasSize(731);
    for (Row r : truncated) {
      java.time.LocalDate d = r.getDate(0).toLocalDate();
      assertThat(ServiceLevels.periodStart(d, JourneySettings.SloPeriod.DAY)).isEqualTo(d);
      assertThat(ServiceLevels.periodStart(d, JourneySettings.SloPeriod.WEEK)).isEqualTo(r.getDate(1).toLocalDate());
      assertThat(ServiceLevels.periodStart(d, JourneySettings.SloPeriod.MONTH)).isEqualTo(r.getDate(2).toLocalDate());
      assertThat(ServiceLevels.periodStart(d, JourneySettings.SloPeriod.QUARTER))
          .isEqualTo(r.getDate(3).toLocalDate());
    }
  }
}
