package org.leancx.daily;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.leancx.capacity.CapacityTables;
import org.leancx.cli.Contracts;
import org.leancx.common.DailyDrops;
import org.leancx.common.RunLog;
import org.leancx.common.SameRows;
import org.leancx.common.Settings;
import org.leancx.common.SparkTestBase;
import org.leancx.common.TableContract;
import org.leancx.common.Warehouse;
import org.leancx.generate.Generator;
import org.leancx.ingest.CanonicalTables;
import org.leancx.ingest.IngestJob;
import org.leancx.ingest.IngestJob.Request;
import org.leancx.ingest.IngestJob.Shrink;
import org.leancx.ingest.SourceMapping.LoadMode;
import org.leancx.journeys.JourneyTables;

/**
 * {@code leancx daily} end to end (tagged e2e: {@code mvn -Pe2e test -pl jobs}) as a scheduler runs it: the generator's
 * 30 days of contacts and case events cut into daily drops (5% of the records three days late, 3% sent again the next
 * day), the first 27 drops loaded as the history, then each of the last three days' drops loaded incrementally and its
 * date run with {@code DailyRun}; the tables equal those of one run for the last date over one snapshot load of every
 * drop (EXCEPT ALL both ways on every table; run ids, the load's file names and record numbers, and journeys.as_of
 * aside). Late records of dates already run arrive in the last two drops. A rerun of a past date then reads nothing
 * of the dates after it. That a rerun of a date changes nothing is checked by the demo's --check-identical run in CI,
 * whose last step is a daily run.
 */
@Tag("e2e")
class DailyRunTest extends SparkTestBase {
  private static final Path DIR = HOME.resolve("jobs/target/daily-run");
  private static final LocalDate END = LocalDate.parse("2026-06-30");
  private static final int DAYS = 30;
  /** The days run one by one, each after its drop is loaded: the last three. */
  private static final int DAILY = 3;
  private static final int LATE_BY = 3;

  private static Settings settingsOf(Warehouse w) {
    return settings(
        "warehouse.path=" + w.settings().path(), "generate.output=" + DIR.resolve("raw"), "generate.customers=400",
        "generate.days=" + DAYS, "generate.end-date=" + END);
  }

  @Test
  void dailyDropsRunDayByDayEqualOneRunOverEverythingAndAPastDateReadsNothingLater() {
    deleteRecursively(DIR);
    Warehouse generated = warehouse("daily-run-generate");
    Generator.run(generated, settingsOf(generated));
    LocalDate firstDay = END.minusDays(DAYS - 1);
    DailyDrops contactDrops = DailyDrops.cut(DIR.resolve("raw/contacts"), DIR.resolve("drops/contacts"), firstDay,
        DAYS, LATE_BY, 5, 3, "start_time");
    DailyDrops eventDrops = DailyDrops.cut(DIR.resolve("raw/case_events"), DIR.resolve("drops/case_events"), firstDay,
        DAYS, LATE_BY, 5, 3, "event_time");
    int lateAfterTheirRun = 0;
    for (int day = DAYS - DAILY + 2; day <= DAYS; day++) {
      lateAfterTheirRun += contactDrops.lateInto()[day - 1] + eventDrops.lateInto()[day - 1];
    }
    assertThat(lateAfterTheirRun).as("records of a date already run, arriving in the last two drops").isPositive();

    long t0 = System.nanoTime();
    Warehouse dayByDay = warehouse("daily-run-day-by-day");
    Settings s = settingsOf(dayByDay);
    int history = DAYS - DAILY;
    load(dayByDay, s, "synthetic_contacts", copies(contactDrops, history, DIR.resolve("history/contacts")),
        LoadMode.INCREMENTAL);
    load(dayByDay, s, "synthetic_case_events", copies(eventDrops, history, DIR.resolve("history/case_events")),
        LoadMode.INCREMENTAL);
    List<String> lines = new ArrayList<>();
    List<DailyRun.Result> runs = new ArrayList<>();
    for (int day = history + 1; day <= DAYS; day++) {
      load(dayByDay, s, "synthetic_contacts", contactDrops.drop(day), LoadMode.INCREMENTAL);
      load(dayByDay, s, "synthetic_case_events", eventDrops.drop(day), LoadMode.INCREMENTAL);
      runs.add(DailyRun.run(dayByDay, s, firstDay.plusDays(day - 1), firstDay.plusDays(day - 1), null, lines::add));
    }
    long t1 = System.nanoTime();
    assertThat(runs.get(DAILY - 1).asOf()).isEqualTo(DailyRun.endOf(END));
    assertThat(runs.get(DAILY - 1).jobs()).extracting(DailyRun.JobTime::job)
        .containsExactly("failure-demand", "journeys", "root-conditions", "capacity", "guardrails", "experiments",
            "scorecard");
    assertThat(lines).anyMatch(l -> l.startsWith("lead-time-model predict: skipped, no model"));
    assertThat(lines).anyMatch(l -> l.startsWith("journeys (") && l.contains("changed since"));

    Warehouse oneRun = warehouse("daily-run-one");
    Settings one = settingsOf(oneRun);
    load(oneRun, one, "synthetic_contacts", DIR.resolve("drops/contacts"), LoadMode.SNAPSHOT);
    load(oneRun, one, "synthetic_case_events", DIR.resolve("drops/case_events"), LoadMode.SNAPSHOT);
    DailyRun.run(oneRun, one, END, END, null, lines::add);
    long t2 = System.nanoTime();
    assertThat(Contracts.all().stream().filter(dayByDay::exists).map(TableContract::name))
        .contains("contact_demand", "journeys", "root_conditions", "root_conditions_trend", "lean_scorecard",
            "efficiency_twins", "protected_outcomes");
    Set<String> loadColumns = Set.of("source_file", "source_record");
    for (TableContract c : Contracts.all()) {
      if (c.equals(RunLog.PIPELINE_RUNS) || !dayByDay.exists(c)) {
        continue;
      }
      // The history was loaded from copies of the drops, so the load's file names differ; journeys.as_of is the
      // as-of a journey was last measured at: a closed journey no later day touched keeps its own (docs/JOURNEYS.md).
      String[] aside = java.util.stream.Stream.concat(loadColumns.stream(),
              c.equals(JourneyTables.JOURNEYS) ? java.util.stream.Stream.of("as_of") : java.util.stream.Stream.empty())
          .toArray(String[]::new);
      assertSameRows(c.name(), dayByDay.read(c).drop(aside), oneRun.read(c).drop(aside));
    }
    assertThat(dayByDay.read(CanonicalTables.CONTACTS).count()).isEqualTo(oneRun.read(CanonicalTables.CONTACTS).count());

    // A past date again: its jobs read the warehouse as it was at the end of that date.
    LocalDate past = END.minusDays(5);
    Timestamp end = Timestamp.from(DailyRun.endOf(past));
    DailyRun.run(oneRun, one, past, past, null, lines::add);
    assertThat(oneRun.read(JourneyTables.JOURNEYS).agg(max("as_of")).first().getTimestamp(0)).isEqualTo(end);
    assertThat(oneRun.read(JourneyTables.JOURNEY_STEPS).agg(max("at")).first().getTimestamp(0))
        .isBefore(end);
    assertThat(oneRun.read(CapacityTables.CAPACITY_WHATIF).where(col("arrivals").gt(0))
            .agg(max("interval_start")).first().getTimestamp(0))
        .isBefore(end);
    System.out.printf("Daily runs: %d drops (%d + %d records late, %d + %d sent again; %d late after their date's run),"
            + " the last %d dates loaded and run day by day %.1f s, one load and run for the last date %.1f s; %s%n",
        contactDrops.files().size(), contactDrops.late(), eventDrops.late(), contactDrops.resent(),
        eventDrops.resent(), lateAfterTheirRun, DAILY, (t1 - t0) / 1e9, (t2 - t1) / 1e9, String.join(" | ", lines));
  }

  private static void load(Warehouse w, Settings s, String source, Path path, LoadMode mode) {
    IngestJob.Result r = IngestJob.load(w, s, source, new Request(path.toString(), mode, Shrink.REFUSE));
    assertThat(r.inputRows()).isEqualTo(r.inserted() + r.updated() + r.duplicates() + r.superseded() + r.quarantined());
  }

  /** A folder with copies of the first {@code days} drops. */
  private static Path copies(DailyDrops drops, int days, Path folder) {
    try {
      Files.createDirectories(folder);
      for (int day = 1; day <= days; day++) {
        Path drop = drops.drop(day);
        if (drop != null) {
          Files.copy(drop, folder.resolve(drop.getFileName()));
        }
      }
      return folder;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void assertSameRows(String what, Dataset<Row> actual, Dataset<Row> expected) {
    SameRows.assertSameRows(what, actual, "the runs day by day", expected, "the one run");
  }
}
