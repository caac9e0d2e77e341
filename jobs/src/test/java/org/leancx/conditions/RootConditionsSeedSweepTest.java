package org.leancx.conditions;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.leancx.common.SparkTestBase;

/**
 * The root-conditions search on {@link PlantedConditionWorld} over five seeds: in every seed each planted set ranks
 * in the top (planted + 2) as the whole set, no decoy, proxy or mixture of planted conditions ranks there, and no
 * proper part of a planted set is reported at any rank. Prints, per seed, what the world holds and what was
 * reported, then precision and recall of the top over the seeds; the assertions are checked for every seed before
 * the test fails, so one run shows them all.
 */
@Tag("e2e")
class RootConditionsSeedSweepTest extends SparkTestBase {
  private static final List<Long> SEEDS = List.of(1L, 2L, 3L, 4L, 5L);
  /** Enough that the smallest planted set (about 0.64% of the failures) has about 80 failures. */
  private static final int TOUCHES = 80_000;

  /** What a reported set is, measured against the world's truth. */
  enum Kind {
    /** Exactly a planted set. */
    PLANTED,
    /** Holds a decoy or a proxy item. */
    DECOY,
    /** Not planted, but shares a condition with a planted set: a part, a superset, or a mix of planted sets. */
    PART_OR_MIXTURE,
    /** Unrelated to the planted sets: a chance set. */
    OTHER
  }

  @Test
  void everyPlantedSetRanksInTheTopAsTheWholeSetAndNoDecoyOrMixtureDoesInAnySeed() {
    ConditionSettings cs =
        ConditionSettings.from(settings(
            "conditions.attributes=[" + String.join(", ", PlantedConditionWorld.ATTRIBUTES) + "]",
            "conditions.bands.derived=[]"));
    SoftAssertions softly = new SoftAssertions();
    int plantedInTop = 0;
    int topSize = 0;
    int plantedTotal = 0;
    long started = System.nanoTime();
    for (long seed : SEEDS) {
      long seedStarted = System.nanoTime();
      PlantedConditionWorld.World world = PlantedConditionWorld.generate(spark, seed, TOUCHES);
      Dataset<Row> touches = Touches.withItems(world.touches(), cs).cache();
      List<List<String>> truth = new ArrayList<>(world.planted());
      truth.addAll(Stream.concat(world.decoys().stream(), world.proxies().stream()).sorted().map(List::of).toList());
      List<PlantedConditionWorld.Count> counts = PlantedConditionWorld.counts(touches, truth);
      long miningStarted = System.nanoTime();
      RootConditions.Mined mined;
      try {
        mined = RootConditions.mine(spark, touches, cs);
      } finally {
        touches.unpersist();
      }
      double miningSeconds = (System.nanoTime() - miningStarted) / 1e9;
      long failures = counts.get(0).failures();
      for (PlantedConditionWorld.Count c : counts.subList(1, counts.size())) {
        System.out.printf(Locale.ROOT, "seed %d %s %s: %d touches, %d failures, rate %.1f%%, %.2f%% of failures%n",
            seed, world.planted().contains(c.conditions()) ? "planted" : "decoy/proxy", c.conditions(), c.touches(),
            c.failures(), 100 * c.rate(), 100.0 * c.failures() / failures);
      }

      List<List<String>> reported =
          mined.pruning().reported().stream().map(s -> s.conditions().stream().sorted().toList()).toList();
      int n = world.planted().size() + 2;
      List<List<String>> top = reported.subList(0, Math.min(n, reported.size()));
      List<Kind> kinds = top.stream().map(s -> kind(s, world)).toList();
      List<String> classes = top.stream().map(s -> describe(s, world)).toList();
      plantedTotal += world.planted().size();
      topSize += top.size();
      plantedInTop += (int) kinds.stream().filter(k -> k == Kind.PLANTED).count();
      String ranks = world.planted().stream()
          .map(p -> p + "=" + (reported.contains(p) ? "#" + (reported.indexOf(p) + 1) : "absent"))
          .collect(Collectors.joining(", "));
      StringBuilder topText = new StringBuilder();
      for (int i = 0; i < top.size(); i++) {
        RedundancyPruning.RootConditionSet set = mined.pruning().reported().get(i);
        topText.append(String.format(Locale.ROOT, "%n    #%d %s %s (%d touches, rate %.1f%%, excess %.0f)", i + 1,
            top.get(i), classes.get(i), set.support(), 100 * set.failureRate(), set.excessFailures()));
      }
      System.out.printf(Locale.ROOT, "seed %d: %d touches, %d failures, baseline %.1f%%, %d candidates, %d reported,"
              + " %.1f s (mining %.1f s); planted ranks: %s; top %d:%s%n", seed, mined.touches(), mined.failures(),
          100 * mined.baselineRate(), mined.pruning().candidates(), reported.size(),
          (System.nanoTime() - seedStarted) / 1e9, miningSeconds, ranks, n, topText);

      for (List<String> p : world.planted()) {
        softly.assertThat(top)
            .as("seed %d: planted %s is not in the top %d as the whole set (rank %s); top %d: %s", seed, p, n,
                reported.contains(p) ? reported.indexOf(p) + 1 : "none", n, top)
            .contains(p);
      }
      for (int i = 0; i < top.size(); i++) {
        softly.assertThat(kinds.get(i))
            .as("seed %d: %s at rank %d is a %s; top %d: %s", seed, top.get(i), i + 1, classes.get(i), n, top)
            .isNotIn(Kind.DECOY, Kind.PART_OR_MIXTURE);
      }
      for (List<String> p : world.planted().stream().filter(p -> p.size() > 1).toList()) {
        for (int i = 0; i < reported.size(); i++) {
          List<String> set = reported.get(i);
          softly.assertThat(set.size() < p.size() && p.containsAll(set))
              .as("seed %d: planted %s is reported as its part %s at rank %d; top %d: %s", seed, p, set, i + 1, n,
                  top)
              .isFalse();
        }
      }
    }
    System.out.printf(Locale.ROOT, "over %d seeds: precision %.2f (%d planted of %d in the tops), recall %.2f (%d of %d"
            + " planted in the top), %.1f s%n", SEEDS.size(), (double) plantedInTop / topSize, plantedInTop, topSize,
        (double) plantedInTop / plantedTotal, plantedInTop, plantedTotal, (System.nanoTime() - started) / 1e9);
    softly.assertAll();
  }

  private static Kind kind(List<String> set, PlantedConditionWorld.World world) {
    if (world.planted().contains(set)) {
      return Kind.PLANTED;
    }
    if (set.stream().anyMatch(c -> world.decoys().contains(c) || world.proxies().contains(c))) {
      return Kind.DECOY;
    }
    if (world.planted().stream().anyMatch(p -> !Collections.disjoint(p, set))) {
      return Kind.PART_OR_MIXTURE;
    }
    return Kind.OTHER;
  }

  /** The kind of the set, and for a part or mixture which planted sets it takes from. */
  private static String describe(List<String> set, PlantedConditionWorld.World world) {
    Kind kind = kind(set, world);
    if (kind != Kind.PART_OR_MIXTURE) {
      return kind.toString();
    }
    List<List<String>> sharing = world.planted().stream().filter(p -> !Collections.disjoint(p, set)).toList();
    List<String> relations = new ArrayList<>();
    for (List<String> p : sharing) {
      if (p.containsAll(set)) {
        relations.add("part of " + p);
      } else if (set.containsAll(p)) {
        relations.add("superset of " + p);
      } else {
        relations.add("shares " + p.stream().filter(set::contains).toList() + " with " + p);
      }
    }
    return kind + ": " + String.join("; ", relations);
  }

  @Test
  void worldsDifferBySeedAndHoldTheTouchColumns() {
    PlantedConditionWorld.World one = PlantedConditionWorld.generate(spark, 1, 2_000);
    PlantedConditionWorld.World two = PlantedConditionWorld.generate(spark, 2, 2_000);
    assertThat(one.planted()).hasSize(5).isNotEqualTo(two.planted());
    assertThat(one.planted().stream().map(List::size)).containsExactlyInAnyOrder(1, 2, 2, 3, 3);
    assertThat(one.decoys()).hasSize(2);
    assertThat(one.proxies()).hasSize(2);
    assertThat(one.touches().columns()).contains(Touches.TOUCH_ID, Touches.PERIOD_DATE, Touches.FAILED,
        Touches.FAILURE_COST, Touches.FAILURE_CONTACTS, Touches.STARTED_AT, Touches.HANDLE_SECONDS);
    assertThat(one.touches().columns()).contains(PlantedConditionWorld.ATTRIBUTES.toArray(String[]::new));
    assertThat(one.touches().select(Touches.TOUCH_ID).distinct().count()).isEqualTo(2_000);
  }
}
