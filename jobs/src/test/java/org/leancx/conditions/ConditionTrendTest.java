package org.leancx.conditions;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.sql.Date;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.leancx.common.ReportingPeriod;
import org.leancx.common.SparkTestBase;

/** root_conditions_trend on a few touches: a set whose failures stop in the second week is seen falling. */
class ConditionTrendTest extends SparkTestBase {
  private static final StructType TOUCHES =
      new StructType()
          .add(Touches.ITEMS, DataTypes.createArrayType(DataTypes.StringType, false))
          .add(Touches.PERIOD_DATE, DataTypes.DateType)
          .add(Touches.FAILED, DataTypes.BooleanType)
          .add(Touches.FAILURE_COST, DataTypes.DoubleType);
  private static final List<String> BOT_Q = List.of("channel=bot", "queue=Q");

  /** {@code n} touches on {@code day} with {@code items}, the first {@code failed} of them failed at {@code cost}. */
  private static void add(List<Object[]> rows, String day, List<String> items, int n, int failed, double cost) {
    for (int i = 0; i < n; i++) {
      rows.add(new Object[] {items.toArray(String[]::new), day == null ? null : Date.valueOf(day), i < failed,
          i < failed ? cost : 0.0});
    }
  }

  @Test
  void eachSetIsMeasuredPerPeriodAgainstThePeriodsOwnBaseline() {
    List<Object[]> rows = new ArrayList<>();
    List<String> botQ = List.of("channel=bot", "queue=Q", "region=south");
    List<String> other = List.of("channel=phone", "queue=Q");
    // Week of 2 March: the set fails 3 of 4, the rest 1 of 6.
    add(rows, "2026-03-02", botQ, 4, 3, 10.0);
    add(rows, "2026-03-08", other, 6, 1, 5.0);
    // Week of 9 March, after the fix: the set fails none of 4, the rest 2 of 6.
    add(rows, "2026-03-09", botQ, 4, 0, 0.0);
    add(rows, "2026-03-15", other, 6, 2, 5.0);
    // Monday 16 March: a week the data covers in part. And a touch without a date, in no period.
    add(rows, "2026-03-16", other, 1, 0, 0.0);
    add(rows, null, botQ, 1, 1, 10.0);
    Dataset<Row> touches = rows(TOUCHES, rows.toArray(Object[][]::new));
    Dataset<Row> sets =
        rows(new StructType().add("conditions", DataTypes.createArrayType(DataTypes.StringType, false))
                .add("rank", DataTypes.IntegerType),
            new Object[] {BOT_Q.toArray(String[]::new), 1},
            new Object[] {new String[] {"region=north"}, 2});

    List<Row> trend =
        ConditionTrend.trend(touches, sets, ReportingPeriod.WEEK, Outcome.FAILURE_DEMAND, "run-1")
            .orderBy(col("rank"), col("period_start")).collectAsList();

    assertThat(trend).hasSize(2 * 3);
    Row before = trend.get(0);
    assertThat((Date) before.getAs("period_start")).isEqualTo(Date.valueOf("2026-03-02"));
    assertThat((boolean) before.getAs("complete_period")).isTrue();
    assertThat((long) before.getAs("period_touches")).isEqualTo(10);
    assertThat((double) before.getAs("baseline_rate")).isCloseTo(0.4, within(1e-12));
    assertThat((long) before.getAs("support")).isEqualTo(4);
    assertThat((double) before.getAs("failure_rate")).isCloseTo(0.75, within(1e-12));
    assertThat((double) before.getAs("lift")).isCloseTo(1.875, within(1e-12));
    assertThat((double) before.getAs("excess_failures")).isCloseTo(3 - 4 * 0.4, within(1e-12));
    assertThat((double) before.getAs("excess_cost")).isCloseTo((3 - 4 * 0.4) * 10.0, within(1e-9));
    double[] wilson = MeasuredSet.wilson(3, 4, MeasuredSet.Z95);
    assertThat((double) before.getAs("ci_low")).isCloseTo(wilson[0], within(1e-12));
    assertThat((double) before.getAs("ci_high")).isCloseTo(wilson[1], within(1e-12));

    Row after = trend.get(1);
    assertThat((double) after.getAs("baseline_rate")).isCloseTo(0.2, within(1e-12));
    assertThat((double) after.getAs("failure_rate")).as("the fixed set falls").isZero();
    assertThat((double) after.getAs("excess_failures")).isCloseTo(-0.8, within(1e-12));
    assertThat((double) after.getAs("excess_cost")).isCloseTo(0.0, within(1e-12));

    Row partial = trend.get(2);
    assertThat((Date) partial.getAs("period_start")).isEqualTo(Date.valueOf("2026-03-16"));
    assertThat((boolean) partial.getAs("complete_period")).isFalse();
    assertThat((long) partial.getAs("support")).isZero();
    assertThat((Object) partial.getAs("failure_rate")).isNull();
    assertThat((Object) partial.getAs("lift")).isNull();

    Row never = trend.get(3);
    assertThat((int) never.getAs("rank")).isEqualTo(2);
    assertThat((long) never.getAs("support")).as("no touch is in region north").isZero();
    assertThat((Object) never.getAs("ci_low")).isNull();
    assertThat(trend).allMatch(r -> r.getAs("run_id").equals("run-1") && r.getAs("outcome").equals("failure-demand"));
  }
}
