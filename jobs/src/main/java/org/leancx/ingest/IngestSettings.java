package org.leancx.ingest;

import com.typesafe.config.Config;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import org.leancx.common.Settings;
import org.leancx.common.SettingsException;

/**
 * The {@code ingest} section of the config: where the source mappings live and the validation thresholds.
 *
 * @param sourcesDir the folder of the source mappings ({@code <sourcesDir>/<name>.conf})
 * @param maxRejectRate a source whose quarantined / input rows exceeds this fails the run
 * @param futureTolerance timestamps later than now plus this are implausible
 * @param earliestDate timestamps before this date (UTC) are implausible
 * @param contactsRowsPerFile about how many rows each file of the customer-clustered contacts table holds
 * @param broadcastRepeatedRows records of repeated ids are resolved among themselves when at most this many
 *     (no shuffle of the others); above it every record is ranked in one window
 * @param maxRemovedShare a snapshot load that would remove more than this share of the rows a source holds (ids
 *     stored but absent from the run) is refused before anything is written, unless the shrink is allowed
 * @param shrinkGuardMinRows the shrink guard applies to sources holding at least this many rows
 */
public record IngestSettings(
    String sourcesDir,
    double maxRejectRate,
    Duration futureTolerance,
    LocalDate earliestDate,
    long contactsRowsPerFile,
    long broadcastRepeatedRows,
    double maxRemovedShare,
    long shrinkGuardMinRows) {
  public IngestSettings {
    if (maxRemovedShare < 0 || maxRemovedShare > 1) {
      throw new SettingsException(
          "ingest.max-removed-share is " + maxRemovedShare + ": it must be between 0 and 1 (default 0.2).");
    }
    if (shrinkGuardMinRows < 0) {
      throw new SettingsException(
          "ingest.shrink-guard-min-rows is " + shrinkGuardMinRows + ": it must be 0 or more (default 100).");
    }
    if (broadcastRepeatedRows < 0) {
      throw new SettingsException(
          "ingest.broadcast-repeated-rows is " + broadcastRepeatedRows + ": it must be 0 or more (default 1000000).");
    }
    if (contactsRowsPerFile < 1) {
      throw new SettingsException(
          "ingest.contacts-rows-per-file is " + contactsRowsPerFile + ": it must be at least 1 (default 1000000).");
    }
    if (maxRejectRate < 0 || maxRejectRate > 1) {
      throw new SettingsException(
          "ingest.max-reject-rate is " + maxRejectRate + ": it must be between 0 and 1 (default 0.05).");
    }
    if (futureTolerance.isNegative()) {
      throw new SettingsException("ingest.future-tolerance is negative (" + futureTolerance + "): use e.g. 2d.");
    }
  }

  public static IngestSettings from(Settings settings) {
    Config c = settings.config();
    LocalDate earliest;
    try {
      earliest = LocalDate.parse(c.getString("ingest.earliest-date"));
    } catch (DateTimeParseException e) {
      throw new SettingsException(
          "ingest.earliest-date is '" + c.getString("ingest.earliest-date") + "': give an ISO date, e.g. 1990-01-01.", e);
    }
    return new IngestSettings(
        settings.path("ingest.sources-dir"),
        c.getDouble("ingest.max-reject-rate"),
        c.getDuration("ingest.future-tolerance"),
        earliest,
        c.getLong("ingest.contacts-rows-per-file"),
        c.getLong("ingest.broadcast-repeated-rows"),
        c.getDouble("ingest.max-removed-share"),
        c.getLong("ingest.shrink-guard-min-rows"));
  }
}
