package org.leancx.ingest;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.leancx.common.SparkTestBase;
import org.leancx.common.Warehouse;

/** JSON lines (with a malformed line), Parquet and Delta inputs are read as strings and numbered per file. */
@Tag("e2e") // three formats, each through the whole ingest job: heavy run
class OtherFormatsTest extends SparkTestBase {
  private static final Path DIR = HOME.resolve("jobs/target/ingest-formats");

  private static final String MAPPING =
      """
      target = case_events
      format = %s
      path = "%s"
      timestamp-formats = ["yyyy-MM-dd HH:mm:ss"]
      columns { event_id = id, case_id = case, activity = what, occurred_at = at, customer_id = who }
      keep = [n]
      """;

  @Test
  void jsonParquetAndDelta() throws IOException {
    Warehouse warehouse = warehouse("ingest-formats");
    deleteRecursively(DIR);
    Path sources = DIR.resolve("sources");
    Files.createDirectories(sources);

    Path json = DIR.resolve("events.json");
    Files.writeString(json,
        "{\"id\": \"j1\", \"case\": \"K1\", \"what\": \"open\", \"at\": \"2024-05-01 10:00:00\", \"who\": \"u1\", \"n\": 3}\n"
            + "{\"id\": \"j2\", \"case\": \"K1\", \"what\": \"close\"\n"
            + "{\"id\": \"j3\", \"case\": \"K1\", \"what\": \"close\", \"at\": \"2024-05-02 10:00:00\", \"who\": \"u1\", \"n\": 4.5}\n");
    Files.writeString(sources.resolve("events_json.conf"), MAPPING.formatted("json", json));

    StructType schema = new StructType().add("id", DataTypes.StringType).add("case", DataTypes.StringType)
        .add("what", DataTypes.StringType).add("at", DataTypes.StringType).add("who", DataTypes.LongType)
        .add("n", DataTypes.IntegerType);
    Dataset<Row> data = rows(schema,
        new Object[] {"p1", "K2", "open", "2024-05-01 10:00:00", 7L, 1},
        new Object[] {"p2", "K2", "close", "2024-05-01 11:00:00", 7L, 2});
    Path parquet = DIR.resolve("parquet");
    data.coalesce(1).write().parquet(parquet.toString());
    Files.writeString(sources.resolve("events_parquet.conf"), MAPPING.formatted("parquet", parquet));
    Path delta = DIR.resolve("delta");
    data.coalesce(1).write().format("delta").save(delta.toString());
    Files.writeString(sources.resolve("events_delta.conf"), MAPPING.formatted("delta", delta));

    var settings = settings("ingest.sources-dir=" + sources, "ingest.max-reject-rate=0.5");
    IngestJob.Result j = IngestJob.run(warehouse, settings, "events_json", null);
    assertThat(List.of(j.inputRows(), j.accepted(), j.quarantined())).containsExactly(3L, 2L, 1L);
    assertThat(j.quarantinedByReason()).containsEntry("MALFORMED_RECORD", 1L);
    Row q = warehouse.read(CanonicalTables.QUARANTINE).filter(col("source").equalTo("events_json")).first();
    assertThat(q.<String>getAs("source_file")).isEqualTo("events.json");
    assertThat(q.<Long>getAs("source_record")).isEqualTo(2L);
    Row j3 = warehouse.read(CanonicalTables.CASE_EVENTS).filter(col("event_id").equalTo("j3")).first();
    assertThat(j3.<Long>getAs("source_record")).isEqualTo(3L);
    assertThat(j3.<scala.collection.Map<String, String>>getAs("attributes").get("n").get()).isEqualTo("4.5");

    IngestJob.Result p = IngestJob.run(warehouse, settings, "events_parquet", null);
    assertThat(List.of(p.inputRows(), p.accepted())).containsExactly(2L, 2L);
    Row p2 = warehouse.read(CanonicalTables.CASE_EVENTS).filter(col("event_id").equalTo("p2")).first();
    assertThat(p2.<Long>getAs("source_record")).isEqualTo(2L);
    assertThat(p2.<String>getAs("source_file")).startsWith("part-").endsWith(".parquet");

    IngestJob.Result d = IngestJob.run(warehouse, settings, "events_delta", null);
    assertThat(List.of(d.inputRows(), d.accepted())).containsExactly(2L, 2L);
    assertThat(warehouse.read(CanonicalTables.CASE_EVENTS).filter(col("source").equalTo("events_delta"))
        .select("customer_key").distinct().count()).isEqualTo(1);
  }
}
