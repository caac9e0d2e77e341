package org.leancx.conditions;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.leancx.common.Settings;
import org.leancx.common.SettingsException;

/**
 * The typed {@code conditions.*} settings of the root-conditions job (plus the channel costs it prices with).
 *
 * @param outcome the default outcome
 * @param attributes condition attributes: touch columns or keys of the contacts' attributes map
 * @param derived the derived bands to add, a subset of {@link #DERIVED}
 * @param hourBins lower bounds of the hour-of-day bins, ascending, first 0
 * @param handleSecondsBins lower bounds of the handle-time bins, ascending, first 0
 * @param waitSecondsBins lower bounds of the wait-time bins, ascending, first 0
 * @param minExcessFailures the floor of the search: no set with fewer excess failures is reported (the larger of this
 *     and {@code minExcessShare} x the failures applies)
 * @param minExcessShare the same floor as a share of all failures
 * @param falseDiscoveryRate the Benjamini-Hochberg false-discovery rate over the sets tested against the baseline
 * @param maxSize largest set size k
 * @param liftMargin the relative lift margin of the pruning rules
 * @param maxCandidates the most candidate sets measured
 * @param maxReported the most sets written
 * @param channelCost cost of one contact by channel (lower case), from {@code demand.channel-cost}
 * @param defaultChannelCost cost of a contact on another channel
 * @param handleHourCost cost of one hour of handle time
 * @param sloThreshold lead time above which a journey breached its SLO
 * @param breachCost cost of one breached journey
 */
public record ConditionSettings(
    Outcome outcome,
    List<String> attributes,
    List<String> derived,
    List<Integer> hourBins,
    List<Long> handleSecondsBins,
    List<Long> waitSecondsBins,
    long minExcessFailures,
    double minExcessShare,
    double falseDiscoveryRate,
    int maxSize,
    double liftMargin,
    int maxCandidates,
    int maxReported,
    Map<String, Double> channelCost,
    double defaultChannelCost,
    double handleHourCost,
    Duration sloThreshold,
    double breachCost) {

  /** The derived bands that exist. */
  public static final Set<String> DERIVED = Set.of("hour_of_day", "weekday", "handle_time", "wait_time", "handoff");

  public ConditionSettings {
    attributes = List.copyOf(attributes);
    derived = List.copyOf(derived);
    for (String a : attributes) {
      if (!a.matches("[A-Za-z_][A-Za-z0-9_]*")) {
        throw new SettingsException(
            "conditions.attributes has '" + a + "': use column or attribute names (letters, digits, _).");
      }
    }
    for (String d : derived) {
      if (!DERIVED.contains(d)) {
        throw new SettingsException(
            "conditions.bands.derived has '" + d + "': use any of " + new java.util.TreeSet<>(DERIVED) + ".");
      }
    }
    if (attributes.isEmpty() && derived.isEmpty()) {
      throw new SettingsException("conditions.attributes and conditions.bands.derived are both empty: name at"
          + " least one condition attribute, e.g. attributes = [channel, need_family].");
    }
    hourBins = checkBins("conditions.bands.hour-of-day", hourBins);
    if (hourBins.get(hourBins.size() - 1) > 23) {
      throw new SettingsException("conditions.bands.hour-of-day has " + hourBins.get(hourBins.size() - 1)
          + ": hours run from 0 to 23.");
    }
    handleSecondsBins = checkBins("conditions.bands.handle-seconds", handleSecondsBins);
    waitSecondsBins = checkBins("conditions.bands.wait-seconds", waitSecondsBins);
    if (minExcessFailures < 1) {
      throw new SettingsException("conditions.min-excess-failures is " + minExcessFailures
          + ": it must be at least 1 failure, e.g. 10.");
    }
    if (!(minExcessShare >= 0 && minExcessShare < 1)) {
      throw new SettingsException("conditions.min-excess-share is " + minExcessShare
          + ": it must be in [0, 1), a share of all failures, e.g. 0.002.");
    }
    if (!(falseDiscoveryRate > 0 && falseDiscoveryRate <= 1)) {
      throw new SettingsException("conditions.false-discovery-rate is " + falseDiscoveryRate
          + ": it must be in (0, 1], e.g. 0.05 (1 turns the correction off).");
    }
    if (maxSize < 1 || maxSize > 5) {
      throw new SettingsException("conditions.max-size is " + maxSize + ": use 1 to 5 (default 3); the cost grows"
          + " with C(items per touch, k).");
    }
    if (!(liftMargin >= 0)) {
      throw new SettingsException("conditions.lift-margin is " + liftMargin + ": it must be 0 or more, e.g. 0.1.");
    }
    if (maxCandidates < 1 || maxReported < 1) {
      throw new SettingsException("conditions.max-candidates and conditions.max-reported must be at least 1.");
    }
    channelCost = Map.copyOf(new TreeMap<>(channelCost));
    if (defaultChannelCost < 0 || handleHourCost < 0 || breachCost < 0
        || channelCost.values().stream().anyMatch(v -> v < 0)) {
      throw new SettingsException("Costs (demand.channel-cost, demand.default-channel-cost,"
          + " conditions.handle-hour-cost, conditions.slo.breach-cost) must be 0 or more.");
    }
    if (sloThreshold.isNegative() || sloThreshold.isZero()) {
      throw new SettingsException("conditions.slo.threshold is " + sloThreshold + ": it must be positive, e.g. 5d.");
    }
  }

  private static <T extends Number & Comparable<T>> List<T> checkBins(String key, List<T> bins) {
    if (bins.isEmpty() || bins.get(0).longValue() != 0) {
      throw new SettingsException(key + " is " + bins + ": it must start with 0, e.g. [0, 120, 300].");
    }
    for (int i = 1; i < bins.size(); i++) {
      if (bins.get(i).compareTo(bins.get(i - 1)) <= 0) {
        throw new SettingsException(key + " is " + bins + ": the bounds must be strictly ascending.");
      }
    }
    return List.copyOf(bins);
  }

  /** Reads {@code conditions.*}, {@code demand.channel-cost} and {@code demand.default-channel-cost}. */
  public static ConditionSettings from(Settings settings) {
    Config c = settings.config();
    Map<String, Double> costs = new TreeMap<>();
    for (String key : c.getObject("demand.channel-cost").keySet()) {
      costs.put(key.toLowerCase(Locale.ROOT), c.getConfig("demand.channel-cost").getDouble("\"" + key + "\""));
    }
    List<Long> handle = new ArrayList<>(c.getLongList("conditions.bands.handle-seconds"));
    List<Long> wait = new ArrayList<>(c.getLongList("conditions.bands.wait-seconds"));
    return new ConditionSettings(
        Outcome.parse(c.getString("conditions.outcome")),
        c.getStringList("conditions.attributes"),
        c.getStringList("conditions.bands.derived"),
        c.getIntList("conditions.bands.hour-of-day"),
        handle,
        wait,
        c.getLong("conditions.min-excess-failures"),
        c.getDouble("conditions.min-excess-share"),
        c.getDouble("conditions.false-discovery-rate"),
        c.getInt("conditions.max-size"),
        c.getDouble("conditions.lift-margin"),
        c.getInt("conditions.max-candidates"),
        c.getInt("conditions.max-reported"),
        costs,
        c.getDouble("demand.default-channel-cost"),
        c.getDouble("conditions.handle-hour-cost"),
        c.getDuration("conditions.slo.threshold"),
        c.getDouble("conditions.slo.breach-cost"));
  }

  /**
   * The floor of the search in excess failures for a run with {@code failures} failed touches: the larger of
   * conditions.min-excess-failures and conditions.min-excess-share x failures.
   */
  public double floor(long failures) {
    return Math.max(minExcessFailures, minExcessShare * failures);
  }

  /** The same settings with another outcome (the command's --outcome). */
  public ConditionSettings withOutcome(Outcome other) {
    return new ConditionSettings(other, attributes, derived, hourBins, handleSecondsBins, waitSecondsBins,
        minExcessFailures, minExcessShare, falseDiscoveryRate, maxSize, liftMargin, maxCandidates, maxReported, channelCost, defaultChannelCost,
        handleHourCost, sloThreshold, breachCost);
  }
}
