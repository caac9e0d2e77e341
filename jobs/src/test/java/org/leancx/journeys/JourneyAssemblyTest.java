package org.leancx.journeys;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Inline journey examples: gaps, splits, open and silent journeys, cases, breakpoints and flow efficiency. */
class JourneyAssemblyTest extends JourneyFixtures {
  static final Instant AS_OF = Instant.parse("2026-04-01T00:00:00Z");
  static JourneySettings settings;
  static Map<String, Row> byKey;
  static List<Row> steps;

  @BeforeAll
  static void build() {
    settings = JourneySettings.from(settings("journeys.as-of=2026-04-01T00:00:00Z"));
    Dataset<Row> contacts =
        contacts(
            // c1: two touchpoints three days apart (Monday, Thursday), resolved on the second.
            contact("c1-1", "c1", "phone", "2026-03-02T10:00:00Z", 600, "billing_question", "not_resolved", "A", null),
            contact("c1-2", "c1", "chat", "2026-03-05T10:00:00Z", 300, "billing_wrong_amount", "resolved", "B", null),
            // c2: billing on 1 March, then again 16 days later (> G = 14d: a new journey), 3 days after that still
            // open at the as-of time; delivery is another need, so another journey.
            contact("c2-1", "c2", "phone", "2026-03-01T10:00:00Z", 60, "billing_question", "not_resolved", "A", null),
            contact("c2-2", "c2", "email", "2026-03-17T10:00:00Z", 0, "billing_question", "not_resolved", "A", null),
            contact("c2-3", "c2", "email", "2026-03-20T10:00:00Z", 0, "billing_question", "not_resolved", "A", null),
            contact("c2-4", "c2", "web", "2026-03-05T10:00:00Z", 0, "delivery_book", "resolved", null, null),
            // c5: the longest gap (the breakpoint) follows the second touchpoint.
            contact("c5-1", "c5", "web", "2026-03-09T10:00:00Z", 300, "technical_fault_report", "not_resolved", "A", null),
            contact("c5-2", "c5", "phone", "2026-03-09T12:00:00Z", 600, "technical_fault_report", "transferred", "A", null),
            contact("c5-3", "c5", "email", "2026-03-15T09:00:00Z", 0, "technical_fault_report", "resolved", "B", null),
            // c6: a contact about case K1 belongs to the case's journey.
            contact("c6-1", "c6", "phone", "2026-03-10T09:00:00Z", 600, "claim_submit", "transferred", "A", "K1"));
    Dataset<Row> events =
        events(
            event("e1", "K1", "Register", "2026-03-10T10:00:00Z", "start", "BO"),
            event("e2", "K1", "Register", "2026-03-10T10:30:00Z", "complete", "BO"),
            event("e3", "K1", "Review", "2026-03-11T09:00:00Z", "start", "BO"),
            event("e4", "K1", "Review", "2026-03-11T11:00:00Z", "complete", "BO"),
            event("e5", "K1", "Closed", "2026-03-11T11:00:00Z", "complete", "BO"),
            // K2: case events only, no customer (like the Helpdesk log); silent since 12 March.
            event("k2-1", "K2", "Open", "2026-03-12T10:00:00Z", null, "L1"),
            event("k2-2", "K2", "Wait", "2026-03-12T12:00:00Z", null, "L2"));
    JourneyAssembly.Sequenced sequenced = sequenced(contacts, events, settings);
    steps = JourneyAssembly.journeySteps(sequenced).collectAsList();
    byKey = new HashMap<>();
    for (Row r : JourneyAssembly.journeys(sequenced, settings, AS_OF).collectAsList()) {
      String key =
          r.getAs("case_id") != null
              ? r.<String>getAs("case_id")
              : r.getAs("customer_key") + "@" + r.getAs("started_at").toString().substring(0, 10);
      byKey.put(key, r);
    }
  }

  static Row journey(String key) {
    assertThat(byKey).as("journeys by key").containsKey(key);
    return byKey.get(key);
  }

  @Test
  void twoTouchpointsThreeDaysApartFormOneJourneyWithItsWaitAndFlowEfficiency() {
    Row j = journey("c1@2026-03-02");
    assertThat((String) j.getAs("basis")).isEqualTo("CUSTOMER_NEED");
    assertThat((String) j.getAs("journey_type")).isEqualTo("billing");
    assertThat((String) j.getAs("status")).isEqualTo("CLOSED");
    assertThat((String) j.getAs("closed_by")).isEqualTo("RESOLVED");
    assertThat((long) j.getAs("lead_time_seconds")).isEqualTo(3 * 86400 + 300);
    assertThat((long) j.getAs("touch_seconds")).isEqualTo(900);
    assertThat((long) j.getAs("wait_seconds")).isEqualTo(3 * 86400 + 300 - 900);
    assertThat((double) j.getAs("flow_efficiency")).isCloseTo(900.0 / 259500, within(1e-12));
    assertThat((int) j.getAs("touchpoints")).isEqualTo(2);
    assertThat(j.<String>getList(j.fieldIndex("channels"))).containsExactly("phone", "chat");
    assertThat((int) j.getAs("channel_switches")).isEqualTo(1);
    assertThat((int) j.getAs("hand_offs")).isEqualTo(1);
    assertThat((Object) j.getAs("repeats")).as("no contact_demand table: repeats unknown").isNull();
    assertThat((long) j.getAs("longest_gap_seconds")).isEqualTo(258600);
    assertThat((int) j.getAs("breakpoint_seq")).isEqualTo(1);
    assertThat((String) j.getAs("breakpoint_step")).isEqualTo("phone");
    // Business time (UTC, Mon-Fri 09:00-17:00): Mon 10:00-17:00, Tue, Wed, Thu 09:00-10:05.
    assertThat((long) j.getAs("lead_time_business_seconds")).isEqualTo(7 * 3600 + 8 * 3600 * 2 + 3900);
    assertThat((long) j.getAs("touch_business_seconds")).isEqualTo(900);
    assertThat((long) j.getAs("wait_business_seconds")).isEqualTo(7 * 3600 + 8 * 3600 * 2 + 3900 - 900);
    assertThat((long) j.getAs("longest_gap_business_seconds")).isEqualTo(6 * 3600 + 50 * 60 + 16 * 3600 + 3600);
  }

  @Test
  void theLatestEndFromTheInputsEqualsTheLatestEndOfTheAssembledSteps() {
    Object[] noEnd = contact("n-1", "n", "phone", "2026-03-25T10:00:00Z", 0, null, null, null, null);
    noEnd[5] = null; // no ended_at
    noEnd[6] = null; // no handle time: the touch is 0
    Object[] backwards = contact("b-1", "b", "phone", "2026-03-24T10:00:00Z", 0, null, null, null, null);
    backwards[5] = java.sql.Timestamp.from(Instant.parse("2026-03-24T09:00:00Z")); // ended before it started
    backwards[6] = null;
    Object[] longCall = contact("l-1", "l", "phone", "2026-03-25T09:00:00Z", 7200, null, null, null, null);
    for (boolean latestIsAnEvent : List.of(true, false)) {
      Dataset<Row> contacts = contacts(noEnd, backwards, longCall);
      Dataset<Row> events =
          events(
              event("e1", "K", "Check", "2026-03-25T10:30:00Z", "start", "BO"),
              event("e2", "K", "Check", latestIsAnEvent ? "2026-03-25T12:00:00Z" : "2026-03-25T10:45:00Z",
                  "complete", "BO"),
              event("e3", "K", "Other", "2026-03-20T10:00:00Z", "start", "BO"));
      Row fromSteps =
          sequenced(contacts, events, settings)
              .all()
              .agg(org.apache.spark.sql.functions.max(
                  org.apache.spark.sql.functions.unix_seconds(col("at")).plus(col("touch_seconds"))))
              .first();
      long expected = Instant.parse(latestIsAnEvent ? "2026-03-25T12:00:00Z" : "2026-03-25T11:00:00Z")
          .getEpochSecond();
      assertThat(fromSteps.getLong(0)).isEqualTo(expected);
      assertThat(JourneyAssembly.latestEndSeconds(contacts, events)).isEqualTo(expected);
    }
    assertThat(JourneyAssembly.latestEndSeconds(contacts(), events())).isNull();
  }

  @Test
  void aGapAboveGSplitsTheJourneyAndAnotherNeedIsAnotherJourney() {
    Row first = journey("c2@2026-03-01");
    Row second = journey("c2@2026-03-17");
    Row delivery = journey("c2@2026-03-05");
    assertThat((int) first.getAs("touchpoints")).isEqualTo(1);
    assertThat((int) second.getAs("touchpoints")).isEqualTo(2);
    assertThat((String) delivery.getAs("journey_type")).isEqualTo("delivery");
    assertThat(List.of(first.getAs("journey_id"), second.getAs("journey_id"), delivery.getAs("journey_id")))
        .doesNotHaveDuplicates();
    assertThat((String) first.getAs("status")).isEqualTo("CLOSED");
    assertThat((String) first.getAs("closed_by")).as("silent for more than G before as-of").isEqualTo("SILENCE");
    assertThat((long) first.getAs("lead_time_seconds")).isEqualTo(60);
  }

  @Test
  void anOpenJourneyIsCensoredAndItsLeadTimeIsItsAge() {
    Row open = journey("c2@2026-03-17");
    assertThat((String) open.getAs("status")).isEqualTo("OPEN");
    assertThat((Object) open.getAs("ended_at")).isNull();
    assertThat((Object) open.getAs("closed_by")).isNull();
    assertThat((long) open.getAs("lead_time_seconds")).isEqualTo(14 * 86400 + 14 * 3600);
    assertThat((long) open.getAs("touch_seconds")).isZero();
    assertThat((long) open.getAs("wait_seconds")).isEqualTo(14 * 86400 + 14 * 3600);
  }

  @Test
  void theBreakpointIsTheTouchpointBeforeTheLongestGap() {
    Row j = journey("c5@2026-03-09");
    assertThat((long) j.getAs("longest_gap_seconds")).isEqualTo(5 * 86400 + 20 * 3600 + 50 * 60);
    assertThat((int) j.getAs("breakpoint_seq")).isEqualTo(2);
    assertThat((String) j.getAs("breakpoint_step")).isEqualTo("phone");
    assertThat((String) j.getAs("breakpoint_step_id")).isEqualTo("c5-2");
    assertThat((int) j.getAs("channel_switches")).isEqualTo(2);
    assertThat((int) j.getAs("hand_offs")).isEqualTo(1);
  }

  @Test
  void aCaseDefinesTheJourneyWithItsLinkedContactAndLifecycleTouchTime() {
    Row j = journey("K1");
    assertThat((String) j.getAs("basis")).isEqualTo("CASE");
    assertThat((String) j.getAs("journey_type")).isEqualTo("claims");
    assertThat((String) j.getAs("customer_key")).isEqualTo("c6");
    assertThat((int) j.getAs("touchpoints")).isEqualTo(6);
    assertThat((int) j.getAs("contacts")).isEqualTo(1);
    assertThat((String) j.getAs("closed_by")).isEqualTo("RESOLVED");
    assertThat((long) j.getAs("lead_time_seconds")).isEqualTo(26 * 3600);
    assertThat((long) j.getAs("touch_seconds")).isEqualTo(600 + 1800 + 7200);
    assertThat((double) j.getAs("flow_efficiency")).isCloseTo(9600.0 / 93600, within(1e-12));
    assertThat((String) j.getAs("journey_id"))
        .isEqualTo(sha256Hex("case|K1").substring(0, 32));
  }

  @Test
  void caseEventsWithoutCustomerFormAJourneyOfTheUnknownType() {
    Row j = journey("K2");
    assertThat((Object) j.getAs("customer_key")).isNull();
    assertThat((String) j.getAs("journey_type")).isEqualTo("unclassified");
    assertThat((String) j.getAs("closed_by")).isEqualTo("SILENCE");
    assertThat((long) j.getAs("lead_time_seconds")).isEqualTo(7200);
    assertThat((int) j.getAs("hand_offs")).isEqualTo(1);
  }

  @Test
  void stepsAreNumberedWithTheirWaits() {
    assertThat(steps).hasSize(17);
    Row review =
        steps.stream().filter(r -> r.getAs("step_id").equals("e3")).findFirst().orElseThrow();
    assertThat((int) review.getAs("seq")).isEqualTo(4);
    assertThat((long) review.getAs("touch_seconds")).isEqualTo(7200);
    // Register ended at 10:30 on the 10th; Review started at 09:00 on the 11th.
    assertThat((long) review.getAs("wait_before_seconds")).isEqualTo(22 * 3600 + 30 * 60);
    assertThat((long) review.getAs("wait_before_business_seconds")).isEqualTo(6 * 3600 + 30 * 60);
  }

  @Test
  void journeyIdsAreStableAcrossRuns() {
    Dataset<Row> again =
        JourneyAssembly.journeys(
            sequenced(
                contacts(
                    contact("c1-2", "c1", "chat", "2026-03-05T10:00:00Z", 300, "billing_wrong_amount", "resolved",
                        "B", null),
                    contact("c1-1", "c1", "phone", "2026-03-02T10:00:00Z", 600, "billing_question", "not_resolved",
                        "A", null)),
                events(),
                settings),
            settings,
            AS_OF);
    assertThat(again.select(col("journey_id")).first().getString(0))
        .isEqualTo(journey("c1@2026-03-02").getAs("journey_id"));
  }

  static String sha256Hex(String text) {
    try {
      return java.util.HexFormat.of()
          .formatHex(
              java.security.MessageDigest.getInstance("SHA-256")
                  .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
