package org.leancx.capacity;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.leancx.capacity.CapacityFixtures.at;
import static org.leancx.capacity.CapacityFixtures.contact;
import static org.leancx.capacity.CapacityFixtures.demand;

import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.leancx.common.RunLog;
import org.leancx.common.Settings;
import org.leancx.common.SparkTestBase;
import org.leancx.common.TableContract;
import org.leancx.common.Warehouse;
import org.leancx.ingest.CanonicalTables;

/**
 * The capacity and scorecard jobs end to end on one warehouse: the tables they write, how they reconcile with each
 * other, optional sources, and a rerun that leaves every table identical. One test, because each Delta table
 * creation costs seconds.
 */
class CapacityJobsTest extends SparkTestBase {
  private static final LocalDate MONDAY = LocalDate.parse("2026-06-01");

  @Test
  void capacityThenScorecardReconcileAndARerunLeavesIdenticalTables() {
    Warehouse w = warehouse("capacity-jobs");
    // 100 calls of 180 s on Monday 09:00-09:30, 20 of them failure demand: 14 agents for all, 11 for value.
    List<Object[]> contacts = new ArrayList<>();
    List<Object[]> demand = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      String id = "c" + i;
      contacts.add(contact(id, "phone", "INBOUND", at("2026-06-01T09:" + String.format("%02d", i % 30) + ":00Z"),
          180L, 5L));
      demand.add(demand(id, MONDAY, "phone", i % 2 == 0 ? "billing" : "moving", i < 20 ? "FAILURE" : "VALUE",
          i < 10, i < 10 ? "REPEATED" : "RESOLVED_FIRST_TIME"));
    }
    CapacityFixtures.writeInput(w, CanonicalTables.CONTACTS, rows(CapacityFixtures.CONTACTS, contacts.toArray(Object[][]::new)));
    CapacityFixtures.writeInput(w, Inputs.ContactDemand.CONTRACT, rows(CapacityFixtures.DEMAND, demand.toArray(Object[][]::new)));
    CapacityFixtures.writeInput(w, Inputs.Journeys.CONTRACT, rows(CapacityFixtures.JOURNEYS,
        new Object[] {"j1", "billing", "CLOSED", at("2026-05-30T00:00:00Z"), at("2026-06-02T00:00:00Z"), 100L, 10L, 0.1},
        new Object[] {"j2", "moving", "CLOSED", at("2026-05-30T00:00:00Z"), at("2026-06-03T00:00:00Z"), 300L, 30L, 0.1}));
    // journey_slo of another shape (no met column): left out with a warning, not a failure.
    CapacityFixtures.writeInput(w, Inputs.JourneySlo.CONTRACT,
        rows(CapacityFixtures.JOURNEY_SLO, new Object[] {Date.valueOf(MONDAY), "billing", 10L, 9L}).drop("met"));

    Settings settings = settings();
    CapacitySettings capacity = CapacitySettings.from(settings);
    ScorecardSettings scorecard = ScorecardSettings.from(settings);
    CapacityWhatIf.Result capacityResult = CapacityWhatIf.run(w, settings, capacity);
    LeanScorecard.Result scorecardResult = LeanScorecard.run(w, settings, scorecard);
    List<TableContract> outputs =
        List.of(CapacityTables.CAPACITY_WHATIF, CapacityTables.CAPACITY_SUMMARY, CapacityTables.LEAN_SCORECARD);
    List<List<Row>> firstTables = outputs.stream().map(c -> sorted(w.read(c))).toList();

    double expectedFailureHours = (14 - 11) / 0.7 * 0.5;
    assertThat(capacityResult.intervalRows()).as("one day x 48 intervals x one queue").isEqualTo(48);
    assertThat(capacityResult.arrivals()).isEqualTo(100);
    assertThat(capacityResult.summaryRows()).isEqualTo(1);
    assertThat(capacityResult.failureAgentHours()).isCloseTo(expectedFailureHours, within(1e-9));
    assertThat(w.read(CapacityTables.CAPACITY_WHATIF).select("interval_start", "channel", "queue").distinct().count())
        .as("capacity_whatif key is unique").isEqualTo(48);
    Row summary = w.read(CapacityTables.CAPACITY_SUMMARY).first();
    assertThat(summary.<Date>getAs("period_start")).isEqualTo(Date.valueOf(MONDAY));
    assertThat(summary.<Double>getAs("failure_agent_hours")).isCloseTo(expectedFailureHours, within(1e-9));
    assertThat(summary.<Double>getAs("failure_handle_hours")).isCloseTo(20 * 180 / 3600.0, within(1e-12));

    assertThat(scorecardResult.sources()).containsExactly("contact_demand", "journeys", "capacity_whatif");
    assertThat(scorecardResult.periods()).isEqualTo(1);
    assertThat(scorecardResult.rows()).as("ALL, billing, moving").isEqualTo(3);
    Row all =
        w.read(CapacityTables.LEAN_SCORECARD).filter(col("journey_type").equalTo("ALL")).first();
    assertThat(all.<Long>getAs("contacts")).isEqualTo(100);
    assertThat(all.<Double>getAs("failure_share")).isCloseTo(0.2, within(1e-12));
    assertThat(all.<Double>getAs("fcr_rate")).isCloseTo(0.9, within(1e-12));
    assertThat(all.<Double>getAs("repeat_rate")).isCloseTo(0.1, within(1e-12));
    assertThat(all.<Double>getAs("failure_cost")).isCloseTo(20 * 6.0, within(1e-12));
    assertThat(all.<Double>getAs("failure_agent_hours")).isCloseTo(capacityResult.failureAgentHours(), within(1e-9));
    assertThat(all.<Double>getAs("lead_time_p50_seconds")).isEqualTo(200.0);
    assertThat(all.isNullAt(all.fieldIndex("slo_attainment"))).isTrue();
    assertThat(all.isNullAt(all.fieldIndex("top_root_conditions"))).isTrue();

    CapacityWhatIf.Result capacityAgain = CapacityWhatIf.run(w, settings, capacity);
    LeanScorecard.Result scorecardAgain = LeanScorecard.run(w, settings, scorecard);
    assertThat(capacityAgain).isEqualTo(capacityResult);
    assertThat(scorecardAgain).isEqualTo(scorecardResult);
    for (int i = 0; i < outputs.size(); i++) {
      assertThat(sorted(w.read(outputs.get(i)))).as("%s after a rerun", outputs.get(i).name())
          .isEqualTo(firstTables.get(i));
    }
    assertThat(w.read(RunLog.PIPELINE_RUNS).filter(col("status").equalTo("SUCCEEDED")).count()).isEqualTo(4);
  }

  private static List<Row> sorted(Dataset<Row> table) {
    String[] columns = Arrays.stream(table.columns()).filter(c -> !c.equals("sources")).toArray(String[]::new);
    return table.orderBy(columns[0], Arrays.copyOfRange(columns, 1, columns.length)).collectAsList();
  }
}
