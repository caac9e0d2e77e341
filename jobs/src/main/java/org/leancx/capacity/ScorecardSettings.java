package org.leancx.capacity;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.leancx.common.ReportingPeriod;
import org.leancx.common.Settings;
import org.leancx.common.SettingsException;

/**
 * The typed, validated {@code scorecard} section, with the channel costs of the {@code demand} section that price
 * failure demand.
 *
 * @param period period of one scorecard row (WEEK or MONTH)
 * @param journeyTypeColumn column of contact_demand that gives a contact's journey type
 * @param channelCost cost per contact by lower-case channel (demand.channel-cost)
 * @param defaultChannelCost cost of a contact on another channel (demand.default-channel-cost)
 */
public record ScorecardSettings(
    ReportingPeriod period, String journeyTypeColumn, Map<String, Double> channelCost, double defaultChannelCost) {

  public ScorecardSettings {
    if (period == ReportingPeriod.DAY) {
      throw new SettingsException("scorecard.period is day: use week or month.");
    }
    if (!journeyTypeColumn.matches("[a-z_][a-z0-9_]*")) {
      throw new SettingsException(
          "scorecard.journey-type-column is '" + journeyTypeColumn + "': name a column of contact_demand, e.g."
              + " need_key.");
    }
    Map<String, Double> normalised = new TreeMap<>();
    channelCost.forEach(
        (channel, cost) -> {
          if (!(cost >= 0)) {
            throw new SettingsException(
                "demand.channel-cost." + channel + " is " + cost + ": a cost must not be negative.");
          }
          normalised.put(channel.toLowerCase(Locale.ROOT), cost);
        });
    channelCost = Map.copyOf(normalised);
    if (!(defaultChannelCost >= 0)) {
      throw new SettingsException("demand.default-channel-cost is " + defaultChannelCost + ": it must not be negative.");
    }
  }

  /** Reads and validates the {@code scorecard} section and the demand channel costs. */
  public static ScorecardSettings from(Settings settings) {
    Config c = settings.config();
    Map<String, Double> costs = new TreeMap<>();
    Config costConfig = c.getConfig("demand.channel-cost");
    for (Map.Entry<String, ConfigValue> e : costConfig.entrySet()) {
      String channel = e.getKey().replace("\"", "");
      try {
        costs.put(channel, costConfig.getDouble(e.getKey()));
      } catch (com.typesafe.config.ConfigException ex) {
        throw new SettingsException(
            "demand.channel-cost." + channel + " is not a number: " + e.getValue().unwrapped() + ". Use e.g. 6.0.", ex);
      }
    }
    return new ScorecardSettings(
        ReportingPeriod.parse(
            "scorecard.period", c.getString("scorecard.period"), ReportingPeriod.WEEK, ReportingPeriod.MONTH),
        c.getString("scorecard.journey-type-column"),
        costs,
        c.getDouble("demand.default-channel-cost"));
  }
}
