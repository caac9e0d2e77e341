package org.leancx.demand;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.to_json;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.leancx.common.Settings;
import org.leancx.common.SparkTestBase;
import org.leancx.common.TableContract;
import org.leancx.common.Warehouse;
import org.leancx.ingest.CanonicalTables;
import org.leancx.ingest.CustomerClustering;

/** An incremental run equals a full run, a rerun leaves identical tables, and no contact is lost. */
@Tag("e2e") // five whole runs for one property (sliced = full); rules and wiring: FailureDemandExamplesTest
class FailureDemandIncrementalTest extends SparkTestBase {
  private static final List<TableContract> OUTPUTS =
      List.of(
          DemandTables.CONTACT_DEMAND,
          DemandTables.RECONTACT_CHAINS,
          DemandTables.DEMAND_DAILY,
          DemandTables.EXCLUDED_CUSTOMERS,
          DemandTables.UNCLASSIFIED_REASONS);
  private static final String[] REASONS = {
    "billing_question", "billing_chase_refund", "delivery_book", "delivery_where_is_order", "claim_submit",
    "not_in_taxonomy"
  };
  private static final String[] CHANNELS = {"phone", "chat", "email", "bot", "web"};

  private static Dataset<Row> contacts;
  private static int inputContacts;
  private static Settings settings;
  /** One full run over the inline contacts, the reference of every test here. */
  private static Warehouse full;
  private static FailureDemand.Result fullResult;
  private static List<List<String>> expected;

  /** About 150 customers over 40 days, with recontacts, transfers, ties, bots, outbound contacts and a late service account. */
  @BeforeAll
  static void data() {
    Random random = new Random(7);
    DemandTestData d = new DemandTestData();
    LocalDateTime day0 = LocalDateTime.of(2026, 3, 1, 8, 0);
    int id = 0;
    for (int c = 0; c < 150; c++) {
      String customer = "cust-" + c;
      int episodes = 1 + random.nextInt(3);
      for (int e = 0; e < episodes; e++) {
        LocalDateTime t = day0.plusMinutes(random.nextInt(40 * 24 * 60));
        String reason = REASONS[random.nextInt(REASONS.length)];
        int touches = 1 + random.nextInt(4);
        for (int k = 0; k < touches; k++) {
          String channel = CHANNELS[random.nextInt(CHANNELS.length)];
          boolean transferred = random.nextInt(6) == 0;
          d.add(
              String.format("c%05d", id++),
              customer,
              channel,
              random.nextInt(10) == 0 ? "OUTBOUND" : "INBOUND",
              t.toString().replace('T', ' '),
              4,
              reason,
              transferred ? "transferred" : "resolved",
              channel.equals("bot") ? "bot_flow" : null);
          // Next touch: a transfer, the same minute (a tie), or 1 to 10 days later.
          int pick = random.nextInt(10);
          t = transferred ? t.plusMinutes(10) : pick == 0 ? t : t.plusHours(6 + random.nextInt(240));
        }
      }
    }
    // Contacts early on of a customer who becomes a service account in the last days.
    d.add("s-early-1", "late-service", "phone", "2026-03-02 09:00", "billing_question");
    d.add("s-early-2", "late-service", "phone", "2026-03-04 09:00", "billing_question");
    for (int i = 0; i < 25; i++) {
      d.add(String.format("s-late-%02d", i), "late-service", "phone", String.format("2026-04-05 09:%02d", i),
          "billing_question");
    }
    contacts = d.toDataFrame(spark).where(col("contact_date").leq(LocalDate.of(2026, 4, 9)));
    inputContacts = (int) contacts.count();
    settings = settings("demand.recontact.window-by-need.claims=9d");
    full = withContacts("demand-full");
    fullResult = FailureDemand.run(full, settings, FailureDemand.Slice.full());
    expected = snapshot(full);
  }

  private static Warehouse withContacts(String name) {
    Warehouse w = warehouse(name);
    w.replaceAll(CanonicalTables.CONTACTS, contacts, "test");
    return w;
  }

  @Test
  void anIncrementalRunEqualsAFullRunAndARerunLeavesIdenticalTables() {
    Warehouse incremental = withContacts("demand-incremental");
    FailureDemand.run(incremental, settings, new FailureDemand.Slice(null, LocalDate.of(2026, 3, 25), null));
    FailureDemand.Result last =
        FailureDemand.run(incremental, settings, new FailureDemand.Slice(LocalDate.of(2026, 3, 26), null, null));
    assertThat(last.rewrittenFrom()).as("look-back of max(W) = 9 days at least").isBeforeOrEqualTo("2026-03-17");
    List<List<String>> actual = snapshot(incremental);
    for (int i = 0; i < OUTPUTS.size(); i++) {
      assertThat(actual.get(i)).as("table %s: incremental = full", OUTPUTS.get(i).name()).isEqualTo(expected.get(i));
    }

    FailureDemand.Result again = FailureDemand.run(full, settings, FailureDemand.Slice.full());
    assertThat(again).isEqualTo(fullResult);
    List<List<String>> rerun = snapshot(full);
    for (int i = 0; i < OUTPUTS.size(); i++) {
      assertThat(rerun.get(i)).as("table %s: rerun = first run", OUTPUTS.get(i).name()).isEqualTo(expected.get(i));
    }

    // Invariants on the data set: no contact lost, chains consistent, something of every kind happened.
    assertThat(fullResult.contacts() + fullResult.excludedContacts()).isEqualTo(inputContacts);
    assertThat(fullResult.excludedContacts()).isEqualTo(27);
    assertThat(fullResult.recontacts()).isPositive();
    assertThat(fullResult.transfers()).isPositive();
    assertThat(fullResult.pending()).isPositive();
    assertThat(fullResult.chains()).isPositive();
    DemandInvariants.assertConsistent(full);
  }

  /**
   * A daily slice recomputes excluded_customers for the customers with contacts in its look-back and recontact_chains
   * for the chains with contacts in its re-tagged dates, each by one MERGE, and leaves what a run over everything up to
   * the date leaves.
   */
  @Test
  void aDailySliceMergesTheChangedChainsAndServiceAccounts() {
    LocalDate day = LocalDate.of(2026, 3, 21);
    java.time.Instant end = day.plusDays(1).atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
    Warehouse daily = withContacts("demand-daily-merge");
    FailureDemand.run(daily, settings, new FailureDemand.Slice(null, day.minusDays(1), end.minusSeconds(86_400)));
    FailureDemand.Result last = FailureDemand.run(daily, settings, new FailureDemand.Slice(day, day, end));
    assertThat(lastOperation(daily, DemandTables.RECONTACT_CHAINS)).isEqualTo("MERGE");
    // No service account up to the day: the MERGE of nothing commits nothing, after turning deletion vectors on.
    assertThat(lastOperation(daily, DemandTables.EXCLUDED_CUSTOMERS)).isEqualTo("SET TBLPROPERTIES");
    Warehouse whole = withContacts("demand-whole-to-day");
    FailureDemand.run(whole, settings, new FailureDemand.Slice(null, day, end));
    List<List<String>> want = snapshot(whole);
    List<List<String>> got = snapshot(daily);
    for (int i = 0; i < OUTPUTS.size(); i++) {
      assertThat(got.get(i)).as("table %s: daily = one run", OUTPUTS.get(i).name()).isEqualTo(want.get(i));
    }
    assertThat(last.chains()).isPositive();
    assertThat(got.get(OUTPUTS.indexOf(DemandTables.RECONTACT_CHAINS))).isNotEmpty();
  }

  @Test
  void aFullRunOverCustomerClusteredContactsEqualsTheShuffledRun() {
    // The shared full run read the inline contacts as they are: not clustered, so the shuffled path.
    assertThat(fullResult.perCustomer()).as("the inline contacts are not clustered: shuffled").isFalse();

    Warehouse clustered = warehouse("demand-clustered");
    clustered.replaceAll(CanonicalTables.CONTACTS, CustomerClustering.cluster(contacts, 3), "test");
    FailureDemand.Result actual = FailureDemand.run(clustered, settings, FailureDemand.Slice.full());
    assertThat(actual.perCustomer()).as("clustered as ingest writes contacts: customer by customer").isTrue();

    assertThat(actual).usingRecursiveComparison().ignoringFields("perCustomer").isEqualTo(fullResult);
    List<List<String>> got = snapshot(clustered);
    for (int i = 0; i < OUTPUTS.size(); i++) {
      assertThat(got.get(i)).as("table %s: per customer = shuffled", OUTPUTS.get(i).name())
          .isEqualTo(expected.get(i));
    }
    assertThat(got.get(OUTPUTS.indexOf(DemandTables.EXCLUDED_CUSTOMERS))).hasSize(1);
    DemandInvariants.assertConsistent(clustered);
  }

  private static String lastOperation(Warehouse w, TableContract t) {
    return w.deltaTable(t).history(1).first().getAs("operation");
  }

  /** Each table's rows as sorted strings (maps as JSON, so that the comparison does not depend on map order). */
  private static List<List<String>> snapshot(Warehouse w) {
    List<List<String>> tables = new ArrayList<>();
    for (TableContract t : OUTPUTS) {
      List<Column> cols = new ArrayList<>();
      for (StructField f : t.schema().fields()) {
        cols.add(f.dataType() instanceof MapType ? to_json(col(f.name())).as(f.name()) : col(f.name()));
      }
      List<String> rows = new ArrayList<>();
      for (Row r : w.read(t).select(cols.toArray(Column[]::new)).collectAsList()) {
        rows.add(r.toString());
      }
      Collections.sort(rows);
      tables.add(rows);
    }
    return tables;
  }
}
