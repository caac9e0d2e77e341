package org.leancx.capacity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Erlang C against hand-computed cases (issue 7) and its invariants. */
class ErlangCTest {
  private static final double AHT = 180;
  private static final double WITHIN = 20;

  @Test
  void hundredCallsInHalfAnHourAtThreeMinutesIsTenErlangs() {
    assertThat(ErlangC.erlangs(100, 1800, 180)).isEqualTo(10.0);
  }

  @Test
  void thirteenAgentsGive79Point6PercentWithinTwentySeconds() {
    ErlangC.Staffing s = ErlangC.staffing(13, 10, AHT, WITHIN);
    assertThat(s.serviceLevel()).isCloseTo(0.796, within(0.0005));
    assertThat(s.probabilityOfWait()).isCloseTo(0.2853, within(0.0005));
    assertThat(s.averageSpeedOfAnswerSeconds()).isCloseTo(17.1, within(0.05));
  }

  @Test
  void fourteenAgentsGive88Point8PercentAndAnAsaOfAbout7Point8Seconds() {
    ErlangC.Staffing s = ErlangC.staffing(14, 10, AHT, WITHIN);
    assertThat(s.serviceLevel()).isCloseTo(0.888, within(0.0005));
    assertThat(s.averageSpeedOfAnswerSeconds()).isCloseTo(7.8, within(0.05));
    assertThat(s.occupancy()).isCloseTo(10.0 / 14, within(1e-12));
  }

  @Test
  void fourteenAgentsAreRequiredFor80Within20() {
    ErlangC.Staffing s = ErlangC.required(10, AHT, 0.8, WITHIN);
    assertThat(s.agents()).isEqualTo(14);
    assertThat(s.serviceLevel()).isCloseTo(0.888, within(0.0005));
  }

  @Test
  void erlangBRecursionMatchesTheClosedFormOnASmallCase() {
    // B(2, 1) = (1^2/2!) / (1 + 1 + 1/2) = 0.2
    assertThat(ErlangC.erlangB(2, 1)).isCloseTo(0.2, within(1e-15));
    assertThat(ErlangC.erlangB(0, 5)).isEqualTo(1.0);
  }

  @Test
  void nineHundredErlangsStayFiniteAndNeedAFewMoreThanNineHundredAgents() {
    ErlangC.Staffing s = ErlangC.required(900, AHT, 0.8, WITHIN);
    assertThat(s.agents()).isBetween(901, 960);
    assertThat(s.serviceLevel()).isBetween(0.8, 1.0);
    assertThat(Double.isFinite(s.averageSpeedOfAnswerSeconds())).isTrue();
    // One agent fewer misses the target: the answer is the smallest.
    assertThat(ErlangC.serviceLevel(s.agents() - 1, 900, AHT, WITHIN)).isLessThan(0.8);
    // Factorials would overflow long before 1,000 agents; the recursion does not.
    assertThat(ErlangC.probabilityOfWait(1500, 1400)).isBetween(0.0, 1.0);
    assertThat(ErlangC.required(5000, AHT, 0.9, WITHIN).agents()).isGreaterThan(5000);
  }

  @Test
  void serviceLevelGrowsWithAgentsAndRequiredIsTheSmallestMeetingTheTarget() {
    for (double a : new double[] {0.3, 2.5, 10, 47.7, 250}) {
      double previous = -1;
      for (int n = (int) Math.floor(a) + 1; n < a + 40; n++) {
        double sl = ErlangC.serviceLevel(n, a, AHT, WITHIN);
        // Strictly increasing until it rounds to 1 in double precision.
        if (previous < 1 - 1e-12) {
          assertThat(sl).as("A=%s n=%s", a, n).isGreaterThan(previous);
        }
        assertThat(sl).as("A=%s n=%s", a, n).isGreaterThanOrEqualTo(previous).isLessThanOrEqualTo(1.0);
        previous = sl;
      }
      int required = ErlangC.required(a, AHT, 0.8, WITHIN).agents();
      assertThat(ErlangC.serviceLevel(required, a, AHT, WITHIN)).isGreaterThanOrEqualTo(0.8);
      if (required - 1 > a) {
        assertThat(ErlangC.serviceLevel(required - 1, a, AHT, WITHIN)).as("A=%s", a).isLessThan(0.8);
      }
    }
  }

  @Test
  void anUnstableQueueHasNoServiceAndNoTrafficNeedsNoAgents() {
    ErlangC.Staffing unstable = ErlangC.staffing(10, 10, AHT, WITHIN);
    assertThat(unstable.serviceLevel()).isZero();
    assertThat(unstable.averageSpeedOfAnswerSeconds()).isInfinite();
    assertThat(ErlangC.required(0, AHT, 0.8, WITHIN).agents()).isZero();
  }

  @Test
  void shrinkageAndConcurrency() {
    // 14 on the phones with 30% shrinkage: 20 to schedule.
    assertThat(ErlangC.scheduled(14, 0.3)).isCloseTo(20.0, within(1e-9));
    // Two chats at once halve the effective handle time, and so the Erlangs.
    double effective = ErlangC.effectiveHandleSeconds(600, 2);
    assertThat(effective).isEqualTo(300.0);
    assertThat(ErlangC.erlangs(60, 1800, effective)).isEqualTo(10.0);
    assertThatThrownBy(() -> ErlangC.scheduled(10, 1.0)).hasMessageContaining("shrinkage");
    assertThatThrownBy(() -> ErlangC.effectiveHandleSeconds(300, 0.5)).hasMessageContaining("concurrency");
    assertThatThrownBy(() -> ErlangC.required(10, AHT, 1.0, WITHIN)).hasMessageContaining("0.8 for 80%");
  }
}
