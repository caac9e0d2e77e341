package org.leancx.journeys;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.leancx.common.SparkTestBase;
import org.leancx.demand.Taxonomy;
import org.leancx.ingest.CanonicalTables;

/** Inline canonical contacts and case events with only the columns that matter, for the journeys tests. */
abstract class JourneyFixtures extends SparkTestBase {

  static Timestamp ts(String instant) {
    return Timestamp.from(Instant.parse(instant));
  }

  /** A contact row in the canonical schema. */
  static Object[] contact(
      String id, String customer, String channel, String startedAt, long handleSeconds, String reason, String outcome,
      String team, String caseId) {
    Instant start = Instant.parse(startedAt);
    return new Object[] {
      id, customer, channel, "INBOUND", Timestamp.from(start), Timestamp.from(start.plusSeconds(handleSeconds)),
      handleSeconds, 0L, reason, outcome, team, "agent", caseId, null, Map.of(),
      Date.valueOf(start.atZone(ZoneOffset.UTC).toLocalDate()), "test", "test.csv", 1L, null
    };
  }

  /** A case event row in the canonical schema. */
  static Object[] event(String id, String caseId, String activity, String at, String lifecycle, String team) {
    Instant t = Instant.parse(at);
    return new Object[] {
      id, caseId, null, activity, Timestamp.from(t), lifecycle, "someone", team, Map.of(),
      Date.valueOf(t.atZone(ZoneOffset.UTC).toLocalDate()), "test", "test.csv", 1L, null
    };
  }

  static Dataset<Row> contacts(Object[]... rows) {
    return rows(CanonicalTables.CONTACTS.schema(), rows);
  }

  static Dataset<Row> events(Object[]... rows) {
    return rows(CanonicalTables.CASE_EVENTS.schema(), rows);
  }

  static Taxonomy taxonomy() {
    return Taxonomy.read(HOME.resolve("conf/taxonomy/reasons.csv"));
  }

  /** Sequenced steps: need keys, steps, journeys assigned, sequenced. */
  static JourneyAssembly.Sequenced sequenced(Dataset<Row> contacts, Dataset<Row> events, JourneySettings s) {
    return JourneyAssembly.assemble(
        JourneyAssembly.withNeedKeys(contacts, taxonomy().toDataFrame(session()), null), events, s);
  }
}
