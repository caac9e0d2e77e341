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
 */
public record SparkSettings(
    String master, String appName, int shufflePartitions, boolean uiEnabled, Map<String, String> extra) {

  public SparkSettings {
    if (master == null || master.isBlank()) {
      throw new SettingsException("spark.master is empty. Set it to local[*] or a cluster URL.");
    }
    if (shufflePartitions < 1) {
      throw new SettingsException(
          "spark.shuffle-partitions is " + shufflePartitions + ": it must be at least 1 (default 16).");
    }
    extra = Map.copyOf(extra);
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
        extra);
  }
}
