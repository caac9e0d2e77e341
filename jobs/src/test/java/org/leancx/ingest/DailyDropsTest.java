package org.leancx.ingest;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.leancx.common.DailyDrops;
import org.leancx.common.SameRows;
import org.leancx.common.Settings;
import org.leancx.common.SparkTestBase;
import org.leancx.common.Warehouse;
import org.leancx.demand.DemandTables;
import org.leancx.demand.FailureDemand;
import org.leancx.generate.Generator;
import org.leancx.ingest.IngestJob.Request;
import org.leancx.ingest.IngestJob.Shrink;
import org.leancx.ingest.SourceMapping.LoadMode;

/**
 * Daily loads end to end (tagged e2e: {@code mvn -Pe2e test -pl jobs}): the generator's 30 days of export cut into 30
 * daily drops, with 2% of the records sent again the next day and 1% arriving three days late, loaded one by one,
 * leaves the same tables as one snapshot load of their union; two drops of the export give the failure demand of the whole; and the shipped
 * state-history mapping of the BPIC 2013 incidents keeps each incident's latest state, pinned against a plain-Java pass
 * over the raw file.
 */
@Tag("e2e")
class DailyDropsTest extends SparkTestBase {
  private static final Path DIR = HOME.resolve("jobs/target/daily-drops");
  private static final int DAYS = 30;
  private static final int DROPS = DAYS;
  /** How many days (drops) a late record arrives after its own day. */
  private static final int LATE_BY = 3;
  private static final LocalDate END = LocalDate.parse("2026-06-30");

  private static Settings settingsOf(Warehouse w, String... more) {
    List<String> overrides = new ArrayList<>(List.of(
        "warehouse.path=" + w.settings().path(), "generate.output=" + DIR.resolve("raw"), "generate.customers=1500",
        "generate.days=" + DAYS, "generate.end-date=" + END));
    overrides.addAll(List.of(more));
    return settings(overrides.toArray(String[]::new));
  }

  @Test
  void thirtyDailyDropsWithResentAndLateRecordsEqualOneSnapshotOfTheirUnionAndTwoDropsGiveTheWholeFailureDemand()
      throws IOException {
    long t0 = System.nanoTime();
    deleteRecursively(DIR);
    Warehouse union = warehouse("daily-drops-union");
    Settings unionSettings = settingsOf(union);
    Generator.run(union, unionSettings);
    DailyDrops drops =
        DailyDrops.cut(DIR.resolve("raw/contacts"), DIR.resolve("drops"), END.minusDays(DAYS - 1), DROPS, LATE_BY,
            "start_time");
    assertThat(drops.files()).hasSize(DROPS);
    assertThat(drops.resent()).as("records sent again in the next drop").isGreaterThan(5);
    assertThat(drops.late()).as("records three days late").isGreaterThan(2);

    long t1 = System.nanoTime();
    // One snapshot load of the union of the drops.
    IngestJob.Result all = IngestJob.run(union, unionSettings, "synthetic_contacts", DIR.resolve("drops").toString());
    long t2 = System.nanoTime();

    // The drops one by one, incrementally.
    Warehouse daily = warehouse("daily-drops-incremental");
    Settings dailySettings = settingsOf(daily);
    long duplicates = 0;
    for (Path drop : drops.files()) {
      IngestJob.Result r = IngestJob.load(daily, dailySettings, "synthetic_contacts",
          new Request(drop.toString(), LoadMode.INCREMENTAL, Shrink.REFUSE));
      assertThat(r.inputRows()).isEqualTo(r.inserted() + r.updated() + r.duplicates() + r.superseded() + r.quarantined());
      assertThat(r.updated()).as("nothing in %s changes a stored record", drop.getFileName()).isZero();
      duplicates += r.duplicates();
    }
    long t3 = System.nanoTime();
    assertThat(duplicates).as("the re-sent records are duplicates").isGreaterThanOrEqualTo(drops.resent());
    assertSameRows("contacts", daily.read(CanonicalTables.CONTACTS), union.read(CanonicalTables.CONTACTS));
    assertSameRows("quarantine", daily.read(CanonicalTables.QUARANTINE), union.read(CanonicalTables.QUARANTINE));
    assertThat(daily.read(CanonicalTables.CONTACTS).count()).isEqualTo(all.accepted());

    // The export as two drops: the second as a snapshot is refused (it would drop the first half), incrementally it
    // adds its contacts, and failure-demand over them equals failure-demand over the whole export.
    Warehouse two = warehouse("daily-drops-two");
    Settings twoSettings = settingsOf(two);
    Path first = concat(drops.files().subList(0, DROPS / 2), DIR.resolve("two/first.csv"));
    Path second = concat(drops.files().subList(DROPS / 2, drops.files().size()), DIR.resolve("two/second.csv"));
    IngestJob.run(two, twoSettings, "synthetic_contacts", first.toString());
    assertThatThrownBy(() -> IngestJob.run(two, twoSettings, "synthetic_contacts", second.toString()))
        .isInstanceOf(IngestException.class)
        .hasMessageContaining("would remove")
        .hasMessageContaining("--load incremental");
    IngestJob.load(two, twoSettings, "synthetic_contacts", new Request(second.toString(), LoadMode.INCREMENTAL,
        Shrink.REFUSE));
    Column[] content = Arrays.stream(CanonicalTables.CONTACTS.columnNames().toArray(String[]::new))
        .filter(c -> !c.equals("source_file") && !c.equals("source_record")).map(c -> col(c)).toArray(Column[]::new);
    assertSameRows("contacts of two drops", two.read(CanonicalTables.CONTACTS).select(content),
        union.read(CanonicalTables.CONTACTS).select(content));
    FailureDemand.run(two, twoSettings, FailureDemand.Slice.full());
    FailureDemand.run(union, unionSettings, FailureDemand.Slice.full());
    assertSameRows("contact_demand", two.read(DemandTables.CONTACT_DEMAND), union.read(DemandTables.CONTACT_DEMAND));
    System.out.printf("Daily drops: %d records in %d drops (%d re-sent, %d late); generate and cut %.1f s, snapshot load"
        + " %.1f s, %d incremental loads %.1f s, comparisons, two drops and failure-demand %.1f s%n", all.inputRows(),
        drops.files().size(), drops.resent(), drops.late(), (t1 - t0) / 1e9, (t2 - t1) / 1e9, drops.files().size(),
        (t3 - t2) / 1e9, (System.nanoTime() - t3) / 1e9);
  }

  @Test
  void theShippedStateHistoryMappingKeepsTheLatestStateOfEachIncident() throws IOException {
    Path file = REAL_DATA.resolve("bpic2013_incidents.csv.gz");
    assumeTrue(Files.exists(file), "the real logs in ../shared/data/real");
    Warehouse w = warehouse("incident-states");
    IngestJob.Result r = IngestJob.run(w, settingsOf(w), "bpic2013_incident_states", null);

    // The independent pass: each incident's latest record (by timestamp, then the later record) wins; a record equal
    // to it on the mapped columns is a duplicate, any other is superseded.
    Map<String, String[]> latest = new HashMap<>();
    Map<String, List<String[]>> byIncident = new HashMap<>();
    int records = 0;
    try (BufferedReader in = new BufferedReader(new InputStreamReader(
        new GZIPInputStream(Files.newInputStream(file)), StandardCharsets.UTF_8))) {
      String header = in.readLine();
      assertThat(header.split(",", -1)).hasSize(12);
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        String[] f = line.split(",", -1);
        assertThat(f).as("record %s", records + 1).hasSize(12);
        records++;
        String[] rec = Arrays.copyOf(f, 13);
        rec[12] = String.valueOf(records);
        byIncident.computeIfAbsent(f[0], k -> new ArrayList<>()).add(rec);
        String[] best = latest.get(f[0]);
        if (best == null || instant(rec).compareTo(instant(best)) >= 0) {
          latest.put(f[0], rec);
        }
      }
    }
    long duplicates = 0;
    long superseded = 0;
    for (Map.Entry<String, List<String[]>> e : byIncident.entrySet()) {
      String[] winner = latest.get(e.getKey());
      for (String[] rec : e.getValue()) {
        if (rec == winner) {
          continue;
        }
        if (sameMappedContent(rec, winner)) {
          duplicates++;
        } else {
          superseded++;
        }
      }
    }
    assertThat(r.inputRows()).isEqualTo(records).isEqualTo(65_533);
    assertThat(r.inserted()).isEqualTo(latest.size()).isEqualTo(7_554);
    assertThat(r.duplicates()).isEqualTo(duplicates);
    assertThat(r.superseded()).isEqualTo(superseded);
    assertThat(r.quarantined()).isZero();
    assertThat(r.inputRows()).isEqualTo(r.inserted() + r.duplicates() + r.superseded());

    Map<String, String> expected = new TreeMap<>();
    latest.forEach((id, rec) -> expected.put(id, rec[7] + "|" + rec[10] + "|" + rec[1] + "|" + instant(rec)));
    Map<String, String> actual = new TreeMap<>();
    for (Row row : w.read(CanonicalTables.CASE_EVENTS).collectAsList()) {
      scala.collection.Map<String, String> attributes = row.getAs("attributes");
      actual.put(row.getAs("event_id"), row.getAs("activity") + "|" + attributes.get("sub_status").get() + "|"
          + row.getAs("team") + "|" + row.<java.sql.Timestamp>getAs("occurred_at").toInstant());
    }
    assertThat(actual).isEqualTo(expected);

    // Loading the same export again changes nothing: every latest record is a duplicate of the stored one.
    IngestJob.Result again = IngestJob.run(w, settingsOf(w), "bpic2013_incident_states", null);
    assertThat(again.inserted() + again.updated()).isZero();
    assertThat(again.duplicates()).isEqualTo(duplicates + latest.size());
  }

  private static Instant instant(String[] rec) {
    return OffsetDateTime.parse(rec[11], DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
  }

  /** Equal on every column the mapping reads (case, group, resource, status, impact, product, sub-status, time). */
  private static boolean sameMappedContent(String[] a, String[] b) {
    for (int i : new int[] {0, 1, 4, 7, 8, 9, 10}) {
      if (!Objects.equals(blankAsNull(a[i]), blankAsNull(b[i]))) {
        return false;
      }
    }
    return instant(a).equals(instant(b));
  }

  private static String blankAsNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }

  private static void assertSameRows(String what, Dataset<Row> actual, Dataset<Row> expected) {
    SameRows.assertSameRows(what, actual, "the daily loads", expected, "the snapshot load");
  }

  /** One file holding the records of several drops, in order, under one header. */
  private static Path concat(List<Path> files, Path out) {
    try {
      Files.createDirectories(out.getParent());
      List<String> content = new ArrayList<>();
      for (Path f : files) {
        List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
        content.addAll(content.isEmpty() ? lines : lines.subList(1, lines.size()));
      }
      Files.write(out, content, StandardCharsets.UTF_8);
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
