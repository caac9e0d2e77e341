package org.leancx.ingest;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.leancx.common.Settings;
import org.leancx.common.SparkTestBase;
import org.leancx.common.Warehouse;

/** The surveys target: scores on their scales, a contact or a case required, and no row lost. */
class SurveyIngestTest extends SparkTestBase {
  private static final Path DIR = HOME.resolve("jobs/target/survey-ingest");
  private static final Path SOURCES = DIR.resolve("sources");
  private static Warehouse warehouse;

  @BeforeAll
  static void setUp() {
    warehouse = warehouse("survey-ingest");
    deleteRecursively(DIR);
  }

  private static Path write(Path file, String content) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, content, StandardCharsets.UTF_8);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void badScoresAndSurveysAboutNothingAreQuarantinedAndEveryRowIsAccountedFor() {
    Path file = write(DIR.resolve("surveys.csv"), "id,customer,contact,case,answered,nps,csat,reliability\n"
        + "s1,cust1,c1,,2026-06-01 10:00:00,9,5,4\n"          // 1 accepted
        + "s2,cust2,,K2,2026-06-02 10:00:00,11,3,\n"           // 2 BAD_VALUE: nps 11
        + "s3,cust3,,,2026-06-03 10:00:00,5,2,\n"              // 3 MISSING_REQUIRED: neither contact nor case
        + "s4,cust4,c4,,2026-06-04 10:00:00,7,6,\n"            // 4 BAD_VALUE: csat 6
        + "s5,cust5,c5,,2026-06-05 10:00:00,abc,4,\n"          // 5 BAD_NUMBER: nps abc
        + "s6,cust6,c6,,2026-06-06 10:00:00,,,\n"              // 6 accepted, no scores
        + "s1,cust1,c1,,2026-06-01 10:00:00,9,5,4\n"           // 7 duplicate of record 1
        + "s7,cust7,c7,,2026-06-07 10:00:00,7.5,4,\n"          // 8 BAD_VALUE: not a whole number
        + "s8,cust8,,K8,2026-06-08 10:00:00,0,1,\n");          // 9 accepted: both scales' lower ends
    write(SOURCES.resolve("test_surveys.conf"), """
        target = surveys
        path = "%s"
        columns {
          survey_id = id, customer_id = customer, contact_id = contact, case_id = case, answered_at = answered
          nps = nps, csat = csat
        }
        keep { servqual_reliability = reliability }
        """.formatted(file));
    Settings s = settings("ingest.sources-dir=" + SOURCES, "ingest.max-reject-rate=1.0");

    IngestJob.Result r = IngestJob.run(warehouse, s, "test_surveys", null);

    assertThat(r.inputRows()).isEqualTo(9);
    assertThat(r.inputRows())
        .as("input = inserted + updated + duplicates + superseded + quarantined")
        .isEqualTo(r.inserted() + r.updated() + r.duplicates() + r.superseded() + r.quarantined());
    assertThat(r.accepted()).isEqualTo(3);
    assertThat(r.duplicates()).isEqualTo(1);
    assertThat(r.quarantinedByReason())
        .containsExactlyInAnyOrderEntriesOf(Map.of("BAD_VALUE", 3L, "MISSING_REQUIRED", 1L, "BAD_NUMBER", 1L));

    Map<Long, Row> q = new HashMap<>();
    for (Row row : warehouse.read(CanonicalTables.QUARANTINE).where(col("source").equalTo("test_surveys"))
        .collectAsList()) {
      q.put(row.<Long>getAs("source_record"), row);
    }
    assertThat(q.keySet()).containsExactlyInAnyOrder(2L, 3L, 4L, 5L, 8L);
    assertThat(q.get(2L).<String>getAs("reason_code")).isEqualTo("BAD_VALUE");
    assertThat(q.get(2L).<String>getAs("message"))
        .contains("surveys.csv record 2", "nps", "'11'", "0 to 10", "value-maps.nps");
    assertThat(q.get(3L).<String>getAs("reason_code")).isEqualTo("MISSING_REQUIRED");
    assertThat(q.get(3L).<String>getAs("message")).contains("record 3", "neither a contact", "contact", "case");
    assertThat(q.get(4L).<String>getAs("reason_code")).isEqualTo("BAD_VALUE");
    assertThat(q.get(4L).<String>getAs("message")).contains("record 4", "csat", "'6'", "1 to 5");
    assertThat(q.get(5L).<String>getAs("reason_code")).isEqualTo("BAD_NUMBER");
    assertThat(q.get(5L).<String>getAs("message")).contains("record 5", "'abc'");
    assertThat(q.get(8L).<String>getAs("reason_code")).isEqualTo("BAD_VALUE");
    assertThat(q.get(8L).<String>getAs("raw_record")).doesNotContain("cust7");

    List<Row> stored = warehouse.read(CanonicalTables.SURVEYS).where(col("source").equalTo("test_surveys"))
        .orderBy("survey_id").collectAsList();
    assertThat(stored).extracting(row -> row.<String>getAs("survey_id")).containsExactly("s1", "s6", "s8");
    Row s1 = stored.get(0);
    assertThat(s1.<Integer>getAs("nps")).isEqualTo(9);
    assertThat(s1.<Integer>getAs("csat")).isEqualTo(5);
    assertThat(s1.<String>getAs("contact_id")).isEqualTo("c1");
    assertThat(s1.<String, String>getJavaMap(s1.fieldIndex("attributes"))).containsEntry("servqual_reliability", "4");
    assertThat(s1.<java.sql.Date>getAs("answer_date")).isEqualTo(java.sql.Date.valueOf("2026-06-01"));
    Pseudonymizer keys = Pseudonymizer.from(s);
    Row key = spark.range(1).select(keys.customerKey(org.apache.spark.sql.functions.lit("cust1"))).first();
    assertThat(s1.<String>getAs("customer_key")).isEqualTo(key.getString(0));
    Row s6 = stored.get(1);
    assertThat(s6.isNullAt(s6.fieldIndex("nps")) && s6.isNullAt(s6.fieldIndex("csat"))).isTrue();
    Row s8 = stored.get(2);
    assertThat(s8.<Integer>getAs("nps")).isZero();
    assertThat(s8.<Integer>getAs("csat")).isEqualTo(1);
    assertThat(s8.<String>getAs("case_id")).isEqualTo("K8");
  }
}
