package org.leancx.leadtime;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The vocabularies that fix the prefix features of one model: the activities that get a count-so-far column and the
 * levels kept per categorical attribute, learned on training data only so that a test fold never shapes them.
 *
 * @param activities the activity vocabulary, most frequent first; every other activity counts as {@link #OTHER}
 * @param categoricalColumns categorical attribute columns of the event table (e.g. journey_type, resource)
 * @param categoricalLevels per categorical column, the levels kept; others become {@link #OTHER}
 * @param numericColumns numeric attribute columns of the event table (double), carried forward to each prefix
 */
public record FeatureSpec(
    List<String> activities,
    List<String> categoricalColumns,
    Map<String, List<String>> categoricalLevels,
    List<String> numericColumns) {

  /** The level that stands for every value outside a vocabulary. */
  public static final String OTHER = "<other>";
  /** The level of a missing value (no previous activity, null attribute). */
  public static final String NONE = "<none>";

  public FeatureSpec {
    activities = List.copyOf(activities);
    categoricalColumns = List.copyOf(categoricalColumns);
    Map<String, List<String>> copy = new LinkedHashMap<>();
    for (String c : categoricalColumns) {
      List<String> levels = categoricalLevels.get(c);
      if (levels == null) {
        throw new IllegalArgumentException("No levels for categorical column " + c + " in " + categoricalLevels);
      }
      copy.put(c, List.copyOf(levels));
    }
    categoricalLevels = java.util.Collections.unmodifiableMap(copy);
    numericColumns = List.copyOf(numericColumns);
  }

  /**
   * Learns the vocabularies from {@code events} (the training events only): the {@code maxActivities} most frequent
   * activities and the {@code maxLevels} most frequent levels of each categorical column, ties broken by name so that
   * the result is deterministic. This runs Spark actions: it is a fit, not a transform.
   */
  public static FeatureSpec learn(
      Dataset<Row> events,
      List<String> categoricalColumns,
      List<String> numericColumns,
      int maxActivities,
      int maxLevels) {
    List<String> activities = mostFrequent(events, PrefixFeatures.ACTIVITY, maxActivities);
    Map<String, List<String>> levels = new LinkedHashMap<>();
    for (String c : categoricalColumns) {
      levels.put(c, mostFrequent(events, c, maxLevels));
    }
    return new FeatureSpec(activities, categoricalColumns, levels, numericColumns);
  }

  private static List<String> mostFrequent(Dataset<Row> events, String column, int limit) {
    List<String> out = new ArrayList<>();
    for (Row r :
        events
            .where(col(column).isNotNull())
            .groupBy(col(column).cast("string").as("value"))
            .agg(count(lit(1)).as("n"))
            .orderBy(col("n").desc(), col("value"))
            .limit(limit)
            .collectAsList()) {
      out.add(r.getString(0));
    }
    return out;
  }
}
