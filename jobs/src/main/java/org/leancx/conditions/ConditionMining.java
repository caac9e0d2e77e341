package org.leancx.conditions;

import static org.apache.spark.sql.functions.*;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Finds the candidate condition sets among the failed touches and measures every candidate over all touches.
 *
 * <p>Candidates are every set of at most k items met by at least {@code minFailures} failed touches, counted exactly,
 * level by level (Apriori): a set of size s is counted only as an extension of a candidate of size s-1 by an item
 * that is a candidate itself, and kept when all its (s-1)-subsets are candidates. The floor in failures comes from
 * the floor in excess failures (see {@link #minFailures}); no sample is drawn.
 *
 * <p>Measuring walks, per touch, a prefix tree of the candidates along the touch's sorted items, so a touch yields
 * its candidate subsets and nothing else, without building a key. Counts are combined inside each partition before
 * the shuffle, so the shuffle carries at most (partitions x keys) rows. Built-in expressions cannot do this pruned
 * enumeration, hence the one typed function here.
 */
public final class ConditionMining {
  /** Separator of items inside a set key (the unit separator cannot occur in attribute values of sane data). */
  public static final String SEPARATOR = "\u001F";
  public static final String SET_KEY = "set_key";
  public static final String SUPPORT = "support";
  public static final String FAILURES = "failures";
  public static final String COST = "failure_cost";

  static final StructType MEASURE_SCHEMA =
      new StructType()
          .add(SET_KEY, DataTypes.StringType, false)
          .add(SUPPORT, DataTypes.LongType, false)
          .add(FAILURES, DataTypes.LongType, false)
          .add(COST, DataTypes.DoubleType, false);

  private ConditionMining() {}

  /**
   * The fewest failures a set must have for itself or a superset to reach {@code minExcess} excess failures: a set S
   * with f failures has no superset with more excess than f x (1 - baseline) (the superset that keeps every failure
   * and no resolved touch), so ceil(minExcess / (1 - baseline)), at least 1. This optimistic estimate makes the
   * search exact: every set with at least minExcess excess failures is a candidate.
   */
  public static long minFailures(double minExcess, double baselineRate) {
    if (!(baselineRate < 1)) {
      return Long.MAX_VALUE;
    }
    return Math.max(1L, (long) Math.ceil(minExcess / (1 - baselineRate) - 1e-9));
  }

  /**
   * Every set of 1 to {@code maxSize} items that at least {@code minFailures} failed touches meet, as sorted item
   * lists, counted level by level over the failed touches (one pass per level, up to k). An action: it runs the
   * passes.
   *
   * @throws IllegalStateException when there are more than {@code maxCandidates}, naming the keys to change
   */
  public static List<List<String>> candidates(
      SparkSession spark, Dataset<Row> touchesWithItems, long minFailures, int maxSize, int maxCandidates) {
    Dataset<Row> failed =
        touchesWithItems.where(col(Touches.FAILED)).where(size(col(Touches.ITEMS)).gt(0));
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Set<String> known = new HashSet<>();
    List<List<String>> out = new ArrayList<>();
    for (int level = 1; level <= maxSize; level++) {
      Broadcast<Set<String>> lower = jsc.broadcast(Set.copyOf(known));
      int s = level;
      List<Row> rows;
      try {
        rows = countPerKey(failed, part -> {
              SubsetCounter counter = new SubsetCounter(lower.value(), s - 1);
              return s == 1 ? counter.count(part, items -> List.of(items)) : counter.countExtensions(part);
            })
            .where(col(FAILURES).geq(minFailures))
            .select(SET_KEY)
            .collectAsList();
      } finally {
        lower.destroy();
      }
      List<String> next = new ArrayList<>();
      for (Row r : rows) {
        String key = r.getString(0);
        if (s == 1 || allSubsetsKnown(key, known)) {
          next.add(key);
        }
      }
      if (out.size() + next.size() > maxCandidates) {
        throw new IllegalStateException("The search found more than conditions.max-candidates = " + maxCandidates
            + " condition sets of size <= " + s + " with at least " + minFailures + " failures each (the floor"
            + " of conditions.min-excess-failures / conditions.min-excess-share). Raise conditions.min-excess-share"
            + " or conditions.min-excess-failures, lower conditions.max-size, or drop attributes with many values.");
      }
      if (next.isEmpty()) {
        break;
      }
      next.sort(null);
      known.addAll(next);
      for (String key : next) {
        out.add(List.of(key.split(SEPARATOR, -1)));
      }
    }
    return out;
  }

  /** Whether every subset of the key with one item fewer is in {@code known} (the Apriori condition). */
  private static boolean allSubsetsKnown(String key, Set<String> known) {
    String[] items = key.split(SEPARATOR, -1);
    for (int skip = 0; skip < items.length; skip++) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < items.length; i++) {
        if (i != skip) {
          sb.append(sb.length() == 0 ? "" : SEPARATOR).append(items[i]);
        }
      }
      if (!known.contains(sb.toString())) {
        return false;
      }
    }
    return true;
  }

  /** The key of a sorted item list. */
  public static String key(List<String> sortedItems) {
    return String.join(SEPARATOR, sortedItems);
  }

  /**
   * Per candidate set (and the empty set, key ""): touches meeting it, failures among them and their summed
   * failure cost. Lazy: a transform over the touches with items.
   */
  public static Dataset<Row> measure(Dataset<Row> touchesWithItems, Broadcast<Set<String>> candidateKeys, int maxSize) {
    return countPerKey(touchesWithItems, rows -> {
      return new SubsetCounter(candidateKeys.value(), maxSize).countSubsets(rows);
    });
  }

  /**
   * Per pair of survivors (sets kept by rule 1 of {@link RedundancyPruning}) that some touch meets both and whose
   * union is no candidate: the union's key with the touches, failures and failure cost of the touches meeting both.
   * Rule 2 needs these overlaps; a union larger than k or rare among the failures was not measured. Lazy, one pass;
   * per touch the cost is the square of the number of survivors it meets.
   */
  public static Dataset<Row> measureOverlaps(
      Dataset<Row> touchesWithItems, Broadcast<Set<String>> candidateKeys,
      Broadcast<List<List<String>>> survivors, int maxSize) {
    return countPerKey(touchesWithItems, rows -> {
      SubsetCounter counter = new SubsetCounter(candidateKeys.value(), maxSize);
      List<List<String>> sets = survivors.value();
      return counter.count(rows, items -> counter.overlaps(items, sets));
    });
  }

  /**
   * The touches grouped by which of the {@code accepted} sets they meet (touches meeting none are left out), for
   * rule 2 jointly ({@link RedundancyPruning#jointly}). An action: one pass over the touches; the result has one row
   * per combination of accepted sets that some touch meets.
   */
  public static List<RedundancyPruning.Signature> signatures(
      SparkSession spark, Dataset<Row> touchesWithItems, List<MeasuredSet> accepted) {
    List<List<String>> sets = accepted.stream().map(MeasuredSet::conditions).toList();
    Broadcast<List<List<String>>> b = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(sets);
    try {
      List<Row> rows = countPerKey(touchesWithItems, part -> {
            List<List<String>> all = b.value();
            SubsetCounter counter = new SubsetCounter(Set.of(), 0);
            return counter.count(part, items -> {
              Set<String> present = new HashSet<>(Arrays.asList(items));
              StringBuilder key = new StringBuilder();
              for (int i = 0; i < all.size(); i++) {
                if (present.containsAll(all.get(i))) {
                  key.append(key.length() == 0 ? "" : ",").append(i);
                }
              }
              return key.length() == 0 ? List.of() : List.of(key.toString());
            });
          })
          .collectAsList();
      List<RedundancyPruning.Signature> out = new ArrayList<>();
      for (Row r : rows) {
        Set<Integer> members = new HashSet<>();
        for (String i : r.getString(0).split(",", -1)) {
          members.add(Integer.parseInt(i));
        }
        out.add(new RedundancyPruning.Signature(
            members, r.getLong(1), r.getLong(2), r.isNullAt(3) ? 0.0 : r.getDouble(3)));
      }
      return out;
    } finally {
      b.destroy();
    }
  }

  /** Counts per set key within each partition (touches, failures, failure cost), then sums the partitions' counts. */
  private static Dataset<Row> countPerKey(
      Dataset<Row> touchesWithItems, MapPartitionsFunction<Row, Row> countPartition) {
    return touchesWithItems
        .select(col(Touches.ITEMS), col(Touches.FAILED), col(Touches.FAILURE_COST))
        .mapPartitions(countPartition, Encoders.row(MEASURE_SCHEMA))
        .groupBy(SET_KEY)
        // The partitions' cost sums come in the order the shuffle delivers them: summed as decimals, so that a rerun
        // gives the same bits (a double sum in another order differed in its last digit: --check-identical caught it
        // on root_conditions_explained.excess_cost).
        .agg(sum(SUPPORT).as(SUPPORT), sum(FAILURES).as(FAILURES),
            org.leancx.common.Aggregates.exactSum(col(COST), 9).as(COST));
  }

  /**
   * Counts, within one partition, every candidate subset of every touch's items. The candidates are held as a prefix
   * tree of their sorted items (a node per candidate, its children the candidates one item longer that extend it), so
   * a touch's candidate subsets are found by walking the tree along its sorted items: one hash lookup of an item per
   * step and no key built, counted in arrays indexed by candidate. Apriori closure (every subset of a candidate is a
   * candidate) makes every candidate reachable this way.
   */
  static final class SubsetCounter {
    private final Set<String> candidates;
    private final int maxSize;
    /** The empty set (index 0); its children are the candidates of one item. */
    private final Node root;
    /** Candidate keys by node index; index 0 is the empty set, key "". */
    private final List<String> keyOf = new ArrayList<>();
    private final Map<String, double[]> totals = new HashMap<>();
    /** Node indices met by the current touch (see {@link #collect}). */
    private int[] hits = new int[64];
    private int hitCount;
    /** The candidates of one item, numbered: extensions are counted by (node, item number). */
    private final Map<String, Integer> itemNumber = new HashMap<>();
    private final List<String> singles = new ArrayList<>();
    /** The survivors of the overlap pass and, per pair of them met together, their union's key ("" for a candidate). */
    private List<List<String>> survivorSets;
    private final Map<Long, String> unionOf = new HashMap<>();

    /** A candidate set in the prefix tree: its index, key and the candidates that extend it by one later item. */
    private static final class Node {
      final int index;
      final String key;
      final Map<String, Node> children = new HashMap<>();

      Node(int index, String key) {
        this.index = index;
        this.key = key;
      }
    }

    SubsetCounter(Set<String> candidates, int maxSize) {
      this.candidates = candidates;
      this.maxSize = maxSize;
      this.root = node("");
      List<String[]> sets = new ArrayList<>();
      for (String key : candidates) {
        sets.add(key.split(SEPARATOR, -1));
      }
      sets.sort(java.util.Comparator.<String[]>comparingInt(a -> a.length)
          .thenComparing(a -> String.join(SEPARATOR, a)));
      for (String[] items : sets) {
        Node parent = root;
        for (int i = 0; i < items.length - 1 && parent != null; i++) {
          parent = parent.children.get(items[i]);
        }
        // A set whose prefix is no candidate cannot be reached item by item (Apriori candidates always can).
        if (parent != null) {
          parent.children.put(items[items.length - 1], node(String.join(SEPARATOR, items)));
        }
      }
      for (String item : new java.util.TreeSet<>(root.children.keySet())) {
        itemNumber.put(item, singles.size());
        singles.add(item);
      }
    }

    private Node node(String key) {
      Node n = new Node(keyOf.size(), key);
      keyOf.add(key);
      return n;
    }

    /** Adds every touch of the partition to the totals of the keys {@code keysOf} gives for its items. */
    Iterator<Row> count(Iterator<Row> rows, java.util.function.Function<String[], ? extends Iterable<String>> keysOf) {
      while (rows.hasNext()) {
        Row r = rows.next();
        boolean failed = !r.isNullAt(1) && r.getBoolean(1);
        double cost = r.isNullAt(2) ? 0.0 : r.getDouble(2);
        for (String key : keysOf.apply(items(r))) {
          tally(totals.computeIfAbsent(key, k -> new double[3]), failed, cost);
        }
      }
      List<Row> out = new ArrayList<>(totals.size());
      totals.forEach((k, v) -> out.add(RowFactory.create(k, (long) v[0], (long) v[1], v[2])));
      return out.iterator();
    }

    /** Adds one touch to a set's totals {touches, failures, failure cost}. */
    private static void tally(double[] totals, boolean failed, double cost) {
      totals[0] += 1;
      if (failed) {
        totals[1] += 1;
        totals[2] += cost;
      }
    }

    /** Adds every touch of the partition to the totals of the empty set and of each candidate subset of its items. */
    Iterator<Row> countSubsets(Iterator<Row> rows) {
      int n = keyOf.size();
      long[] support = new long[n];
      long[] failures = new long[n];
      double[] cost = new double[n];
      boolean any = false;
      while (rows.hasNext()) {
        Row r = rows.next();
        any = true;
        boolean failed = !r.isNullAt(1) && r.getBoolean(1);
        double c = r.isNullAt(2) ? 0.0 : r.getDouble(2);
        String[] items = items(r);
        Arrays.sort(items);
        collect(items);
        for (int h = 0; h < hitCount; h++) {
          int i = hits[h];
          support[i]++;
          if (failed) {
            failures[i]++;
            cost[i] += c;
          }
        }
      }
      List<Row> out = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        if (support[i] > 0 || (i == 0 && any)) {
          out.add(RowFactory.create(keyOf.get(i), support[i], failures[i], cost[i]));
        }
      }
      return out.iterator();
    }

    private static String[] items(Row r) {
      List<String> list = r.isNullAt(0) ? List.of() : r.getList(0);
      return list.toArray(String[]::new);
    }

    /** Fills {@link #hits} with the empty set and the candidate subsets of the sorted {@code items}, up to maxSize. */
    private void collect(String[] items) {
      hitCount = 0;
      hit(root.index);
      descend(root, items, 0, 0);
    }

    private void descend(Node node, String[] items, int from, int depth) {
      if (depth == maxSize || node.children.isEmpty()) {
        return;
      }
      for (int j = from; j < items.length; j++) {
        Node child = node.children.get(items[j]);
        if (child != null) {
          hit(child.index);
          descend(child, items, j + 1, depth + 1);
        }
      }
    }

    private void hit(int index) {
      if (hitCount == hits.length) {
        hits = Arrays.copyOf(hits, hitCount * 2);
      }
      hits[hitCount++] = index;
    }

    /** The keys of the unions of two survivors (sorted item lists) that {@code items} meet, unions no candidate. */
    Set<String> overlaps(String[] items, List<List<String>> survivors) {
      if (survivorSets != survivors) {
        survivorSets = survivors;
        unionOf.clear();
      }
      // The survivors are few (tens to hundreds): testing each against the touch's items is far cheaper than walking
      // the touch's candidate subsets. A pair's union key is built once per partition, not once per touch.
      Set<String> present = new HashSet<>(Arrays.asList(items));
      int[] met = new int[survivors.size()];
      int m = 0;
      for (int i = 0; i < survivors.size(); i++) {
        if (present.containsAll(survivors.get(i))) {
          met[m++] = i;
        }
      }
      Set<String> unions = new HashSet<>();
      for (int a = 0; a < m; a++) {
        for (int b = a + 1; b < m; b++) {
          int i = met[a];
          int j = met[b];
          String union = unionOf.computeIfAbsent((long) i * survivors.size() + j, k -> {
            TreeSet<String> all = new TreeSet<>(survivors.get(i));
            all.addAll(survivors.get(j));
            String key = String.join(SEPARATOR, all);
            return candidates.contains(key) ? "" : key;
          });
          if (!union.isEmpty()) {
            unions.add(union);
          }
        }
      }
      return unions;
    }

    /**
     * Counts, for every touch of the partition, the sets of size maxSize + 1 that extend a candidate subset of its
     * items of size maxSize by a later item that is a candidate on its own (see {@link #extensions}), by (node, item
     * number) without building their keys; the keys are built once per partition for the rows returned.
     */
    Iterator<Row> countExtensions(Iterator<Row> rows) {
      Map<Long, double[]> counts = new HashMap<>();
      int k = singles.size();
      while (rows.hasNext()) {
        Row r = rows.next();
        boolean failed = !r.isNullAt(1) && r.getBoolean(1);
        double cost = r.isNullAt(2) ? 0.0 : r.getDouble(2);
        String[] touch = items(r);
        Arrays.sort(touch);
        extend(root, touch, 0, 0, (node, item) ->
            tally(counts.computeIfAbsent((long) node.index * k + itemNumber.get(item), x -> new double[3]), failed,
                cost));
      }
      List<Row> out = new ArrayList<>(counts.size());
      counts.forEach((code, v) -> out.add(RowFactory.create(
          keyOf.get((int) (code / k)) + SEPARATOR + singles.get((int) (code % k)), (long) v[0], (long) v[1], v[2])));
      return out.iterator();
    }

    /**
     * The keys of the sets of size maxSize + 1 that extend a candidate subset of {@code items} of size maxSize (the
     * empty set when maxSize is 0) by a later item that is a candidate on its own (any item at level 1).
     */
    List<String> extensions(String[] items) {
      Arrays.sort(items);
      List<String> keys = new ArrayList<>();
      if (maxSize == 0) {
        keys.addAll(Arrays.asList(items));
        return keys;
      }
      extend(root, items, 0, 0, (node, item) -> keys.add(node.key + SEPARATOR + item));
      return keys;
    }

    /** Gives every (candidate node of size maxSize, later item that is a candidate on its own) of the sorted items. */
    private void extend(
        Node node, String[] items, int from, int depth, java.util.function.BiConsumer<Node, String> extension) {
      for (int j = from; j < items.length; j++) {
        if (depth == maxSize) {
          if (root.children.containsKey(items[j])) {
            extension.accept(node, items[j]);
          }
        } else {
          Node child = node.children.get(items[j]);
          if (child != null) {
            extend(child, items, j + 1, depth + 1, extension);
          }
        }
      }
    }

    /** The keys of the candidate subsets of {@code items} (the empty key first), each once. */
    List<String> subsets(String[] items) {
      Arrays.sort(items);
      collect(items);
      List<String> keys = new ArrayList<>(hitCount);
      for (int h = 0; h < hitCount; h++) {
        keys.add(keyOf.get(hits[h]));
      }
      return keys;
    }
  }

  /** The candidate keys as a set, for broadcasting. */
  public static Set<String> keys(List<List<String>> candidates) {
    Set<String> keys = new HashSet<>();
    for (List<String> c : candidates) {
      keys.add(key(c));
    }
    return keys;
  }

  /** Turns measured rows (set_key, support, failures, failure_cost) into {@link MeasuredSet}s. */
  public static List<MeasuredSet> toMeasuredSets(List<Row> rows) {
    List<MeasuredSet> out = new ArrayList<>(rows.size());
    // In key order, not in the order the partitions arrived: the pruning then meets its ties in the same order.
    List<Row> ordered = new ArrayList<>(rows);
    ordered.sort(java.util.Comparator.comparing((Row r) -> r.getString(0)));
    for (Row r : ordered) {
      String k = r.getString(0);
      List<String> conditions = k.isEmpty() ? List.of() : List.of(k.split(SEPARATOR, -1));
      out.add(new MeasuredSet(conditions, r.getLong(1), r.getLong(2), r.isNullAt(3) ? 0.0 : r.getDouble(3)));
    }
    return out;
  }
}
