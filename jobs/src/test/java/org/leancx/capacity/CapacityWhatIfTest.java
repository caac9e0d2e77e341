package org.leancx.capacity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.leancx.capacity.CapacityFixtures.at;
import static org.leancx.capacity.CapacityFixtures.contact;
import static org.leancx.capacity.CapacityFixtures.demand;

import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.leancx.common.SparkTestBase;

/**
 * Capacity what-if on inline contacts: the hand-computed case (100 calls in 30 minutes at 180 s = 10 Erlangs,
 * 14 agents for 80/20), value demand without the failure contacts, the p90 peak per interval of the week, concurrency,
 * and the filters.
 */
class CapacityWhatIfTest extends SparkTestBase {
  private static final double AHT = 180;
  private static CapacitySettings capacity;
  private static List<Row> whatIf;

  /**
   * Three Mondays (2026-06-01, 08, 15) at 09:00-09:30 UTC: 100, 10 and 10 phone calls of 180 s, 20 of the first 100
   * FAILURE demand; on the first Monday also one chat of 600 s, one outbound call and one bot contact (both left out).
   */
  @BeforeAll
  static void data() {
    capacity = CapacitySettings.from(settings());
    List<Object[]> c = new ArrayList<>();
    List<Object[]> d = new ArrayList<>();
    String[] mondays = {"2026-06-01", "2026-06-08", "2026-06-15"};
    int[] calls = {100, 10, 10};
    for (int w = 0; w < 3; w++) {
      for (int i = 0; i < calls[w]; i++) {
        String id = "p" + w + "-" + i;
        Timestamp t = at(mondays[w] + "T09:" + String.format("%02d", (i * 17) % 30) + ":00Z");
        // Waits: 70 of the first week's calls answered within 20 s, 30 after 45 s.
        c.add(contact(id, "phone", "INBOUND", t, 180L, w == 0 && i >= 70 ? 45L : 5L));
        String klass = w == 0 && i < 20 ? "FAILURE" : "VALUE";
        d.add(demand(id, LocalDate.parse(mondays[w]), "phone", "billing", klass, false, "RESOLVED_FIRST_TIME"));
      }
    }
    c.add(contact("chat-1", "Chat", "INBOUND", at("2026-06-01T09:10:00Z"), 600L, null));
    c.add(contact("out-1", "phone", "OUTBOUND", at("2026-06-01T09:05:00Z"), 180L, null));
    c.add(contact("bot-1", "bot", "INBOUND", at("2026-06-01T09:05:00Z"), 60L, null));
    Dataset<Row> contacts = rows(CapacityFixtures.CONTACTS, c.toArray(Object[][]::new));
    Dataset<Row> contactDemand = rows(CapacityFixtures.DEMAND, d.toArray(Object[][]::new));
    whatIf = CapacityWhatIf.whatIf(contacts, contactDemand, capacity).collectAsList();
  }

  private static Row row(String channel, String intervalStartUtc) {
    Timestamp t = at(intervalStartUtc);
    return whatIf.stream()
        .filter(r -> r.getAs("channel").equals(channel) && r.getAs("interval_start").equals(t))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no row for " + channel + " at " + intervalStartUtc));
  }

  @Test
  void hundredCallsInHalfAnHourAtThreeMinutesNeedFourteenAgentsFor80In20() {
    Row r = row("phone", "2026-06-01T09:00:00Z");
    assertThat(r.<Long>getAs("arrivals")).isEqualTo(100L);
    assertThat(r.<Double>getAs("handle_seconds_mean")).isEqualTo(180.0);
    assertThat(r.<Double>getAs("erlangs")).isCloseTo(10.0, within(1e-12));
    assertThat(r.<Integer>getAs("agents_required")).isEqualTo(14);
    assertThat(r.<Double>getAs("service_level")).isCloseTo(0.888, within(0.0005));
    assertThat(r.<Double>getAs("asa_seconds")).isCloseTo(7.8, within(0.05));
    // 30% shrinkage: 14 / 0.7 = 20 agents to schedule.
    assertThat(r.<Double>getAs("agents_scheduled")).isCloseTo(20.0, within(1e-9));
    assertThat(r.<Double>getAs("observed_service_level")).isCloseTo(0.70, within(1e-12));
    assertThat(r.<Integer>getAs("slot_of_week")).isEqualTo(18);
    assertThat(r.<Integer>getAs("interval_seconds")).isEqualTo(1800);
  }

  @Test
  void valueDemandDropsTheFailureContactsAndTheDifferenceIsFailureAgentHours() {
    Row r = row("phone", "2026-06-01T09:00:00Z");
    assertThat(r.<Long>getAs("failure_arrivals")).isEqualTo(20L);
    assertThat(r.<Long>getAs("value_arrivals")).isEqualTo(80L);
    assertThat(r.<Long>getAs("failure_handle_seconds")).isEqualTo(20 * 180L);
    assertThat(r.<Double>getAs("value_erlangs")).isCloseTo(8.0, within(1e-12));
    int valueAgents = ErlangC.required(8.0, AHT, 0.8, 20).agents();
    assertThat(r.<Integer>getAs("value_agents_required")).isEqualTo(valueAgents).isLessThan(14);
    double expectedHours = (14 - valueAgents) / 0.7 * 0.5;
    assertThat(r.<Double>getAs("failure_agent_hours")).isCloseTo(expectedHours, within(1e-9));
  }

  @Test
  void peakIsTheP90OfArrivalsOfTheSameIntervalOfTheWeek() {
    // Arrivals of Monday 09:00 over three weeks: 100, 10, 10. Exact p90 = 10 + 0.8 x (100 - 10) = 82.
    for (String monday : new String[] {"2026-06-01", "2026-06-08", "2026-06-15"}) {
      Row r = row("phone", monday + "T09:00:00Z");
      assertThat(r.<Double>getAs("peak_arrivals")).as(monday).isCloseTo(82.0, within(1e-9));
      assertThat(r.<Double>getAs("peak_erlangs")).as(monday).isCloseTo(82 * 180 / 1800.0, within(1e-9));
      assertThat(r.<Integer>getAs("peak_agents_required"))
          .isEqualTo(ErlangC.required(8.2, AHT, 0.8, 20).agents());
    }
    // Quiet weeks need fewer agents on the mean than at the peak.
    assertThat(row("phone", "2026-06-08T09:00:00Z").<Integer>getAs("agents_required"))
        .isLessThan(row("phone", "2026-06-08T09:00:00Z").<Integer>getAs("peak_agents_required"));
  }

  @Test
  void quietIntervalsArePresentWithZeroArrivalsAndNoAgents() {
    // Whole days from the first to the last Monday: 15 days x 48 intervals per queue (phone and chat).
    assertThat(whatIf.stream().filter(r -> r.getAs("channel").equals("phone")).count()).isEqualTo(15 * 48);
    Row night = row("phone", "2026-06-02T03:30:00Z");
    assertThat(night.<Long>getAs("arrivals")).isZero();
    assertThat(night.<Integer>getAs("agents_required")).isZero();
    assertThat(night.<Double>getAs("failure_agent_hours")).isZero();
    assertThat(night.isNullAt(night.fieldIndex("service_level"))).isTrue();
    assertThat(night.isNullAt(night.fieldIndex("handle_seconds_mean"))).isTrue();
  }

  @Test
  void chatConcurrencyHalvesTheHandleTimeAndOutboundAndBotAreLeftOut() {
    Row chat = row("chat", "2026-06-01T09:00:00Z");
    assertThat(chat.<Double>getAs("concurrency")).isEqualTo(2.0);
    assertThat(chat.<Long>getAs("arrivals")).isEqualTo(1L);
    // One chat of 600 s at concurrency 2: 300 / 1800 Erlangs; no wait known.
    assertThat(chat.<Double>getAs("erlangs")).isCloseTo(300 / 1800.0, within(1e-12));
    assertThat(chat.<Integer>getAs("agents_required")).isEqualTo(1);
    assertThat(chat.isNullAt(chat.fieldIndex("observed_service_level"))).isTrue();
    assertThat(whatIf.stream().map(r -> r.<String>getAs("channel")).distinct()).containsExactlyInAnyOrder("phone", "chat");
    assertThat(whatIf.stream().mapToLong(r -> r.<Long>getAs("arrivals")).sum()).isEqualTo(121);
  }

}
