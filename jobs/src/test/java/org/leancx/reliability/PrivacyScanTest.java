package org.leancx.reliability;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.to_json;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.leancx.cli.Contracts;
import org.leancx.cli.DemoFixture;
import org.leancx.common.RunLog;
import org.leancx.common.Settings;
import org.leancx.common.SparkTestBase;
import org.leancx.common.TableContract;
import org.leancx.common.Warehouse;

/**
 * Scans every string, array and map value of every output table of the shared demo run for the raw customer ids of
 * the input and for the pseudonymisation key: none is found.
 */
@Tag("e2e")
class PrivacyScanTest extends SparkTestBase {

  /** Every string value of a row (strings as they are, arrays, maps and structs as JSON) joined into one column. */
  private static Dataset<Row> allText(Dataset<Row> table, String name) {
    List<Column> parts = new ArrayList<>();
    for (StructField f : table.schema().fields()) {
      if (f.dataType().equals(DataTypes.StringType)) {
        parts.add(col("`" + f.name() + "`"));
      } else if (f.dataType() instanceof ArrayType || f.dataType() instanceof MapType
          || f.dataType() instanceof StructType) {
        parts.add(to_json(col("`" + f.name() + "`")));
      }
    }
    if (parts.isEmpty()) {
      return table.sparkSession().emptyDataFrame().select(lit(name).as("table"), lit("").as("text")).limit(0);
    }
    return table.select(lit(name).as("table"), concat_ws("\u0001", parts.toArray(Column[]::new)).as("text"));
  }

  @Test
  void noOutputTableHoldsARawCustomerIdOrTheKey() {
    Warehouse warehouse = DemoFixture.warehouse();
    Dataset<Row> ids =
        spark.read().option("header", true).csv(DemoFixture.rawExports().resolve("contacts").toString())
            .select(col("customer_number").as("id"))
            .union(spark.read().option("header", true).csv(DemoFixture.rawExports().resolve("case_events").toString())
                .select(col("customer_number").as("id")))
            .where(col("id").isNotNull())
            .distinct()
            .cache();
    long idCount = ids.count();
    assertThat(idCount).as("raw customer ids in the demo's input").isGreaterThan(DemoFixture.CUSTOMERS / 2);

    Settings settings = settings();
    String key = settings.config().getString("privacy.key");
    Dataset<Row> needles = ids.union(spark.createDataset(List.of(key), org.apache.spark.sql.Encoders.STRING()).toDF("id"));

    Dataset<Row> text = null;
    List<String> scanned = new ArrayList<>();
    long rows = 0;
    for (TableContract contract : Contracts.all()) {
      if (!warehouse.exists(contract)) {
        continue;
      }
      Dataset<Row> table = warehouse.read(contract);
      rows += table.count();
      scanned.add(contract.name());
      Dataset<Row> t = allText(table, contract.name());
      text = text == null ? t : text.union(t);
    }
    assertThat(scanned).as("tables of the demo run").contains("contacts", "case_events", "pipeline_runs");
    List<Row> leaks =
        text.join(broadcast(needles), expr("instr(text, id) > 0")).select("table", "id").distinct().limit(20)
            .collectAsList();
    assertThat(leaks).as("raw customer ids or the key found in %s (%d rows scanned)", scanned, rows).isEmpty();
    // The scan does find ids where they are: in the raw export itself.
    Dataset<Row> rawText = allText(
        spark.read().option("header", true).csv(DemoFixture.rawExports().resolve("contacts").toString()), "raw");
    assertThat(rawText.join(broadcast(needles), expr("instr(text, id) > 0")).select("id").distinct().count())
        .isEqualTo(spark.read().option("header", true).csv(DemoFixture.rawExports().resolve("contacts").toString())
            .select("customer_number").where(col("customer_number").isNotNull()).distinct().count());
    System.out.printf("Privacy scan: %d tables, %d rows, %d raw customer ids + the key, 0 found%n",
        scanned.size(), rows, idCount);
  }

  @Test
  void theKeyIsMaskedInTheConfigEchoAndRunLog() {
    Settings settings = settings();
    String key = settings.config().getString("privacy.key");
    assertThat(settings.maskedEntries()).containsEntry("privacy.key", "****");
    assertThat(settings.maskedEntries().values()).noneMatch(v -> v.contains(key));
    Dataset<Row> runs = DemoFixture.warehouse().read(RunLog.PIPELINE_RUNS);
    assertThat(runs.count()).isPositive();
    assertThat(allText(runs, "pipeline_runs").where(col("text").contains(key)).count()).isZero();
  }
}
