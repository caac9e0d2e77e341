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
