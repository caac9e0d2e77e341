package org.leancx.ingest;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.leancx.common.RunLog;
import org.leancx.common.Settings;
import org.leancx.common.SettingsException;
import org.leancx.common.SparkTestBase;
import org.leancx.common.Warehouse;
import org.leancx.ingest.IngestJob.Request;
import org.leancx.ingest.IngestJob.Shrink;
import org.leancx.ingest.SourceMapping.LoadMode;

/**
 * The load modes on a few rows in tiny CSV files, one warehouse for the class: an incremental load inserts new ids,
 * skips equal records, updates by version (or the later run wins) and counts older versions as superseded, keeping
 * rows absent from the run; a shrinking snapshot is refused with the table unchanged; a duplicate header name is
 * renamed; every run reconciles input = inserted + updated + duplicates + superseded + quarantined. The versions and
 * the shrink guard through the job are tagged e2e (their rules are LoadsTest's, on inline rows).
 */
class LoadModesTest extends SparkTestBase {
  private static final Path DIR = HOME.resolve("jobs/target/load-modes");
  private static final Path SOURCES = DIR.resolve("sources");
  private static Warehouse warehouse;

  private static final String HEADER = "id,customer,channel,start,reason";
  private static final String CONTACTS =
      """
      target = contacts
      path = "%s"
      load = %s
      columns { contact_id = id, customer_id = customer, channel = channel, started_at = start, reason = reason }
      """;
  private static final String VERSIONED =
      """
      target = contacts
      path = "%s"
      load = incremental
      version-column = updated
      columns { contact_id = id, customer_id = customer, channel = channel, started_at = start, reason = reason }
      """;

  @BeforeAll
  static void setUp() {
    warehouse = warehouse("load-modes");
    deleteRecursively(DIR);
  }

  private static Path write(Path file, String... lines) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void mapping(String name, String body) {
    write(SOURCES.resolve(name + ".conf"), body);
  }

  private static Settings settings() {
    return settings("ingest.sources-dir=" + SOURCES, "ingest.max-reject-rate=1.0", "ingest.shrink-guard-min-rows=0");
  }

  private static IngestJob.Result load(String source, Path file) {
    return IngestJob.load(warehouse, settings(), source, new Request(file.toString(), null, Shrink.REFUSE));
  }

  /** contact_id to "reason@started_at" of the source's rows. */
  private static Map<String, String> table(String source) {
    Map<String, String> out = new TreeMap<>();
    for (Row r : warehouse.read(CanonicalTables.CONTACTS).where(col("source").equalTo(source)).collectAsList()) {
      out.put(r.getAs("contact_id"), r.getAs("reason") + "@" + r.getAs("started_at").toString().substring(0, 16));
    }
    return out;
  }

  private static Map<String, Long> counts(IngestJob.Result r) {
    Row run = warehouse.read(RunLog.PIPELINE_RUNS).filter(col("run_id").equalTo(r.runId())).first();
    Map<String, Long> counts =
        scala.jdk.javaapi.CollectionConverters.asJava(run.<scala.collection.Map<String, Long>>getAs("counts"));
    assertThat(counts.get("input_rows"))
        .as("input_rows = inserted + updated + duplicates + superseded + quarantined in %s", counts)
        .isEqualTo(counts.get("inserted") + counts.get("updated") + counts.get("duplicates") + counts.get("superseded")
            + counts.get("quarantined"));
    assertThat(counts.get("accepted")).isEqualTo(counts.get("inserted") + counts.get("updated"));
    return counts;
  }

  @Test
  void incrementalInsertsNewIdsSkipsEqualOnesTheLaterRunWinsAndAbsentRowsAreKept() {
    mapping("drops", CONTACTS.formatted(DIR.resolve("drops"), "incremental"));
    IngestJob.Result day1 = load("drops", write(DIR.resolve("drops/day1.csv"), HEADER,
        "c1,k1,phone,2024-03-01 10:00:00,billing",
        "c2,k2,phone,2024-03-01 11:00:00,billing",
        "c3,k3,chat,2024-03-01 12:00:00,billing"));
    assertThat(counts(day1)).containsEntry("inserted", 3L).containsEntry("updated", 0L);

    IngestJob.Result day2 = load("drops", write(DIR.resolve("drops/day2.csv"), HEADER,
        "c2,k2,phone,2024-03-01 11:00:00,billing",          // re-sent: a duplicate
        "c3,k3,chat,2024-03-01 12:00:00,moving",             // changed, no version column: the later run wins
        "c4,k4,email,2024-03-02 09:00:00,billing",           // new
        ",k5,email,2024-03-02 09:00:00,billing"));           // no id: quarantined
    Map<String, Long> c = counts(day2);
    assertThat(c).containsEntry("input_rows", 4L).containsEntry("inserted", 1L).containsEntry("updated", 1L)
        .containsEntry("duplicates", 1L).containsEntry("superseded", 0L).containsEntry("quarantined", 1L);
    assertThat(day2.load()).isEqualTo(LoadMode.INCREMENTAL);
    assertThat(table("drops")).containsExactlyEntriesOf(new TreeMap<>(Map.of(
        "c1", "billing@2024-03-01 10:00", "c2", "billing@2024-03-01 11:00", "c3", "moving@2024-03-01 12:00",
        "c4", "billing@2024-03-02 09:00")));
    // The duplicate keeps its first provenance; the update takes the new one.
    Map<String, String> files = new TreeMap<>();
    warehouse.read(CanonicalTables.CONTACTS).where(col("source").equalTo("drops")).collectAsList()
        .forEach(r -> files.put(r.getAs("contact_id"), r.getAs("source_file")));
    assertThat(files).containsEntry("c2", "day1.csv").containsEntry("c3", "day2.csv");

    // Re-loading the same drop changes nothing and counts every record as a duplicate; its quarantine is replaced.
    IngestJob.Result again = load("drops", DIR.resolve("drops/day2.csv"));
    assertThat(counts(again)).containsEntry("inserted", 0L).containsEntry("updated", 0L).containsEntry("duplicates", 3L);
    assertThat(table("drops")).hasSize(4);
    assertThat(warehouse.read(CanonicalTables.QUARANTINE).where(col("source").equalTo("drops")).count()).isEqualTo(1);
  }

  @Test
  @Tag("e2e") // the rules are LoadsTest's; here through the job, in the heavy run
  void theLatestVersionWinsWithinARunAndAcrossRunsAndOlderOnesAreSuperseded() {
    mapping("states", VERSIONED);
    String header = HEADER + ",updated";
    IngestJob.Result first = load("states", write(DIR.resolve("states/a.csv"), header,
        "t1,k1,web,2024-03-01 10:00:00,new,2024-03-01 10:00:00",
        "t1,k1,web,2024-03-01 10:00:00,resolved,2024-03-01 11:00:00",   // latest of t1 in this run
        "t1,k1,web,2024-03-01 10:00:00,assigned,2024-03-01 10:30:00",
        "t2,k2,web,2024-03-01 10:00:00,new,2024-03-01 10:00:00",
        "t3,k3,web,2024-03-01 10:00:00,new,not a time"));               // bad version: quarantined
    assertThat(counts(first)).containsEntry("input_rows", 5L).containsEntry("inserted", 2L)
        .containsEntry("superseded", 2L).containsEntry("duplicates", 0L).containsEntry("quarantined", 1L)
        .containsEntry("quarantined.BAD_TIMESTAMP", 1L);
    assertThat(table("states")).containsEntry("t1", "resolved@2024-03-01 10:00");

    IngestJob.Result second = load("states", write(DIR.resolve("states/b.csv"), header,
        "t1,k1,web,2024-03-01 10:00:00,assigned,2024-03-01 10:30:00",   // older than stored: superseded
        "t2,k2,web,2024-03-01 10:00:00,resolved,2024-03-02 09:00:00",   // newer: updated
        "t2,k2,web,2024-03-01 10:00:00,resolved,2024-03-02 09:00:00",   // the same again: duplicate
        "t4,k4,web,2024-03-02 10:00:00,new,2024-03-02 10:00:00"));      // new
    assertThat(counts(second)).containsEntry("input_rows", 4L).containsEntry("inserted", 1L)
        .containsEntry("updated", 1L).containsEntry("superseded", 1L).containsEntry("duplicates", 1L)
        .containsEntry("quarantined", 0L);
    assertThat(table("states")).containsExactlyEntriesOf(new TreeMap<>(Map.of(
        "t1", "resolved@2024-03-01 10:00", "t2", "resolved@2024-03-01 10:00", "t4", "new@2024-03-02 10:00")));
    Row t2 = warehouse.read(CanonicalTables.CONTACTS).where(col("contact_id").equalTo("t2")).first();
    assertThat(t2.<java.math.BigDecimal>getAs("source_version").longValue())
        .isEqualTo(java.time.Instant.parse("2024-03-02T09:00:00Z").getEpochSecond());
  }

  @Test
  @Tag("e2e") // the rules are LoadsTest's; here through the job, in the heavy run
  void aShrinkingSnapshotIsRefusedBeforeWritingAndAllowedWhenMeant() {
    mapping("full", CONTACTS.formatted(DIR.resolve("full"), "snapshot"));
    String[] all = new String[11];
    all[0] = HEADER;
    for (int i = 1; i <= 10; i++) {
      all[i] = "s" + i + ",k" + i + ",phone,2024-03-0" + (i % 9 + 1) + " 10:00:00,billing";
    }
    IngestJob.Result whole = load("full", write(DIR.resolve("full/all.csv"), all));
    assertThat(counts(whole)).containsEntry("inserted", 10L).containsEntry("removed", 0L);
    long version = warehouse.version(CanonicalTables.CONTACTS);
    long quarantineVersion = warehouse.version(CanonicalTables.QUARANTINE);
    Map<String, String> before = table("full");

    // A drop of 5 of the 10 as a snapshot would remove 5 (50% > 20%): refused, nothing written.
    Path drop = write(DIR.resolve("full/drop.csv"), all[0], all[1], all[2], all[3], all[4], all[5]);
    assertThatThrownBy(() -> load("full", drop))
        .isInstanceOf(IngestException.class)
        .hasMessageContaining("holds 10 rows")
        .hasMessageContaining("would remove 5 of them (50.0%)")
        .hasMessageContaining("ingest.max-removed-share 20.0%")
        .hasMessageContaining("--load incremental")
        .hasMessageContaining("--allow-shrink");
    assertThat(warehouse.version(CanonicalTables.CONTACTS)).isEqualTo(version);
    assertThat(warehouse.version(CanonicalTables.QUARANTINE)).isEqualTo(quarantineVersion);
    assertThat(table("full")).isEqualTo(before);

    // A meant shrink passes with --allow-shrink and says what it removed.
    IngestJob.Result allowed =
        IngestJob.load(warehouse, settings(), "full", new Request(drop.toString(), null, Shrink.ALLOW));
    assertThat(counts(allowed)).containsEntry("removed", 5L).containsEntry("updated", 5L).containsEntry("inserted", 0L);
    assertThat(allowed.summary()).contains("(snapshot)", "5 removed");
    assertThat(table("full")).hasSize(5);
  }

  @Test
  void aDuplicateHeaderNameIsRenamedAndCanBeMapped() {
    mapping("tickets", """
        target = contacts
        path = "%s"
        columns { contact_id = id, customer_id = customer, channel = channel, started_at = start, reason = category }
        keep { subcategory = category_2 }
        """.formatted(DIR.resolve("tickets")));
    IngestJob.Result r = load("tickets", write(DIR.resolve("tickets/t.csv"), "id,customer,channel,start,category,category",
        "i1,k1,phone,2024-03-01 10:00:00,Software,Email client"));
    assertThat(counts(r)).containsEntry("inserted", 1L);
    Row i1 = warehouse.read(CanonicalTables.CONTACTS).where(col("contact_id").equalTo("i1")).first();
    assertThat(i1.<String>getAs("reason")).isEqualTo("Software");
    assertThat(i1.<scala.collection.Map<String, String>>getAs("attributes").get("subcategory").get())
        .isEqualTo("Email client");
    // The first keeps its name, the n-th gets _n, or the next free suffix when a column already has that name.
    SourceMapping m = SourceMapping.load(settings(), "tickets", null);
    assertThat(SourceReader.uniqueNames(List.of("a", "b", "a", "a", "a_2"), "f.csv", m))
        .containsExactly("a", "b", "a_3", "a_4", "a_2");
  }

  @Test
  void aTableOfContractVersionOneGainsSourceVersionOnItsFirstWrite() {
    Warehouse old = warehouse("load-modes-v1");
    org.leancx.common.TableContract c = CanonicalTables.CONTACTS;
    org.apache.spark.sql.types.StructType v1Schema = new org.apache.spark.sql.types.StructType(
        java.util.Arrays.stream(c.schema().fields()).filter(f -> !f.name().equals("source_version"))
            .toArray(org.apache.spark.sql.types.StructField[]::new));
    old.ensure(new org.leancx.common.TableContract(
        c.name(), 1, c.grain(), v1Schema, c.partitionColumns(), c.keyColumns(), c.checks(), c.statsColumns()));
    assertThat(old.read(c).columns()).doesNotContain("source_version");
    old.ensure(c);
    assertThat(old.read(c).columns()).contains("source_version");
    assertThat(spark.sql("SHOW TBLPROPERTIES delta.`" + old.location(c) + "`").where("key = 'leancx.contract.version'")
        .first().getString(1)).isEqualTo("2");
  }

  @Test
  void theDefaultsAndTheMappingKeysAreChecked() {
    IngestSettings defaults = IngestSettings.from(settings("ingest.sources-dir=" + SOURCES));
    assertThat(defaults.maxRemovedShare()).isEqualTo(0.2);
    assertThat(defaults.shrinkGuardMinRows()).isEqualTo(100);
    mapping("events_without_id", """
        target = case_events
        path = "x.csv"
        load = incremental
        columns { case_id = c, activity = a, occurred_at = t }
        """);
    assertThatThrownBy(() -> IngestJob.load(warehouse, settings(), "events_without_id", Request.defaults()))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("maps no event_id")
        .hasMessageContaining("--load snapshot");
    mapping("bad_load", CONTACTS.formatted("x.csv", "daily"));
    assertThatThrownBy(() -> SourceMapping.load(settings(), "bad_load", null))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("use snapshot")
        .hasMessageContaining("or incremental");
    mapping("no_load_key", CONTACTS.formatted("x.csv", "snapshot").replace("load = snapshot\n", ""));
    assertThat(SourceMapping.load(settings(), "no_load_key", null).load()).isEqualTo(LoadMode.SNAPSHOT);
  }
}
