package org.leancx.common;

import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.leancx.common.TableContract.optional;
import static org.leancx.common.TableContract.required;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Catalog mode through Warehouse's API: tables created from the contract by name, managed or external, read and
 * written by name. Each test uses a schema of its own in the shared session's catalog and drops it afterwards.
 */
class WarehouseCatalogModeTest extends SparkTestBase {
  static final TableContract DAILY =
      new TableContract(
          "daily_things",
          2,
          "One row per thing per day; it's quoted",
          TableContract.schema(
              required("thing", StringType, "The thing's name"),
              required("day", DateType, "The day"),
              optional("amount", LongType, "How many")),
          List.of("day"),
          List.of("thing", "day"),
          Map.of("amount_not_negative", "amount IS NULL OR amount >= 0"));

  static final List<String> SCHEMAS = List.of("catalog_managed", "catalog_external", "catalog_forgotten");
  /** The session's spark.sql.warehouse.dir, where managed tables live. */
  static final Path CATALOG_DIR = SparkTestBase.CATALOG_DIR;

  @BeforeAll
  @AfterAll
  static void dropSchemas() {
    for (String schema : SCHEMAS) {
      session().sql("DROP SCHEMA IF EXISTS spark_catalog." + schema + " CASCADE");
      deleteRecursively(CATALOG_DIR.resolve(schema + ".db"));
    }
    session().catalog().setCurrentCatalog(WarehouseSettings.SESSION_CATALOG);
  }

  private static Warehouse catalogWarehouse(String schema, String prefix) {
    Path dir = HOME.resolve("jobs/target/test-warehouse").resolve(schema);
    deleteRecursively(dir);
    return new Warehouse(session(),
        new WarehouseSettings(dir.toString(), schema, WarehouseSettings.Mode.CATALOG, "spark_catalog",
            prefix == null ? "" : dir.resolve(prefix).toString()));
  }

  private static org.apache.spark.sql.Dataset<Row> daily(Object[]... values) {
    return rows(DAILY.schema(), values);
  }

  private static String tableType(String name) {
    return spark.sql("DESCRIBE TABLE EXTENDED " + name).where("col_name = 'Type'").first().getString(1).trim();
  }

  @Test
  void managedTablesAreCreatedFromTheContractAndWrittenByName() {
    Warehouse w = catalogWarehouse("catalog_managed", null);
    String name = "spark_catalog.catalog_managed.daily_things";
    assertThat(w.qualifiedName(DAILY)).isEqualTo(name);
    assertThat(w.exists(DAILY)).isFalse();
    w.ensure(DAILY);
    w.ensure(DAILY); // idempotent
    assertThat(w.exists(DAILY)).isTrue();
    assertThat(tableType(name)).isEqualTo("MANAGED");
    Row detail = spark.sql("DESCRIBE DETAIL " + name).first();
    assertThat(detail.<String>getAs("description")).isEqualTo("One row per thing per day; it's quoted");
    assertThat(detail.<scala.collection.Seq<String>>getAs("partitionColumns").mkString(",")).isEqualTo("day");
    assertThat(detail.<String>getAs("location")).contains("catalog_managed.db/daily_things");
    assertThat(w.location(DAILY)).isEqualTo(detail.<String>getAs("location"));
    var props = spark.sql("SHOW TBLPROPERTIES " + name).collectAsList();
    assertThat(props.stream().map(r -> r.getString(0) + "=" + r.getString(1)))
        .contains("delta.constraints.amount_not_negative=amount IS NULL OR amount >= 0", "leancx.contract.version=2",
            "delta.dataSkippingNumIndexedCols=8");
    var schema = w.read(DAILY).schema();
    assertThat(schema.apply("thing").getComment().get()).isEqualTo("The thing's name");
    assertThat(schema.apply("thing").nullable()).isFalse();
    assertThat(schema.apply("amount").nullable()).isTrue();

    w.replaceWhere(DAILY, daily(new Object[] {"a", Date.valueOf("2024-01-01"), 1L},
        new Object[] {"a", Date.valueOf("2024-01-02"), 2L}), "day >= '2024-01-01' AND day <= '2024-01-02'", "run-1");
    // Any predicate, as by path; rerunning the same slice replaces it.
    w.replaceWhere(DAILY, daily(new Object[] {"a", Date.valueOf("2024-01-02"), 5L}), "date_add(day, 1) = '2024-01-03'",
        "run-2");
    w.replaceWhere(DAILY, daily(new Object[] {"a", Date.valueOf("2024-01-02"), 5L}), "date_add(day, 1) = '2024-01-03'",
        "run-3");
    assertThat(w.read(DAILY).orderBy("day").collectAsList()).extracting(r -> r.getLong(2)).containsExactly(1L, 5L);
    assertThatThrownBy(() -> w.replaceWhere(DAILY, daily(new Object[] {"a", Date.valueOf("2024-01-05"), 5L}),
        "day = '2024-01-02'", "run-x")).hasMessageContaining("DELTA_REPLACE_WHERE_MISMATCH");
    assertThatThrownBy(() -> w.replaceAll(DAILY, daily(new Object[] {"a", Date.valueOf("2024-01-01"), -1L}), "run-x"))
        .hasStackTraceContaining("amount_not_negative");
    w.merge(DAILY, daily(new Object[] {"a", Date.valueOf("2024-01-01"), 3L},
        new Object[] {"b", Date.valueOf("2024-01-01"), 4L}), "run-4");
    assertThat(w.read(DAILY).count()).isEqualTo(3);
    assertThat(spark.sql("DESCRIBE HISTORY " + name + " LIMIT 1").first().<String>getAs("userMetadata"))
        .isEqualTo("run-4");
    w.replaceAll(DAILY, daily(new Object[] {"c", Date.valueOf("2024-02-01"), 7L}), "run-5");
    assertThat(w.read(DAILY).collectAsList()).extracting(r -> r.getString(0)).containsExactly("c");
    assertThat(w.version(DAILY)).isEqualTo(spark.sql("DESCRIBE HISTORY " + name).count() - 1);
    assertThat(spark.sql("DESCRIBE HISTORY " + name + " LIMIT 1").first().<String>getAs("operation"))
        .as("replaceAll overwrites the data, it does not replace the table").isEqualTo("WRITE");
    // The overwrite kept what CREATE made: constraints, properties, comments.
    assertThat(spark.sql("SHOW TBLPROPERTIES " + name).collectAsList().stream().map(r -> r.getString(0)))
        .contains("delta.constraints.amount_not_negative", "leancx.contract.version");
    assertThat(w.read(DAILY).schema().apply("day").getComment().get()).isEqualTo("The day");
    // Nothing is written by path under warehouse.path in catalog mode.
    assertThat(Files.exists(Path.of(w.settings().path(), "daily_things"))).isFalse();

    // A path-mode warehouse with the same database must not drop the managed table to re-point the name.
    Warehouse pathMode = new Warehouse(spark,
        new WarehouseSettings(HOME.resolve("jobs/target/test-warehouse/catalog_managed_path").toString(),
            "catalog_managed"));
    assertThatThrownBy(() -> pathMode.ensure(DAILY)).hasMessageContaining("is a MANAGED table");
    assertThat(w.read(DAILY).count()).isEqualTo(1);
    w.drop(DAILY);
    assertThat(w.exists(DAILY)).isFalse();
  }

  @Test
  void externalTablesLiveUnderThePrefixAndAreRegisteredAgainWhenTheCatalogForgetsThem() {
    Warehouse w = catalogWarehouse("catalog_external", "tables");
    String name = "spark_catalog.catalog_external.daily_things";
    w.replaceAll(DAILY, daily(new Object[] {"a", Date.valueOf("2024-01-01"), 1L}), "run-1");
    assertThat(tableType(name)).isEqualTo("EXTERNAL");
    assertThat(w.location(DAILY)).isEqualTo(w.settings().locationPrefix() + "/daily_things");
    assertThat(Files.isDirectory(Path.of(w.location(DAILY), "_delta_log"))).isTrue();
    spark.sql("DROP TABLE " + name); // what a new process with an in-memory catalog sees
    assertThat(w.exists(DAILY)).isFalse();
    w.registerExisting(List.of(DAILY));
    assertThat(w.exists(DAILY)).isTrue();
    assertThat(w.read(DAILY).count()).isEqualTo(1);
    assertThat(spark.sql("SHOW TBLPROPERTIES " + name).collectAsList().stream().map(r -> r.getString(0)))
        .contains("delta.constraints.amount_not_negative");
    assertThat(spark.catalog().currentCatalog()).isEqualTo("spark_catalog");
  }

  @Test
  void aManagedTableTheCatalogForgotIsAClearError() throws Exception {
    Warehouse w = catalogWarehouse("catalog_forgotten", null);
    spark.sql("CREATE SCHEMA IF NOT EXISTS spark_catalog.catalog_forgotten");
    // The folder a previous process's managed table left behind.
    Path left = CATALOG_DIR.resolve("catalog_forgotten.db/daily_things");
    Files.createDirectories(left);
    Files.writeString(left.resolve("part-00000.parquet"), "x");
    assertThatThrownBy(() -> w.ensure(DAILY))
        .hasMessageContaining("spark_catalog.catalog_forgotten.daily_things is not in catalog spark_catalog")
        .hasMessageContaining("warehouse.location-prefix")
        .hasMessageContaining("warehouse.mode = path");
  }
}
