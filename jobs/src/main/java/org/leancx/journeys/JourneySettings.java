package org.leancx.journeys;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.leancx.common.Settings;
import org.leancx.common.SettingsException;

/**
 * The typed {@code journeys} section of the config: how journeys are cut and closed, the business calendar, the flow
 * metrics and the service-level objectives.
 *
 * @param gap G: silence above it splits a customer's need into two journeys and closes an open journey
 * @param asOf the fixed as-of instant, or empty for the latest event time in the data
 * @param resolvingOutcomes contact outcomes (lower case) that close a journey when last
 * @param resolvingActivities case activities (lower case) that close a journey when last
 * @param journeyType where journey_type comes from
 * @param unknownJourneyType journey_type when that source is null
 * @param calendar the business calendar
 * @param littlesLawWindow trailing window of the Little's Law estimate, whole days
 * @param ageBuckets upper bounds of the open-journey age buckets, ascending
 * @param sloPeriod the period of journey_slo rows
 * @param objectives the service-level objectives
 * @param atRiskBurnRate burn rate from which an objective is AT_RISK
 */
public record JourneySettings(
    Duration gap,
    Optional<Instant> asOf,
    Set<String> resolvingOutcomes,
    Set<String> resolvingActivities,
    JourneyTypeSource journeyType,
    String unknownJourneyType,
    BusinessCalendar calendar,
    Duration littlesLawWindow,
    List<Duration> ageBuckets,
    SloPeriod sloPeriod,
    List<Objective> objectives,
    double atRiskBurnRate) {

  /** The period of one journey_slo row, in the calendar's time zone. */
  public enum SloPeriod {
    DAY,
    WEEK,
    MONTH,
    QUARTER
  }

  /** How a duration objective is measured. */
  public enum TimeBasis {
    /** Business seconds under the configured calendar. */
    BUSINESS,
    /** Elapsed (calendar) seconds. */
    CALENDAR
  }

  /**
   * Where journey_type comes from.
   *
   * @param kind need_key, reason, first_channel, first_activity, source or attribute
   * @param attribute the attribute name when kind is attribute, else null
   */
  public record JourneyTypeSource(String kind, String attribute) {
    static final Set<String> KINDS = Set.of("need_key", "reason", "first_channel", "first_activity", "source");

    public JourneyTypeSource {
      if (!(KINDS.contains(kind) || (kind.equals("attribute") && attribute != null && !attribute.isBlank()))) {
        throw new SettingsException(
            "journeys.journey-type is '" + kind + (attribute == null ? "" : ":" + attribute) + "': use one of "
                + new TreeSet<>(KINDS) + " or attribute:NAME (default need_key).");
      }
    }

    static JourneyTypeSource parse(String value) {
      String v = value.trim();
      if (v.startsWith("attribute:")) {
        return new JourneyTypeSource("attribute", v.substring("attribute:".length()).trim());
      }
      return new JourneyTypeSource(v.toLowerCase(Locale.ROOT).replace('-', '_'), null);
    }
  }

  /**
   * One service-level objective, e.g. 95% of billing journeys resolved within 5 business days.
   *
   * @param journeyType the journey type it applies to, or "*" for every type
   * @param within the written threshold, e.g. "5 business days"
   * @param withinSeconds the threshold in seconds of {@code basis}
   * @param basis business or calendar seconds
   * @param target the share of journeys that must meet it, strictly between 0 and 1
   */
  public record Objective(String journeyType, String within, long withinSeconds, TimeBasis basis, double target) {
    private static final Pattern BUSINESS =
        Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*business\\s*(days?|hours?)", Pattern.CASE_INSENSITIVE);

    public Objective {
      if (journeyType == null || journeyType.isBlank()) {
        throw new SettingsException("A journeys.slo.objectives entry has no journey-type: give one, or \"*\".");
      }
      if (!(target > 0 && target < 1)) {
        throw new SettingsException(
            "journeys.slo.objectives target for " + journeyType + " is " + target + ": it must be strictly between"
                + " 0 and 1, e.g. 0.95 (a target of 1 leaves no error budget).");
      }
      if (withinSeconds <= 0) {
        throw new SettingsException(
            "journeys.slo.objectives within for " + journeyType + " is '" + within + "': it must be positive.");
      }
    }

    /** A label such as "billing: 95% within 5 business days". */
    public String label() {
      return journeyType + ": " + Math.round(target * 10000) / 100.0 + "% within " + within;
    }

    static Objective from(Config c, Duration businessDay) {
      String type = c.getString("journey-type");
      String within = c.getString("within").trim();
      double target = c.getDouble("target");
      Matcher m = BUSINESS.matcher(within);
      if (m.matches()) {
        double n = Double.parseDouble(m.group(1));
        long unit = m.group(2).toLowerCase(Locale.ROOT).startsWith("day") ? businessDay.toSeconds() : 3600;
        return new Objective(type, within, Math.round(n * unit), TimeBasis.BUSINESS, target);
      }
      try {
        return new Objective(type, within, c.getDuration("within").toSeconds(), TimeBasis.CALENDAR, target);
      } catch (ConfigException.BadValue e) {
        throw new SettingsException(
            "journeys.slo.objectives within for " + type + " is '" + within + "': write \"N business days\", \"N"
                + " business hours\" or a duration such as 72h.", e);
      }
    }
  }

  public JourneySettings {
    if (gap.isNegative() || gap.isZero()) {
      throw new SettingsException("journeys.gap is " + gap + ": it must be positive (default 14d).");
    }
    resolvingOutcomes = Set.copyOf(resolvingOutcomes.stream().map(JourneySettings::normalise).toList());
    resolvingActivities = Set.copyOf(resolvingActivities.stream().map(JourneySettings::normalise).toList());
    if (unknownJourneyType == null || unknownJourneyType.isBlank()) {
      throw new SettingsException("journeys.unknown-journey-type is empty: give a label such as unclassified.");
    }
    if (littlesLawWindow.toDays() < 1 || !littlesLawWindow.equals(Duration.ofDays(littlesLawWindow.toDays()))) {
      throw new SettingsException(
          "journeys.flow.littles-law-window is " + littlesLawWindow + ": use whole days, at least 1d (default 28d).");
    }
    ageBuckets = List.copyOf(ageBuckets);
    for (int i = 0; i < ageBuckets.size(); i++) {
      if (ageBuckets.get(i).isNegative()
          || ageBuckets.get(i).isZero()
          || (i > 0 && ageBuckets.get(i).compareTo(ageBuckets.get(i - 1)) <= 0)) {
        throw new SettingsException(
            "journeys.flow.age-buckets is " + ageBuckets + ": bounds must be positive and strictly ascending, e.g."
                + " [1d, 3d, 7d, 14d, 30d].");
      }
    }
    objectives = List.copyOf(objectives);
    if (!(atRiskBurnRate > 0 && atRiskBurnRate <= 1)) {
      throw new SettingsException(
          "journeys.slo.at-risk-burn-rate is " + atRiskBurnRate + ": it must be in (0, 1] (default 0.75).");
    }
  }

  static String normalise(String s) {
    return s.trim().toLowerCase(Locale.ROOT);
  }

  /** Reads and validates the {@code journeys} section. */
  public static JourneySettings from(Settings settings) {
    return from(settings.config().getConfig("journeys"));
  }

  /** Reads and validates a {@code journeys} config object. */
  public static JourneySettings from(Config c) {
    BusinessCalendar calendar = BusinessCalendar.from(c.getConfig("calendar"));
    Optional<Instant> asOf = Optional.empty();
    String asOfText = c.getString("as-of").trim();
    if (!asOfText.equalsIgnoreCase("data")) {
      try {
        asOf = Optional.of(Instant.parse(asOfText));
      } catch (DateTimeParseException e) {
        throw new SettingsException(
            "journeys.as-of is '" + asOfText + "': use data (the latest event) or an ISO instant such as"
                + " 2026-06-30T23:59:59Z.", e);
      }
    }
    List<Objective> objectives = new ArrayList<>();
    for (ConfigObject o : c.getObjectList("slo.objectives")) {
      objectives.add(Objective.from(o.toConfig(), calendar.businessDay()));
    }
    SloPeriod period;
    try {
      period = SloPeriod.valueOf(c.getString("slo.period").trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new SettingsException(
          "journeys.slo.period is '" + c.getString("slo.period") + "': use day, week, month or quarter.", e);
    }
    return new JourneySettings(
        c.getDuration("gap"),
        asOf,
        Set.copyOf(c.getStringList("resolving-outcomes")),
        Set.copyOf(c.getStringList("resolving-activities")),
        JourneyTypeSource.parse(c.getString("journey-type")),
        c.getString("unknown-journey-type"),
        calendar,
        c.getDuration("flow.littles-law-window"),
        c.getDurationList("flow.age-buckets"),
        period,
        objectives,
        c.getDouble("slo.at-risk-burn-rate"));
  }
}
