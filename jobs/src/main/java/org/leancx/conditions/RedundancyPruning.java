package org.leancx.conditions;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.math3.distribution.BinomialDistribution;
import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * Chooses the condition sets worth reporting from the measured candidates, on the driver (the candidates are
 * aggregates, at most conditions.max-candidates of them), and ranks them by excess cost. Only sets with at least the
 * floor of excess failures are considered, and of those only the ones that fail more than the baseline at the
 * configured false-discovery rate ({@link #significant}); then three rules, in order:
 *
 * <ol>
 *   <li><b>Better than every subset, beyond noise.</b> A set is kept only if the lower end of its 95% Wilson
 *       interval lies above the baseline rate and above the rate of each of its proper subsets, and its rate is at
 *       least (1 + margin) x each of theirs (the empty set's rate is the baseline). A strong single condition is not
 *       reported again inside every combination, nor inside a slice that fails more by chance.
 *   <li><b>Not explained by another set.</b> The sets kept by rule 1 are compared in pairs on the touches one meets
 *       and the other does not (counted exactly, see {@link #explains}), against the rate of the set's own best
 *       subset. This drops the parts of a planted combination, attributes that merely travel with a real condition,
 *       containers and proxies of it, and mixtures whose extra failures come from another set.
 *   <li><b>Not a product of reported parts.</b> A set that is a disjoint union of reported sets is dropped unless
 *       its lift exceeds the product of their lifts by the margin: independent causes that meet are not a new
 *       root condition, a real interaction is.
 * </ol>
 *
 * Every set above the floor that a rule drops because of another set is kept as an {@link ExplainedSet}: which set
 * explains it, by which rule, and what share of its excess that set accounts for.
 */
public final class RedundancyPruning {
  private RedundancyPruning() {}

  /**
   * What the rules did: the reported sets, best first, the sets explained by another, and how many sets each step
   * dropped (candidates = belowFloor + notSignificant + droppedBySubsetLift + droppedAsExplained + droppedAsProduct +
   * sets found,
   * of which at most max-reported are reported).
   */
  public record Outcome(
      List<RootConditionSet> reported, List<ExplainedSet> explained, int candidates, int belowFloor,
      int notSignificant, int droppedBySubsetLift, int droppedAsExplained, int droppedAsProduct) {
    public Outcome {
      reported = List.copyOf(reported);
      explained = List.copyOf(explained);
    }
  }

  /** Why a set is not reported although it has the floor of excess failures. */
  public enum Rule {
    /** Rule 1: a proper subset fails about as often; the extra conditions add nothing beyond noise. */
    NOT_BEYOND_SUBSET("not_beyond_subset"),
    /** Rule 2: another set explains it on the touches they share; outside that set it fails no more than its subsets. */
    EXPLAINED_BY_OVERLAP("explained_by_overlap"),
    /** Rule 3: a disjoint union of reported sets whose lifts, multiplied, account for its lift. */
    PRODUCT_OF_PARTS("product_of_parts");

    private final String id;

    Rule(String id) {
      this.id = id;
    }

    /** The value written to root_conditions_explained.rule. */
    public String id() {
      return id;
    }
  }

  /**
   * A set with the floor of excess failures that is not reported, with the set that explains it: one per explaining
   * set (a product of parts has one per part).
   *
   * @param explainedShare the share of this set's excess failures that the explaining set accounts for, in [0, 1]:
   *     for rule 2 the excess of the touches meeting both; for rules 1 and 3 the excess this set's touches would have
   *     at the explaining set's rate
   */
  public record ExplainedSet(
      List<String> conditions, long support, long failures, double failureRate, double lift, double excessFailures,
      double excessCost, Rule rule, List<String> explainedBy, double explainedByRate, double explainedShare) {
    public ExplainedSet {
      conditions = List.copyOf(conditions);
      explainedBy = List.copyOf(explainedBy);
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
   * Applies the three rules to the measured sets (which must include the empty set: every touch) with no floor, and
   * returns the best {@code maxReported} by excess cost (ties: excess failures, then the conditions' text).
   */
  public static Outcome prune(List<MeasuredSet> measured, double liftMargin, int maxReported) {
    return prune(measured, List.of(), liftMargin, 0.0, 1.0, maxReported);
  }

  /**
   * As {@link #prune(List, double, int)}, with the overlaps of the rule-1 survivors that were not among the
   * candidates and the floor: {@code unions} holds, for pairs of survivors S and T that some touch meets both, the
   * set S ∪ T measured over all touches (a pair whose union is in neither list has no touch in common); only sets
   * with at least {@code minExcess} excess failures are considered for reporting, and of those only the ones that
   * fail more than the baseline at a false-discovery rate of {@code fdr} ({@link #significant}; 1 turns it off).
   */
  public static Outcome prune(
      List<MeasuredSet> measured, List<MeasuredSet> unions, double liftMargin, double minExcess, double fdr,
      int maxReported) {
    return prune(measured, unions, liftMargin, minExcess, fdr, null, maxReported);
  }

  /**
   * As {@link #prune(List, List, double, double, double, int)}, and then rule 2 jointly: {@code signatures} counts
   * the touches by the accepted sets they meet (one pass over the touches, see {@link #jointly}); null skips it.
   */
  public static Outcome prune(
      List<MeasuredSet> measured, List<MeasuredSet> unions, double liftMargin, double minExcess, double fdr,
      SignatureCounter signatures, int maxReported) {
    Map<List<String>, MeasuredSet> index = index(measured);
    double baseline = baseline(index);
    double factor = 1 + liftMargin;
    Map<List<String>, MeasuredSet> withUnions = new HashMap<>(index);
    for (MeasuredSet u : unions) {
      withUnions.putIfAbsent(u.conditions(), u);
    }
    List<ExplainedSet> explained = new ArrayList<>();
    int candidates = (int) measured.stream().filter(s -> s.size() > 0).count();
    RuleOne one = ruleOne(measured, index, baseline, factor, minExcess, fdr);
    int belowFloor = candidates - one.tested().size();
    int notSignificant = one.tested().size() - one.discoveries().size();
    int droppedBySubset = one.discoveries().size() - one.kept().size();
    List<MeasuredSet> liftKept = new ArrayList<>(one.kept());
    Set<MeasuredSet> kept = new HashSet<>(one.kept());
    for (MeasuredSet s : one.tested()) {
      if (!one.discoveries().contains(s) || kept.contains(s)) {
        continue;
      }
      MeasuredSet subset = strongestUnbeatenSubset(s, index, factor);
      if (subset == null) {
        // Beats each subset's rate, but not beyond chance among all the sets tested (beyondStrongestSubset).
        subset = properSubsets(s, index).stream().filter(u -> u.size() > 0)
            .max(Comparator.comparingDouble(MeasuredSet::failureRate)).orElse(null);
      }
      if (subset != null) {
        explained.add(explainedSet(s, subset, Rule.NOT_BEYOND_SUBSET, atRate(s, subset, baseline), baseline));
      }
    }

    // The most precise sets first: a combination comes before its parts and before sets that merely contain it.
    liftKept.sort(Comparator.comparingDouble((MeasuredSet s) -> -s.failureRate())
        .thenComparingLong(s -> -s.support())
        .thenComparing(s -> String.join(",", s.conditions())));
    List<MeasuredSet> accepted = new ArrayList<>();
    Map<MeasuredSet, MeasuredSet> explainedBy = new java.util.LinkedHashMap<>();
    for (MeasuredSet s : liftKept) {
      admit(s, accepted, explainedBy, withUnions, baseline, factor, minExcess);
    }
    // Greedy order can drop S because of T and later drop T because of U. S then comes back unless a set still
    // accepted explains it (a real set must not vanish behind a chance slice that was itself dropped).
    for (int round = 0; round < 10; round++) {
      boolean changed = false;
      for (MeasuredSet s : liftKept) {
        MeasuredSet by = explainedBy.get(s);
        if (by != null && !accepted.contains(by)) {
          explainedBy.remove(s);
          changed |= admit(s, accepted, explainedBy, withUnions, baseline, factor, minExcess);
        }
      }
      if (!changed) {
        break;
      }
    }
    explainedBy.forEach((s, by) -> explained.add(
        explainedSet(s, by, Rule.EXPLAINED_BY_OVERLAP, shared(s, by, withUnions, baseline), baseline)));
    if (signatures != null && accepted.size() > 1) {
      accepted = jointly(accepted, signatures.count(accepted), index, baseline, factor, minExcess, explained);
    }
    int droppedAsExplained = liftKept.size() - accepted.size();

    List<MeasuredSet> reported = new ArrayList<>();
    for (MeasuredSet s : accepted) {
      List<MeasuredSet> parts = productOfParts(s, accepted, baseline, factor);
      if (parts == null) {
        reported.add(s);
        continue;
      }
      for (MeasuredSet part : parts) {
        explained.add(explainedSet(s, part, Rule.PRODUCT_OF_PARTS, atRate(s, part, baseline), baseline));
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
    explained.sort(Comparator.comparingDouble((ExplainedSet e) -> -e.excessFailures())
        .thenComparing(e -> String.join(",", e.conditions()))
        .thenComparing(e -> String.join(",", e.explainedBy())));
    return new Outcome(
        out, explained, candidates, belowFloor, notSignificant, droppedBySubset, droppedAsExplained, products);
  }

  /**
   * Rule 2 for one set: dropped (recorded in {@code explainedBy}) when an accepted set explains it; else accepted,
   * dropping the accepted sets it explains. S can explain a set accepted before it: {bot, billing} explains
   * {bot_faq, billing} (every touch of the latter is in the former, and the former fails more outside it) although the
   * latter has the higher rate. Returns whether S was accepted.
   */
  private static boolean admit(
      MeasuredSet s, List<MeasuredSet> accepted, Map<MeasuredSet, MeasuredSet> explainedBy,
      Map<List<String>, MeasuredSet> index, double baseline, double factor, double minExcess) {
    MeasuredSet by =
        accepted.stream().filter(t -> explains(t, s, index, baseline, factor, minExcess)).findFirst().orElse(null);
    if (by != null) {
      explainedBy.put(s, by);
      return false;
    }
    accepted.removeIf(t -> {
      if (!explains(s, t, index, baseline, factor, minExcess)) {
        return false;
      }
      explainedBy.put(t, s);
      return true;
    });
    accepted.add(s);
    return true;
  }

  /**
   * Touches that meet exactly the accepted sets {@code members} (indices into the list given to the counter) and no
   * other accepted set: how many, how many failed, and what their failures cost.
   */
  public record Signature(Set<Integer> members, long support, long failures, double failureCost) {
    public Signature {
      members = Set.copyOf(members);
    }
  }

  /** Counts the touches by the accepted sets they meet (a pass over the touches). */
  @FunctionalInterface
  public interface SignatureCounter {
    List<Signature> count(List<MeasuredSet> accepted);
  }

  /**
   * Rule 2 jointly: a set must beat its reference rate on the touches it shares with no stronger accepted set, all
   * of them at once, not one at a time. need_family=technical fails more only where {channel=phone,
   * need_family=technical} or {need_family=technical, product=fibre} holds: outside either one it still fails more
   * (the other is there), outside both it fails at the baseline. The sets are taken by failure rate (then support);
   * S is judged on the touches meeting none of the sets kept before it, except its own subsets (outside a subset of S
   * there is no touch of S). A set dropped here has one row per kept set it shares touches with, with the share of
   * its excess failures in those shared touches. Exact: {@code signatures} partitions the touches by the accepted sets
   * they meet.
   */
  static List<MeasuredSet> jointly(
      List<MeasuredSet> accepted, List<Signature> signatures, Map<List<String>, MeasuredSet> index, double baseline,
      double factor, double minExcess, List<ExplainedSet> explained) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < accepted.size(); i++) {
      order.add(i);
    }
    order.sort(Comparator.comparingDouble((Integer i) -> -accepted.get(i).failureRate())
        .thenComparingLong(i -> -accepted.get(i).support())
        .thenComparing(i -> String.join(",", accepted.get(i).conditions())));
    List<Integer> kept = new ArrayList<>();
    for (int i : order) {
      MeasuredSet s = accepted.get(i);
      Set<Integer> others = new HashSet<>();
      for (int k : kept) {
        if (!s.conditions().containsAll(accepted.get(k).conditions())) {
          others.add(k);
        }
      }
      long n = 0;
      long f = 0;
      for (Signature g : signatures) {
        if (g.members().contains(i) && java.util.Collections.disjoint(g.members(), others)) {
          n += g.support();
          f += g.failures();
        }
      }
      if (others.isEmpty() || n == s.support() || addsBeyond(n, f, reference(s, index, baseline), factor, minExcess)) {
        kept.add(i);
        continue;
      }
      for (int k : others) {
        long bothN = 0;
        long bothF = 0;
        for (Signature g : signatures) {
          if (g.members().contains(i) && g.members().contains(k)) {
            bothN += g.support();
            bothF += g.failures();
          }
        }
        if (bothN > 0) {
          explained.add(explainedSet(s, accepted.get(k), Rule.EXPLAINED_BY_OVERLAP, bothF - bothN * baseline,
              baseline));
        }
      }
    }
    List<MeasuredSet> out = new ArrayList<>();
    for (int i = 0; i < accepted.size(); i++) {
      if (kept.contains(i)) {
        out.add(accepted.get(i));
      }
    }
    return out;
  }

  /** The non-empty sets with at least {@code minExcess} excess failures: the family the rules test. */
  private static List<MeasuredSet> aboveFloor(List<MeasuredSet> measured, double baseline, double minExcess) {
    return measured.stream().filter(s -> s.size() > 0 && s.excessFailures(baseline) >= minExcess).toList();
  }

  /**
   * The sets that fail more often than the baseline at false-discovery rate {@code fdr} (Benjamini-Hochberg over the
   * whole family): each set's one-sided p-value is the binomial tail P(X >= failures | support, baseline); sorted
   * ascending, the first k are discoveries for the largest k with p(k) <= k / m x fdr. Every candidate is a test, so
   * without it a search over thousands of sets reports chance slices (at 2,000 customers, 3 of 7 reported sets).
   */
  static Set<MeasuredSet> significant(List<MeasuredSet> family, double baseline, double fdr) {
    if (fdr >= 1.0) {
      return new HashSet<>(family);
    }
    double[] p = new double[family.size()];
    for (int i = 0; i < p.length; i++) {
      p[i] = upperTail(family.get(i).failures(), family.get(i).support(), baseline);
    }
    Set<MeasuredSet> out = new HashSet<>();
    for (int i : benjaminiHochberg(p, fdr)) {
      out.add(family.get(i));
    }
    return out;
  }

  /** The indices of the discoveries among p-values {@code p} at false-discovery rate {@code fdr}. */
  static List<Integer> benjaminiHochberg(double[] p, double fdr) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < p.length; i++) {
      order.add(i);
    }
    order.sort(Comparator.comparingDouble((Integer i) -> p[i]).thenComparingInt(i -> i));
    int m = p.length;
    int k = 0;
    for (int i = m; i >= 1; i--) {
      if (p[order.get(i - 1)] <= (double) i / m * fdr) {
        k = i;
        break;
      }
    }
    return order.subList(0, k);
  }

  /**
   * Of the {@code sets}, those whose failures are beyond chance at their strongest proper subset's rate, at
   * false-discovery rate {@code fdr} over the sets of two or more conditions (Benjamini-Hochberg); single conditions
   * are all in (their only subset is the empty set, tested by {@link #significant}). Rule 1's interval test alone
   * lets about 2.5% of the chance supersets of a strong set through, and a strong set has hundreds of them.
   */
  static Set<MeasuredSet> beyondStrongestSubset(
      Set<MeasuredSet> sets, Map<List<String>, MeasuredSet> index, double fdr) {
    Set<MeasuredSet> out = new HashSet<>();
    List<MeasuredSet> family = new ArrayList<>();
    List<Double> rates = new ArrayList<>();
    for (MeasuredSet s : sets) {
      // The strongest subset's rate on its touches outside S: does the extra condition make a difference?
      double strongest = -1;
      for (MeasuredSet u : properSubsets(s, index)) {
        if (u.size() > 0) {
          double outside = u.support() > s.support()
              ? (double) (u.failures() - s.failures()) / (u.support() - s.support()) : u.failureRate();
          strongest = Math.max(strongest, outside);
        }
      }
      if (strongest < 0) {
        out.add(s);
      } else {
        family.add(s);
        rates.add(strongest);
      }
    }
    if (fdr >= 1.0) {
      out.addAll(family);
      return out;
    }
    double[] p = new double[family.size()];
    for (int i = 0; i < p.length; i++) {
      p[i] = upperTail(family.get(i).failures(), family.get(i).support(), rates.get(i));
    }
    for (int i : benjaminiHochberg(p, fdr)) {
      out.add(family.get(i));
    }
    return out;
  }

  /** P(X >= failures) for X ~ Binomial(support, rate): exact (commons-math3), normal beyond int range. */
  static double upperTail(long failures, long support, double rate) {
    if (failures <= 0) {
      return 1.0;
    }
    if (support <= Integer.MAX_VALUE) {
      return 1.0 - new BinomialDistribution(null, (int) support, rate).cumulativeProbability((int) failures - 1);
    }
    double z = (failures - 0.5 - support * rate) / Math.sqrt(support * rate * (1 - rate));
    return new NormalDistribution(null, 0, 1).cumulativeProbability(-z);
  }

  private static ExplainedSet explainedSet(
      MeasuredSet s, MeasuredSet by, Rule rule, double explainedExcess, double baseline) {
    double excess = s.excessFailures(baseline);
    double share = excess <= 0 ? 1.0 : Math.max(0.0, Math.min(1.0, explainedExcess / excess));
    return new ExplainedSet(s.conditions(), s.support(), s.failures(), s.failureRate(), s.lift(baseline), excess,
        s.excessCost(baseline), rule, by.conditions(), by.failureRate(), share);
  }

  /** The excess failures S's touches would have at T's failure rate. */
  private static double atRate(MeasuredSet s, MeasuredSet t, double baseline) {
    return s.support() * (t.failureRate() - baseline);
  }

  /** The excess failures of the touches meeting both S and T (0 when no touch does). */
  private static double shared(MeasuredSet s, MeasuredSet t, Map<List<String>, MeasuredSet> index, double baseline) {
    MeasuredSet both = index.get(union(s, t));
    return both == null ? 0.0 : both.excessFailures(baseline);
  }

  private static List<String> union(MeasuredSet s, MeasuredSet t) {
    java.util.TreeSet<String> union = new java.util.TreeSet<>(s.conditions());
    union.addAll(t.conditions());
    return List.copyOf(union);
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

  /**
   * Rule 1 and what precedes it: the sets above the floor (tested), those beyond chance against the baseline
   * (discoveries), and of those the ones that beat every subset beyond chance (kept), in the order of {@code measured}.
   */
  private record RuleOne(List<MeasuredSet> tested, Set<MeasuredSet> discoveries, List<MeasuredSet> kept) {}

  private static RuleOne ruleOne(
      List<MeasuredSet> measured, Map<List<String>, MeasuredSet> index, double baseline, double factor,
      double minExcess, double fdr) {
    List<MeasuredSet> tested = aboveFloor(measured, baseline, minExcess);
    Set<MeasuredSet> discoveries = significant(tested, baseline, fdr);
    Set<MeasuredSet> beyondSubsets = beyondStrongestSubset(discoveries, index, fdr);
    List<MeasuredSet> kept = new ArrayList<>();
    for (MeasuredSet s : tested) {
      if (beyondSubsets.contains(s) && beatsSubsets(s, index, baseline, factor)) {
        kept.add(s);
      }
    }
    return new RuleOne(tested, discoveries, kept);
  }

  /**
   * The sets that pass rule 1, as sorted item lists: rule 2 compares them in pairs, so the touches they share must be
   * measured where their union was not a candidate (see {@link ConditionMining#measureOverlaps}).
   */
  public static List<List<String>> survivors(
      List<MeasuredSet> measured, double liftMargin, double minExcess, double fdr) {
    Map<List<String>, MeasuredSet> index = index(measured);
    return ruleOne(measured, index, baseline(index), 1 + liftMargin, minExcess, fdr).kept().stream()
        .map(MeasuredSet::conditions).toList();
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
    for (List<String> subset : properSubsetLists(s.conditions())) {
      if (subset.isEmpty()) {
        continue;
      }
      MeasuredSet t = index.get(subset);
      // Every subset of a frequent set is frequent, so it was measured; a missing one cannot be judged against.
      if (t == null || s.failureRate() < factor * t.failureRate() || low <= t.failureRate()) {
        return false;
      }
    }
    return true;
  }

  /** The proper subsets of S that were measured (the empty set included, when measured). */
  private static List<MeasuredSet> properSubsets(MeasuredSet s, Map<List<String>, MeasuredSet> index) {
    List<MeasuredSet> out = new ArrayList<>();
    for (List<String> subset : properSubsetLists(s.conditions())) {
      MeasuredSet t = index.get(subset);
      if (t != null) {
        out.add(t);
      }
    }
    return out;
  }

  /** Every proper subset of the sorted conditions (the empty one first), sorted. */
  private static List<List<String>> properSubsetLists(List<String> c) {
    int n = c.size();
    List<List<String>> out = new ArrayList<>();
    for (int mask = 0; mask < (1 << n) - 1; mask++) {
      List<String> subset = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        if ((mask & (1 << i)) != 0) {
          subset.add(c.get(i));
        }
      }
      out.add(subset);
    }
    return out;
  }

  /** Of the non-empty proper subsets S does not beat by rule 1, the one with the highest failure rate; else null. */
  private static MeasuredSet strongestUnbeatenSubset(
      MeasuredSet s, Map<List<String>, MeasuredSet> index, double factor) {
    double low = s.interval()[0];
    MeasuredSet best = null;
    for (MeasuredSet t : properSubsets(s, index)) {
      boolean beaten = s.failureRate() >= factor * t.failureRate() && low > t.failureRate();
      if (t.size() > 0 && !beaten && (best == null || t.failureRate() > best.failureRate())) {
        best = t;
      }
    }
    return best;
  }

  /**
   * The rate S must beat outside another set: the baseline, or higher where a proper subset U of S fails more
   * without S: the failure rate of the touches meeting U but not S. A mixture such as {queue=q-overflow, region=north, tenure=<3m} fails, outside the planted
   * {product=mortgage, queue=q-overflow, region=north}, at the rate of tenure=<3m, which fails as much without the
   * mixture: its extra failures come from the planted set. A real combination whose subsets fail more only because
   * they hold it (fibre_broadband + service-leeds, mostly technical) keeps the baseline as its reference.
   */
  static double reference(MeasuredSet s, Map<List<String>, MeasuredSet> index, double baseline) {
    double rate = baseline;
    for (MeasuredSet u : properSubsets(s, index)) {
      if (u.size() > 0 && u.support() > s.support()) {
        rate = Math.max(rate, (double) (u.failures() - s.failures()) / (u.support() - s.support()));
      }
    }
    return rate;
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
   * outside T (touches meeting S but not T) must beat S's {@link #reference} rate (the baseline, or what a subset of S
   * fails at on its own) for S to stand beside T; if it does not, T explains S when S is a subset of T (S is a part of the
   * combination T), when T outside S beats T's reference (T is the wider cause), or when neither does and T fails
   * more often (both describe the same failing touches; the more precise set stays).
   */
  static boolean explains(
      MeasuredSet t, MeasuredSet s, Map<List<String>, MeasuredSet> index, double baseline, double factor,
      double minExcess) {
    if (s.conditions().containsAll(t.conditions())) {
      return false;
    }
    if (outsideBeatsBaseline(s, t, index, baseline, factor, minExcess)) {
      return false;
    }
    if (t.conditions().containsAll(s.conditions())) {
      return true;
    }
    return outsideBeatsBaseline(t, s, index, baseline, factor, minExcess) || t.failureRate() > s.failureRate()
        || (t.failureRate() == s.failureRate() && t.support() >= s.support());
  }

  /**
   * Whether the touches meeting S but not T beat S's reference rate (the test of rule 1 against S's best subset;
   * for a single condition, against the baseline) and add the floor of excess failures over it.
   */
  static boolean outsideBeatsBaseline(
      MeasuredSet s, MeasuredSet t, Map<List<String>, MeasuredSet> index, double baseline, double factor,
      double minExcess) {
    // Not measured: no touch meets both (the unions of survivors that meet are measured).
    MeasuredSet both = index.get(union(s, t));
    long outsideN = both == null ? s.support() : s.support() - both.support();
    long outsideFailures = both == null ? s.failures() : s.failures() - both.failures();
    return addsBeyond(outsideN, outsideFailures, reference(s, index, baseline), factor, minExcess);
  }

  /**
   * Whether touches (n, failures) outside the sets that could explain them beat the reference rate and add at least
   * the floor of excess failures over it: a set is reported only if it adds excess beyond the sets it overlaps.
   */
  static boolean addsBeyond(long n, long failures, double reference, double factor, double minExcess) {
    return beatsBaseline(n, failures, reference, factor) && failures - n * reference >= minExcess;
  }

  /**
   * Rule 3: the parts when S is a disjoint union of accepted proper subsets whose lifts multiply to at least S's /
   * factor; else null.
   */
  static List<MeasuredSet> productOfParts(
      MeasuredSet s, List<MeasuredSet> accepted, double baseline, double factor) {
    List<MeasuredSet> parts = new ArrayList<>();
    for (MeasuredSet t : accepted) {
      if (t.size() < s.size() && s.conditions().containsAll(t.conditions())) {
        parts.add(t);
      }
    }
    List<MeasuredSet> used = new ArrayList<>();
    return cover(s.conditions(), List.of(), parts, 1.0, s.lift(baseline), baseline, factor, used) ? used : null;
  }

  private static boolean cover(
      List<String> target, List<String> covered, List<MeasuredSet> parts, double liftProduct, double setLift,
      double baseline, double factor, List<MeasuredSet> used) {
    if (covered.size() == target.size()) {
      return used.size() >= 2 && setLift < factor * liftProduct;
    }
    // Cover the first uncovered condition with each part that holds it and overlaps nothing covered yet.
    String next = target.stream().filter(c -> !covered.contains(c)).findFirst().orElseThrow();
    for (MeasuredSet p : parts) {
      if (p.conditions().contains(next) && p.conditions().stream().noneMatch(covered::contains)) {
        List<String> more = new ArrayList<>(covered);
        more.addAll(p.conditions());
        used.add(p);
        if (cover(target, more, parts, liftProduct * p.lift(baseline), setLift, baseline, factor, used)) {
          return true;
        }
        used.remove(used.size() - 1);
      }
    }
    return false;
  }
}
