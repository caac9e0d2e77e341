package org.leancx.capacity;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.leancx.common.ReportingPeriod;
import org.leancx.common.Settings;
import org.leancx.common.SettingsException;

/**
 * The typed, validated {@code capacity} section of the config: interval, service-level target, shrinkage,
 * concurrency and which contacts are arrivals.
 *
 * @param interval length of one staffing interval; divides a day
 * @param queueBy what one queue is
 * @param serviceLevelTarget share of contacts to answer within {@code answerWithin}, strictly between 0 and 1
 * @param answerWithin the service-level threshold
 * @param shrinkage share of paid time not available to answer, in [0, 1)
 * @param concurrency contacts served at once per channel (lower-case channel to concurrency ≥ 1)
 * @param defaultConcurrency concurrency of channels missing from {@code concurrency}
 * @param excludedChannels channels without agents, left out
 * @param arrivals which directions count as arrivals
 * @param defaultHandleTime handle time of a group without any known handle time
 * @param peakPercentile percentile of arrivals per interval of the week for the peak scenario, in (0, 1]
 * @param summaryPeriod period of capacity_summary
 */
public record CapacitySettings(
    Duration interval,
    QueueBy queueBy,
    double serviceLevelTarget,
    Duration answerWithin,
    double shrinkage,
    Map<String, Double> concurrency,
    double defaultConcurrency,
    List<String> excludedChannels,
    Arrivals arrivals,
    Duration defaultHandleTime,
    double peakPercentile,
    ReportingPeriod summaryPeriod) {

  /** What one queue is. */
  public enum QueueBy {
    /** One queue per channel. */
    CHANNEL,
    /** One queue per channel and team. */
    TEAM
  }

  /** Which contacts queue for an agent. */
  public enum Arrivals {
    /** Only inbound contacts. */
    INBOUND,
    /** Inbound and outbound contacts. */
    INBOUND_AND_OUTBOUND
  }

  public CapacitySettings {
    long seconds = interval.toSeconds();
    if (seconds <= 0 || 86_400 % seconds != 0 || interval.toNanosPart() != 0) {
      throw new SettingsException(
          "capacity.interval is " + interval + ": it must be a whole number of seconds that divides a day, e.g. 15m,"
              + " 30m or 1h.");
    }
    if (!(serviceLevelTarget > 0 && serviceLevelTarget < 1)) {
      throw new SettingsException(
          "capacity.service-level-target is " + serviceLevelTarget + ": it must be strictly between 0 and 1, e.g."
              + " 0.8 for 80%.");
    }
    if (answerWithin.isNegative()) {
      throw new SettingsException("capacity.answer-within is " + answerWithin + ": it must not be negative, e.g. 20s.");
    }
    if (!(shrinkage >= 0 && shrinkage < 1)) {
      throw new SettingsException(
          "capacity.shrinkage is " + shrinkage + ": it must be at least 0 and below 1, e.g. 0.3 for 30%.");
    }
    Map<String, Double> normalised = new TreeMap<>();
    for (Map.Entry<String, Double> e : concurrency.entrySet()) {
      if (!(e.getValue() >= 1)) {
        throw new SettingsException(
            "capacity.concurrency." + e.getKey() + " is " + e.getValue() + ": an agent serves at least 1 contact at"
                + " once; use e.g. 2.0 for two chats.");
      }
      normalised.put(e.getKey().toLowerCase(Locale.ROOT), e.getValue());
    }
    concurrency = Map.copyOf(normalised);
    if (!(defaultConcurrency >= 1)) {
      throw new SettingsException(
          "capacity.default-concurrency is " + defaultConcurrency + ": it must be at least 1 (default 1.0).");
    }
    excludedChannels = excludedChannels.stream().map(c -> c.toLowerCase(Locale.ROOT)).toList();
    if (defaultHandleTime.isNegative() || defaultHandleTime.isZero()) {
      throw new SettingsException(
          "capacity.default-handle-time is " + defaultHandleTime + ": it must be positive, e.g. 300s.");
    }
    if (!(peakPercentile > 0 && peakPercentile <= 1)) {
      throw new SettingsException(
          "capacity.peak-percentile is " + peakPercentile + ": it must be in (0, 1], e.g. 0.9 for p90.");
    }
  }

  /** Reads and validates the {@code capacity} section. */
  public static CapacitySettings from(Settings settings) {
    Config c = settings.config().getConfig("capacity");
    Map<String, Double> concurrency = new TreeMap<>();
    for (Map.Entry<String, ConfigValue> e : c.getConfig("concurrency").entrySet()) {
      String channel = e.getKey().replace("\"", "");
      try {
        concurrency.put(channel, c.getConfig("concurrency").getDouble(e.getKey()));
      } catch (com.typesafe.config.ConfigException ex) {
        throw new SettingsException(
            "capacity.concurrency." + channel + " is not a number: " + e.getValue().unwrapped() + ". Use e.g. 2.0.",
            ex);
      }
    }
    String queueBy = c.getString("queue-by");
    QueueBy parsedQueueBy;
    try {
      parsedQueueBy = QueueBy.valueOf(queueBy.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new SettingsException("capacity.queue-by is '" + queueBy + "': use channel or team.", e);
    }
    return new CapacitySettings(
        c.getDuration("interval"),
        parsedQueueBy,
        c.getDouble("service-level-target"),
        c.getDuration("answer-within"),
        c.getDouble("shrinkage"),
        concurrency,
        c.getDouble("default-concurrency"),
        c.getStringList("excluded-channels"),
        c.getBoolean("include-outbound") ? Arrivals.INBOUND_AND_OUTBOUND : Arrivals.INBOUND,
        c.getDuration("default-handle-time"),
        c.getDouble("peak-percentile"),
        ReportingPeriod.parse(
            "capacity.summary-period",
            c.getString("summary-period"),
            ReportingPeriod.DAY,
            ReportingPeriod.WEEK,
            ReportingPeriod.MONTH));
  }

  /** Interval length in seconds. */
  public long intervalSeconds() {
    return interval.toSeconds();
  }

  /** Concurrency of one channel (lower case). */
  public double concurrencyOf(String channel) {
    return concurrency.getOrDefault(channel.toLowerCase(Locale.ROOT), defaultConcurrency);
  }
}
