package org.leancx.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.leancx.experiments.ExperimentAnalysis.Comparison;
import org.leancx.experiments.ExperimentAnalysis.Measure;
import org.leancx.experiments.ExperimentAnalysis.Need;
import org.leancx.experiments.ExperimentAnalysis.Outcome;

/**
 * The arms' comparison on needs built in the test: the measures by hand, the verdicts, the clustered bootstrap's
 * interval (seeded, covering a known difference, wider when a customer's needs move together), and the sample-ratio
 * check. Plain Java: the bootstrap runs on the driver.
 */
class ExperimentAnalysisTest {
  private static Need need(String arm, String customer, boolean settled, long contacts, long failures,
      boolean repeated, double first, double full, double leadHours) {
    return new Need(arm, customer, settled, contacts, failures, repeated, first, full, leadHours);
  }

  private static Outcome outcome(Comparison c, String arm, Measure m) {
    return c.outcomes().stream().filter(o -> o.arm().equals(arm) && o.measure() == m).findFirst().orElseThrow();
  }

  @Test
  void eachMeasureIsComputedOverTheSettledNeedsOfTheArm() {
    List<Need> needs = List.of(
        need("A", "a1", true, 1, 0, false, 10, 10, 2),
        need("A", "a2", true, 3, 2, true, 8, 30, 50),
        need("A", "a3", false, 9, 9, true, 99, 999, 999), // open: in needs, in no measure
        need("B", "b1", true, 2, 1, true, 6, 20, 10),
        need("B", "b2", true, 1, 0, false, 6, 6, 4),
        need("B", "b3", true, 1, 0, false, Double.NaN, 4, 1)); // no contact: no first-contact cost
    Comparison c = ExperimentAnalysis.compare(needs, "A", Map.of(), 200, 1, 0.95);

    assertThat(c.arms()).extracting(ExperimentAnalysis.ArmSize::arm, ExperimentAnalysis.ArmSize::needs,
            ExperimentAnalysis.ArmSize::settledNeeds, ExperimentAnalysis.ArmSize::customers)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("A", 3L, 2L, 3L),
            org.assertj.core.groups.Tuple.tuple("B", 3L, 3L, 3L));
    assertThat(outcome(c, "A", Measure.CONTACTS_PER_NEED).value()).isEqualTo(2.0);
    assertThat(outcome(c, "A", Measure.FIRST_CONTACT_COST).value()).isEqualTo(9.0);
    assertThat(outcome(c, "A", Measure.FULL_COST_PER_RESOLVED_NEED).value()).isEqualTo(20.0);
    assertThat(outcome(c, "A", Measure.FAILURE_DEMAND_SHARE).value()).isEqualTo(0.5);
    assertThat(outcome(c, "A", Measure.REPEAT_RATE).value()).isEqualTo(0.5);
    // p50 of {2, 50}: the smallest lead time reaching half of the weight; p85 the larger one.
    assertThat(outcome(c, "A", Measure.LEAD_TIME_P50_HOURS).value()).isEqualTo(2.0);
    assertThat(outcome(c, "A", Measure.LEAD_TIME_P85_HOURS).value()).isEqualTo(50.0);
    assertThat(outcome(c, "A", Measure.FULL_COST_PER_RESOLVED_NEED).verdict()).isEqualTo("control");
    assertThat(outcome(c, "A", Measure.FULL_COST_PER_RESOLVED_NEED).difference()).isNull();

    Outcome full = outcome(c, "B", Measure.FULL_COST_PER_RESOLVED_NEED);
    assertThat(full.value()).isEqualTo(10.0);
    assertThat(full.controlValue()).isEqualTo(20.0);
    assertThat(full.difference()).isEqualTo(-10.0);
    assertThat(full.relativeDifference()).isEqualTo(-0.5);
    assertThat(outcome(c, "B", Measure.FIRST_CONTACT_COST).value()).isEqualTo(6.0);
    assertThat(outcome(c, "B", Measure.FAILURE_DEMAND_SHARE).value()).isEqualTo(0.25);
    assertThat(outcome(c, "B", Measure.LEAD_TIME_P50_HOURS).value()).isEqualTo(4.0);
  }

  /** Arm B: first contacts 20% cheaper, but a repeat (one more contact at 9.0) 20 points more often. */
  private static List<Need> planted(int customersPerArm, int needsPerCustomer, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<Need> out = new ArrayList<>();
    for (String arm : List.of("A", "B")) {
      double first = arm.equals("A") ? 10.0 : 8.0;
      double repeatChance = arm.equals("A") ? 0.2 : 0.4;
      for (int c = 0; c < customersPerArm; c++) {
        // A customer effect shared by all their needs: their needs are not independent.
        double customer = r.nextDouble() * 6;
        for (int k = 0; k < needsPerCustomer; k++) {
          boolean repeated = r.nextDouble() < repeatChance;
          double full = first + customer + (repeated ? 9.0 : 0.0);
          out.add(need(arm, arm + c, true, repeated ? 2 : 1, repeated ? 1 : 0, repeated, first + customer, full,
              repeated ? 48 : 4));
        }
      }
    }
    return out;
  }

  @Test
  void aCheaperFirstContactThatRepeatsMoreIsBetterPerContactAndWorsePerResolvedNeed() {
    // True differences: first contact -2.0, repeat rate +0.2, contacts per need +0.2, full cost -2.0 + 0.2 x 9.0
    // = -0.2 (too small to call at this size: only its interval is checked).
    List<Need> needs = planted(1500, 3, 7);
    Comparison c = ExperimentAnalysis.compare(needs, "A", Map.of(), 1000, 42, 0.95);
    Outcome first = outcome(c, "B", Measure.FIRST_CONTACT_COST);
    assertThat(first.verdict()).isEqualTo("better");
    assertThat(first.low()).isLessThan(-2.0 + 0.001).isGreaterThan(-2.6);
    Outcome repeat = outcome(c, "B", Measure.REPEAT_RATE);
    assertThat(repeat.verdict()).isEqualTo("worse");
    assertThat(repeat.low()).isLessThan(0.2);
    assertThat(repeat.high()).isGreaterThan(0.2);
    Outcome contacts = outcome(c, "B", Measure.CONTACTS_PER_NEED);
    assertThat(contacts.verdict()).isEqualTo("worse");
    Outcome full = outcome(c, "B", Measure.FULL_COST_PER_RESOLVED_NEED);
    // True: -2.0 + (0.4 - 0.2) x 9.0 = -0.2 on average, with customer effects: the interval must hold it.
    assertThat(full.low()).isLessThan(-0.2);
    assertThat(full.high()).isGreaterThan(-0.2);
    assertThat(c.srmPValue()).isGreaterThan(0.5); // 1,500 customers each: exactly the split
  }

  @Test
  void theSameSeedGivesTheSameIntervalsAndAnotherSeedOthers() {
    List<Need> needs = planted(200, 2, 3);
    Comparison one = ExperimentAnalysis.compare(needs, "A", Map.of(), 300, 11, 0.95);
    Comparison two = ExperimentAnalysis.compare(needs, "A", Map.of(), 300, 11, 0.95);
    Comparison other = ExperimentAnalysis.compare(needs, "A", Map.of(), 300, 12, 0.95);
    assertThat(two).isEqualTo(one);
    assertThat(outcome(other, "B", Measure.FULL_COST_PER_RESOLVED_NEED).low())
        .isNotEqualTo(outcome(one, "B", Measure.FULL_COST_PER_RESOLVED_NEED).low());
    // The input's order does not matter: needs are indexed by customer key.
    List<Need> reversed = new ArrayList<>(needs);
    java.util.Collections.reverse(reversed);
    assertThat(outcome(ExperimentAnalysis.compare(reversed, "A", Map.of(), 300, 11, 0.95), "B",
        Measure.REPEAT_RATE).low()).isEqualTo(outcome(one, "B", Measure.REPEAT_RATE).low());
  }

  @Test
  void resamplingCustomersWidensTheIntervalWhenTheirNeedsMoveTogether() {
    // Every need of a customer is a copy of the first: 10 copies carry the information of one need.
    SplittableRandom r = new SplittableRandom(5);
    List<Need> clustered = new ArrayList<>();
    List<Need> independent = new ArrayList<>();
    for (String arm : List.of("A", "B")) {
      for (int c = 0; c < 300; c++) {
        double full = 10 + r.nextDouble() * 20;
        for (int k = 0; k < 10; k++) {
          clustered.add(need(arm, arm + c, true, 1, 0, false, full, full, 1));
          independent.add(need(arm, arm + c + "/" + k, true, 1, 0, false, full, full, 1));
        }
      }
    }
    Outcome byCustomer = outcome(ExperimentAnalysis.compare(clustered, "A", Map.of(), 500, 9, 0.95), "B",
        Measure.FULL_COST_PER_RESOLVED_NEED);
    Outcome byNeed = outcome(ExperimentAnalysis.compare(independent, "A", Map.of(), 500, 9, 0.95), "B",
        Measure.FULL_COST_PER_RESOLVED_NEED);
    double clusteredWidth = byCustomer.high() - byCustomer.low();
    double naiveWidth = byNeed.high() - byNeed.low();
    assertThat(byCustomer.difference()).isEqualTo(byNeed.difference());
    // sqrt(10) wider in theory: at least twice as wide here.
    assertThat(clusteredWidth).isGreaterThan(2 * naiveWidth);
  }

  @Test
  void armSizesFarFromTheSplitAreASampleRatioMismatch() {
    List<Need> needs = new ArrayList<>();
    for (int c = 0; c < 1000; c++) {
      needs.add(need("A", "a" + c, true, 1, 0, false, 1, 1, 1));
    }
    for (int c = 0; c < 880; c++) {
      needs.add(need("B", "b" + c, true, 1, 0, false, 1, 1, 1));
    }
    // 1,000 against 880 customers where 50/50 was planned: chi-square 7.66, p = 0.0056.
    assertThat(ExperimentAnalysis.compare(needs, "A", Map.of(), 100, 1, 0.95).srmPValue())
        .isCloseTo(0.00564, within(0.0002));
    // Planned 53/47, the same sizes fit.
    assertThat(ExperimentAnalysis.compare(needs, "A", Map.of("A", 0.53, "B", 0.47), 100, 1, 0.95).srmPValue())
        .isGreaterThan(0.5);
    assertThat(ExperimentAnalysis.compare(needs, "A", null, 100, 1, 0.95).srmPValue()).isNull();
    assertThatThrownBy(() -> ExperimentAnalysis.compare(needs, "A", Map.of("A", 0.5), 100, 1, 0.95))
        .hasMessageContaining("'B' has needs but no share");
  }

  @Test
  void aControlWithoutNeedsIsAnErrorNamingTheArmsFound() {
    List<Need> needs = List.of(need("B", "b", true, 1, 0, false, 1, 1, 1));
    assertThatThrownBy(() -> ExperimentAnalysis.compare(needs, "A", Map.of(), 100, 1, 0.95))
        .hasMessageContaining("control arm 'A' has no needs").hasMessageContaining("[B]");
  }

  @Test
  void poissonWeightsHaveMeanAndVarianceOne() {
    SplittableRandom r = new SplittableRandom(1);
    double sum = 0;
    double squares = 0;
    int n = 200_000;
    for (int i = 0; i < n; i++) {
      int k = ExperimentAnalysis.poisson(r);
      sum += k;
      squares += (double) k * k;
    }
    double mean = sum / n;
    assertThat(mean).isCloseTo(1.0, within(0.01));
    assertThat(squares / n - mean * mean).isCloseTo(1.0, within(0.02));
  }
}
