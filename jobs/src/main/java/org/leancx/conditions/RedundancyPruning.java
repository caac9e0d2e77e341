package org.leancx.conditions;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Chooses the condition sets worth reporting from the measured candidates, on the driver (the candidates are
 * aggregates, at most conditions.max-candidates of them), and ranks them by excess cost. Three rules, in order:
 *
 * <ol>
 *   <li><b>Lift over every subset.</b> A set is kept only if its lift is at least (1 + margin) x the lift of each
 *       of its proper subsets, the empty set (lift 1) included, and the lower end of its 95% Wilson interval lies
 *       above the baseline rate. A strong single condition is not reported again inside every combination.
 *   <li><b>Not explained by a stronger set.</b> Going down by lift, a set S is dropped when, for a stronger
 *       reported set T that is not a subset of S and whose union with S was measured, the touches in S but not in
 *       T no longer beat the baseline (same test as rule 1). This drops the parts of a planted combination (they
 *       only fail where the whole combination holds) and attributes that merely travel with a real condition.
 *   <li><b>Not a product of reported parts.</b> A set that is a disjoint union of reported sets is dropped unless
 *       its lift exceeds the product of their lifts by the margin: independent causes that meet are not a new
 *       root condition, a real interaction is.
 * </ol>
 */
public final class RedundancyPruning {
  private RedundancyPruning() {}

  /** What the rules did: the reported sets, best first, and how many each rule dropped. */
  public record Outcome(
      List<RootConditionSet> reported, int candidates, int droppedBySubsetLift, int droppedAsExplained,
      int droppedAsProduct) {
    public Outcome {
      reported = List.copyOf(reported);
    }
  }

  /** One reported set with every measure, and its rank by excess cost (1 = most costly). */
  public record RootConditionSet(
      List<String> conditions, long support, long failures, double failureRate, double baselineRate, double lift,
      double ciLow, double ciHigh, double excessFailures, double excessCost, int rank) {
    public RootConditionSet {
      conditions = List.copyOf(conditions);
    }
  }

  /**
   * Applies the three rules to the measured sets (which must include the empty set: every touch) and returns the
   * best {@code maxReported} by excess cost (ties: excess failures, then the conditions' text).
   */
  public static Outcome prune(List<MeasuredSet> measured, double liftMargin, int maxReported) {
    Map<List<String>, MeasuredSet> index = new HashMap<>();
    for (MeasuredSet m : measured) {
      index.put(m.conditions(), m);
    }
    MeasuredSet all = index.get(List.of());
    if (all == null) {
      throw new IllegalArgumentException("The measured sets lack the empty set (every touch): no baseline.");
    }
    double baseline = all.failureRate();
    double factor = 1 + liftMargin;

    List<MeasuredSet> liftKept = new ArrayList<>();
    int candidates = 0;
    for (MeasuredSet s : measured) {
      if (s.size() == 0) {
        continue;
      }
      candidates++;
      if (beatsSubsets(s, index, baseline, factor)) {
        liftKept.add(s);
      }
    }

    liftKept.sort(Comparator.comparingDouble((MeasuredSet s) -> -s.failureRate())
        .thenComparingLong(s -> -s.support())
        .thenComparing(s -> String.join(",", s.conditions())));
    List<MeasuredSet> accepted = new ArrayList<>();
    for (MeasuredSet s : liftKept) {
      if (!explainedByStronger(s, accepted, index, baseline, factor)) {
        accepted.add(s);
      }
    }
    int explained = liftKept.size() - accepted.size();

    List<MeasuredSet> reported = new ArrayList<>();
    for (MeasuredSet s : accepted) {
      if (!productOfParts(s, accepted, baseline, factor)) {
        reported.add(s);
      }
    }
    int products = accepted.size() - reported.size();

    reported.sort(Comparator.comparingDouble((MeasuredSet s) -> -s.excessCost(baseline))
        .thenComparingDouble(s -> -s.excessFailures(baseline))
        .thenComparing(s -> String.join(",", s.conditions())));
    List<RootConditionSet> out = new ArrayList<>();
    for (MeasuredSet s : reported.subList(0, Math.min(maxReported, reported.size()))) {
      double[] ci = s.interval();
      out.add(new RootConditionSet(s.conditions(), s.support(), s.failures(), s.failureRate(), baseline,
          s.lift(baseline), ci[0], ci[1], s.excessFailures(baseline), s.excessCost(baseline), out.size() + 1));
    }
    return new Outcome(out, candidates, candidates - liftKept.size(), explained, products);
  }

  /** Rule 1: interval above the baseline, lift at least factor x every proper subset's (the empty set's is 1). */
  static boolean beatsSubsets(MeasuredSet s, Map<List<String>, MeasuredSet> index, double baseline, double factor) {
    if (!beatsBaseline(s.support(), s.failures(), baseline, factor)) {
      return false;
    }
    List<String> c = s.conditions();
    int n = c.size();
    for (int mask = 1; mask < (1 << n) - 1; mask++) {
      List<String> subset = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        if ((mask & (1 << i)) != 0) {
          subset.add(c.get(i));
        }
      }
      MeasuredSet t = index.get(subset);
      // Every subset of a frequent set is frequent, so it was measured; a missing one cannot be judged against.
      if (t == null || s.failureRate() < factor * t.failureRate()) {
        return false;
      }
    }
    return true;
  }

  /** The test a set (or its part outside another set) must pass: Wilson low above baseline, lift >= factor. */
  static boolean beatsBaseline(long n, long failures, double baseline, double factor) {
    if (n <= 0) {
      return false;
    }
    double rate = (double) failures / n;
    return MeasuredSet.wilson(failures, n, MeasuredSet.Z95)[0] > baseline && rate >= factor * baseline;
  }

  /** Rule 2: S outside some stronger accepted T (T not a subset of S) no longer beats the baseline. */
  static boolean explainedByStronger(
      MeasuredSet s, List<MeasuredSet> accepted, Map<List<String>, MeasuredSet> index, double baseline,
      double factor) {
    for (MeasuredSet t : accepted) {
      if (s.conditions().containsAll(t.conditions())) {
        continue;
      }
      List<String> union = new ArrayList<>(s.conditions());
      for (String c : t.conditions()) {
        if (!union.contains(c)) {
          union.add(c);
        }
      }
      MeasuredSet both = index.get(union.stream().sorted().toList());
      if (both == null) {
        // Never measured: the union is larger than max-size, below min-support, or impossible (one attribute with
        // two values). Then S and T hardly meet, and S outside T is S itself, which passed rule 1.
        continue;
      }
      long outsideN = s.support() - both.support();
      long outsideFailures = s.failures() - both.failures();
      if (!beatsBaseline(outsideN, outsideFailures, baseline, factor)) {
        return true;
      }
    }
    return false;
  }

  /** Rule 3: S is a disjoint union of accepted proper subsets whose lifts multiply to at least S's / factor. */
  static boolean productOfParts(MeasuredSet s, List<MeasuredSet> accepted, double baseline, double factor) {
    List<MeasuredSet> parts = new ArrayList<>();
    for (MeasuredSet t : accepted) {
      if (t.size() < s.size() && s.conditions().containsAll(t.conditions())) {
        parts.add(t);
      }
    }
    return cover(s.conditions(), List.of(), parts, 1.0, s.lift(baseline), baseline, factor, 0);
  }

  private static boolean cover(
      List<String> target, List<String> covered, List<MeasuredSet> parts, double liftProduct, double setLift,
      double baseline, double factor, int used) {
    if (covered.size() == target.size()) {
      return used >= 2 && setLift < factor * liftProduct;
    }
    // Cover the first uncovered condition with each part that holds it and overlaps nothing covered yet.
    String next = target.stream().filter(c -> !covered.contains(c)).findFirst().orElseThrow();
    for (MeasuredSet p : parts) {
      if (p.conditions().contains(next) && p.conditions().stream().noneMatch(covered::contains)) {
        List<String> more = new ArrayList<>(covered);
        more.addAll(p.conditions());
        if (cover(target, more, parts, liftProduct * p.lift(baseline), setLift, baseline, factor, used + 1)) {
          return true;
        }
      }
    }
    return false;
  }
}
