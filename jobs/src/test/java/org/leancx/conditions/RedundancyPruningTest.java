package org.leancx.conditions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The measures and the pruning rules on small hand-made counts (no Spark). */
class RedundancyPruningTest {
  private static MeasuredSet set(long n, long failures, String... conditions) {
    return new MeasuredSet(List.of(conditions), n, failures, failures * 10.0);
  }

  private static final MeasuredSet ALL = set(1000, 100);

  @Test
  void liftExcessFailuresAndExcessCost() {
    MeasuredSet bot = set(200, 60, "channel=bot");
    assertThat(bot.failureRate()).isEqualTo(0.30);
    assertThat(bot.lift(0.10)).isCloseTo(3.0, within(1e-12));
    // 60 failures where 200 x 0.10 = 20 were expected: 40 excess, at 10 per failure.
    assertThat(bot.excessFailures(0.10)).isCloseTo(40.0, within(1e-12));
    assertThat(bot.excessCost(0.10)).isCloseTo(400.0, within(1e-9));
  }

  @Test
  void wilsonIntervalMatchesHandComputedValues() {
    // p = 0.3, n = 100, z = 1.96: centre (p + z²/2n) / (1 + z²/n), half z/(1 + z²/n) · sqrt(p(1-p)/n + z²/4n²).
    double[] ci = MeasuredSet.wilson(30, 100, MeasuredSet.Z95);
    assertThat(ci[0]).isCloseTo(0.218949, within(1e-6));
    assertThat(ci[1]).isCloseTo(0.395849, within(1e-6));
    // Unlike the normal approximation, it stays inside [0, 1] and is not empty at 0 and n.
    double[] none = MeasuredSet.wilson(0, 10, MeasuredSet.Z95);
    assertThat(none[0]).isEqualTo(0.0);
    assertThat(none[1]).isCloseTo(0.277533, within(1e-6));
    double[] every = MeasuredSet.wilson(5, 5, MeasuredSet.Z95);
    assertThat(every[0]).isCloseTo(0.565518, within(1e-6));
    assertThat(every[1]).isEqualTo(1.0);
  }

  @Test
  void aSupersetThatAddsNoLiftIsNotReported() {
    List<MeasuredSet> measured = List.of(ALL,
        set(200, 60, "channel=bot"),
        set(500, 50, "region=x"),
        set(100, 31, "channel=bot", "region=x")); // 0.31 < 1.1 x 0.30
    RedundancyPruning.Outcome out = RedundancyPruning.prune(measured, 0.1, 10);
    assertThat(names(out)).containsExactly(List.of("channel=bot"));
    assertThat(out.droppedBySubsetLift()).isEqualTo(2);
    // The superset is kept in root_conditions_explained with the subset that explains it; region=x fails at the
    // baseline, so nothing explains it: it is no root condition at all.
    assertThat(out.explained())
        .extracting(e -> e.conditions() + " by " + e.explainedBy() + " (" + e.rule().id() + ")")
        .containsExactlyInAnyOrder(
            "[channel=bot, region=x] by [channel=bot] (not_beyond_subset)");
    RedundancyPruning.RootConditionSet bot = out.reported().get(0);
    assertThat(bot.rank()).isEqualTo(1);
    assertThat(bot.baselineRate()).isEqualTo(0.10);
    assertThat(bot.excessFailures()).isCloseTo(40.0, within(1e-9));
  }

  @Test
  void aSetWhoseIntervalIncludesTheBaselineIsNotReported() {
    // 2 of 10 is a lift of 2, but its 95% interval (0.057, 0.510) includes the baseline 0.10.
    List<MeasuredSet> measured = List.of(ALL, set(10, 2, "team=small"));
    assertThat(MeasuredSet.wilson(2, 10, MeasuredSet.Z95)[0]).isLessThan(0.10);
    assertThat(RedundancyPruning.prune(measured, 0.1, 10).reported()).isEmpty();
  }

  @Test
  void theCombinationIsReportedNotItsParts() {
    // team=t2 and segment=smb fail more only where both hold.
    List<MeasuredSet> measured = List.of(ALL,
        set(300, 45, "team=t2"),
        set(300, 45, "segment=smb"),
        set(100, 35, "segment=smb", "team=t2"));
    RedundancyPruning.Outcome out = RedundancyPruning.prune(measured, 0.1, 10);
    // Each part alone passes rule 1 (lift 1.5, interval above 0.10) ...
    assertThat(RedundancyPruning.beatsBaseline(300, 45, 0.10, 1.1)).isTrue();
    // ... but outside the pair it fails at 10 / 200 = 0.05: explained by the pair.
    assertThat(names(out)).containsExactly(List.of("segment=smb", "team=t2"));
    assertThat(out.droppedAsExplained()).isEqualTo(2);
  }

  @Test
  void anAttributeThatTravelsWithARealConditionIsExplainedAway() {
    // queue=q9 is mostly met together with product=loan, and fails no more than baseline without it.
    List<MeasuredSet> measured = List.of(ALL,
        set(200, 60, "product=loan"),
        set(250, 50, "queue=q9"),
        set(160, 48, "product=loan", "queue=q9"));
    RedundancyPruning.Outcome out = RedundancyPruning.prune(measured, 0.1, 10);
    assertThat(names(out)).containsExactly(List.of("product=loan"));
  }

  @Test
  void independentCausesThatMeetAreNotANewSetButAnInteractionIs() {
    MeasuredSet bot = set(200, 60, "channel=bot"); // lift 3
    MeasuredSet billing = set(400, 80, "need_family=billing"); // lift 2
    // Product of the lifts: 6 -> rate 0.6; a pair at 0.6 adds nothing beyond its parts.
    RedundancyPruning.Outcome product =
        RedundancyPruning.prune(List.of(ALL, bot, billing, set(40, 24, "channel=bot", "need_family=billing")), 0.1, 10);
    assertThat(names(product)).containsExactlyInAnyOrder(List.of("channel=bot"), List.of("need_family=billing"));
    assertThat(product.droppedAsProduct()).isEqualTo(1);
    // A pair at 0.95 (lift 9.5 > 1.1 x 6) is a real interaction and is reported too.
    RedundancyPruning.Outcome interaction = RedundancyPruning.prune(
        List.of(ALL, set(400, 120, "channel=bot"), set(800, 160, "need_family=billing"),
            set(40, 38, "channel=bot", "need_family=billing")), 0.1, 10);
    assertThat(names(interaction)).contains(List.of("channel=bot", "need_family=billing"));
  }

  @Test
  void aSupersetMustBeatEverySubsetBeyondItsIntervalNotOnlyByTheMargin() {
    MeasuredSet ivr = set(400, 120, "automation_flow=ivr"); // 0.30
    // A slice failing at 0.34 (>= 1.1 x 0.30) by chance: 17 of 50 has the interval (0.224, 0.478), which reaches
    // below 0.30, so the slice is not reported.
    MeasuredSet chanceSlice = set(50, 17, "automation_flow=ivr", "hour_of_day=17-20");
    assertThat(MeasuredSet.wilson(17, 50, MeasuredSet.Z95)[0]).isLessThan(0.30);
    assertThat(names(RedundancyPruning.prune(List.of(ALL, ivr, set(250, 40, "hour_of_day=17-20"), chanceSlice),
        0.1, 10))).containsExactly(List.of("automation_flow=ivr"));
    // 45 of 100 (interval 0.356 to 0.548) is above 0.30 beyond doubt: that slice is a cause of its own.
    MeasuredSet realSlice = set(100, 45, "automation_flow=ivr", "team=t2");
    assertThat(names(RedundancyPruning.prune(List.of(ALL, ivr, set(250, 55, "team=t2"), realSlice), 0.1, 10)))
        .contains(List.of("automation_flow=ivr", "team=t2"));
  }

  @Test
  void aContainerIsExplainedByThePreciseSetInsideIt() {
    MeasuredSet all = set(5000, 500); // baseline 0.10
    MeasuredSet botBilling = set(150, 66, "channel=bot", "need_family=billing"); // 0.44
    // Every bot touch waits under 30 s, so wait_time=0-30s holds bot/billing; outside it, 1050 touches fail 114
    // times (0.109): at the baseline. bot/billing outside wait_time=0-30s is empty. Both outsides fail the test and
    // the more precise set (higher rate) stays, although the container has more excess (60 vs 51).
    MeasuredSet container = set(1200, 180, "wait_time=0-30s");
    List<MeasuredSet> measured = List.of(all, botBilling, container,
        set(600, 110, "channel=bot"), set(1500, 200, "need_family=billing"),
        set(150, 66, "channel=bot", "need_family=billing", "wait_time=0-30s"));
    RedundancyPruning.Outcome out = RedundancyPruning.prune(measured, 0.1, 10);
    assertThat(names(out)).containsExactly(List.of("channel=bot", "need_family=billing"));
    // channel=bot and need_family=billing alone are its parts: at the baseline outside it.
    assertThat(out.droppedAsExplained()).isEqualTo(3);
  }

  @Test
  void aProxyThatSharesKMinusOneConditionsIsExplainedThroughTheMeasuredOverlap() {
    MeasuredSet all = set(5000, 500);
    MeasuredSet planted = set(50, 28, "need_family=technical", "product=fibre", "team=leeds"); // 0.56
    // region=north sends most of its technical fibre touches to team=leeds: the proxy fails at 0.33.
    MeasuredSet proxy = set(90, 30, "need_family=technical", "product=fibre", "region=north");
    List<MeasuredSet> measured = List.of(all, planted, proxy,
        set(400, 60, "need_family=technical", "product=fibre"), set(900, 110, "need_family=technical"),
        set(1200, 150, "product=fibre"), set(300, 60, "team=leeds"), set(1250, 150, "region=north"),
        set(130, 30, "need_family=technical", "region=north"), set(300, 40, "product=fibre", "region=north"),
        set(80, 30, "need_family=technical", "team=leeds"), set(100, 32, "product=fibre", "team=leeds"));
    // The union has 4 conditions (more than k = 3): without its count the pair looks disjoint and both stay.
    assertThat(names(RedundancyPruning.prune(measured, 0.1, 10))).contains(proxy.conditions());
    // 40 of the 50 planted touches are in the north; outside them the proxy fails 8 of 50 (0.16, interval
    // 0.083 to 0.285: not above the baseline), while the planted set outside the north fails 6 of 10.
    List<MeasuredSet> unions =
        List.of(set(40, 22, "need_family=technical", "product=fibre", "region=north", "team=leeds"));
    RedundancyPruning.Outcome out = RedundancyPruning.prune(measured, unions, 0.1, 0.0, 1.0, 10);
    assertThat(names(out)).contains(planted.conditions()).doesNotContain(proxy.conditions());
    // The overlap pass counts exactly these unions: two rule-1 sets a touch meets, whose union is no candidate.
    assertThat(RedundancyPruning.survivors(measured, 0.1, 0.0, 1.0)).contains(planted.conditions(), proxy.conditions());
  }

  @Test
  void overlapCounterYieldsTheUnionsOfSurvivorsThatAreNoCandidates() {
    Set<String> candidates = ConditionMining.keys(List.of(
        List.of("a=1"), List.of("b=1"), List.of("c=1"), List.of("a=1", "b=1"), List.of("b=1", "c=1")));
    List<List<String>> survivors = List.of(List.of("a=1", "b=1"), List.of("b=1", "c=1"), List.of("c=1"));
    String sep = ConditionMining.SEPARATOR;
    // {a,b} and {b,c} meet in {a,b,c} (no candidate); {b,c} and {c} in {b,c}, which was measured as a candidate.
    assertThat(new ConditionMining.SubsetCounter(candidates, 3).overlaps(new String[] {"c=1", "a=1", "b=1"}, survivors))
        .containsExactly("a=1" + sep + "b=1" + sep + "c=1");
    assertThat(new ConditionMining.SubsetCounter(candidates, 3).overlaps(new String[] {"a=1", "b=1"}, survivors))
        .isEmpty();
    // One counter over several touches, as in a partition: each pair's union is built once and stays right.
    ConditionMining.SubsetCounter counter = new ConditionMining.SubsetCounter(candidates, 3);
    List<List<String>> more = List.of(List.of("a=1", "b=1"), List.of("b=1", "c=1"), List.of("c=1"), List.of("d=1"));
    assertThat(counter.overlaps(new String[] {"c=1", "a=1", "b=1"}, more))
        .containsExactly("a=1" + sep + "b=1" + sep + "c=1");
    assertThat(counter.overlaps(new String[] {"d=1", "c=1"}, more)).containsExactly("c=1" + sep + "d=1");
    assertThat(counter.overlaps(new String[] {"d=1", "c=1", "b=1", "a=1"}, more)).containsExactlyInAnyOrder(
        "a=1" + sep + "b=1" + sep + "c=1", "a=1" + sep + "b=1" + sep + "d=1", "b=1" + sep + "c=1" + sep + "d=1",
        "c=1" + sep + "d=1");
  }

  @Test
  void setsAreRankedByExcessCostAndCapped() {
    List<MeasuredSet> measured = new ArrayList<>(List.of(ALL,
        new MeasuredSet(List.of("channel=phone"), 100, 40, 40 * 6.0), // excess 30 x 6 = 180
        new MeasuredSet(List.of("channel=bot"), 200, 60, 60 * 0.3))); // excess 40 x 0.3 = 12
    RedundancyPruning.Outcome out = RedundancyPruning.prune(measured, 0.1, 1);
    assertThat(names(out)).containsExactly(List.of("channel=phone"));
    assertThat(out.reported().get(0).excessCost()).isCloseTo(180.0, within(1e-9));
  }

  @Test
  void subsetCounterYieldsOnlyCandidateSubsetsEachOnce() {
    Set<String> candidates = ConditionMining.keys(List.of(
        List.of("a=1"), List.of("b=1"), List.of("c=1"), List.of("a=1", "b=1"), List.of("a=1", "b=1", "c=1"),
        List.of("b=1", "c=1")));
    ConditionMining.SubsetCounter counter = new ConditionMining.SubsetCounter(candidates, 3);
    String sep = ConditionMining.SEPARATOR;
    assertThat(counter.subsets(new String[] {"c=1", "b=1", "a=1", "d=1"}))
        .containsExactlyInAnyOrder("", "a=1", "b=1", "c=1", "a=1" + sep + "b=1", "b=1" + sep + "c=1",
            "a=1" + sep + "b=1" + sep + "c=1");
    // {a,c} is no candidate, so {a,b,c} is reached through {a,b} only, once.
    assertThat(new ConditionMining.SubsetCounter(candidates, 2).subsets(new String[] {"a=1", "b=1", "c=1"}))
        .hasSize(6);
  }

  @Test
  void subsetCounterExtendsTheCandidatesOfTheLastLevelByLaterCandidateItems() {
    Set<String> candidates = ConditionMining.keys(List.of(
        List.of("a=1"), List.of("b=1"), List.of("c=1"), List.of("a=1", "b=1")));
    String sep = ConditionMining.SEPARATOR;
    String[] touch = {"d=1", "c=1", "b=1", "a=1"};
    assertThat(new ConditionMining.SubsetCounter(Set.of(), 0).extensions(touch.clone()))
        .containsExactlyInAnyOrder("a=1", "b=1", "c=1", "d=1");
    // d=1 is no candidate on its own: no set extended by it.
    assertThat(new ConditionMining.SubsetCounter(candidates, 1).extensions(touch.clone()))
        .containsExactlyInAnyOrder("a=1" + sep + "b=1", "a=1" + sep + "c=1", "b=1" + sep + "c=1");
    assertThat(new ConditionMining.SubsetCounter(candidates, 2).extensions(touch.clone()))
        .containsExactly("a=1" + sep + "b=1" + sep + "c=1");
  }

  /**
   * The case: {queue=q-overflow, region=north, tenure=<3m} beats every subset, but half of its touches lie in
   * the planted {product=mortgage, queue=q-overflow, region=north} and fail at 0.8, the other half at 0.5, the rate of
   * tenure=<3m. Outside the planted set it fails at its own best subset's rate, above the baseline: a mixture of two
   * causes. Against the baseline alone (the old rule 2) it was reported.
   */
  @Test
  void aMixtureOfTwoCausesIsExplainedByTheSetItsExtraFailuresComeFrom() {
    List<MeasuredSet> measured = List.of(
        set(10_000, 1_720),
        set(1_000, 500, "tenure=<3m"),
        set(2_500, 560, "queue=q-overflow"), set(4_000, 800, "region=north"), set(3_000, 700, "product=mortgage"),
        // The planted set's subsets fail at about the baseline outside it (0.17 to 0.19).
        set(1_000, 380, "queue=q-overflow", "region=north"), set(900, 350, "product=mortgage", "queue=q-overflow"),
        set(1_200, 400, "product=mortgage", "region=north"),
        set(300, 160, "queue=q-overflow", "tenure=<3m"), set(400, 210, "region=north", "tenure=<3m"),
        set(494, 282, "product=mortgage", "queue=q-overflow", "region=north"),
        set(200, 130, "queue=q-overflow", "region=north", "tenure=<3m"));
    List<MeasuredSet> unions =
        List.of(set(100, 80, "product=mortgage", "queue=q-overflow", "region=north", "tenure=<3m"));
    RedundancyPruning.Outcome out = RedundancyPruning.prune(measured, unions, 0.1, 0.0, 1.0, 10);
    assertThat(names(out)).containsExactlyInAnyOrder(
        List.of("product=mortgage", "queue=q-overflow", "region=north"), List.of("tenure=<3m"));
    RedundancyPruning.ExplainedSet mixture = out.explained().stream()
        .filter(e -> e.conditions().equals(List.of("queue=q-overflow", "region=north", "tenure=<3m")))
        .findFirst().orElseThrow();
    assertThat(mixture.rule()).isEqualTo(RedundancyPruning.Rule.EXPLAINED_BY_OVERLAP);
    assertThat(mixture.explainedBy()).containsExactly("product=mortgage", "queue=q-overflow", "region=north");
    // (80 - 100 x 0.172) / (130 - 200 x 0.172) of its excess lies inside the planted set.
    assertThat(mixture.explainedShare()).isCloseTo(62.8 / 95.6, within(1e-9));
  }

  @Test
  void setsBelowTheFloorOfExcessFailuresAreNotReported() {
    List<MeasuredSet> measured = List.of(ALL,
        set(200, 60, "channel=bot"), // excess 40
        set(50, 20, "region=x")); // excess 15
    RedundancyPruning.Outcome out = RedundancyPruning.prune(measured, List.of(), 0.1, 20.0, 1.0, 10);
    assertThat(names(out)).containsExactly(List.of("channel=bot"));
    assertThat(out.belowFloor()).isEqualTo(1);
    assertThat(RedundancyPruning.survivors(measured, 0.1, 20.0, 1.0)).containsExactly(List.of("channel=bot"));
  }

  @Test
  void benjaminiHochbergKeepsTheSetsBeyondChanceAmongAllTested() {
    // Binomial tail: 30 of 100 at a 0.1 baseline is far beyond chance; 15 of 100 is p = 0.073.
    assertThat(RedundancyPruning.upperTail(30, 100, 0.1)).isCloseTo(2.445e-8, within(1e-10));
    assertThat(RedundancyPruning.upperTail(15, 100, 0.1)).isCloseTo(0.0726, within(1e-3));
    assertThat(RedundancyPruning.upperTail(0, 100, 0.1)).isEqualTo(1.0);
    MeasuredSet strong = set(100, 30, "a=1");
    MeasuredSet weak = set(100, 15, "b=1");
    // Alone, the weak set passes at 0.1 (0.073 <= 1/1 x 0.1); beside the strong one, at rank 2: 0.073 <= 2/2 x 0.1.
    assertThat(RedundancyPruning.significant(List.of(strong, weak), 0.1, 0.1)).containsExactlyInAnyOrder(strong, weak);
    // Among 20 tests (18 at the baseline) it needs p <= 2/20 x 0.05: dropped; the strong one stays.
    List<MeasuredSet> family = new ArrayList<>(List.of(strong, weak));
    for (int i = 0; i < 18; i++) {
      family.add(set(100, 10, "c=" + i));
    }
    assertThat(RedundancyPruning.significant(family, 0.1, 0.05)).containsExactly(strong);
  }

  /**
   * need_family=n holds two planted sets, {channel=c, need_family=n} and {need_family=n, product=p}. Outside either
   * one it still fails more than the baseline (the other is there): pairwise, it stands and, the largest of the
   * three, ranks first. Outside both at once it fails at 0.15: rule 2 jointly drops it, explained by both.
   */
  @Test
  void aPartOfTwoPlantedSetsIsExplainedByBothJointly() {
    MeasuredSet n = set(8_450, 1_730, "need_family=n");
    MeasuredSet s2 = set(950, 430, "channel=c", "need_family=n");
    MeasuredSet s3 = set(550, 275, "need_family=n", "product=p");
    List<MeasuredSet> measured = List.of(set(20_000, 3_100), n, s2, s3,
        set(1_500, 480, "channel=c"), set(1_000, 330, "product=p"), set(60, 28, "channel=c", "product=p"));
    List<MeasuredSet> unions = List.of(set(50, 25, "channel=c", "need_family=n", "product=p"));
    // The touches by the accepted sets they meet: n alone, n with s2 only, n with s3 only, all three.
    RedundancyPruning.SignatureCounter counter = accepted -> {
      int in = accepted.indexOf(n);
      int i2 = accepted.indexOf(s2);
      int i3 = accepted.indexOf(s3);
      assertThat(List.of(in, i2, i3)).as("the three are accepted pairwise: %s", accepted).doesNotContain(-1);
      return List.of(new RedundancyPruning.Signature(Set.of(in), 7_000, 1_050, 0),
          new RedundancyPruning.Signature(Set.of(in, i2), 900, 405, 0),
          new RedundancyPruning.Signature(Set.of(in, i3), 500, 250, 0),
          new RedundancyPruning.Signature(Set.of(in, i2, i3), 50, 25, 0));
    };
    assertThat(names(RedundancyPruning.prune(measured, unions, 0.1, 0.0, 1.0, 10)))
        .as("pairwise only").contains(n.conditions());
    RedundancyPruning.Outcome out = RedundancyPruning.prune(measured, unions, 0.1, 0.0, 1.0, counter, 10);
    assertThat(names(out)).containsExactlyInAnyOrder(s2.conditions(), s3.conditions());
    assertThat(out.explained().stream().filter(e -> e.conditions().equals(n.conditions())))
        .extracting(RedundancyPruning.ExplainedSet::explainedBy)
        .containsExactlyInAnyOrder(s2.conditions(), s3.conditions());
  }

  private static List<List<String>> names(RedundancyPruning.Outcome out) {
    return out.reported().stream().map(RedundancyPruning.RootConditionSet::conditions).toList();
  }
}
