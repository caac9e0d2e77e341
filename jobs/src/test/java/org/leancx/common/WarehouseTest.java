package org.leancx.common;

import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.leancx.common.TableContract.optional;
import static org.leancx.common.TableContract.required;

import java.sql.Date;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class WarehouseTest extends SparkTestBase {
  static final TableContract DAILY =
      new TableContract(
          "daily_things",
          1,
          "One row per thing per day",
          TableContract.schema(
              required("thing", StringType, "The thing"),
              required("day", DateType, "The day"),
              optional("amount", LongType, "How many")),
          List.of(),
          List.of("thing", "day"),
          Map.of("amount_not_negative", "amount IS NULL OR amount >= 0"));

  private static Dataset<Row> daily(Object[]... values) {
    return rows(DAILY.schema(), values);
  }

  @Test
  void createsTheTableFromItsContractWithCommentsConstraintsAndName() {
    Warehouse w = warehouse("contract-create");
    w.ensure(DAILY);
    w.ensure(DAILY); // idempotent
    assertThat(w.exists(DAILY)).isTrue();
    var detail = spark.sql("DESCRIBE DETAIL leancx.daily_things").first();
    assertThat(detail.getAs("description").toString()).isEqualTo("One row per thing per day");
    var props = spark.sql("SHOW TBLPROPERTIES leancx.daily_things").collectAsList();
    assertThat(props.stream().map(r -> r.getString(0)))
        .contains("delta.constraints.amount_not_negative", "leancx.contract.version");
    var schema = w.read(DAILY).schema();
    assertThat(schema.apply("thing").getComment().get()).isEqualTo("The thing");
    assertThat(schema.apply("thing").nullable()).isFalse();
  }

  @Test
  void statisticsAreOnTheContractsStatsColumnsAlsoForTablesCreatedBefore() {
    Warehouse w = warehouse("contract-stats");
    w.ensure(DAILY);
    assertThat(property("delta.dataSkippingNumIndexedCols")).isEqualTo("8");
    TableContract dayStats =
        new TableContract(
            DAILY.name(),
            DAILY.version(),
            DAILY.grain(),
            DAILY.schema(),
            DAILY.partitionColumns(),
            DAILY.keyColumns(),
            DAILY.checks(),
            List.of("day"));
    w.replaceAll(dayStats, daily(new Object[] {"a", Date.valueOf("2024-01-01"), 1L}), "run-1");
    assertThat(property("delta.dataSkippingStatsColumns")).isEqualTo("day");
    String stats =
        spark.read().json(w.location(DAILY) + "/_delta_log/*.json")
            .where("add IS NOT NULL")
            .select("add.stats")
            .first()
            .getString(0);
    assertThat(stats).contains("\"minValues\":{\"day\":\"2024-01-01\"}").doesNotContain("thing");
    assertThatThrownBy(
            () ->
                new TableContract(
                    "t", 1, "g", DAILY.schema(), List.of(), List.of(), Map.of(), List.of("no_such_column")))
        .hasMessageContaining("no_such_column");
  }

  private static String property(String key) {
    return spark.sql("SHOW TBLPROPERTIES leancx.daily_things").collectAsList().stream()
        .filter(r -> r.getString(0).equals(key))
        .map(r -> r.getString(1))
        .findFirst()
        .orElse(null);
  }

  @Test
  void replaceWhereIsIdempotentAndOnlyTouchesItsSlice() {
    Warehouse w = warehouse("contract-replace");
    Dataset<Row> first =
        daily(new Object[] {"a", Date.valueOf("2024-01-01"), 1L}, new Object[] {"a", Date.valueOf("2024-01-02"), 2L});
    w.replaceWhere(DAILY, first, "day >= '2024-01-01' AND day <= '2024-01-02'", "run-1");
    Dataset<Row> slice = daily(new Object[] {"a", Date.valueOf("2024-01-02"), 5L});
    w.replaceWhere(DAILY, slice, "day = '2024-01-02'", "run-2");
    w.replaceWhere(DAILY, slice, "day = '2024-01-02'", "run-3");
    List<Row> rows = w.read(DAILY).orderBy("day").collectAsList();
    assertThat(rows).extracting(r -> r.getLong(2)).containsExactly(1L, 5L);
    String meta =
        spark.sql("DESCRIBE HISTORY delta.`" + w.location(DAILY) + "` LIMIT 1").first().getAs("userMetadata");
    assertThat(meta).isEqualTo("run-3");
  }

  @Test
  void readingUntilAnInstantKeepsTheRowsOfEarlierDatesOfTheDatedTablesOnly() {
    Warehouse w = warehouse("contract-reading-until");
    w.replaceAll(
        DAILY,
        daily(
            new Object[] {"a", Date.valueOf("2024-01-01"), 1L},
            new Object[] {"b", Date.valueOf("2024-01-02"), 2L},
            new Object[] {"c", Date.valueOf("2024-01-03"), 3L}),
        "r1");
    java.time.Instant endOfJan2 = java.time.Instant.parse("2024-01-03T00:00:00Z");
    Warehouse asOf = w.readingUntil(endOfJan2, Map.of(DAILY.name(), "day"));
    assertThat(asOf.readUntil()).isEqualTo(endOfJan2);
    assertThat(asOf.read(DAILY).orderBy("thing").collectAsList()).extracting(r -> r.getString(0))
        .containsExactly("a", "b");
    assertThat(w.readingUntil(endOfJan2, Map.of("other_table", "day")).read(DAILY).count())
        .as("a table not named is read whole").isEqualTo(3);
    assertThat(w.read(DAILY).count()).as("the warehouse itself is unchanged").isEqualTo(3);
    // Writes through the bounded warehouse are plain writes.
    asOf.replaceAll(DAILY, daily(new Object[] {"d", Date.valueOf("2024-01-04"), 4L}), "r2");
    assertThat(w.read(DAILY).count()).isEqualTo(1);
    assertThat(asOf.read(DAILY).count()).isZero();
  }

  @Test
  void mergeUpsertsOnTheKey() {
    Warehouse w = warehouse("contract-merge");
    w.merge(DAILY, daily(new Object[] {"a", Date.valueOf("2024-01-01"), 1L}), "r1");
    w.merge(
        DAILY,
        daily(new Object[] {"a", Date.valueOf("2024-01-01"), 3L}, new Object[] {"b", Date.valueOf("2024-01-01"), 4L}),
        "r2");
    assertThat(w.read(DAILY).count()).isEqualTo(2);
    assertThat(w.read(DAILY).where("thing = 'a'").first().getLong(2)).isEqualTo(3L);
  }

  @Test
  void checkConstraintsAndNotNullAreEnforcedByDelta() {
    Warehouse w = warehouse("contract-checks");
    assertThatThrownBy(
            () -> w.replaceAll(DAILY, daily(new Object[] {"a", Date.valueOf("2024-01-01"), -1L}), "r"))
        .hasStackTraceContaining("amount_not_negative");
    // A computed column that may be null (inline rows would declare it NOT NULL and trip the optimizer instead).
    var nullable = new org.apache.spark.sql.types.StructType();
    for (var f : DAILY.schema().fields()) {
      nullable = nullable.add(f.name(), f.dataType(), true);
    }
    Dataset<Row> withNullKey = rows(nullable, new Object[] {null, Date.valueOf("2024-01-01"), 1L});
    assertThatThrownBy(() -> w.replaceAll(DAILY, withNullKey, "r")).hasStackTraceContaining("thing");
    assertThat(w.read(DAILY).count()).isZero();
  }

  @Test
  void conformNamesMissingAndUndeclaredColumns() {
    Dataset<Row> wrong = daily(new Object[] {"a", Date.valueOf("2024-01-01"), 1L}).drop("amount").withColumnRenamed("thing", "thingy");
    assertThatThrownBy(() -> Warehouse.conform(DAILY, wrong))
        .hasMessageContaining("missing [thing, amount]")
        .hasMessageContaining("undeclared [thingy]");
  }

  @Test
  void runLogRecordsSuccessAndFailure() {
    Warehouse w = warehouse("runlog");
    Settings settings = settings();
    Long rows =
        JobRunner.run(
            w,
            settings,
            "test-job",
            "args",
            run -> {
              w.replaceAll(DAILY, daily(new Object[] {"a", Date.valueOf("2024-01-01"), 1L}), run.id());
              run.count("things", 1);
              return run.output(DAILY);
            });
    assertThat(rows).isEqualTo(1L);
    assertThatThrownBy(
            () ->
                JobRunner.run(
                    w,
                    settings,
                    "test-job",
                    "args",
                    run -> {
                      throw new IllegalStateException("boom");
                    }))
        .hasMessage("boom");
    List<Row> runs = w.read(RunLog.PIPELINE_RUNS).orderBy("started_at").collectAsList();
    assertThat(runs).hasSize(2);
    assertThat(runs.get(0).<String>getAs("status")).isEqualTo("SUCCEEDED");
    assertThat(runs.get(0).<String, Long>getJavaMap(runs.get(0).fieldIndex("counts"))).containsEntry("things", 1L);
    assertThat(runs.get(1).<String>getAs("status")).isEqualTo("FAILED");
    assertThat(runs.get(1).<String>getAs("error_message")).contains("boom");
    assertThat(runs.get(0).<String>getAs("config_hash")).isEqualTo(settings.hash());
  }
}
