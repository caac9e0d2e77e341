package org.leancx.ingest;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.leancx.common.RunLog;
import org.leancx.common.Settings;
import org.leancx.common.SettingsException;
import org.leancx.common.SparkTestBase;
import org.leancx.common.Warehouse;

/**
 * Each validation rule on small CSV files written here: the record is quarantined with its reason code and a message
 * naming the file, the record and the value; file-level faults fail with the fix; input = accepted + quarantined +
 * duplicates; a rerun leaves identical tables.
 */
class IngestValidationTest extends SparkTestBase {
  private static final Path DIR = HOME.resolve("jobs/target/ingest-validation");
  private static final Path SOURCES = DIR.resolve("sources");
  private static Warehouse warehouse;

  private static final String HEADER = "id,customer,channel,dir,start,end,wait,reason,outcome,product";
  private static final String MAPPING =
      """
      target = contacts
      path = "%s"
      null-values = ["", "NULL"]
      timestamp-formats = ["yyyy-MM-dd HH:mm:ss", "dd/MM/yyyy HH:mm"]
      time-zone = "Europe/Amsterdam"
      columns {
        contact_id = id, customer_id = customer, channel = channel, direction = dir, started_at = start
        ended_at = end, wait_seconds = wait, reason = reason, outcome = outcome
      }
      value-maps { channel { Phone = phone, Chat = chat } }
      keep = [product]
      """;

  @BeforeAll
  static void setUp() {
    warehouse = warehouse("ingest-validation");
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

  /** Writes conf/sources/NAME.conf for the test mapping reading {@code input}. */
  private static void mapping(String name, Path input, String body) {
    write(SOURCES.resolve(name + ".conf"), body.formatted(input.toString()));
  }

  private static Settings settings(double maxRejectRate) {
    return settings("ingest.sources-dir=" + SOURCES, "ingest.max-reject-rate=" + maxRejectRate);
  }

  private static Map<Long, Row> quarantineByRecord(String source, String file) {
    Map<Long, Row> out = new HashMap<>();
    for (Row r :
        warehouse.read(CanonicalTables.QUARANTINE)
            .filter(col("source").equalTo(source).and(col("source_file").equalTo(file)))
            .collectAsList()) {
      out.put(r.<Long>getAs("source_record"), r);
    }
    return out;
  }

  private static List<String> sorted(String source, org.leancx.common.TableContract table) {
    return warehouse.read(table).filter(col("source").equalTo(source)).collectAsList().stream()
        .map(Row::toString).sorted().collect(Collectors.toList());
  }

  @Test
  void everyRuleQuarantinesWithItsReasonAndReconcilesAndRerunsIdentically() {
    Path folder = DIR.resolve("bad");
    write(folder.resolve("a.csv"), String.join("\n",
        HEADER,
        "c1,cust1,Phone,inbound,2024-03-01 10:00:00,2024-03-01 10:05:00,30,billing,resolved,p1",   // 1 ok
        "c2,cust2,Chat,inbound,2024-13-01 25:00,,,billing,resolved,p1",                            // 2 bad timestamp
        ",cust3,Phone,inbound,2024-03-01 10:00:00,,,billing,,p1",                                   // 3 missing id
        "c4,cust4,Phone,inbound,2024-03-01 10:00:00,2024-03-01 09:00:00,,billing,,p1",             // 4 ended before
        "c5,cust5,Phone,inbound,1970-01-01 00:00:00,,,billing,,p1",                                 // 5 too early
        "c6,cust6,Phone,inbound,2999-01-01 00:00:00,,,billing,,p1",                                 // 6 future
        "c7,cust7,Phone,2024-03-01 10:00:00",                                                       // 7 too few columns
        "c8,cust8,Phone,inbound,2024-03-01 10:00:00,,,billing,,p1,extra",                           // 8 too many
        "c9,cust9,Phone,inbound,2024-03-01 10:00:00,,-5,billing,,p1",                               // 9 negative wait
        "c1,cust1,Phone,inbound,2024-03-01 10:00:00,2024-03-01 10:05:00,30,billing,resolved,p1",   // 10 exact dup
        "c1,cust1,Phone,inbound,2024-03-01 11:00:00,2024-03-01 11:05:00,30,billing,resolved,p1",   // 11 conflict
        "c12,,Phone,inbound,2024-03-01 10:00:00,,,billing,,p1",                                     // 12 no customer
        "c13,cust13,Phone,sideways,2024-03-01 10:00:00,,,billing,,p1",                              // 13 bad direction
        "c14,cust14,Phone,inbound,2024-03-01 10:00:00,2025-06-01 10:00:00,,billing,,p1",           // 14 > 1 year
        "c15,cust15,Phone,NULL,2024-03-01 10:00:00,,abc,billing,,p1",                               // 15 wait not a number
        "c16,cust16,Phone,NULL,01/03/2024 10:00,,,billing,,p2",                                     // 16 ok, 2nd format
        "c17,cust17,Letter,outbound,2024-03-01 10:00:00,,,,,"                                       // 17 ok
        ) + "\n");
    // A second file with a BOM: record numbers restart at 1, the exact duplicate of a.csv's c1 is dropped.
    write(folder.resolve("b.csv"), "\uFEFF" + HEADER + "\n"
        + "c1,cust1,Phone,inbound,2024-03-01 10:00:00,2024-03-01 10:05:00,30,billing,resolved,p1\n"
        + "c21,cust21,Chat,inbound,2024-03-01 10:00,,,billing,,p1\n"
        + "c22,cust22,Chat,inbound,2024-03-02 10:00:00,,,billing,,p1\n");
    mapping("bad_contacts", folder, MAPPING);

    IngestJob.Result r = IngestJob.run(warehouse, settings(1.0), "bad_contacts", null);

    assertThat(r.inputRows()).isEqualTo(20);
    assertThat(r.accepted()).isEqualTo(4);
    assertThat(r.duplicates()).isEqualTo(2);
    assertThat(r.quarantined()).isEqualTo(14);
    assertThat(r.inputRows()).isEqualTo(r.accepted() + r.quarantined() + r.duplicates());

    Map<Long, Row> a = quarantineByRecord("bad_contacts", "a.csv");
    Map<Long, String> codes = new HashMap<>();
    a.forEach((k, v) -> codes.put(k, v.getAs("reason_code")));
    assertThat(codes).containsExactlyInAnyOrderEntriesOf(Map.ofEntries(
        Map.entry(2L, "BAD_TIMESTAMP"),
        Map.entry(3L, "MISSING_REQUIRED"),
        Map.entry(4L, "ENDED_BEFORE_STARTED"),
        Map.entry(5L, "IMPLAUSIBLE_DATE"),
        Map.entry(6L, "IMPLAUSIBLE_DATE"),
        Map.entry(7L, "MALFORMED_RECORD"),
        Map.entry(8L, "MALFORMED_RECORD"),
        Map.entry(9L, "BAD_NUMBER"),
        Map.entry(11L, "DUPLICATE_ID_CONFLICT"),
        Map.entry(12L, "MISSING_REQUIRED"),
        Map.entry(13L, "BAD_VALUE"),
        Map.entry(14L, "IMPLAUSIBLE_DURATION"),
        Map.entry(15L, "BAD_NUMBER")));
    assertThat(a.get(2L).<String>getAs("message"))
        .isEqualTo("a.csv record 2: start (started_at) '2024-13-01 25:00' does not parse with yyyy-MM-dd HH:mm:ss or"
            + " dd/MM/yyyy HH:mm (source bad_contacts); fix the value or add its format to timestamp-formats");
    assertThat(a.get(3L).<String>getAs("message")).startsWith("a.csv record 3: id (contact_id) is empty");
    assertThat(a.get(4L).<String>getAs("message"))
        .contains("end (ended_at) '2024-03-01 09:00:00' is before start (started_at) '2024-03-01 10:00:00'");
    assertThat(a.get(5L).<String>getAs("message")).contains("'1970-01-01 00:00:00' is before 1990-01-01");
    assertThat(a.get(6L).<String>getAs("message")).contains("'2999-01-01 00:00:00' is in the future, more than 2 day(s) after");
    assertThat(a.get(7L).<String>getAs("raw_record")).isEqualTo("c7,****,Phone,2024-03-01 10:00:00");
    assertThat(a.get(9L).<String>getAs("message")).contains("wait (wait_seconds) '-5' is not a number of seconds");
    assertThat(a.get(11L).<String>getAs("message"))
        .contains("contact_id 'c1' was already read from a.csv record 1 with other values of started_at, ended_at");
    assertThat(a.get(12L).<String>getAs("message")).contains("customer (customer_id) is empty");
    assertThat(a.get(13L).<String>getAs("message")).contains("dir (direction) 'SIDEWAYS' is neither INBOUND nor OUTBOUND");
    // Raw customer ids never reach the quarantine.
    assertThat(a.get(2L).<String>getAs("raw_record"))
        .isEqualTo("c2,****,Chat,inbound,2024-13-01 25:00,,,billing,resolved,p1");
    assertThat(warehouse.read(CanonicalTables.QUARANTINE).filter(col("raw_record").contains("cust")).count()).isZero();

    Map<Long, Row> b = quarantineByRecord("bad_contacts", "b.csv");
    assertThat(b).containsOnlyKeys(2L);
    assertThat(b.get(2L).<String>getAs("message")).startsWith("b.csv record 2: start (started_at) '2024-03-01 10:00'");

    Map<String, Row> contacts = new HashMap<>();
    for (Row row : warehouse.read(CanonicalTables.CONTACTS).filter(col("source").equalTo("bad_contacts")).collectAsList()) {
      contacts.put(row.getAs("contact_id"), row);
    }
    assertThat(contacts).containsOnlyKeys("c1", "c16", "c17", "c22");
    Row c1 = contacts.get("c1");
    assertThat(c1.<String>getAs("source_file")).isEqualTo("a.csv");
    assertThat(c1.<Long>getAs("source_record")).isEqualTo(1L);
    assertThat(c1.<String>getAs("channel")).isEqualTo("phone");
    assertThat(c1.<String>getAs("direction")).isEqualTo("INBOUND");
    assertThat(c1.getAs("started_at").toString()).isEqualTo("2024-03-01 09:00:00.0"); // Amsterdam is UTC+1 in March
    assertThat(c1.<Long>getAs("handle_seconds")).isEqualTo(300L);
    assertThat(c1.<Long>getAs("wait_seconds")).isEqualTo(30L);
    assertThat(c1.<String>getAs("customer_key")).hasSize(32);
    assertThat(contacts.get("c16").getAs("started_at").toString()).isEqualTo("2024-03-01 09:00:00.0");
    assertThat(contacts.get("c16").<scala.collection.Map<String, String>>getAs("attributes").get("product").get())
        .isEqualTo("p2");
    assertThat(contacts.get("c17").<String>getAs("channel")).isEqualTo("letter");
    assertThat(contacts.get("c17").<String>getAs("direction")).isEqualTo("OUTBOUND");
    assertThat(contacts.get("c22").<String>getAs("source_file")).isEqualTo("b.csv");
    assertThat(contacts.get("c22").<Long>getAs("source_record")).isEqualTo(3L);

    // The run log reconciles.
    Row run = warehouse.read(RunLog.PIPELINE_RUNS).filter(col("run_id").equalTo(r.runId())).first();
    Map<String, Long> counts = scala.jdk.javaapi.CollectionConverters.asJava(run.<scala.collection.Map<String, Long>>getAs("counts"));
    assertThat(counts.get("input_rows")).isEqualTo(counts.get("accepted") + counts.get("quarantined") + counts.get("duplicates"));
    assertThat(counts).containsEntry("input_rows", 20L).containsEntry("quarantined.MALFORMED_RECORD", 2L);
    assertThat(run.<String>getAs("status")).isEqualTo("SUCCEEDED");

    // A rerun leaves identical tables.
    List<String> contactsBefore = sorted("bad_contacts", CanonicalTables.CONTACTS);
    List<String> quarantineBefore = sorted("bad_contacts", CanonicalTables.QUARANTINE);
    IngestJob.Result again = IngestJob.run(warehouse, settings(1.0), "bad_contacts", null);
    assertThat(again.accepted()).isEqualTo(r.accepted());
    assertThat(sorted("bad_contacts", CanonicalTables.CONTACTS)).isEqualTo(contactsBefore);
    assertThat(sorted("bad_contacts", CanonicalTables.QUARANTINE)).isEqualTo(quarantineBefore);

    // Ranking every record in one window, as above ingest.broadcast-repeated-rows, gives the same tables as resolving
    // the records of repeated ids among themselves.
    IngestJob.Result ranked =
        IngestJob.run(
            warehouse,
            settings("ingest.sources-dir=" + SOURCES, "ingest.max-reject-rate=1.0", "ingest.broadcast-repeated-rows=0"),
            "bad_contacts",
            null);
    assertThat(List.of(ranked.accepted(), ranked.duplicates(), ranked.quarantined()))
        .containsExactly(r.accepted(), r.duplicates(), r.quarantined());
    assertThat(sorted("bad_contacts", CanonicalTables.CONTACTS)).isEqualTo(contactsBefore);
    assertThat(sorted("bad_contacts", CanonicalTables.QUARANTINE)).isEqualTo(quarantineBefore);
  }

  @Test
  void recordNumbersAreFileOrderWhenFilesAreSplitAcrossTasksAndPackedTogether() {
    // Many small splits of one big file, and two small files packed into one task: every record's number must
    // still be its position in its file (the contact id carries the expected number).
    Path folder = DIR.resolve("split");
    StringBuilder big = new StringBuilder(HEADER).append('\n');
    for (int n = 1; n <= 3000; n++) {
      String start = n % 1000 == 0 ? "bad time" : "2024-03-01 10:00:00";
      big.append("big-").append(n).append(",cust").append(n % 97).append(",Phone,inbound,").append(start)
          .append(",,,billing,,p1\n");
    }
    write(folder.resolve("a_big.csv"), big.toString());
    write(folder.resolve("b_small.csv"), HEADER + "\nsmall-1,cust1,Chat,inbound,2024-03-02 10:00:00,,,billing,,p1\n"
        + "small-2,cust2,Chat,inbound,2024-03-02 10:00:00,,,billing,,p1\n");
    write(folder.resolve("c_small.csv"), HEADER + "\nsmall-1x,cust1,Chat,inbound,2024-03-02 11:00:00,,,billing,,p1\n");
    mapping("split", folder, MAPPING);
    var conf = warehouse.spark().conf();
    String maxBytes = conf.get("spark.sql.files.maxPartitionBytes");
    String openCost = conf.get("spark.sql.files.openCostInBytes");
    conf.set("spark.sql.files.maxPartitionBytes", "8192");
    conf.set("spark.sql.files.openCostInBytes", "0");
    try {
      IngestJob.Result result = IngestJob.run(warehouse, settings(0.5), "split", null);
      assertThat(result.inputRows()).isEqualTo(3003);
      assertThat(result.quarantined()).isEqualTo(3);
    } finally {
      conf.set("spark.sql.files.maxPartitionBytes", maxBytes);
      conf.set("spark.sql.files.openCostInBytes", openCost);
    }
    List<Row> contacts = warehouse.read(CanonicalTables.CONTACTS)
        .filter(col("source").equalTo("split"))
        .select("source_file", "source_record", "contact_id")
        .collectAsList();
    assertThat(contacts).hasSize(3000);
    for (Row r : contacts) {
      String id = r.getString(2);
      String expected = id.startsWith("big-") ? id.substring(4) : id.equals("small-2") ? "2" : "1";
      assertThat(r.getLong(1)).as("record number of %s in %s", id, r.getString(0)).isEqualTo(Long.parseLong(expected));
    }
    assertThat(quarantineByRecord("split", "a_big.csv").keySet()).containsExactlyInAnyOrder(1000L, 2000L, 3000L);
  }

  @Test
  void aCustomerListIsPseudonymisedLikeContactsAndItsBadRowsAreQuarantined() {
    Path file = write(DIR.resolve("vulnerable.csv"), "customer,since,note\n"
        + "cust1,2024-01-05,bereavement\n"
        + ",2024-01-06,no id\n"
        + "cust2,5th of May,bad date\n"
        + "cust3,,\n"
        + "cust1,2024-01-05,bereavement\n");
    mapping("vulnerable", file, """
        target = customer_lists
        path = "%s"
        timestamp-formats = ["yyyy-MM-dd"]
        columns { customer_id = customer, listed_at = since }
        keep = [note]
        """);
    IngestJob.Result result = IngestJob.run(warehouse, settings(1.0), "vulnerable", null);
    // 5 records = 2 accepted + 1 duplicate + 2 quarantined.
    assertThat(result.summary()).contains("2 accepted", "2 quarantined", "1 duplicates");
    Map<Long, Row> q = quarantineByRecord("vulnerable", file.getFileName().toString());
    assertThat(q.keySet()).containsExactlyInAnyOrder(2L, 3L);
    assertThat(q.get(2L).<String>getAs("reason_code")).isEqualTo("MISSING_REQUIRED");
    assertThat(q.get(3L).<String>getAs("reason_code")).isEqualTo("BAD_TIMESTAMP");
    assertThat(q.get(3L).<String>getAs("message")).contains("record 3", "'5th of May'", "yyyy-MM-dd");
    List<Row> listed = warehouse.read(CanonicalTables.CUSTOMER_LISTS).where(col("source").equalTo("vulnerable"))
        .orderBy("source_record").collectAsList();
    assertThat(listed).hasSize(2);
    // The same key as the customer's contacts get: the lists join contacts on customer_key.
    Pseudonymizer keys = Pseudonymizer.from(settings(1.0));
    Row key = spark.range(1).select(keys.customerKey(org.apache.spark.sql.functions.lit("cust1"))).first();
    assertThat(listed.get(0).<String>getAs("customer_key")).isEqualTo(key.getString(0));
    assertThat(listed.get(0).<java.sql.Timestamp>getAs("listed_at")).isEqualTo(
        java.sql.Timestamp.from(java.time.Instant.parse("2024-01-05T00:00:00Z")));
    assertThat(listed.get(0).<String, String>getJavaMap(listed.get(0).fieldIndex("attributes")))
        .containsEntry("note", "bereavement");
    assertThat(listed.get(1).isNullAt(listed.get(1).fieldIndex("listed_at"))).isTrue();
    assertThat(listed.toString()).doesNotContain("cust1", "cust3");
  }

  @Test
  void rejectRateAboveThresholdFailsAfterWritingTheQuarantine() {
    Path file = write(DIR.resolve("mostly_bad.csv"), HEADER + "\n"
        + "m1,cust1,Phone,inbound,2024-03-01 10:00:00,,,billing,,p1\n"
        + "m2,cust2,Phone,inbound,not a time,,,billing,,p1\n");
    mapping("mostly_bad", file, MAPPING);
    assertThatThrownBy(() -> IngestJob.run(warehouse, settings(0.05), "mostly_bad", null))
        .isInstanceOf(IngestException.class)
        .hasMessageContaining("Source mostly_bad rejected 1 of 2 records (50.0%), more than ingest.max-reject-rate 5.0%")
        .hasMessageContaining("WHERE source = 'mostly_bad'");
    assertThat(warehouse.read(CanonicalTables.QUARANTINE).filter(col("source").equalTo("mostly_bad")).count()).isEqualTo(1);
    assertThat(!warehouse.exists(CanonicalTables.CONTACTS)
        || warehouse.read(CanonicalTables.CONTACTS).filter(col("source").equalTo("mostly_bad")).count() == 0).isTrue();
  }

  @Test
  void fileLevelFaultsFailWithTheFileAndTheFix() {
    Path missingColumn = write(DIR.resolve("missing_column.csv"),
        "id,customer,channel,dir,start_tm,end,wait,reason,outcome,product\nx1,c,Phone,inbound,2024-03-01 10:00:00,,,,,\n");
    mapping("missing_column", missingColumn, MAPPING);
    assertThatThrownBy(() -> IngestJob.run(warehouse, settings(1.0), "missing_column", null))
        .isInstanceOf(IngestException.class)
        .hasMessageContaining(missingColumn.toString())
        .hasMessageContaining("has no column 'start', which")
        .hasMessageContaining("columns.started_at")
        .hasMessageContaining("did you mean 'start_tm'?");

    Path empty = write(DIR.resolve("empty.csv"), "");
    mapping("empty_file", empty, MAPPING);
    assertThatThrownBy(() -> IngestJob.run(warehouse, settings(1.0), "empty_file", null))
        .isInstanceOf(IngestException.class)
        .hasMessageContaining(empty.toString())
        .hasMessageContaining("is empty (0 bytes)");

    mapping("no_files", DIR.resolve("nothing-here/*.csv"), MAPPING);
    assertThatThrownBy(() -> IngestJob.run(warehouse, settings(1.0), "no_files", null))
        .isInstanceOf(IngestException.class)
        .hasMessageContaining("No input files at " + DIR.resolve("nothing-here/*.csv"))
        .hasMessageContaining("leancx generate");

    Path headerOnly = write(DIR.resolve("header_only.csv"), HEADER + "\n");
    mapping("header_only", headerOnly, MAPPING);
    assertThatThrownBy(() -> IngestJob.run(warehouse, settings(1.0), "header_only", null))
        .isInstanceOf(IngestException.class)
        .hasMessageContaining("has no records")
        .hasMessageContaining("header only");
  }

  @Test
  void mappingErrorsNameTheKeyAndTheNearestValidOne() {
    Path file = DIR.resolve("any.csv");
    mapping("typo_key", file, MAPPING.replace("null-values", "null-valus"));
    assertThatThrownBy(() -> SourceMapping.load(settings(1.0), "typo_key", null))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("Unknown key null-valus")
        .hasMessageContaining("did you mean null-values?");
    mapping("typo_field", file, MAPPING.replace("started_at = start", "start_at = start"));
    assertThatThrownBy(() -> SourceMapping.load(settings(1.0), "typo_field", null))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("Unknown field columns.start_at")
        .hasMessageContaining("did you mean started_at?");
    mapping("bad_format", file, MAPPING + "\nformat = xml\n");
    assertThatThrownBy(() -> SourceMapping.load(settings(1.0), "bad_format", null))
        .hasMessageContaining("format = 'xml'")
        .hasMessageContaining("use csv (also .gz), json, parquet or delta");
    assertThatThrownBy(() -> SourceMapping.load(settings(1.0), "bad_contact", null))
        .hasMessageContaining("did you mean --source bad_contacts?");
  }

  /** The surveys target: scores on their scales, a contact or a case required, and no row lost. */
  @Test
  void badScoresAndSurveysAboutNothingAreQuarantinedAndEveryRowIsAccountedFor() {
    Path file = write(DIR.resolve("surveys/surveys.csv"), "id,customer,contact,case,answered,nps,csat,reliability\n"
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
