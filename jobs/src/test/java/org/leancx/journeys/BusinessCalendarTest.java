package org.leancx.journeys;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Timestamp;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.leancx.common.SettingsException;
import org.junit.jupiter.api.Test;

/** Business seconds under a calendar with a time zone, weekends and holidays, against a plain-Java oracle. */
class BusinessCalendarTest extends JourneyFixtures {
  static final StructType INTERVALS =
      new StructType()
          .add("id", DataTypes.IntegerType)
          .add("from", DataTypes.TimestampType)
          .add("to", DataTypes.TimestampType);

  static BusinessCalendar berlin(String saturday) {
    return JourneySettings.from(
            settings(
                "journeys.calendar.time-zone=Europe/Berlin",
                "journeys.calendar.holidays=[\"2026-04-06\", \"2026-12-25\"]",
                "journeys.calendar.working-hours.saturday=" + saturday))
        .calendar();
  }

  static List<Long> businessSeconds(BusinessCalendar calendar, List<Object[]> intervals) {
    return rows(INTERVALS, intervals.toArray(Object[][]::new))
        .select(col("id"), calendar.businessSeconds(col("from"), col("to")).as("b"))
        .orderBy("id")
        .collectAsList()
        .stream()
        .map(r -> r.isNullAt(1) ? null : r.getLong(1))
        .toList();
  }

  @Test
  void acrossAWeekendAndAHolidayOnlyWorkingHoursCount() {
    BusinessCalendar c = berlin("closed");
    List<Long> b =
        businessSeconds(
            c,
            List.of(
                // Friday 15:00 Berlin (CEST) to Tuesday 11:00, with Easter Monday 6 April a holiday: 2h + 2h.
                new Object[] {1, ts("2026-04-03T13:00:00Z"), ts("2026-04-07T09:00:00Z")},
                // Saturday to Sunday: nothing.
                new Object[] {2, ts("2026-04-04T08:00:00Z"), ts("2026-04-05T18:00:00Z")},
                // Within one working day, in winter time (CET, UTC+1): 10:00 to 12:30 Berlin.
                new Object[] {3, ts("2026-02-10T09:00:00Z"), ts("2026-02-10T11:30:00Z")},
                // Reversed interval and a missing end.
                new Object[] {4, ts("2026-02-10T11:30:00Z"), ts("2026-02-10T09:00:00Z")},
                new Object[] {5, ts("2026-02-10T09:00:00Z"), null}));
    assertThat(b).containsExactly(4 * 3600L, 0L, 9000L, 0L, null);
  }

  @Test
  void agreesWithAPlainJavaOracleOnRandomIntervalsAcrossDaylightSavingTime() {
    BusinessCalendar c = berlin("10:00-14:00");
    SplittableRandom random = new SplittableRandom(7);
    List<Object[]> intervals = new ArrayList<>();
    List<Long> expected = new ArrayList<>();
    long year = Instant.parse("2026-01-01T00:00:00Z").getEpochSecond();
    for (int i = 0; i < 400; i++) {
      long from = year + random.nextLong(365L * 86400);
      long to = from + random.nextLong(i % 4 == 0 ? 40L * 86400 : 3L * 86400);
      intervals.add(new Object[] {i, Timestamp.from(Instant.ofEpochSecond(from)), Timestamp.from(Instant.ofEpochSecond(to))});
      expected.add(oracle(c, Instant.ofEpochSecond(from), Instant.ofEpochSecond(to)));
    }
    assertThat(businessSeconds(c, intervals)).containsExactlyElementsOf(expected);
  }

  /** Day by day with java.time: the overlap of [from, to) with each local day's working interval. */
  static long oracle(BusinessCalendar c, Instant from, Instant to) {
    long total = 0;
    for (LocalDate d = from.atZone(c.zone()).toLocalDate().minusDays(1);
        !d.isAfter(to.atZone(c.zone()).toLocalDate().plusDays(1));
        d = d.plusDays(1)) {
      BusinessCalendar.WorkingHours h = c.hours().get(d.getDayOfWeek().getValue() - 1);
      if (c.holidays().contains(d) || h.seconds() == 0) {
        continue;
      }
      ZonedDateTime midnight = d.atStartOfDay(c.zone());
      Instant open = midnight.plusSeconds(h.openSecond()).toInstant();
      Instant close = midnight.plusSeconds(h.closeSecond()).toInstant();
      long overlap =
          Math.min(close.getEpochSecond(), to.getEpochSecond())
              - Math.max(open.getEpochSecond(), from.getEpochSecond());
      total += Math.max(0, overlap);
    }
    return total;
  }

  /** A calendar open every day of the week, 01:00-23:00 Berlin: both clock changes of 2026 fall in working hours. */
  static BusinessCalendar berlinEveryDay() {
    List<String> days = List.of("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday");
    List<String> overrides = new ArrayList<>(List.of("journeys.calendar.time-zone=Europe/Berlin"));
    days.forEach(d -> overrides.add("journeys.calendar.working-hours." + d + "=01:00-23:00"));
    return JourneySettings.from(settings(overrides.toArray(String[]::new))).calendar();
  }

  /**
   * The wall-clock oracle: both instants read on the local clock, and the overlap of that local interval with each
   * local day's working hours measured in wall-clock seconds (so 01:00-04:00 is 3 hours on the night the clocks go
   * forward, when only 2 hours elapse; docs/DECISIONS.md).
   */
  static long wallClockOracle(BusinessCalendar c, Instant from, Instant to) {
    LocalDateTime start = LocalDateTime.ofInstant(from, c.zone());
    LocalDateTime end = LocalDateTime.ofInstant(to, c.zone());
    long total = 0;
    for (LocalDate d = start.toLocalDate(); !d.isAfter(end.toLocalDate()); d = d.plusDays(1)) {
      BusinessCalendar.WorkingHours h = c.hours().get(d.getDayOfWeek().getValue() - 1);
      if (c.holidays().contains(d) || h.seconds() == 0) {
        continue;
      }
      LocalDateTime open = d.atStartOfDay().plusSeconds(h.openSecond());
      LocalDateTime close = d.atStartOfDay().plusSeconds(h.closeSecond());
      LocalDateTime a = start.isAfter(open) ? start : open;
      LocalDateTime b = end.isBefore(close) ? end : close;
      total += Math.max(0, java.time.Duration.between(a, b).getSeconds());
    }
    return total;
  }

  @Test
  void aWorkingDayWithAClockChangeCountsItsWallClockHours() {
    BusinessCalendar c = berlinEveryDay();
    // Both clock changes of 2026 in Berlin fall on a Sunday at 02:00/03:00 local, inside the 01:00-23:00 hours.
    assertThat(LocalDate.parse("2026-03-29").getDayOfWeek()).isEqualTo(DayOfWeek.SUNDAY);
    assertThat(c.zone().getRules().getOffset(Instant.parse("2026-03-29T00:30:00Z")).getTotalSeconds()).isEqualTo(3600);
    assertThat(c.zone().getRules().getOffset(Instant.parse("2026-03-29T01:30:00Z")).getTotalSeconds()).isEqualTo(7200);
    assertThat(c.zone().getRules().getOffset(Instant.parse("2026-10-25T00:30:00Z")).getTotalSeconds()).isEqualTo(7200);
    assertThat(c.zone().getRules().getOffset(Instant.parse("2026-10-25T01:30:00Z")).getTotalSeconds()).isEqualTo(3600);
    List<Long> b =
        businessSeconds(
            c,
            List.of(
                // Saturday 22:00 CET to Sunday 04:00 CEST: 1h on Saturday, 01:00-04:00 on the clock on Sunday (3h,
                // though 2h elapse).
                new Object[] {1, ts("2026-03-28T21:00:00Z"), ts("2026-03-29T02:00:00Z")},
                // The whole Sunday the clocks go forward: 01:00-23:00 is 22 hours on the clock (21 elapse).
                new Object[] {2, ts("2026-03-28T23:00:00Z"), ts("2026-03-29T22:00:00Z")},
                // Sunday 00:30 CEST to 05:00 CET, the clocks going back: 01:00-05:00 is 4h on the clock (5h elapse).
                new Object[] {3, ts("2026-10-24T22:30:00Z"), ts("2026-10-25T04:00:00Z")},
                // The whole Sunday the clocks go back: 22 hours on the clock (23 elapse).
                new Object[] {4, ts("2026-10-24T22:00:00Z"), ts("2026-10-25T23:00:00Z")},
                // The Monday after: an ordinary 22-hour day again, read in CET.
                new Object[] {5, ts("2026-10-25T23:00:00Z"), ts("2026-10-26T23:00:00Z")}));
    assertThat(b).containsExactly(4 * 3600L, 22 * 3600L, 4 * 3600L, 22 * 3600L, 22 * 3600L);

    // Random intervals around both clock changes, against the wall-clock oracle.
    SplittableRandom random = new SplittableRandom(11);
    List<Object[]> intervals = new ArrayList<>();
    List<Long> expected = new ArrayList<>();
    long[] changes = {Instant.parse("2026-03-29T01:00:00Z").getEpochSecond(),
        Instant.parse("2026-10-25T01:00:00Z").getEpochSecond()};
    for (int i = 0; i < 400; i++) {
      long from = changes[i % 2] - 2 * 86400L + random.nextLong(4 * 86400L);
      long to = from + random.nextLong(i % 3 == 0 ? 6 * 3600L : 3 * 86400L);
      intervals.add(new Object[] {i, Timestamp.from(Instant.ofEpochSecond(from)), Timestamp.from(Instant.ofEpochSecond(to))});
      expected.add(wallClockOracle(c, Instant.ofEpochSecond(from), Instant.ofEpochSecond(to)));
    }
    assertThat(businessSeconds(c, intervals)).containsExactlyElementsOf(expected);
  }

  @Test
  void defaultsArePinnedAndBadHoursAreRejected() {
    BusinessCalendar c = JourneySettings.from(settings()).calendar();
    assertThat(c.zone().getId()).isEqualTo("UTC");
    assertThat(c.hours().get(DayOfWeek.MONDAY.ordinal())).isEqualTo(new BusinessCalendar.WorkingHours(9 * 3600, 17 * 3600));
    assertThat(c.hours().get(DayOfWeek.SUNDAY.ordinal())).isEqualTo(BusinessCalendar.WorkingHours.CLOSED);
    assertThat(c.holidays()).isEmpty();
    assertThat(c.businessDay().toHours()).isEqualTo(8);
    assertThatThrownBy(() -> berlin("14:00-10:00"))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("journeys.calendar.working-hours.saturday")
        .hasMessageContaining("14:00-10:00");
  }
}
