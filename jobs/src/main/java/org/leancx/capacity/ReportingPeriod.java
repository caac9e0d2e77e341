package org.leancx.capacity;

import static org.apache.spark.sql.functions.date_trunc;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.trunc;

import java.util.Arrays;
import java.util.Locale;
import org.apache.spark.sql.Column;
import org.leancx.common.SettingsException;

/** The calendar period that summary rows are grouped by: a UTC day, an ISO week starting Monday, or a month. */
public enum ReportingPeriod {
  DAY,
  WEEK,
  MONTH;

  /** The first day of the period holding {@code dateOrTimestamp}, as a date. */
  public Column start(Column dateOrTimestamp) {
    return switch (this) {
      case DAY -> to_date(dateOrTimestamp);
      case WEEK -> to_date(date_trunc("week", dateOrTimestamp));
      case MONTH -> trunc(to_date(dateOrTimestamp), "month");
    };
  }

  /** Parses a config value such as {@code week}, naming the key and the valid values when it is wrong. */
  static ReportingPeriod parse(String key, String value, ReportingPeriod... allowed) {
    for (ReportingPeriod p : allowed) {
      if (p.name().equalsIgnoreCase(value.trim())) {
        return p;
      }
    }
    throw new SettingsException(
        key + " is '" + value + "': use one of "
            + Arrays.stream(allowed).map(p -> p.name().toLowerCase(Locale.ROOT)).toList() + ".");
  }
}
