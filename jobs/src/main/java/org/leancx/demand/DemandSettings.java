package org.leancx.demand;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.leancx.common.Settings;
import org.leancx.common.SettingsException;

/**
 * The typed {@code demand.*} settings of the failure-demand job.
 *
 * @param taxonomy the reason taxonomy CSV
 * @param recontact the recontact rules
 * @param channelCost cost of one contact by channel (lower case), in the reporting currency
 * @param defaultChannelCost cost of a contact on a channel missing from {@code channelCost}
 */
public record DemandSettings(
    Path taxonomy, RecontactRules recontact, Map<String, Double> channelCost, double defaultChannelCost) {

  public DemandSettings {
    channelCost = Map.copyOf(new TreeMap<>(channelCost));
    channelCost.forEach(
        (k, v) -> {
          if (v < 0 || v.isNaN()) {
            throw new SettingsException("demand.channel-cost." + k + " is " + v + ": a cost must be 0 or more.");
          }
        });
    if (defaultChannelCost < 0) {
      throw new SettingsException(
          "demand.default-channel-cost is " + defaultChannelCost + ": a cost must be 0 or more.");
    }
  }

  public static DemandSettings from(Settings settings) {
    Config c = settings.config();
    Map<String, Double> costs = new TreeMap<>();
    Config costConfig = c.getConfig("demand.channel-cost");
    for (String key : c.getObject("demand.channel-cost").keySet()) {
      try {
        costs.put(key.toLowerCase(Locale.ROOT), costConfig.getDouble("\"" + key + "\""));
      } catch (ConfigException e) {
        throw new SettingsException(
            "demand.channel-cost." + key + " is not a number: " + e.getMessage() + " Use e.g. phone = 6.0.", e);
      }
    }
    return new DemandSettings(
        Path.of(settings.path("demand.taxonomy")),
        RecontactRules.from(c),
        costs,
        c.getDouble("demand.default-channel-cost"));
  }
}
