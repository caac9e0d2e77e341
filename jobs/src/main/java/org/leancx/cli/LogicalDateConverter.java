package org.leancx.cli;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A logical date on the command line: an ISO date, or {@code today} / {@code yesterday} (UTC), for schedulers that
 * cannot compute a date (cron, a Databricks job).
 */
final class LogicalDateConverter implements ITypeConverter<LocalDate> {
  private final Clock clock;

  LogicalDateConverter() {
    this(Clock.systemUTC());
  }

  LogicalDateConverter(Clock clock) {
    this.clock = clock;
  }

  @Override
  public LocalDate convert(String value) {
    LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
    switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "today":
        return today;
      case "yesterday":
        return today.minusDays(1);
      default:
        try {
          return LocalDate.parse(value.trim());
        } catch (DateTimeParseException e) {
          throw new TypeConversionException(
              "'" + value + "' is not a date: give an ISO date such as 2026-06-01, or today or yesterday (UTC).");
        }
    }
  }
}
