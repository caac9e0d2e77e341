package org.leancx.demand;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.leancx.ingest.CanonicalTables;

/** Inline canonical contacts for the failure-demand tests: only the columns that matter are given. */
final class DemandTestData {
  private final List<Row> rows = new ArrayList<>();

  /** An inbound phone-like contact lasting 5 minutes, resolved. */
  DemandTestData add(String id, String customer, String channel, String start, String reason) {
    return add(id, customer, channel, "INBOUND", start, 5, reason, "resolved", null);
  }

  DemandTestData add(
      String id,
      String customer,
      String channel,
      String direction,
      String start,
      int minutes,
      String reason,
      String outcome,
      String automationFlow) {
    LocalDateTime s = LocalDateTime.parse(start.replace(' ', 'T'));
    LocalDateTime e = s.plusMinutes(minutes);
    rows.add(
        RowFactory.create(
            id,
            customer,
            channel,
            direction,
            Timestamp.from(s.toInstant(ZoneOffset.UTC)),
            Timestamp.from(e.toInstant(ZoneOffset.UTC)),
            minutes * 60L,
            null,
            reason,
            outcome,
            "team_a",
            null,
            null,
            automationFlow,
            Map.of(),
            Date.valueOf(s.toLocalDate()),
            "test",
            "inline",
            (long) rows.size() + 1,
            null)); // source_version: no version-column
    return this;
  }

  Dataset<Row> toDataFrame(SparkSession spark) {
    return spark.createDataFrame(rows, CanonicalTables.CONTACTS.schema());
  }

  int size() {
    return rows.size();
  }
}
