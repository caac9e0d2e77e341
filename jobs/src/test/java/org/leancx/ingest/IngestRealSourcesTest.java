package org.leancx.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.leancx.common.Settings;
import org.leancx.common.SparkTestBase;
import org.leancx.common.Warehouse;

/** The shipped source mappings ingest the real public logs in ../shared/data/real with their known counts. */
@Tag("e2e") // the real public logs through the shipped mappings: heavy run
class IngestRealSourcesTest extends SparkTestBase {
  private static Warehouse warehouse;
  private static Settings settings;

  @BeforeAll
  static void setUp() {
    warehouse = warehouse("ingest-real");
    settings = settings();
  }

  private static void assumeReal(String file) {
    Assumptions.assumeTrue(
        Files.exists(REAL_DATA.resolve(file)), "Skipped: " + REAL_DATA.resolve(file) + " is absent (../shared not mounted)");
  }

  private static Dataset<Row> rowsOf(String source, org.leancx.common.TableContract table) {
    return warehouse.read(table).filter(col("source").equalTo(source));
  }

  @Test
  void bpic2016ComplaintsAsContacts() throws java.io.IOException {
    assumeReal("bpic2016_complaints.csv");
    IngestJob.Result r = IngestJob.run(warehouse, settings, "bpic2016_complaints", null);
    assertThat(r.inputRows()).isEqualTo(289);
    assertThat(r.accepted()).isEqualTo(289);
    assertThat(r.quarantined()).isZero();
    Dataset<Row> contacts = rowsOf("bpic2016_complaints", CanonicalTables.CONTACTS);
    assertThat(contacts.count()).isEqualTo(289);
    assertThat(contacts.select(countDistinct("customer_key")).first().getLong(0)).isEqualTo(226);
    Row first = contacts.filter(col("source_record").equalTo(1)).first();
    assertThat(first.<String>getAs("contact_id")).isEqualTo("220");
    assertThat(first.<String>getAs("channel")).isEqualTo("channel_8");
    assertThat(first.<String>getAs("reason")).isEqualTo("duration of treatment");
    assertThat(first.<String>getAs("direction")).isEqualTo("INBOUND");
    assertThat(first.getAs("contact_date").toString()).isEqualTo("2016-01-12");
    assertThat(first.<String>getAs("source_file")).isEqualTo("bpic2016_complaints.csv");
    assertThat(first.<String>getAs("customer_key")).hasSize(32).isNotEqualTo("1945807");
    assertThat(contacts.filter(col("attributes").getItem("gender").equalTo("V")).count()).isEqualTo(161);
    // ISO-8859-1 is decoded: the Dutch topics with accents survive, counted against a plain-Java read of the raw file
    // (3 lines "boos over beëindiging gesprek", 7 "ongeïnteresseerd / te weinig aandacht gekregen").
    Map<String, Long> accented = new TreeMap<>();
    try (Stream<String> lines = Files.lines(REAL_DATA.resolve("bpic2016_complaints.csv"), StandardCharsets.ISO_8859_1)) {
      lines.skip(1).map(l -> l.split(";", -1)[14]).filter(t -> t.matches(".*[\\u00C0-\\u00FF].*"))
          .forEach(t -> accented.merge(t, 1L, Long::sum));
    }
    assertThat(accented).containsEntry("boos over beëindiging gesprek", 3L)
        .containsEntry("ongeïnteresseerd / te weinig aandacht gekregen", 7L);
    Map<String, Long> ingested = new TreeMap<>();
    contacts.select(col("attributes").getItem("topic_nl").as("t")).where(col("t").rlike("[\\u00C0-\\u00FF]"))
        .groupBy("t").count().collectAsList().forEach(t -> ingested.put(t.getString(0), t.getLong(1)));
    assertThat(ingested).isEqualTo(accented);
  }

  @Test
  void helpdeskAsCaseEvents() {
    assumeReal("helpdesk_full.csv");
    IngestJob.Result r = IngestJob.run(warehouse, settings, "helpdesk", null);
    assertThat(r.inputRows()).isEqualTo(21_348);
    assertThat(r.accepted()).isEqualTo(21_348);
    Dataset<Row> events = rowsOf("helpdesk", CanonicalTables.CASE_EVENTS);
    assertThat(events.count()).isEqualTo(21_348);
    assertThat(events.select(countDistinct("case_id")).first().getLong(0)).isEqualTo(4_580);
    Row first = events.filter(col("source_record").equalTo(1)).first();
    assertThat(first.<String>getAs("event_id")).isEqualTo("helpdesk:helpdesk_full.csv:1");
    assertThat(first.<String>getAs("activity")).isEqualTo("Assign seriousness");
    assertThat(first.<String>getAs("lifecycle")).isEqualTo("complete");
    // 2010-01-13 08:40:25+02:00 is 06:40:25 UTC
    assertThat(first.getAs("occurred_at").toString()).isEqualTo("2010-01-13 06:40:25.0");
  }

  @Test
  void bpic2013IncidentsAsCaseEvents() {
    assumeReal("bpic2013_incidents.csv.gz");
    IngestJob.Result r = IngestJob.run(warehouse, settings, "bpic2013_incidents", null);
    assertThat(r.inputRows()).isEqualTo(65_533);
    assertThat(r.accepted()).isEqualTo(65_533);
    Dataset<Row> events = rowsOf("bpic2013_incidents", CanonicalTables.CASE_EVENTS);
    assertThat(events.select(countDistinct("case_id")).first().getLong(0)).isEqualTo(7_554);
    Row first = events.filter(col("source_record").equalTo(1)).first();
    assertThat(first.<String>getAs("case_id")).isEqualTo("1-364285768");
    assertThat(first.<String>getAs("team")).isEqualTo("V30");
    assertThat(first.getAs("occurred_at").toString()).isEqualTo("2010-03-31 14:59:42.0");
    assertThat(first.<scala.collection.Map<String, String>>getAs("attributes").get("sub_status").get())
        .isEqualTo("In Progress");
  }
}
