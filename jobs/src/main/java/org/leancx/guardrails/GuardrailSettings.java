package org.leancx.guardrails;

import org.leancx.capacity.ReportingPeriod;
import org.leancx.common.Settings;

/**
 * The typed {@code guardrails} section.
 *
 * @param period period of one efficiency_twins row (WEEK or MONTH)
 */
public record GuardrailSettings(ReportingPeriod period) {

  /** Reads and validates the {@code guardrails} section. */
  public static GuardrailSettings from(Settings settings) {
    return new GuardrailSettings(
        ReportingPeriod.parse("guardrails.period", settings.config().getString("guardrails.period"),
            ReportingPeriod.WEEK, ReportingPeriod.MONTH));
  }
}
