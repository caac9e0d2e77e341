package org.leancx.guardrails;

import java.util.List;
import org.leancx.common.ReportingPeriod;
import org.leancx.common.Settings;
import org.leancx.common.SettingsException;

/**
 * The typed {@code guardrails} section.
 *
 * @param period period of one efficiency_twins row (WEEK or MONTH)
 * @param vulnerableAttribute the key of contacts.attributes that marks customers in vulnerable circumstances
 * @param vulnerableValues the values of that attribute that mark them (compared exactly)
 * @param vulnerableLists the customer lists (sources of customer_lists) whose customers are vulnerable
 * @param protectedPeriod period of one protected_outcomes row (WEEK or MONTH), by the journey's start
 * @param automation the automation SLOs (automation_slo)
 */
public record GuardrailSettings(
    ReportingPeriod period, String vulnerableAttribute, List<String> vulnerableValues, List<String> vulnerableLists,
    ReportingPeriod protectedPeriod, Automation automation) {

  /**
   * One automation flow's objectives: the shares of routed contacts contained and of hand-offs that are safe; null
   * for no objective.
   *
   * @param flow the flow (contacts.automation_flow), or "*" for every flow without its own
   */
  public record FlowObjective(String flow, Double containment, Double safeHandOff) {}

  /**
   * The {@code guardrails.automation} section.
   *
   * @param objectives the objectives, first match wins
   * @param atRiskBurnRate burn rate from which an objective is AT_RISK
   */
  public record Automation(List<FlowObjective> objectives, double atRiskBurnRate) {
    public Automation {
      objectives = List.copyOf(objectives);
      if (!(atRiskBurnRate > 0 && atRiskBurnRate <= 1)) {
        throw new SettingsException("guardrails.automation.at-risk-burn-rate is " + atRiskBurnRate
            + ": it must be above 0 and at most 1 (default 0.75).");
      }
    }
  }

  public GuardrailSettings {
    vulnerableLists = vulnerableLists.stream().map(String::trim).toList();
    if (vulnerableAttribute.isBlank() && vulnerableLists.isEmpty()) {
      throw new SettingsException("guardrails.vulnerable has neither an attribute nor lists: name the key of"
          + " contacts.attributes that marks customers in vulnerable circumstances (a source mapping's keep), e.g."
          + " attribute = vulnerability_flag, or the customer lists that hold them, e.g. lists ="
          + " [\"vulnerable_customers\"] (sources with target = customer_lists).");
    }
    if (!vulnerableAttribute.isBlank() && vulnerableValues.isEmpty()) {
      throw new SettingsException("guardrails.vulnerable.values is empty: give the values of "
          + vulnerableAttribute + " that mark a vulnerable customer, e.g. [\"Y\"].");
    }
    for (String list : vulnerableLists) {
      if (!list.matches("[a-z0-9_]+")) {
        throw new SettingsException("guardrails.vulnerable.lists has '" + list + "': a list is the name of a source"
            + " mapping (conf/sources/<name>.conf with target = customer_lists): lower-case letters, digits and _.");
      }
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
        c.getStringList("guardrails.vulnerable.lists"),
        ReportingPeriod.parse("guardrails.vulnerable.period", c.getString("guardrails.vulnerable.period"),
            ReportingPeriod.WEEK, ReportingPeriod.MONTH),
        new Automation(objectives(c), c.getDouble("guardrails.automation.at-risk-burn-rate")));
  }

  private static List<FlowObjective> objectives(com.typesafe.config.Config c) {
    List<FlowObjective> out = new java.util.ArrayList<>();
    List<? extends com.typesafe.config.Config> items = c.getConfigList("guardrails.automation.objectives");
    for (int i = 0; i < items.size(); i++) {
      com.typesafe.config.Config o = items.get(i);
      String where = "guardrails.automation.objectives[" + i + "]";
      if (!o.hasPath("flow") || o.getString("flow").isBlank()) {
        throw new SettingsException(where + " has no flow: give the automation_flow it is for, or \"*\".");
      }
      Double containment = share(o, "containment", where);
      Double safe = share(o, "safe-hand-off", where);
      if (containment == null && safe == null) {
        throw new SettingsException(where + " (flow " + o.getString("flow") + ") has neither containment nor"
            + " safe-hand-off: give at least one target, a share strictly between 0 and 1.");
      }
      out.add(new FlowObjective(o.getString("flow").trim(), containment, safe));
    }
    return out;
  }

  private static Double share(com.typesafe.config.Config o, String key, String where) {
    if (!o.hasPath(key)) {
      return null;
    }
    double v = o.getDouble(key);
    if (!(v > 0 && v < 1)) {
      throw new SettingsException(where + "." + key + " is " + v + ": it must be a share strictly between 0 and 1,"
          + " e.g. 0.8.");
    }
    return v;
  }
}
