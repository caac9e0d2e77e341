package org.leancx.journeys;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.median;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.try_to_timestamp;
import static org.apache.spark.sql.functions.unix_seconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.leancx.ingest.CanonicalTables;

/**
 * Journeys on the real Helpdesk and BPIC 2013 logs, case id as journey, against an oracle in plain Java over the raw
 * file: the journey count, and the mean and median lead time to the second.
 */
class RealLogsTest extends JourneyFixtures {

  /** One real log: file, the columns used, and the timestamp pattern. */
  record Log(String file, String caseColumn, String activityColumn, String timeColumn, String resourceColumn,
      String teamColumn, String pattern) {}

  static final Log HELPDESK =
      new Log("helpdesk_full.csv", "case:concept:name", "concept:name", "time:timestamp", "org:resource", null,
          "yyyy-MM-dd HH:mm:ssXXX");
  static final Log BPIC2013 =
      new Log("bpic2013_incidents.csv.gz", "case:concept:name", "concept:name", "time:timestamp", "org:resource",
          "org:group", "yyyy-MM-dd'T'HH:mm:ssXXX");

  @Test
  void helpdeskCasesAreJourneys() throws IOException {
    check(HELPDESK, 4_580);
  }

  @Test
  void bpic2013IncidentsAreJourneys() throws IOException {
    check(BPIC2013, 7_554);
  }

  /** case_events in the canonical schema, read from the raw file with Spark. */
  static Dataset<Row> caseEvents(Log log) {
    Dataset<Row> raw = spark.read().option("header", "true").csv(REAL_DATA.resolve(log.file()).toString());
    Column at = try_to_timestamp(col("`" + log.timeColumn() + "`"), lit(log.pattern()));
    Column team = log.teamColumn() == null ? lit(null).cast("string") : col("`" + log.teamColumn() + "`");
    Dataset<Row> events =
        raw.select(
            concat_ws("|", col("`" + log.caseColumn() + "`"), col("`" + log.timeColumn() + "`"),
                    col("`" + log.activityColumn() + "`"), org.apache.spark.sql.functions.monotonically_increasing_id())
                .as("event_id"),
            col("`" + log.caseColumn() + "`").as("case_id"),
            lit(null).cast("string").as("customer_key"),
            col("`" + log.activityColumn() + "`").as("activity"),
            at.as("occurred_at"),
            lit(null).cast("string").as("lifecycle"),
            col("`" + log.resourceColumn() + "`").as("resource"),
            team.as("team"),
            lit(null).cast("map<string,string>").as("attributes"),
            to_date(at).as("event_date"),
            lit(log.file()).as("source"),
            lit(log.file()).as("source_file"),
            lit(0L).as("source_record"),
            lit(null).cast("decimal(38,6)").as("source_version"));
    return events.select(CanonicalTables.CASE_EVENTS.columnNames().stream().map(c -> col(c)).toArray(Column[]::new));
  }

  void check(Log log, long expectedJourneys) throws IOException {
    Path file = REAL_DATA.resolve(log.file());
    Assumptions.assumeTrue(Files.exists(file), "Real data not found at " + file + ": skipping (needs ../shared)");
    JourneySettings s = JourneySettings.from(settings());
    Dataset<Row> events = caseEvents(log).cache();
    JourneyAssembly.Sequenced sequenced = sequenced(contacts(), events, s);
    Instant asOf = events.agg(max(col("occurred_at"))).first().getTimestamp(0).toInstant();
    Dataset<Row> journeys = JourneyAssembly.journeys(sequenced, s, asOf).cache();
    Row spark =
        journeys
            .agg(
                org.apache.spark.sql.functions.count(lit(1)),
                avg(col("lead_time_seconds")),
                median(col("lead_time_seconds")),
                avg(unix_seconds(col("last_event_at")).minus(unix_seconds(col("started_at")))),
                median(unix_seconds(col("last_event_at")).minus(unix_seconds(col("started_at")))),
                org.apache.spark.sql.functions.sum(
                    org.apache.spark.sql.functions.when(col("status").equalTo("OPEN"), 1).otherwise(0)))
            .first();
    Oracle oracle = Oracle.read(file, log, s.resolvingActivities(), s.gap().toSeconds());
    journeys.unpersist();
    events.unpersist();

    assertThat(spark.getLong(0)).isEqualTo(expectedJourneys).isEqualTo(oracle.firstToLast.length);
    assertThat(spark.getDouble(3)).as("mean first-to-last").isCloseTo(meanOf(oracle.firstToLast), within(1e-3));
    assertThat(spark.getDouble(4)).as("median first-to-last").isCloseTo(medianOf(oracle.firstToLast), within(1e-3));
    assertThat(spark.getLong(5)).as("open journeys").isEqualTo(oracle.open);
    assertThat(spark.getDouble(1)).as("mean lead time").isCloseTo(meanOf(oracle.lead), within(1e-3));
    assertThat(spark.getDouble(2)).as("median lead time").isCloseTo(medianOf(oracle.lead), within(1e-3));
  }

  static double meanOf(long[] values) {
    return Arrays.stream(values).sum() / (double) values.length;
  }

  static double medianOf(long[] values) {
    long[] v = values.clone();
    Arrays.sort(v);
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
  }

  /**
   * The oracle: per case the first and last event (java.time parsing of the raw lines), the last event's activity,
   * and the lead time by the journey rules: last - first when closed (the last activity is resolving, or silent
   * for more than G before the latest event of the file), else latest - first.
   */
  record Oracle(long[] firstToLast, long[] lead, long open) {
    static Oracle read(Path file, Log log, Set<String> resolving, long gap) throws IOException {
      Map<String, long[]> span = new HashMap<>();
      Map<String, String> lastActivity = new HashMap<>();
      long latest = Long.MIN_VALUE;
      try (InputStream in = Files.newInputStream(file);
          BufferedReader r =
              new BufferedReader(
                  new InputStreamReader(
                      file.toString().endsWith(".gz") ? new GZIPInputStream(in) : in, StandardCharsets.UTF_8))) {
        List<String> header = List.of(r.readLine().split(",", -1));
        int caseIndex = header.indexOf(log.caseColumn());
        int timeIndex = header.indexOf(log.timeColumn());
        int activityIndex = header.indexOf(log.activityColumn());
        DateTimeFormatter format = DateTimeFormatter.ofPattern(log.pattern());
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          String[] f = line.split(",", -1);
          long t = OffsetDateTime.parse(f[timeIndex], format).toEpochSecond();
          latest = Math.max(latest, t);
          long[] s = span.computeIfAbsent(f[caseIndex], k -> new long[] {Long.MAX_VALUE, Long.MIN_VALUE});
          s[0] = Math.min(s[0], t);
          if (t >= s[1]) {
            s[1] = t;
            lastActivity.put(f[caseIndex], f[activityIndex]);
          }
        }
      }
      List<Long> firstToLast = new ArrayList<>();
      List<Long> lead = new ArrayList<>();
      long open = 0;
      for (Map.Entry<String, long[]> e : span.entrySet()) {
        long first = e.getValue()[0];
        long last = e.getValue()[1];
        boolean closed =
            resolving.contains(lastActivity.get(e.getKey()).trim().toLowerCase(java.util.Locale.ROOT))
                || latest - last > gap;
        firstToLast.add(last - first);
        lead.add(closed ? last - first : latest - first);
        open += closed ? 0 : 1;
      }
      return new Oracle(
          firstToLast.stream().mapToLong(Long::longValue).toArray(),
          lead.stream().mapToLong(Long::longValue).toArray(),
          open);
    }
  }
}
