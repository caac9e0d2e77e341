package org.leancx.guardrails;

import java.util.List;
import org.leancx.capacity.ReportingPeriod;
import org.leancx.common.Settings;
import org.leancx.common.SettingsException;

/**
 * The typed {@code guardrails} section.
 *
 * @param period period of one efficiency_twins row (WEEK or MONTH)
 * @param vulnerableAttribute the key of contacts.attributes that marks customers in vulnerable circumstances
 * @param vulnerableValues the values of that attribute that mark them (compared exactly)
 * @param protectedPeriod period of one protected_outcomes row (WEEK or MONTH), by the journey's start
 */
public record GuardrailSettings(
    ReportingPeriod period, String vulnerableAttribute, List<String> vulnerableValues,
    ReportingPeriod protectedPeriod) {

  public GuardrailSettings {
    if (vulnerableAttribute == null || vulnerableAttribute.isBlank()) {
      throw new SettingsException("guardrails.vulnerable.attribute is empty: name the key of contacts.attributes"
          + " that marks customers in vulnerable circumstances (a source mapping's keep), e.g. vulnerability_flag.");
    }
    if (vulnerableValues.isEmpty()) {
      throw new SettingsException("guardrails.vulnerable.values is empty: give the values of "
          + vulnerableAttribute + " that mark a vulnerable customer, e.g. [\"Y\"].");
    }
    vulnerableValues = List.copyOf(vulnerableValues);
  }

  /** Reads and validates the {@code guardrails} section. */
  public static GuardrailSettings from(Settings settings) {
    var c = settings.config();
    return new GuardrailSettings(
        ReportingPeriod.parse("guardrails.period", c.getString("guardrails.period"),
            ReportingPeriod.WEEK, ReportingPeriod.MONTH),
        c.getString("guardrails.vulnerable.attribute").trim(),
        c.getStringList("guardrails.vulnerable.values"),
        ReportingPeriod.parse("guardrails.vulnerable.period", c.getString("guardrails.vulnerable.period"),
            ReportingPeriod.WEEK, ReportingPeriod.MONTH));
  }
}
