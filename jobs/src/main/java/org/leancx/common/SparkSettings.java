package org.leancx.common;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import java.util.Map;
import java.util.TreeMap;

/**
 * How the SparkSession is opened.
 *
 * @param master the master used when spark-submit gave none, e.g. {@code local[*]}
 * @param appName the application name shown in the Spark UI
 * @param shufflePartitions {@code spark.sql.shuffle.partitions}
 * @param uiEnabled whether the Spark UI starts
 * @param extra raw Spark settings from {@code spark.conf}, applied last
 * @param progress where progress lines of long stages go ({@code spark.progress})
 */
public record SparkSettings(
    String master, String appName, int shufflePartitions, boolean uiEnabled, Map<String, String> extra,
    Progress.Mode progress) {

  public SparkSettings {
    if (master == null || master.isBlank()) {
      throw new SettingsException("spark.master is empty. Set it to local[*] or a cluster URL.");
    }
    if (shufflePartitions < 1) {
      throw new SettingsException(
          "spark.shuffle-partitions is " + shufflePartitions + ": it must be at least 1 (default 16).");
    }
    extra = Map.copyOf(extra);
    if (progress == null) {
      throw new SettingsException("spark.progress is empty: use auto, terminal, log or off (default auto).");
    }
  }

  /** Settings with progress lines as {@code auto}: log lines (30 s apart) when the process has no console. */
  public SparkSettings(
      String master, String appName, int shufflePartitions, boolean uiEnabled, Map<String, String> extra) {
    this(master, appName, shufflePartitions, uiEnabled, extra, Progress.Mode.AUTO);
  }

  public static SparkSettings from(Config c) {
    Map<String, String> extra = new TreeMap<>();
    for (Map.Entry<String, ConfigValue> e : c.getConfig("spark.conf").entrySet()) {
      extra.put(e.getKey().replace("\"", ""), String.valueOf(e.getValue().unwrapped()));
    }
    return new SparkSettings(
        c.getString("spark.master"),
        c.getString("spark.app-name"),
        c.getInt("spark.shuffle-partitions"),
        c.getBoolean("spark.ui-enabled"),
        extra,
        Progress.Mode.parse("spark.progress", c.getString("spark.progress")));
  }
}
