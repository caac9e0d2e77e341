package org.leancx.journeys;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.from_utc_timestamp;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.unix_seconds;
import static org.apache.spark.sql.functions.when;

import com.typesafe.config.Config;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Column;
import org.leancx.common.SettingsException;

/**
 * A business calendar (time zone, one working interval per weekday, holidays) that turns an interval of instants
 * into business seconds with built-in Spark expressions.
 *
 * @param zone the time zone in which working hours and holidays are read
 * @param hours the working interval of each weekday, Monday first (7 entries)
 * @param holidays local dates without working hours
 * @param businessDay the length of one business day, for objectives written "N business days"
 */
public record BusinessCalendar(ZoneId zone, List<WorkingHours> hours, Set<LocalDate> holidays, Duration businessDay) {
  static final long DAY = 86_400L;
  private static final Pattern HOURS = Pattern.compile("(\\d{1,2}):(\\d{2})\\s*-\\s*(\\d{1,2}):(\\d{2})");

  /**
   * The working interval of one weekday, in seconds after local midnight; {@code open == close} means closed.
   *
   * @param openSecond first working second of the day
   * @param closeSecond end of the working interval (exclusive), at most 86,400
   */
  public record WorkingHours(int openSecond, int closeSecond) {
    public static final WorkingHours CLOSED = new WorkingHours(0, 0);

    public WorkingHours {
      if (openSecond < 0 || closeSecond > DAY || closeSecond < openSecond) {
        throw new SettingsException(
            "Working hours " + openSecond + "s-" + closeSecond + "s are not an interval within one day.");
      }
    }

    /** Parses "09:00-17:00" or "closed". */
    public static WorkingHours parse(String key, String value) {
      String v = value.trim().toLowerCase(Locale.ROOT);
      if (v.equals("closed") || v.isEmpty()) {
        return CLOSED;
      }
      Matcher m = HOURS.matcher(v);
      if (!m.matches()) {
        throw new SettingsException(
            key + " is '" + value + "': write working hours as HH:mm-HH:mm (e.g. 09:00-17:00) or closed.");
      }
      int open = Integer.parseInt(m.group(1)) * 3600 + Integer.parseInt(m.group(2)) * 60;
      int close = Integer.parseInt(m.group(3)) * 3600 + Integer.parseInt(m.group(4)) * 60;
      if (open >= close || close > DAY || Integer.parseInt(m.group(2)) > 59 || Integer.parseInt(m.group(4)) > 59) {
        throw new SettingsException(
            key + " is '" + value + "': the start must be before the end, within 00:00-24:00 (e.g. 09:00-17:00).");
      }
      return new WorkingHours(open, close);
    }

    /** Working seconds of the whole day. */
    public long seconds() {
      return closeSecond - openSecond;
    }
  }

  public BusinessCalendar {
    hours = List.copyOf(hours);
    if (hours.size() != 7) {
      throw new SettingsException("A business calendar needs working hours for 7 weekdays, got " + hours.size());
    }
    holidays = Set.copyOf(new TreeSet<>(holidays));
    if (businessDay.isNegative() || businessDay.isZero() || businessDay.compareTo(Duration.ofDays(1)) > 0) {
      throw new SettingsException(
          "journeys.calendar.business-day is " + businessDay + ": it must be above 0 and at most 24h (default 8h).");
    }
    if (hours.stream().allMatch(h -> h.seconds() == 0)) {
      throw new SettingsException(
          "journeys.calendar.working-hours has no working day: give at least one weekday hours, e.g. 09:00-17:00.");
    }
  }

  /** Reads {@code journeys.calendar}. */
  public static BusinessCalendar from(Config c) {
    ZoneId zone;
    try {
      zone = ZoneId.of(c.getString("time-zone"));
    } catch (DateTimeException e) {
      throw new SettingsException(
          "journeys.calendar.time-zone is '" + c.getString("time-zone") + "': use a region id such as Europe/Paris or"
              + " UTC.", e);
    }
    List<WorkingHours> hours = new ArrayList<>();
    for (DayOfWeek d : DayOfWeek.values()) {
      String name = d.name().toLowerCase(Locale.ROOT);
      hours.add(WorkingHours.parse("journeys.calendar.working-hours." + name, c.getString("working-hours." + name)));
    }
    Set<LocalDate> holidays = new TreeSet<>();
    for (String h : c.getStringList("holidays")) {
      try {
        holidays.add(LocalDate.parse(h.trim()));
      } catch (DateTimeParseException e) {
        throw new SettingsException(
            "journeys.calendar.holidays contains '" + h + "': write holidays as ISO dates, e.g. 2026-12-25.", e);
      }
    }
    return new BusinessCalendar(zone, hours, holidays, c.getDuration("business-day"));
  }

  /** Seconds since the epoch of the local wall-clock time of {@code instant} in this calendar's zone. */
  public Column localSeconds(Column instant) {
    return unix_seconds(from_utc_timestamp(instant, zone.getId()));
  }

  /** The local day number (days since 1970-01-01, local) of an instant. */
  public Column localDay(Column instant) {
    return floor(localSeconds(instant).divide(DAY));
  }

  /**
   * Business seconds between two instants: the overlap of [from, to) with the working hours of each local day,
   * holidays excluded; 0 when to is not after from, null when either is null. Computed in closed form as {@code
   * worked(to) - worked(from)}, so the cost does not grow with the days spanned and every part is a code-generated
   * built-in expression (docs/DECISIONS.md).
   */
  public Column businessSeconds(Column from, Column to) {
    Column start = localSeconds(from);
    Column end = localSeconds(to);
    return when(from.isNull().or(to.isNull()), lit(null).cast("bigint"))
        .when(end.leq(start), lit(0L))
        .otherwise(worked(end).minus(worked(start)));
  }

  /**
   * The business seconds from local midnight of Monday 1969-12-29 to the local second {@code t} (a cumulative
   * count, so differences give business time): whole weeks, the whole weekdays before t's weekday, the worked part
   * of t's day, less the working hours of the holidays before t.
   */
  private Column worked(Column t) {
    long[] prefix = new long[7];
    long week = 0;
    for (int i = 0; i < 7; i++) {
      prefix[i] = week;
      week += hours.get(i).seconds();
    }
    Column day = floor(t.divide(DAY));
    // Epoch day 0 (1970-01-01) is a Thursday: (day + 3) mod 7 is 0 on Mondays.
    Column weekday = pmod(day.plus(3), lit(7L)).plus(1).cast("int");
    Column secondOfDay = t.minus(day.multiply(DAY));
    Column open = element_at(longs(hours.stream().mapToLong(WorkingHours::openSecond).toArray()), weekday);
    Column close = element_at(longs(hours.stream().mapToLong(WorkingHours::closeSecond).toArray()), weekday);
    Column total =
        floor(day.plus(3).divide(7))
            .multiply(week)
            .plus(element_at(longs(prefix), weekday))
            .plus(clamp(secondOfDay.minus(open), close.minus(open)));
    for (LocalDate holiday : holidays) {
      WorkingHours h = hours.get(holiday.getDayOfWeek().getValue() - 1);
      long d = holiday.toEpochDay();
      total =
          total.minus(
              when(day.gt(d), lit(h.seconds()))
                  .when(day.equalTo(d), clamp(secondOfDay.minus(h.openSecond()), lit(h.seconds())))
                  .otherwise(lit(0L)));
    }
    return total;
  }

  private static Column clamp(Column value, Column max) {
    return least(greatest(value, lit(0L)), max);
  }

  private static Column longs(long[] values) {
    return array(java.util.Arrays.stream(values).mapToObj(v -> lit(v)).toArray(Column[]::new));
  }
}
