package org.leancx.journeys;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.leancx.common.Settings;
import org.leancx.common.TableContract;
import org.leancx.common.Warehouse;
import org.leancx.ingest.CanonicalTables;

/** The whole job on a small warehouse: the four tables, and a rerun that leaves them identical. */
class JourneysJobTest extends JourneyFixtures {

  @Test
  void runWritesFourTablesAndARerunLeavesThemIdentical() {
    Warehouse w = warehouse("journeys-job");
    w.replaceAll(
        CanonicalTables.CONTACTS,
        contacts(
            contact("c1-1", "c1", "phone", "2026-03-02T10:00:00Z", 600, "billing_question", "not_resolved", "A", null),
            contact("c1-2", "c1", "chat", "2026-03-05T10:00:00Z", 300, "billing_wrong_amount", "resolved", "B", null),
            contact("c2-1", "c2", "phone", "2026-03-20T10:00:00Z", 60, "billing_question", "not_resolved", "A", null)),
        "test");
    w.replaceAll(
        CanonicalTables.CASE_EVENTS,
        events(
            event("e1", "K1", "Register", "2026-03-10T10:00:00Z", "start", "BO"),
            event("e2", "K1", "Closed", "2026-03-11T10:00:00Z", "complete", "BO")),
        "test");
    Settings s = settings("journeys.slo.objectives=[{journey-type = \"*\", within = 5 business days, target = 0.9}]");

    Journeys.Result first = Journeys.run(w, s, "test");
    List<List<Row>> tables = snapshot(w);
    Journeys.Result second = Journeys.run(w, s, "test");

    assertThat(first).isEqualTo(second);
    assertThat(first.asOf()).isEqualTo(Instant.parse("2026-03-20T10:01:00Z"));
    assertThat(first.journeys()).isEqualTo(3);
    assertThat(first.open()).isEqualTo(1);
    assertThat(first.steps()).isEqualTo(5);
    assertThat(first.flowDays()).as("2 types x 19 days (2 to 20 March)").isEqualTo(2 * 19);
    assertThat(snapshot(w)).isEqualTo(tables);
    Row slo = w.read(JourneyTables.JOURNEY_SLO).filter(col("journey_type").equalTo("billing")).first();
    assertThat((long) slo.getAs("eligible")).isEqualTo(1);
    assertThat((long) slo.getAs("pending")).isEqualTo(1);
    assertThat((String) slo.getAs("status")).isEqualTo("OK");
  }

  /**
   * A daily run recomputes only what its date's steps and the open journeys touch, and leaves the tables a run over
   * everything leaves (journeys' as_of aside: untouched closed journeys keep the as-of they were measured at). Day 2
   * brings a contact dated day 1 that arrived late and joins a closed journey (it reopens it), a contact that closes
   * an open journey, a new customer and the closing event of an open case.
   */
  @Test
  void aDailyRunRecomputesTheChangedJourneysAndEqualsARunOverEverything() {
    Object[][] day1Contacts = {
      contact("c1-0", "c1", "phone", "2026-02-01T10:00:00Z", 600, "billing_question", "resolved", "A", null),
      contact("c1-1", "c1", "phone", "2026-03-02T10:00:00Z", 600, "billing_question", "not_resolved", "A", null),
      contact("c1-2", "c1", "chat", "2026-03-05T10:00:00Z", 300, "billing_wrong_amount", "resolved", "B", null),
      contact("c2-1", "c2", "phone", "2026-03-09T10:00:00Z", 60, "billing_question", "not_resolved", "A", null),
      contact("c3-1", "c3", "phone", "2026-03-01T10:00:00Z", 100, "billing_question", "resolved", "A", null),
      contact("c5-1", "c5", "phone", "2026-03-09T12:00:00Z", 120, "billing_question", "not_resolved", "A", "K2"),
      // The only journey of its type, ended before the window of the days a daily run rewrites: flow_daily still has
      // a row of its type for each of those days.
      contact("c6-1", "c6", "web", "2026-01-20T08:00:00Z", 30, "ZZ_REASON", "resolved", "A", null)
    };
    Object[][] day2Contacts = {
      contact("c2-2", "c2", "chat", "2026-03-11T09:00:00Z", 200, "billing_question", "resolved", "B", null),
      contact("c1-3", "c1", "email", "2026-03-10T18:00:00Z", 100, "billing_question", "not_resolved", "A", null),
      contact("c4-1", "c4", "web", "2026-03-11T11:00:00Z", 50, "billing_question", "resolved", "A", null)
    };
    Object[][] day1Events = {event("e1", "K1", "Register", "2026-03-09T10:00:00Z", "start", "BO")};
    Object[][] day2Events = {event("e2", "K1", "Closed", "2026-03-11T10:00:00Z", "complete", "BO")};
    Object[][] allContacts = java.util.stream.Stream.concat(
        java.util.Arrays.stream(day1Contacts), java.util.Arrays.stream(day2Contacts)).toArray(Object[][]::new);
    Object[][] allEvents = {day1Events[0], day2Events[0]};
    String slo = "journeys.slo.objectives=[{journey-type = \"*\", within = 5 business days, target = 0.9}]";
    // A short Little's Law window, so that the daily run's flow_daily reads only part of the journeys.
    String window = "journeys.flow.littles-law-window=7d";
    java.time.LocalDate day1 = java.time.LocalDate.parse("2026-03-10");
    java.time.LocalDate day2 = day1.plusDays(1);

    Warehouse daily = warehouse("journeys-daily");
    daily.replaceAll(CanonicalTables.CONTACTS, contacts(day1Contacts), "test");
    daily.replaceAll(CanonicalTables.CASE_EVENTS, events(day1Events), "test");
    Journeys.Result first =
        Journeys.run(daily, settings(slo, window, "journeys.as-of=2026-03-11T00:00:00Z"), day1, "test day 1");
    assertThat(first.scope()).isEqualTo("every journey recomputed (first run)");
    daily.replaceAll(CanonicalTables.CONTACTS, contacts(allContacts), "test");
    daily.replaceAll(CanonicalTables.CASE_EVENTS, events(allEvents), "test");
    Settings asOfDay2 = settings(slo, window, "journeys.as-of=2026-03-12T00:00:00Z");
    Journeys.Result second = Journeys.run(daily, asOfDay2, day2.minusDays(1), "test day 2");
    assertThat(second.scope())
        .isEqualTo("changed since 2026-03-10: 5 journeys recomputed (4 before) of 3 customers and 2 cases");

    Warehouse whole = warehouse("journeys-whole");
    whole.replaceAll(CanonicalTables.CONTACTS, contacts(allContacts), "test");
    whole.replaceAll(CanonicalTables.CASE_EVENTS, events(allEvents), "test");
    Journeys.Result all = Journeys.run(whole, asOfDay2, "test whole");
    assertThat(all.scope()).isEqualTo("every journey recomputed");
    assertThat(second.journeys()).isEqualTo(all.journeys()).isEqualTo(8);
    assertThat(second.open()).isEqualTo(all.open()).isEqualTo(2);

    for (TableContract c : List.of(JourneyTables.JOURNEY_STEPS, JourneyTables.FLOW_DAILY, JourneyTables.JOURNEY_SLO)) {
      org.leancx.common.SameRows.assertSameRows(c.name(), daily.read(c), "day by day", whole.read(c), "one run");
    }
    org.leancx.common.SameRows.assertSameRows("journeys", daily.read(JourneyTables.JOURNEYS).drop("as_of"),
        "day by day", whole.read(JourneyTables.JOURNEYS).drop("as_of"), "one run");
    // c3's journey was closed on day 1 and nothing touched it, nor c1's of February (it ended more than the gap
    // before the changed dates, so no new step can join it), though c1 has new contacts: neither was rewritten.
    Dataset<Row> stored = daily.read(JourneyTables.JOURNEYS);
    assertThat(stored.where(col("customer_key").equalTo("c3").or(col("started_at").lt(ts("2026-03-01T00:00:00Z"))))
            .select("as_of").distinct().collectAsList())
        .extracting(r -> r.getTimestamp(0).toInstant())
        .containsExactly(Instant.parse("2026-03-11T00:00:00Z"));
    assertThat(stored.where(col("customer_key").isin("c1", "c3")).count()).isEqualTo(3);
    // Day 2 run again: the same set is recomputed and nothing changes.
    List<List<Row>> tables = snapshot(daily);
    assertThat(Journeys.run(daily, asOfDay2, day2.minusDays(1), "test day 2 again").scope())
        .isEqualTo("changed since 2026-03-10: 5 journeys recomputed (5 before) of 3 customers and 2 cases");
    assertThat(snapshot(daily)).isEqualTo(tables);
    // A past date again measures every journey as of its end.
    assertThat(Journeys.run(daily, settings(slo, window, "journeys.as-of=2026-03-11T00:00:00Z"), day1, "test day 1 again")
            .scope())
        .startsWith("every journey recomputed (the tables were measured as of 2026-03-12T00:00:00Z");
  }

  static List<List<Row>> snapshot(Warehouse w) {
    return List.of(
            JourneyTables.JOURNEYS, JourneyTables.JOURNEY_STEPS, JourneyTables.FLOW_DAILY, JourneyTables.JOURNEY_SLO)
        .stream()
        .map(c -> sorted(w, c))
        .toList();
  }

  static List<Row> sorted(Warehouse w, TableContract c) {
    return w.read(c).orderBy(c.keyColumns().stream().map(k -> col(k)).toArray(org.apache.spark.sql.Column[]::new))
        .collectAsList();
  }

  @Test
  void contactDemandGivesNeedKeysAndRepeats() {
    JourneySettings s = JourneySettings.from(settings("journeys.as-of=2026-04-01T00:00:00Z"));
    StructType demandSchema =
        new StructType()
            .add("contact_id", DataTypes.StringType)
            .add("customer_key", DataTypes.StringType)
            .add("need_key", DataTypes.StringType)
            .add("is_recontact", DataTypes.BooleanType);
    Dataset<Row> demand =
        rows(
            demandSchema,
            new Object[] {"d1", "c9", "router", false},
            new Object[] {"d2", "c9", "router", true},
            // Another customer's row for d2 (a stale contact_demand) does not apply.
            new Object[] {"d2", "c8", "billing", false});
    JourneyAssembly.Sequenced sequenced =
        JourneyAssembly.assemble(
            JourneyAssembly.withNeedKeys(
                contacts(
                    // Different reasons, but contact_demand says both are about the same need.
                    contact("d1", "c9", "phone", "2026-03-02T10:00:00Z", 60, "billing_question", "not_resolved", "A",
                        null),
                    contact("d2", "c9", "phone", "2026-03-03T10:00:00Z", 60, "technical_setup", "resolved", "A",
                        null)),
                taxonomy().toDataFrame(spark),
                demand),
            events(),
            s);
    Row j =
        JourneyAssembly.journeys(
                sequenced,
                s,
                Instant.parse("2026-04-01T00:00:00Z"))
            .first();
    assertThat((String) j.getAs("journey_type")).isEqualTo("router");
    assertThat((int) j.getAs("touchpoints")).isEqualTo(2);
    assertThat((int) j.getAs("repeats")).isEqualTo(1);
  }
}
