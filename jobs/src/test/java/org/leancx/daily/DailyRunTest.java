package org.leancx.daily;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
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
import org.leancx.common.RunLog;
import org.leancx.common.SameRows;
import org.leancx.common.Settings;
import org.leancx.common.SparkTestBase;
import org.leancx.common.TableContract;
import org.leancx.common.Warehouse;
import org.leancx.generate.Generator;
import org.leancx.ingest.IngestJob;
import org.leancx.journeys.JourneyTables;

/**
 * {@code leancx daily} end to end (tagged e2e: {@code mvn -Pe2e test -pl jobs}) on the generator's export, loaded
 * whole: the last three dates run day by day leave the same tables as one run for the last date on a warehouse that
 * never ran (which tags the whole history), and a rerun of a past date reads nothing of the dates after it. That a
 * rerun of a date changes nothing is checked by the demo's --check-identical run in CI, whose last step is a daily run.
 */
@Tag("e2e")
class DailyRunTest extends SparkTestBase {
  private static final Path DIR = HOME.resolve("jobs/target/daily-run");
  private static final LocalDate END = LocalDate.parse("2026-06-30");

  private static Settings settingsOf(Warehouse w) {
    return settings(
        "warehouse.path=" + w.settings().path(), "generate.output=" + DIR.resolve("raw"), "generate.customers=400",
        "generate.days=30", "generate.end-date=" + END);
  }

  private static Warehouse loaded(String name) {
    Warehouse w = warehouse(name);
    Settings s = settingsOf(w);
    String raw = DIR.resolve("raw").toString();
    IngestJob.run(w, s, "synthetic_contacts", raw + "/contacts");
    IngestJob.run(w, s, "synthetic_case_events", raw + "/case_events");
    return w;
  }

  @Test
  void dayByDayEqualsOneRunAndAPastDateReadsNothingLater() {
    deleteRecursively(DIR);
    Warehouse generated = warehouse("daily-run-generate");
    Generator.run(generated, settingsOf(generated));

    long t0 = System.nanoTime();
    Warehouse dayByDay = loaded("daily-run-day-by-day");
    Settings s = settingsOf(dayByDay);
    List<String> lines = new ArrayList<>();
    List<DailyRun.Result> runs = new ArrayList<>();
    for (LocalDate d = END.minusDays(2); !d.isAfter(END); d = d.plusDays(1)) {
      runs.add(DailyRun.run(dayByDay, s, d, d, null, lines::add));
    }
    long t1 = System.nanoTime();
    assertThat(runs.get(2).asOf()).isEqualTo(DailyRun.endOf(END));
    assertThat(runs.get(2).jobs()).extracting(DailyRun.JobTime::job)
        .containsExactly("failure-demand", "journeys", "root-conditions", "capacity", "guardrails", "experiments",
            "scorecard");
    assertThat(lines).anyMatch(l -> l.startsWith("lead-time-model predict: skipped, no model"));

    Warehouse oneRun = loaded("daily-run-one");
    DailyRun.run(oneRun, settingsOf(oneRun), END, END, null, lines::add);
    long t2 = System.nanoTime();
    assertThat(Contracts.all().stream().filter(dayByDay::exists).map(TableContract::name))
        .contains("contact_demand", "journeys", "root_conditions", "root_conditions_trend", "lean_scorecard",
            "efficiency_twins", "protected_outcomes");
    for (TableContract c : Contracts.all()) {
      if (c.equals(RunLog.PIPELINE_RUNS) || !dayByDay.exists(c)) {
        continue;
      }
      // journeys.as_of is the as-of a journey was last measured at: a closed journey no later day touched keeps its
      // own (docs/JOURNEYS.md); its other columns equal the one run's.
      String asOf = c.equals(JourneyTables.JOURNEYS) ? "as_of" : "";
      assertSameRows(c.name(), dayByDay.read(c).drop(asOf), oneRun.read(c).drop(asOf));
    }
    assertThat(lines).anyMatch(l -> l.startsWith("journeys (") && l.contains("changed since"));

    // A past date again: its jobs read the warehouse as it was at the end of that date.
    LocalDate past = END.minusDays(5);
    Timestamp end = Timestamp.from(DailyRun.endOf(past));
    DailyRun.run(oneRun, settingsOf(oneRun), past, past, null, lines::add);
    assertThat(oneRun.read(JourneyTables.JOURNEYS).agg(max("as_of")).first().getTimestamp(0)).isEqualTo(end);
    assertThat(oneRun.read(JourneyTables.JOURNEY_STEPS).agg(max("at")).first().getTimestamp(0))
        .isBefore(end);
    assertThat(oneRun.read(CapacityTables.CAPACITY_WHATIF).where(col("arrivals").gt(0))
            .agg(max("interval_start")).first().getTimestamp(0))
        .isBefore(end);
    System.out.printf("Daily runs: 3 dates day by day %.1f s, one run for the last date %.1f s; %s%n",
        (t1 - t0) / 1e9, (t2 - t1) / 1e9, String.join(" | ", lines.subList(0, 7)));
  }

  private static void assertSameRows(String what, Dataset<Row> actual, Dataset<Row> expected) {
    SameRows.assertSameRows(what, actual, "the runs day by day", expected, "the one run");
  }
}
