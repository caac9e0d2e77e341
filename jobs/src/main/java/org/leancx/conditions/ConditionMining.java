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
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.fpm.FPGrowth;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Finds candidate condition sets among the failed touches (FPGrowth) and measures every candidate over all touches.
 *
 * <p>Measuring enumerates, per touch, only the subsets of its items that are candidates, level by level: a set of
 * size s is tried only as an extension of a candidate of size s-1 (every subset of a frequent set is frequent), so a
 * touch yields its candidate subsets and nothing else. Counts are combined inside each partition before the shuffle,
 * so the shuffle carries at most (partitions x candidates) rows. Built-in expressions cannot do this pruned
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

  /** Seed of FPGrowth's sample, so that a rerun on the same data mines the same candidates. */
  static final long SAMPLE_SEED = 20261127L;

  private ConditionMining() {}

  /** FPGrowth's support threshold on a sample of {@code sample} failed touches: lowered by 5 standard errors. */
  static double sampledSupport(double minSupport, long sample) {
    return Math.max(minSupport / 2, minSupport - 5 * Math.sqrt(minSupport * (1 - minSupport) / sample));
  }

  /**
   * FPGrowth over the items of the failed touches: the frequent sets of size 1 to {@code maxSize} with support at
   * least {@code minSupport} among them, as sorted item lists. An action: it runs the mining.
   *
   * <p>With more than {@code sample} failed touches, FPGrowth runs on a seeded random sample of about that many, at
   * {@link #sampledSupport}: a superset of the sets frequent among all failed touches, except with a probability
   * below 1e-6 per set at the threshold (sampling for frequent sets, Toivonen 1996). The caller measures every
   * candidate over all touches and keeps those with at least {@code minSupport} of the failures
   * ({@link #frequentEnough}), so the result equals an FPGrowth over all failed touches.
   *
   * @param failed the number of failed touches (the sample fraction is {@code sample / failed})
   * @throws IllegalStateException when there are more than {@code maxCandidates}, naming the keys to change
   */
  public static List<List<String>> candidates(
      Dataset<Row> touchesWithItems, double minSupport, int maxSize, int maxCandidates, long failed, int sample) {
    Dataset<Row> failedItems =
        touchesWithItems.where(col(Touches.FAILED)).select(col(Touches.ITEMS)).where(size(col(Touches.ITEMS)).gt(0));
    double support = minSupport;
    if (failed > sample) {
      failedItems = failedItems.sample(false, (double) sample / failed, SAMPLE_SEED);
      support = sampledSupport(minSupport, sample);
    }
    Dataset<Row> frequent =
        new FPGrowth()
            .setItemsCol(Touches.ITEMS)
            .setMinSupport(support)
            .fit(failedItems)
            .freqItemsets()
            .where(size(col("items")).leq(maxSize))
            .select(array_sort(col("items")).as("items"));
    List<Row> rows = frequent.limit(maxCandidates + 1).collectAsList();
    if (rows.size() > maxCandidates) {
      throw new IllegalStateException("FPGrowth found more than conditions.max-candidates = " + maxCandidates
          + " candidate sets of size <= " + maxSize + " at conditions.min-support = " + minSupport
          + ". Raise conditions.min-support, lower conditions.max-size, or drop attributes with many values.");
    }
    List<List<String>> out = new ArrayList<>();
    for (Row r : rows) {
      out.add(r.<String>getList(0).stream().sorted().toList());
    }
    return out;
  }

  /**
   * The measured sets frequent among all {@code failed} touches (FPGrowth's own rule: at least
   * ceil(minSupport x failed) failures), and the empty set; drops the extra candidates of a sampled FPGrowth.
   */
  public static List<MeasuredSet> frequentEnough(List<MeasuredSet> measured, double minSupport, long failed) {
    long minCount = (long) Math.ceil(minSupport * failed);
    return measured.stream().filter(m -> m.conditions().isEmpty() || m.failures() >= minCount).toList();
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
      SubsetCounter counter = new SubsetCounter(candidateKeys.value(), maxSize);
      return counter.count(rows, counter::subsets);
    });
  }

  /**
   * Per pair of survivors (sets kept by rule 1 of {@link RedundancyPruning}) that some touch meets both and whose
   * union is no candidate: the union's key with the touches, failures and failure cost of the touches meeting both.
   * Rule 2 needs these overlaps; a union larger than k or rare among the failures was not measured. Lazy, one pass;
   * per touch the cost is the square of the number of survivors it meets.
   */
  public static Dataset<Row> measureOverlaps(
      Dataset<Row> touchesWithItems, Broadcast<Set<String>> candidateKeys, Broadcast<Set<String>> survivorKeys,
      int maxSize) {
    return countPerKey(touchesWithItems, rows -> {
      SubsetCounter counter = new SubsetCounter(candidateKeys.value(), maxSize);
      Set<String> survivors = survivorKeys.value();
      return counter.count(rows, items -> counter.overlaps(items, survivors));
    });
  }

  /** Counts per set key within each partition (touches, failures, failure cost), then sums the partitions' counts. */
  private static Dataset<Row> countPerKey(Dataset<Row> touchesWithItems, MapPartitionsFunction<Row, Row> countPartition) {
    return touchesWithItems
        .select(col(Touches.ITEMS), col(Touches.FAILED), col(Touches.FAILURE_COST))
        .mapPartitions(countPartition, Encoders.row(MEASURE_SCHEMA))
        .groupBy(SET_KEY)
        .agg(sum(SUPPORT).as(SUPPORT), sum(FAILURES).as(FAILURES), sum(COST).as(COST));
  }

  /** Counts, within one partition, every candidate subset of every touch's items. */
  static final class SubsetCounter {
    private final Set<String> candidates;
    private final int maxSize;
    private final Map<String, double[]> totals = new HashMap<>();

    SubsetCounter(Set<String> candidates, int maxSize) {
      this.candidates = candidates;
      this.maxSize = maxSize;
    }

    /** Adds every touch of the partition to the totals of the keys {@code keysOf} gives for its items. */
    Iterator<Row> count(Iterator<Row> rows, java.util.function.Function<String[], ? extends Iterable<String>> keysOf) {
      while (rows.hasNext()) {
        Row r = rows.next();
        List<String> list = r.isNullAt(0) ? List.of() : r.getList(0);
        boolean failed = !r.isNullAt(1) && r.getBoolean(1);
        double cost = r.isNullAt(2) ? 0.0 : r.getDouble(2);
        for (String key : keysOf.apply(list.toArray(String[]::new))) {
          add(key, failed, cost);
        }
      }
      List<Row> out = new ArrayList<>(totals.size());
      totals.forEach((k, v) -> out.add(RowFactory.create(k, (long) v[0], (long) v[1], v[2])));
      return out.iterator();
    }

    /** The keys of the unions of two survivors among the candidate subsets of {@code items}, unions no candidate. */
    Set<String> overlaps(String[] items, Set<String> survivors) {
      List<String> met = new ArrayList<>();
      for (String key : subsets(items)) {
        if (survivors.contains(key)) {
          met.add(key);
        }
      }
      Set<String> unions = new HashSet<>();
      for (int i = 0; i < met.size(); i++) {
        for (int j = i + 1; j < met.size(); j++) {
          TreeSet<String> union = new TreeSet<>(List.of(met.get(i).split(SEPARATOR, -1)));
          union.addAll(List.of(met.get(j).split(SEPARATOR, -1)));
          String key = String.join(SEPARATOR, union);
          if (!candidates.contains(key)) {
            unions.add(key);
          }
        }
      }
      return unions;
    }

    private void add(String key, boolean failed, double cost) {
      double[] t = totals.computeIfAbsent(key, k -> new double[3]);
      t[0] += 1;
      if (failed) {
        t[1] += 1;
        t[2] += cost;
      }
    }

    /** The keys of the candidate subsets of {@code items} (the empty key first), by levels. */
    List<String> subsets(String[] items) {
      Arrays.sort(items);
      List<String> keys = new ArrayList<>();
      keys.add("");
      List<int[]> level = new ArrayList<>();
      List<String> levelKeys = new ArrayList<>();
      for (int i = 0; i < items.length; i++) {
        if (candidates.contains(items[i])) {
          level.add(new int[] {i});
          levelKeys.add(items[i]);
        }
      }
      keys.addAll(levelKeys);
      for (int s = 2; s <= maxSize && !level.isEmpty(); s++) {
        List<int[]> next = new ArrayList<>();
        List<String> nextKeys = new ArrayList<>();
        for (int l = 0; l < level.size(); l++) {
          int[] set = level.get(l);
          for (int j = set[set.length - 1] + 1; j < items.length; j++) {
            String key = levelKeys.get(l) + SEPARATOR + items[j];
            if (candidates.contains(key)) {
              int[] grown = Arrays.copyOf(set, set.length + 1);
              grown[set.length] = j;
              next.add(grown);
              nextKeys.add(key);
            }
          }
        }
        keys.addAll(nextKeys);
        level = next;
        levelKeys = nextKeys;
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
    for (Row r : rows) {
      String k = r.getString(0);
      List<String> conditions = k.isEmpty() ? List.of() : List.of(k.split(SEPARATOR, -1));
      out.add(new MeasuredSet(conditions, r.getLong(1), r.getLong(2), r.isNullAt(3) ? 0.0 : r.getDouble(3)));
    }
    return out;
  }
}
