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
 *   <li><b>Better than every subset, beyond noise.</b> A set is kept only if the lower end of its 95% Wilson
 *       interval lies above the baseline rate and above the rate of each of its proper subsets, and its rate is at
 *       least (1 + margin) x each of theirs (the empty set's rate is the baseline). A strong single condition is not
 *       reported again inside every combination, nor inside a slice that fails more by chance.
 *   <li><b>Not explained by another set.</b> The sets kept by rule 1 are compared in pairs on the touches one meets
 *       and the other does not (counted exactly, see {@link #explains}). This drops the parts of a planted
 *       combination, attributes that merely travel with a real condition, and containers and proxies of it.
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
    return prune(measured, List.of(), liftMargin, maxReported);
  }

  /**
   * As {@link #prune(List, double, int)}, with the overlaps of the rule-1 survivors that were not among the
   * candidates: {@code unions} holds, for pairs of survivors S and T that some touch meets both, the set S ∪ T
   * measured over all touches. A pair whose union is in neither list has no touch in common.
   */
  public static Outcome prune(
      List<MeasuredSet> measured, List<MeasuredSet> unions, double liftMargin, int maxReported) {
    Map<List<String>, MeasuredSet> index = index(measured);
    double baseline = baseline(index);
    double factor = 1 + liftMargin;
    Map<List<String>, MeasuredSet> withUnions = new HashMap<>(index);
    for (MeasuredSet u : unions) {
      withUnions.putIfAbsent(u.conditions(), u);
    }

    List<MeasuredSet> liftKept = survivors(measured, index, baseline, factor);
    int candidates = (int) measured.stream().filter(s -> s.size() > 0).count();

    // The most precise sets first: a combination comes before its parts and before sets that merely contain it.
    liftKept.sort(Comparator.comparingDouble((MeasuredSet s) -> -s.failureRate())
        .thenComparingLong(s -> -s.support())
        .thenComparing(s -> String.join(",", s.conditions())));
    List<MeasuredSet> accepted = new ArrayList<>();
    for (MeasuredSet s : liftKept) {
      if (accepted.stream().anyMatch(t -> explains(t, s, withUnions, baseline, factor))) {
        continue;
      }
      // S can also explain a set accepted before it: {bot, billing} explains {bot_faq, billing} (every touch of the
      // latter is in the former, and the former fails more outside it) although the latter has the higher rate.
      accepted.removeIf(t -> explains(s, t, withUnions, baseline, factor));
      accepted.add(s);
    }
    int explained = liftKept.size() - accepted.size();

    List<MeasuredSet> reported = new ArrayList<>();
    for (MeasuredSet s : accepted) {
      if (!productOfParts(s, accepted, baseline, factor)) {
        reported.add(s);
      }
    }
    int products = accepted.size() - reported.size();

    reported.sort(byExcess(baseline));
    List<RootConditionSet> out = new ArrayList<>();
    for (MeasuredSet s : reported.subList(0, Math.min(maxReported, reported.size()))) {
      double[] ci = s.interval();
      out.add(new RootConditionSet(s.conditions(), s.support(), s.failures(), s.failureRate(), baseline,
          s.lift(baseline), ci[0], ci[1], s.excessFailures(baseline), s.excessCost(baseline), out.size() + 1));
    }
    return new Outcome(out, candidates, candidates - liftKept.size(), explained, products);
  }

  /** Excess cost, then excess failures, then the conditions' text: the order of the ranking. */
  private static Comparator<MeasuredSet> byExcess(double baseline) {
    return Comparator.comparingDouble((MeasuredSet s) -> -s.excessCost(baseline))
        .thenComparingDouble(s -> -s.excessFailures(baseline))
        .thenComparing(s -> String.join(",", s.conditions()));
  }

  private static Map<List<String>, MeasuredSet> index(List<MeasuredSet> measured) {
    Map<List<String>, MeasuredSet> index = new HashMap<>();
    for (MeasuredSet m : measured) {
      index.put(m.conditions(), m);
    }
    return index;
  }

  private static double baseline(Map<List<String>, MeasuredSet> index) {
    MeasuredSet all = index.get(List.of());
    if (all == null) {
      throw new IllegalArgumentException("The measured sets lack the empty set (every touch): no baseline.");
    }
    return all.failureRate();
  }

  private static List<MeasuredSet> survivors(
      List<MeasuredSet> measured, Map<List<String>, MeasuredSet> index, double baseline, double factor) {
    List<MeasuredSet> kept = new ArrayList<>();
    for (MeasuredSet s : measured) {
      if (s.size() > 0 && beatsSubsets(s, index, baseline, factor)) {
        kept.add(s);
      }
    }
    return kept;
  }

  /**
   * The sets that pass rule 1, as sorted item lists: rule 2 compares them in pairs, so the touches they share must be
   * measured where their union was not a candidate (see {@link ConditionMining#measureOverlaps}).
   */
  public static List<List<String>> survivors(List<MeasuredSet> measured, double liftMargin) {
    Map<List<String>, MeasuredSet> index = index(measured);
    return survivors(measured, index, baseline(index), 1 + liftMargin).stream().map(MeasuredSet::conditions).toList();
  }

  /**
   * Rule 1: interval above the baseline; for every proper subset T (the empty set's rate is the baseline), a rate at
   * least factor x T's and the lower end of the interval above T's rate.
   */
  static boolean beatsSubsets(MeasuredSet s, Map<List<String>, MeasuredSet> index, double baseline, double factor) {
    if (!beatsBaseline(s.support(), s.failures(), baseline, factor)) {
      return false;
    }
    double low = s.interval()[0];
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
      if (t == null || s.failureRate() < factor * t.failureRate() || low <= t.failureRate()) {
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

  /**
   * Rule 2 for one pair: whether T explains S. Never when T is a subset of S (rule 1 judged that pair). Otherwise S
   * outside T (touches meeting S but not T) must beat the baseline for S to stand beside T; if it does not, T
   * explains S when S is a subset of T (S is a part of the combination T), when T outside S beats the baseline (T is
   * the wider cause), or when neither does and T fails more often (both describe the same failing touches; the more
   * precise set stays).
   */
  static boolean explains(
      MeasuredSet t, MeasuredSet s, Map<List<String>, MeasuredSet> index, double baseline, double factor) {
    if (s.conditions().containsAll(t.conditions())) {
      return false;
    }
    if (outsideBeatsBaseline(s, t, index, baseline, factor)) {
      return false;
    }
    if (t.conditions().containsAll(s.conditions())) {
      return true;
    }
    return outsideBeatsBaseline(t, s, index, baseline, factor) || t.failureRate() > s.failureRate()
        || (t.failureRate() == s.failureRate() && t.support() >= s.support());
  }

  /** Whether the touches meeting S but not T beat the baseline (the test of rule 1 against the empty set). */
  static boolean outsideBeatsBaseline(
      MeasuredSet s, MeasuredSet t, Map<List<String>, MeasuredSet> index, double baseline, double factor) {
    List<String> union = new ArrayList<>(s.conditions());
    for (String c : t.conditions()) {
      if (!union.contains(c)) {
        union.add(c);
      }
    }
    // Not measured: no touch meets both (the unions of survivors that meet are measured).
    MeasuredSet both = index.get(union.stream().sorted().toList());
    long outsideN = both == null ? s.support() : s.support() - both.support();
    long outsideFailures = both == null ? s.failures() : s.failures() - both.failures();
    return beatsBaseline(outsideN, outsideFailures, baseline, factor);
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
