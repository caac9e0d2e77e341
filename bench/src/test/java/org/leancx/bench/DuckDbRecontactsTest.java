package org.leancx.bench;

import static org.apache.spark.sql.functions.max;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.leancx.common.Settings;
import org.leancx.common.SparkSessions;
import org.leancx.common.SparkSettings;
import org.leancx.demand.DemandSettings;
import org.leancx.demand.Recontacts;
import org.leancx.demand.Taxonomy;
import org.leancx.ingest.CanonicalTables;

/**
 * The DuckDB peer and leancx's recontact step write the same contact_demand rows (every compared column of every
 * contact) and find the expected recontacts, on a few dozen inline contacts with the edge cases of docs/FAILURE_DEMAND.md (default rules: need family, 7 days inclusive, ties by
 * contact_id, transfers within 15 minutes, outbound never a recontact, more than 20 contacts a day excluded).
 */
class DuckDbRecontactsTest {
  private static final Path HOME =
      Path.of(System.getProperty("leancx.home", Path.of("").toAbsolutePath().getParent().toString()))
          .toAbsolutePath()
          .normalize();
  private static final Path DIR = HOME.resolve("bench/target/test-recontacts");

  private static SparkSession spark;
  private final List<Row> rows = new ArrayList<>();

  @BeforeAll
  static void open() throws Exception {
    deleteRecursively(DIR);
    spark =
        SparkSessions.open(
            new SparkSettings(
                "local[2]", "leancx-bench-test", 2, false, Map.of("spark.driver.host", "127.0.0.1")),
            DIR.resolve("_catalog").toString());
  }

  @AfterAll
  static void close() {
    spark.stop();
  }

  @Test
  void duckDbAndLeancxFindTheSameExpectedRecontacts() throws Exception {
    // a: billing, exactly 7 days start to start is a recontact; 7 days and 1 second is not.
    add("a1", "cust_a", "INBOUND", "2026-03-01 09:00:00", 5, "billing_question", "resolved");
    add("a2", "cust_a", "INBOUND", "2026-03-08 09:00:00", 5, "billing_chase_refund", "resolved");
    add("a3", "cust_a", "INBOUND", "2026-03-15 09:00:01", 5, "billing_question", "resolved");
    // b: same start time: the tie is broken by contact_id as a string, so b10 comes before b2; b10 was transferred,
    // which makes b2 a transfer. The other order would make b10 a recontact.
    add("b2", "cust_b", "INBOUND", "2026-03-02 10:00:00", 5, "billing_question", "resolved");
    add("b10", "cust_b", "INBOUND", "2026-03-02 10:00:00", 5, "billing_question", "transferred");
    add("b3", "cust_b", "INBOUND", "2026-03-02 10:30:00", 5, "billing_question", "resolved");
    // c: a different need the next day is no recontact; the same family again is.
    add("c1", "cust_c", "INBOUND", "2026-03-03 09:00:00", 5, "billing_question", "resolved");
    add("c2", "cust_c", "INBOUND", "2026-03-04 09:00:00", 5, "payment_arrangement", "resolved");
    add("c3", "cust_c", "INBOUND", "2026-03-05 09:00:00", 5, "billing_wrong_amount", "resolved");
    // d: the same need at the same time for two customers: no recontact.
    add("d1", "cust_d1", "INBOUND", "2026-03-06 09:00:00", 5, "billing_question", "resolved");
    add("d2", "cust_d2", "INBOUND", "2026-03-06 09:00:00", 5, "billing_question", "resolved");
    // e: an outbound callback is never a recontact but is the previous contact of the next inbound one.
    add("e1", "cust_e", "INBOUND", "2026-03-07 09:00:00", 5, "payment_arrangement", "resolved");
    add("e2", "cust_e", "OUTBOUND", "2026-03-08 09:00:00", 5, "payment_arrangement", "resolved");
    add("e3", "cust_e", "INBOUND", "2026-03-09 09:00:00", 5, "payment_arrangement", "resolved");
    // f: a transfer 10 minutes after the end is a transfer; 20 minutes after the end, a recontact.
    add("f1", "cust_f", "INBOUND", "2026-03-10 09:00:00", 10, "billing_question", "transferred");
    add("f2", "cust_f", "INBOUND", "2026-03-10 09:20:00", 5, "billing_question", "Transferred");
    add("f3", "cust_f", "INBOUND", "2026-03-10 09:45:00", 5, "billing_question", "resolved");
    // g: reasons missing from the taxonomy are their own need; no reason is the need (none).
    add("g1", "cust_g", "INBOUND", "2026-03-11 09:00:00", 5, "zz_not_in_taxonomy", "resolved");
    add("g2", "cust_g", "INBOUND", "2026-03-12 09:00:00", 5, "zz_not_in_taxonomy", "resolved");
    add("g3", "cust_g", "INBOUND", "2026-03-12 10:00:00", 5, "zz_other", "resolved");
    add("g4", "cust_g", "INBOUND", "2026-03-13 09:00:00", 5, null, "resolved");
    add("g5", "cust_g", "INBOUND", "2026-03-14 09:00:00", 5, null, null);
    // h: a transferred contact without ended_at counts its start as its end: 14 minutes later is a transfer.
    addOpenEnded("h1", "cust_h", "2026-03-15 09:00:00", "billing_question", "transferred");
    add("h2", "cust_h", "INBOUND", "2026-03-15 09:14:00", 5, "billing_question", "resolved");
    // s: a service account (21 contacts on one day) is excluded although every contact would be a recontact.
    for (int i = 0; i < 21; i++) {
      add(String.format("s%02d", i), "cust_s", "INBOUND", String.format("2026-03-16 %02d:00:00", i), 5,
          "billing_question", "resolved");
    }
    // t: 20 contacts on one day is not over the threshold: 19 recontacts.
    for (int i = 0; i < 20; i++) {
      add(String.format("t%02d", i), "cust_t", "INBOUND", String.format("2026-03-17 %02d:00:00", i), 5,
          "billing_question", "resolved");
    }
    // i: a bot contact, then a phone recontact (automation-induced failure), then an email about a failure reason
    // of the same need (the taxonomy decides); one chain i1, i2, i3, and i3 is pending at the as-of time.
    rows.add(row("i1", "cust_i", "bot", "INBOUND", LocalDateTime.parse("2026-03-18T09:00:00"), null,
        "billing_question", "resolved", "bot_billing"));
    add("i2", "cust_i", "INBOUND", "2026-03-18 12:00:00", 5, "billing_question", "resolved");
    rows.add(row("i3", "cust_i", "email", "INBOUND", LocalDateTime.parse("2026-03-19T09:00:00"), null,
        "billing_wrong_amount", null, null));
    Set<String> expected = new TreeSet<>(List.of("a2", "b3", "c3", "e3", "f3", "g2", "g5", "i2", "i3"));
    for (int i = 1; i < 20; i++) {
      expected.add(String.format("t%02d", i));
    }

    Settings settings = Settings.load(HOME, HOME.resolve("conf/local.conf"), List.of());
    DemandSettings demand = DemandSettings.from(settings);
    // Both engines read the same Parquet files (the harness reads the Delta table's current files instead).
    Path input = DIR.resolve("contacts");
    spark.createDataFrame(rows, CanonicalTables.CONTACTS.schema()).coalesce(2).write().parquet(input.toString());
    Dataset<Row> contacts = spark.read().schema(CanonicalTables.CONTACTS.schema()).parquet(input.toString());
    Timestamp asOf = contacts.agg(max("started_at")).first().getTimestamp(0);
    Dataset<Row> all = RecontactStep.tagged(
            spark, contacts, Recontacts.serviceAccounts(contacts, demand.recontact()), Taxonomy.read(demand.taxonomy()),
            demand, asOf, false);
    all.createOrReplaceTempView("leancx_contact_demand");
    List<Row> tagged = all.select("contact_id", "is_recontact", "is_transfer").collectAsList();
    Map<String, String> leancxRows = new java.util.TreeMap<>();
    for (Row r : all.selectExpr(COMPARED).collectAsList()) {
      StringBuilder b = new StringBuilder();
      for (int i = 1; i < r.size(); i++) {
        b.append(r.get(i)).append(i + 1 < r.size() ? " | " : "");
      }
      leancxRows.put(r.getString(0), b.toString());
    }
    Set<String> leancxIds = new TreeSet<>();
    Set<String> leancxTransfers = new TreeSet<>();
    for (Row r : tagged) {
      if (r.getBoolean(1)) {
        leancxIds.add(r.getString(0));
      }
      if (r.getBoolean(2)) {
        leancxTransfers.add(r.getString(0));
      }
    }

    List<String> files;
    try (var list = Files.list(input)) {
      files = list.filter(f -> f.toString().endsWith(".parquet")).map(Path::toString).sorted().toList();
    }
    Path duckOut = DIR.resolve("duckdb.parquet");
    DuckDbRecontacts.Result duck = DuckDbRecontacts.run(files, Taxonomy.read(demand.taxonomy()), demand, duckOut, 2);
    Map<String, String> duckRows = new java.util.TreeMap<>();
    Set<String> duckIds = new TreeSet<>();
    Set<String> duckTransfers = new TreeSet<>();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT contact_id, is_recontact, is_transfer FROM read_parquet("
                    + DuckDbRecontacts.quote(duckOut.toString()) + ")")) {
      while (r.next()) {
        if (r.getBoolean(2)) {
          duckIds.add(r.getString(1));
        }
        if (r.getBoolean(3)) {
          duckTransfers.add(r.getString(1));
        }
      }
      try (ResultSet all2 =
          s.executeQuery(
              "SELECT " + COMPARED_SQL + " FROM read_parquet(" + DuckDbRecontacts.quote(duckOut.toString()) + ")")) {
        int n = all2.getMetaData().getColumnCount();
        while (all2.next()) {
          StringBuilder b = new StringBuilder();
          for (int i = 2; i <= n; i++) {
            b.append(all2.getObject(i)).append(i < n ? " | " : "");
          }
          duckRows.put(all2.getString(1), b.toString());
        }
      }
      assertThat(Fingerprint.ofDuckDb(c, duckOut.toString()))
          .as("the fingerprint of both tables")
          .isEqualTo(duck.fingerprint())
          .isEqualTo(Fingerprint.ofSpark(spark, "leancx_contact_demand"));
    }

    // Every column of every contact, the same in both engines (the columns are those of contact_demand).
    assertThat(duckRows).as("DuckDB rows").isEqualTo(leancxRows);
    assertThat(Set.of(all.columns())).containsAll(List.of(COMPARED));
    assertThat(leancxRows.get("i2"))
        .as("a recontact after a bot contact")
        .isEqualTo("billing | billing | FAILURE | automation_induced | automation_induced | true | false | i1 | 10800"
            + " | i1 | 2 | REPEATED | 6.0");
    assertThat(leancxRows.get("i3"))
        .as("a failure reason decides before the recontact; the last contact is pending; email costs 5")
        .isEqualTo("billing | billing | FAILURE | error_in_service | taxonomy_failure_reason | true | false | i2"
            + " | 75600 | i1 | 3 | PENDING | 5.0");
    assertThat(leancxRows.get("a1")).endsWith("| a1 | 1 | REPEATED | 6.0");
    assertThat(leancxRows.get("g4")).contains("| UNCLASSIFIED | null | no_reason |");

    assertThat(leancxIds).as("leancx recontacts").isEqualTo(expected);
    assertThat(duckIds).as("DuckDB recontacts").isEqualTo(expected);
    assertThat(duckTransfers).as("DuckDB transfers").containsExactlyInAnyOrder("b2", "f2", "h2");
    assertThat(leancxTransfers).as("leancx transfers").containsExactlyInAnyOrder("b2", "f2", "h2");
    assertThat(duck.recontacts()).isEqualTo(expected.size());
    assertThat(duck.contacts()).as("contacts without the service account").isEqualTo(rows.size() - 21);
    assertThat(tagged).as("leancx contacts without the service account").hasSize(rows.size() - 21);
  }

  /** The contact_demand columns compared between the engines, contact_id first. */
  private static final String[] COMPARED = {
    "contact_id", "need_family", "need_key", "demand_class", "failure_subtype", "decided_by", "is_recontact",
    "is_transfer", "prior_contact_id", "gap_seconds", "chain_id", "chain_position", "fcr_status", "cost"
  };

  private static final String COMPARED_SQL = String.join(", ", COMPARED);

  private void add(
      String id, String customer, String direction, String start, int minutes, String reason, String outcome) {
    LocalDateTime s = LocalDateTime.parse(start.replace(' ', 'T'));
    rows.add(row(id, customer, "phone", direction, s,
        Timestamp.from(s.plusMinutes(minutes).toInstant(ZoneOffset.UTC)), reason, outcome, null));
  }

  private void addOpenEnded(String id, String customer, String start, String reason, String outcome) {
    rows.add(row(id, customer, "phone", "INBOUND", LocalDateTime.parse(start.replace(' ', 'T')), null, reason,
        outcome, null));
  }

  private Row row(
      String id, String customer, String channel, String direction, LocalDateTime start, Timestamp end, String reason,
      String outcome, String automationFlow) {
    return RowFactory.create(
        id, customer, channel, direction, Timestamp.from(start.toInstant(ZoneOffset.UTC)), end, null, null, reason,
        outcome, "team_a", null, null, automationFlow, Map.of(), java.sql.Date.valueOf(start.toLocalDate()), "test",
        "inline", (long) rows.size() + 1, null); // source_version: no version-column
  }

  private static void deleteRecursively(Path dir) throws Exception {
    if (!Files.exists(dir)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
