package org.leancx.demand;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.leancx.common.SparkTestBase;
import org.leancx.common.Warehouse;
import org.leancx.ingest.CanonicalTables;

/** The rules of failure demand, each on a small inline example (one customer per example, one run for all). */
class FailureDemandExamplesTest extends SparkTestBase {
  private static Warehouse warehouse;
  private static FailureDemand.Result result;
  private static Map<String, Row> byId;
  private static int inputContacts;

  @BeforeAll
  static void runOnce() {
    DemandTestData d = new DemandTestData();
    // A recontact on day 6 of a 7-day window, and none on day 8.
    d.add("d6-a", "day6", "phone", "2026-01-01 09:00", "billing_question");
    d.add("d6-b", "day6", "phone", "2026-01-07 09:00", "billing_question");
    d.add("d8-a", "day8", "phone", "2026-01-01 09:00", "billing_question");
    d.add("d8-b", "day8", "phone", "2026-01-09 09:00", "billing_question");
    // Per-channel override email = 10d: the later contact's channel decides.
    d.add("em-a", "email", "phone", "2026-01-01 09:00", "delivery_book");
    d.add("em-b", "email", "email", "2026-01-10 09:00", "delivery_book");
    d.add("ph-a", "phone9", "email", "2026-01-01 09:00", "delivery_book");
    d.add("ph-b", "phone9", "phone", "2026-01-10 09:00", "delivery_book");
    // A transfer within 15 minutes of the end of a transferred contact; one after 20 minutes is a recontact.
    d.add("tr-a", "transfer", "phone", "INBOUND", "2026-01-02 09:00", 10, "account_open", "transferred", null);
    d.add("tr-b", "transfer", "phone", "INBOUND", "2026-01-02 09:20", 10, "account_open", "resolved", null);
    d.add("tl-a", "late", "phone", "INBOUND", "2026-01-02 09:00", 10, "account_open", "transferred", null);
    d.add("tl-b", "late", "phone", "INBOUND", "2026-01-02 09:30", 10, "account_open", "resolved", null);
    // A different need is no recontact.
    d.add("dn-a", "need", "phone", "2026-01-01 09:00", "billing_question");
    d.add("dn-b", "need", "phone", "2026-01-02 09:00", "delivery_book");
    // Right-censoring: the data ends at 2026-01-31 12:00 (this contact), so it is PENDING; one 11 days before is not.
    d.add("ce-a", "censored", "phone", "2026-01-31 12:00", "contract_new");
    d.add("ce-b", "old", "phone", "2026-01-20 12:00", "contract_new");
    // A service account: 21 contacts on one day (threshold 20), plus one on another day.
    for (int i = 0; i < 21; i++) {
      d.add(String.format("sa-%02d", i), "service", "phone", String.format("2026-01-05 09:%02d", i), "account_open");
    }
    d.add("sa-99", "service", "phone", "2026-01-06 09:00", "account_open");
    // Equal timestamps: the tie is broken by contact_id.
    d.add("eq-2", "equal", "chat", "2026-01-03 10:00", "technical_setup");
    d.add("eq-1", "equal", "chat", "2026-01-03 10:00", "technical_setup");
    // A chain of 4.
    d.add("ch-1", "chain", "phone", "2026-01-01 09:00", "claim_submit");
    d.add("ch-2", "chain", "chat", "2026-01-03 09:00", "claim_submit");
    d.add("ch-3", "chain", "phone", "2026-01-05 09:00", "claim_add_documents");
    d.add("ch-4", "chain", "email", "2026-01-07 09:00", "claim_chase_decision");
    // Outbound contacts are not recontacts.
    d.add("ob-a", "outbound", "phone", "INBOUND", "2026-01-01 09:00", 5, "payment_arrangement", "resolved", null);
    d.add("ob-b", "outbound", "phone", "OUTBOUND", "2026-01-02 09:00", 5, "payment_arrangement", "resolved", null);
    // A reason missing from the taxonomy.
    d.add("un-a", "unknown", "web", "2026-01-01 09:00", "mystery_reason");
    // A recontact after a bot contact is automation induced.
    d.add("bo-a", "bot", "bot", "INBOUND", "2026-01-01 09:00", 3, "billing_question", "resolved", "billing_bot");
    d.add("bo-b", "bot", "phone", "INBOUND", "2026-01-02 09:00", 5, "billing_question", "resolved", null);
    // Contacts without an outcome (no transfer possible) starting together: the second is a recontact.
    d.add("no-1", "no-outcome", "letter", "INBOUND", "2026-01-04 00:00", 0, "contract_renewal", null, null);
    d.add("no-2", "no-outcome", "letter", "INBOUND", "2026-01-04 00:00", 0, "contract_renewal", null, null);
    inputContacts = d.size();

    warehouse = warehouse("demand-examples");
    warehouse.replaceAll(CanonicalTables.CONTACTS, d.toDataFrame(spark), "test");
    result =
        FailureDemand.run(
            warehouse, settings("demand.recontact.window-by-channel.email=10d"), FailureDemand.Slice.full());
    byId = new HashMap<>();
    for (Row r : warehouse.read(DemandTables.CONTACT_DEMAND).collectAsList()) {
      byId.put(r.getAs("contact_id"), r);
    }
  }

  private static Row row(String id) {
    assertThat(byId).as("contact_demand has contact %s", id).containsKey(id);
    return byId.get(id);
  }

  private static boolean recontact(String id) {
    return row(id).getAs("is_recontact");
  }

  private static String fcr(String id) {
    return row(id).getAs("fcr_status");
  }

  @Test
  void aRecontactOnDay6OfASevenDayWindowAndNoneOnDay8() {
    assertThat(recontact("d6-b")).isTrue();
    assertThat((String) row("d6-b").getAs("prior_contact_id")).isEqualTo("d6-a");
    assertThat((Long) row("d6-b").getAs("gap_seconds")).isEqualTo(6 * 86_400L);
    assertThat((String) row("d6-b").getAs("demand_class")).isEqualTo("FAILURE");
    assertThat((String) row("d6-b").getAs("failure_subtype")).isEqualTo("repeat_not_resolved");
    assertThat((String) row("d6-b").getAs("decided_by")).isEqualTo("recontact");
    assertThat(fcr("d6-a")).isEqualTo("REPEATED");
    assertThat((String) row("d6-a").getAs("decided_by")).isEqualTo("taxonomy_value_reason");

    assertThat(recontact("d8-b")).isFalse();
    assertThat((String) row("d8-b").getAs("prior_contact_id")).isNull();
    assertThat(fcr("d8-a")).isEqualTo("RESOLVED_FIRST_TIME");
    assertThat((String) row("d8-b").getAs("chain_id")).isEqualTo("d8-b");
  }

  @Test
  void aPerChannelOverrideAppliesToTheLaterContactsChannel() {
    assertThat(recontact("em-b")).as("email 9 days after, email window 10d").isTrue();
    assertThat(recontact("ph-b")).as("phone 9 days after an email, default window 7d").isFalse();
  }

  @Test
  void aTransferWithinFifteenMinutesIsNotARecontact() {
    assertThat((Boolean) row("tr-b").getAs("is_transfer")).isTrue();
    assertThat(recontact("tr-b")).isFalse();
    assertThat((String) row("tr-b").getAs("chain_id")).isEqualTo("tr-a");
    assertThat((Integer) row("tr-b").getAs("chain_position")).isEqualTo(2);
    assertThat(fcr("tr-a")).as("a transfer continues the touch; nothing repeated it").isEqualTo("RESOLVED_FIRST_TIME");

    assertThat((Boolean) row("tl-b").getAs("is_transfer")).as("20 minutes after the end").isFalse();
    assertThat(recontact("tl-b")).isTrue();
  }

  @Test
  void aDifferentNeedIsNoRecontact() {
    assertThat(recontact("dn-b")).isFalse();
    assertThat(fcr("dn-a")).isEqualTo("RESOLVED_FIRST_TIME");
  }

  @Test
  void aContactCloserThanTheWindowToTheAsOfTimeIsPending() {
    assertThat(result.asOf()).isEqualTo(java.time.Instant.parse("2026-01-31T12:00:00Z"));
    assertThat(fcr("ce-a")).isEqualTo("PENDING");
    assertThat(fcr("ce-b")).as("11 days before the as-of time").isEqualTo("RESOLVED_FIRST_TIME");
    // The email override widens the censoring horizon of every need to 10 days.
    assertThat(fcr("d6-b")).isEqualTo("RESOLVED_FIRST_TIME");
  }

  @Test
  void aServiceAccountIsExcludedAndListed() {
    assertThat(byId.keySet()).noneMatch(id -> id.startsWith("sa-"));
    List<Row> excluded = warehouse.read(DemandTables.EXCLUDED_CUSTOMERS).collectAsList();
    assertThat(excluded).hasSize(1);
    Row s = excluded.get(0);
    assertThat((String) s.getAs("customer_key")).isEqualTo("service");
    assertThat((Long) s.getAs("contacts")).isEqualTo(22L);
    assertThat((Long) s.getAs("max_contacts_per_day")).isEqualTo(21L);
    assertThat((Long) s.getAs("days_over_threshold")).isEqualTo(1L);
    assertThat(s.getAs("busiest_date").toString()).isEqualTo("2026-01-05");
  }

  @Test
  void equalTimestampsAreOrderedByContactId() {
    assertThat(recontact("eq-1")).isFalse();
    assertThat(recontact("eq-2")).isTrue();
    assertThat((String) row("eq-2").getAs("prior_contact_id")).isEqualTo("eq-1");
    assertThat((Long) row("eq-2").getAs("gap_seconds")).isZero();
  }

  @Test
  void aChainOfFour() {
    for (int i = 1; i <= 4; i++) {
      Row r = row("ch-" + i);
      assertThat((String) r.getAs("chain_id")).isEqualTo("ch-1");
      assertThat((Integer) r.getAs("chain_position")).isEqualTo(i);
      assertThat((Boolean) r.getAs("is_recontact")).isEqualTo(i > 1);
      assertThat(fcr("ch-" + i)).isEqualTo(i < 4 ? "REPEATED" : "RESOLVED_FIRST_TIME");
    }
    assertThat((String) row("ch-4").getAs("failure_subtype")).as("the taxonomy's subtype wins").isEqualTo("progress_chasing");
    assertThat((String) row("ch-4").getAs("decided_by")).isEqualTo("taxonomy_failure_reason");
    Row chain =
        warehouse.read(DemandTables.RECONTACT_CHAINS).where("chain_id = 'ch-1'").collectAsList().get(0);
    assertThat((Long) chain.getAs("contacts")).isEqualTo(4L);
    assertThat((Long) chain.getAs("recontacts")).isEqualTo(3L);
    assertThat(chain.<scala.collection.Seq<String>>getAs("channels").mkString(",")).isEqualTo("chat,email,phone");
    assertThat((Long) chain.getAs("span_seconds")).isEqualTo(6 * 86_400L);
    assertThat((Double) chain.getAs("cost")).isEqualTo(6.0 + 4.0 + 6.0 + 5.0);
    assertThat((Double) chain.getAs("repeat_cost")).isEqualTo(4.0 + 6.0 + 5.0);
  }

  @Test
  void aPredecessorWithoutOutcomeIsNoTransfer() {
    assertThat((Boolean) row("no-2").getAs("is_transfer")).isFalse();
    assertThat(recontact("no-2")).isTrue();
  }

  @Test
  void outboundContactsAreNotRecontacts() {
    assertThat(recontact("ob-b")).isFalse();
    assertThat(fcr("ob-a")).isEqualTo("RESOLVED_FIRST_TIME");
  }

  @Test
  void aReasonMissingFromTheTaxonomyIsUnclassifiedAndListed() {
    assertThat((String) row("un-a").getAs("demand_class")).isEqualTo("UNCLASSIFIED");
    assertThat((String) row("un-a").getAs("decided_by")).isEqualTo("reason_not_in_taxonomy");
    assertThat((String) row("un-a").getAs("need_key")).isEqualTo("mystery_reason");
    List<Row> gaps = warehouse.read(DemandTables.UNCLASSIFIED_REASONS).collectAsList();
    assertThat(gaps).hasSize(1);
    assertThat((String) gaps.get(0).getAs("reason")).isEqualTo("mystery_reason");
    assertThat((Long) gaps.get(0).getAs("contacts")).isEqualTo(1L);
    assertThat(result.unclassifiedReasons()).isEqualTo(1L);
  }

  @Test
  void aRecontactAfterAnAutomationFlowIsAutomationInduced() {
    assertThat(recontact("bo-b")).isTrue();
    assertThat((String) row("bo-b").getAs("failure_subtype")).isEqualTo("automation_induced");
    assertThat((String) row("bo-b").getAs("decided_by")).isEqualTo("automation_induced");
  }

  @Test
  void everyInputContactIsInContactDemandOrExcluded() {
    assertThat(byId.size() + result.excludedContacts()).isEqualTo(inputContacts);
    assertThat(result.contacts()).isEqualTo(byId.size());
  }

  @Test
  void chainIdsAreConsistent() {
    DemandInvariants.assertConsistent(warehouse);
  }

  @Test
  void dailyKpisAddUp() {
    Row total =
        warehouse
            .read(DemandTables.DEMAND_DAILY)
            .selectExpr("sum(contacts)", "sum(recontacts)", "sum(pending)", "sum(failure)")
            .first();
    assertThat(total.getLong(0)).isEqualTo(result.contacts());
    assertThat(total.getLong(1)).isEqualTo(result.recontacts());
    assertThat(total.getLong(2)).isEqualTo(result.pending());
    assertThat(total.getLong(3)).isEqualTo(result.failure());
  }
}
