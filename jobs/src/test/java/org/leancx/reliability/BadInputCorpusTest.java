package org.leancx.reliability;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_format;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.leancx.common.RunLog;
import org.leancx.common.Settings;
import org.leancx.common.SparkTestBase;
import org.leancx.common.Warehouse;
import org.leancx.ingest.CanonicalTables;
import org.leancx.ingest.IngestException;
import org.leancx.ingest.IngestJob;

/**
 * The bad-input corpus (jobs/src/test/resources/corpus): every kind of bad input is either accepted correctly,
 * quarantined with its reason code and a message naming the file, the record and the value, or (file-level faults)
 * fails with a message naming the fix; and every run reconciles input = accepted + quarantined + duplicates.
 */
@Tag("e2e") // the corpus through the whole job (each rule: IngestValidationTest): heavy run
class BadInputCorpusTest extends SparkTestBase {
  private static final Path CORPUS = HOME.resolve("jobs/src/test/resources/corpus");
  private static final Path DIR = HOME.resolve("jobs/target/bad-input-corpus");
  private static final Path SOURCES = DIR.resolve("sources");
  private static final int HUGE = 1 << 20;
  private static Warehouse warehouse;

  private static final String MAPPING =
      """
      target = contacts
      path = "%s"
      null-values = ["", "NULL"]
      timestamp-formats = ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ssXXX"]
      time-zone = "Europe/Amsterdam"
      csv.encoding = "%s"
      columns {
        contact_id = id, customer_id = customer, channel = channel, direction = dir, started_at = start
        ended_at = end, wait_seconds = wait, reason = reason, outcome = outcome
      }
      value-maps { channel { Phone = phone, Chat = chat } }
      """;

  /** One quarantined record: file, record number, reason code and a piece of the message naming the value. */
  private record Bad(String file, long record, String code, String value) {}

  private static final List<Bad> EXPECTED_QUARANTINE =
      List.of(
          new Bad("01_malformed_timestamps.csv", 1, "BAD_TIMESTAMP", "start (started_at) '2024-13-01 25:00:00'"),
          new Bad("01_malformed_timestamps.csv", 2, "BAD_TIMESTAMP", "start (started_at) 'yesterday'"),
          new Bad("01_malformed_timestamps.csv", 3, "BAD_TIMESTAMP", "end (ended_at) '2024-03-01 10:99:00'"),
          new Bad("01_malformed_timestamps.csv", 4, "BAD_TIMESTAMP", "start (started_at) '2024-02-30 10:00:00'"),
          new Bad("02_other_format_and_zone.csv", 5, "BAD_TIMESTAMP", "'03/01/2024 10:00'"),
          new Bad("02_other_format_and_zone.csv", 6, "BAD_TIMESTAMP", "'2024-03-01 10:00:00 PST'"),
          new Bad("03_ended_before_started.csv", 1, "ENDED_BEFORE_STARTED", "'2024-03-01 09:59:59' is before"),
          new Bad("03_ended_before_started.csv", 3, "ENDED_BEFORE_STARTED", "'2024-03-01 23:00:00' is before"),
          new Bad("04_null_blank_ids.csv", 1, "MISSING_REQUIRED", "id (contact_id) is empty"),
          new Bad("04_null_blank_ids.csv", 2, "MISSING_REQUIRED", "id (contact_id) is empty"),
          new Bad("04_null_blank_ids.csv", 3, "MISSING_REQUIRED", "id (contact_id) is empty"),
          new Bad("04_null_blank_ids.csv", 4, "MISSING_REQUIRED", "customer (customer_id) is empty"),
          new Bad("04_null_blank_ids.csv", 5, "MISSING_REQUIRED", "customer (customer_id) is empty"),
          new Bad("05_duplicate_ids.csv", 3, "DUPLICATE_ID_CONFLICT", "contact_id 'd1' was already read"),
          new Bad("05_duplicate_ids.csv", 5, "DUPLICATE_ID_CONFLICT", "contact_id 'd2' was already read"),
          new Bad("06_column_count_and_quoting.csv", 1, "MALFORMED_RECORD", ""),
          new Bad("06_column_count_and_quoting.csv", 2, "MALFORMED_RECORD", ""),
          new Bad("06_column_count_and_quoting.csv", 4, "MALFORMED_RECORD", ""),
          new Bad("08_absurd_durations.csv", 1, "BAD_NUMBER", "wait (wait_seconds) '-5'"),
          new Bad("08_absurd_durations.csv", 2, "BAD_NUMBER", "wait (wait_seconds) '40000000'"),
          new Bad("08_absurd_durations.csv", 3, "IMPLAUSIBLE_DURATION", ""),
          new Bad("09_far_future_and_past.csv", 1, "IMPLAUSIBLE_DATE", "'2999-01-01 00:00:00' is in the future"),
          new Bad("09_far_future_and_past.csv", 2, "IMPLAUSIBLE_DATE", "'9999-12-31 23:59:59' is in the future"),
          new Bad("09_far_future_and_past.csv", 3, "IMPLAUSIBLE_DATE", "'1970-01-01 00:00:00' is before 1990-01-01"));

  @BeforeAll
  static void setUp() throws IOException {
    warehouse = warehouse("bad-input-corpus");
    deleteRecursively(DIR);
    Files.createDirectories(SOURCES);
    write("corpus", DIR.resolve("rows"), "UTF-8");
    write("corpus_latin1", CORPUS.resolve("files/latin1"), "ISO-8859-1");
    write("corpus_files", CORPUS.resolve("files"), "UTF-8"); // always run with --path
    // The row-level corpus plus a generated file with a 1 MB cell (too big to commit).
    Path rows = Files.createDirectories(DIR.resolve("rows"));
    try (Stream<Path> files = Files.list(CORPUS.resolve("rows"))) {
      for (Path f : files.toList()) {
        Files.copy(f, rows.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    Files.writeString(rows.resolve("11_huge_field.csv"),
        "id,customer,channel,dir,start,end,wait,reason,outcome\n"
            + "h1,cust-h1,Phone,inbound,2024-03-01 10:00:00,,,\"" + "x".repeat(HUGE) + "\",resolved\n",
        StandardCharsets.UTF_8);
  }

  private static void write(String name, Path input, String encoding) {
    try {
      Files.writeString(SOURCES.resolve(name + ".conf"), MAPPING.formatted(input.toString(), encoding));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Settings settings() {
    return settings("ingest.sources-dir=" + SOURCES, "ingest.max-reject-rate=1.0");
  }

  private static Map<String, Row> contacts(String source) {
    Map<String, Row> out = new HashMap<>();
    for (Row r : warehouse.read(CanonicalTables.CONTACTS).filter(col("source").equalTo(source))
        .withColumn("started_utc", date_format(col("started_at"), "yyyy-MM-dd HH:mm:ss")).collectAsList()) {
      out.put(r.getAs("contact_id"), r);
    }
    return out;
  }

  private static Map<String, Long> runCounts(String runId) {
    Row run = warehouse.read(RunLog.PIPELINE_RUNS).filter(col("run_id").equalTo(runId)).first();
    return scala.jdk.javaapi.CollectionConverters.asJava(run.<scala.collection.Map<String, Long>>getAs("counts"));
  }

  @Test
  void everyRowLevelKindIsAcceptedCorrectlyOrQuarantinedWithItsReasonAndReconciles() {
    IngestJob.Result r = IngestJob.run(warehouse, settings(), "corpus", null);

    // input = accepted + quarantined + duplicates, in the result and in pipeline_runs.
    assertThat(r.files()).isEqualTo(11);
    assertThat(r.inputRows()).isEqualTo(43);
    assertThat(r.quarantined()).isEqualTo(EXPECTED_QUARANTINE.size());
    assertThat(r.duplicates()).isEqualTo(1);
    assertThat(r.accepted()).isEqualTo(18);
    assertThat(r.inputRows()).isEqualTo(r.accepted() + r.quarantined() + r.duplicates());
    Map<String, Long> counts = runCounts(r.runId());
    assertThat(counts.get("input_rows"))
        .isEqualTo(43L)
        .isEqualTo(counts.get("accepted") + counts.get("quarantined") + counts.get("duplicates"));

    // Every quarantined record: its reason code, and a message naming the file, the record and the value.
    Map<String, Row> quarantine = new HashMap<>();
    for (Row q : warehouse.read(CanonicalTables.QUARANTINE).filter(col("source").equalTo("corpus")).collectAsList()) {
      quarantine.put(q.getAs("source_file") + "#" + q.getAs("source_record"), q);
    }
    assertThat(quarantine).hasSize(EXPECTED_QUARANTINE.size());
    for (Bad bad : EXPECTED_QUARANTINE) {
      Row q = quarantine.get(bad.file() + "#" + bad.record());
      assertThat(q).as("quarantined %s record %d", bad.file(), bad.record()).isNotNull();
      assertThat(q.<String>getAs("reason_code")).as("%s record %d", bad.file(), bad.record()).isEqualTo(bad.code());
      assertThat(q.<String>getAs("message"))
          .as("%s record %d", bad.file(), bad.record())
          .startsWith(bad.file() + " record " + bad.record() + ":")
          .contains(bad.value());
    }
    // Raw customer ids never reach the quarantine (masked as ****).
    assertThat(quarantine.values()).noneMatch(q -> q.<String>getAs("raw_record").contains("cust-"));

    Map<String, Row> accepted = contacts("corpus");
    assertThat(accepted).containsOnlyKeys(
        "t5", "z1", "z2", "z3", "z4", "e2", "n6", "d1", "d2", "q3", "q5", "q6", "b1", "a4", "f4", "u1", "u2", "h1");
    // Another format or time zone: zone-less values are Amsterdam time, offsets are honoured; all stored in UTC.
    assertThat(accepted.get("z1").<String>getAs("started_utc")).isEqualTo("2024-03-01 09:00:00");
    assertThat(accepted.get("z2").<String>getAs("started_utc")).isEqualTo("2024-07-01 08:00:00");
    assertThat(accepted.get("z3").<String>getAs("started_utc")).isEqualTo("2024-03-01 05:00:00");
    assertThat(accepted.get("z4").<String>getAs("started_utc")).isEqualTo("2024-03-01 10:00:00");
    // Ended exactly when started: zero handle time.
    assertThat(accepted.get("e2").<Long>getAs("handle_seconds")).isZero();
    // Duplicate ids: the first record is kept.
    assertThat(accepted.get("d1").<Long>getAs("source_record")).isEqualTo(1L);
    assertThat(accepted.get("d2").<String>getAs("reason")).isEqualTo("billing");
    // Quoting: a quoted separator and an escaped quote are values, not faults.
    assertThat(accepted.get("q3").<String>getAs("reason")).isEqualTo("billing, with comma");
    assertThat(accepted.get("q5").<String>getAs("reason")).isEqualTo("bill\"ing");
    // BOM: ignored, the header's first column is still found.
    assertThat(accepted.get("b1").<String>getAs("source_file")).isEqualTo("07_bom.csv");
    assertThat(accepted.get("a4").<Long>getAs("handle_seconds")).isEqualTo(3600L);
    // Unknown reasons and channels are kept as given (lower-cased channel); the taxonomy decides later.
    assertThat(accepted.get("u1").<String>getAs("channel")).isEqualTo("carrier pigeon");
    assertThat(accepted.get("u1").<String>getAs("reason")).isEqualTo("zzz_not_in_taxonomy");
    assertThat(accepted.get("u2").<String>getAs("channel")).isEqualTo("chat");
    // A 1 MB cell is read whole.
    assertThat(accepted.get("h1").<String>getAs("reason")).hasSize(HUGE);
    assertThat(accepted.values()).allMatch(a -> a.<String>getAs("customer_key").length() == 32);
  }

  @Test
  void encodingAndExtraColumnsAreReadAsMapped() {
    // Latin-1 export with the mapping's csv.encoding: the umlaut and sharp s survive.
    IngestJob.Result latin = IngestJob.run(warehouse, settings(), "corpus_latin1", null);
    assertThat(latin.accepted()).isEqualTo(1);
    assertThat(contacts("corpus_latin1").get("l1").<String>getAs("reason")).isEqualTo("M\u00fcller Stra\u00dfe");

    // The same file read as UTF-8 (the wrong encoding): known gap, the bytes become U+FFFD and the row is accepted.
    IngestJob.Result wrong = IngestJob.run(warehouse, settings(), "corpus_files", CORPUS.resolve("files/latin1").toString());
    assertThat(wrong.inputRows()).isEqualTo(wrong.accepted() + wrong.quarantined() + wrong.duplicates());
    assertThat(contacts("corpus_files").get("l1").<String>getAs("reason")).contains("\uFFFD");

    // An extra, unmapped column is ignored.
    IngestJob.Result extra = IngestJob.run(warehouse, settings(), "corpus_files", CORPUS.resolve("files/extra_column").toString());
    assertThat(extra.inputRows()).isEqualTo(1);
    assertThat(extra.accepted()).isEqualTo(1);
    Row x1 = contacts("corpus_files").get("x1");
    assertThat(x1.<String>getAs("reason")).isEqualTo("billing");
    assertThat(x1.toString()).doesNotContain("free text not mapped");
  }

  @Test
  void fileLevelFaultsFailBeforeWritingWithTheFileAndTheFix() {
    Path empty = CORPUS.resolve("files/empty.csv");
    assertThatThrownBy(() -> IngestJob.run(warehouse, settings(), "corpus_files", empty.toString()))
        .isInstanceOf(IngestException.class)
        .hasMessageContaining(empty.toString())
        .hasMessageContaining("is empty (0 bytes)");

    Path headerOnly = CORPUS.resolve("files/header_only.csv");
    assertThatThrownBy(() -> IngestJob.run(warehouse, settings(), "corpus_files", headerOnly.toString()))
        .isInstanceOf(IngestException.class)
        .hasMessageContaining("header_only.csv")
        .hasMessageContaining("has no records")
        .hasMessageContaining("check the export");

    Path missing = CORPUS.resolve("files/missing_column.csv");
    assertThatThrownBy(() -> IngestJob.run(warehouse, settings(), "corpus_files", missing.toString()))
        .isInstanceOf(IngestException.class)
        .hasMessageContaining(missing.toString())
        .hasMessageContaining("has no column 'start'")
        .hasMessageContaining("columns.started_at")
        .hasMessageContaining("did you mean 'strt'?");
  }
}
