package org.leancx.experiments;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.leancx.common.Settings;
import org.leancx.common.SettingsException;

/**
 * The typed {@code experiment-analysis} section (how every experiment is measured) and the experiments defined under
 * {@code experiments.NAME}.
 *
 * @param resamples bootstrap resamples (customers drawn with Poisson(1) weights each time)
 * @param seed the bootstrap's seed: the same seed and data give the same intervals
 * @param confidence the interval's confidence, e.g. 0.95
 * @param srmAlpha the p-value of the chi-square test below which the arm sizes are a sample-ratio mismatch
 * @param handleCostPerHour cost of an hour of handle time, on top of each contact's channel cost
 * @param complaintCost cost of handling a complaint, on top of its contact's cost
 * @param caseEventCost cost of one back-office case event of the need
 * @param experiments the experiments by name, sorted
 */
public record ExperimentSettings(
    int resamples, long seed, double confidence, double srmAlpha, double handleCostPerHour, double complaintCost,
    double caseEventCost, Map<String, Experiment> experiments) {

  /** How the needs of an experiment are split into arms. */
  public enum Design {
    /** The arm is a key of contacts.attributes on the need's first contact (e.g. an IVR variant). */
    ATTRIBUTE,
    /** The arm comes from an assignment list: a customer_lists source, the arm in its attributes. */
    LIST,
    /** Needs started before a change date against those started after it and a washout. */
    BEFORE_AFTER
  }

  /** The keys an experiment may have. */
  static final Set<String> KEYS =
      Set.of("description", "design", "attribute", "list", "list-attribute", "control", "from", "to", "split",
          "change-date", "washout-days", "before-days", "after-days");

  /**
   * One experiment.
   *
   * @param name the experiment's name (the key under experiments)
   * @param description what was changed, for the reader of experiment_results
   * @param design how its needs are split into arms
   * @param attribute ATTRIBUTE: the key of contacts.attributes that holds the arm
   * @param list LIST: the customer_lists source that assigns customers to arms
   * @param listAttribute LIST: the key of customer_lists.attributes that holds the arm
   * @param control the control arm (BEFORE_AFTER: "before")
   * @param from first day of the needs' starts (inclusive), or null; BEFORE_AFTER: the before period's first day
   * @param to last day of the needs' starts (inclusive), or null; BEFORE_AFTER: the after period's last day
   * @param split the expected share of customers per arm for the sample-ratio check; empty = equal shares
   * @param changeDate BEFORE_AFTER: the day the change went live
   * @param washoutDays BEFORE_AFTER: days after the change left out (customers and staff adapt)
   */
  public record Experiment(
      String name, String description, Design design, String attribute, String list, String listAttribute,
      String control, LocalDate from, LocalDate to, Map<String, Double> split, LocalDate changeDate,
      int washoutDays) {
    public Experiment {
      split = Map.copyOf(split);
    }
  }

  public ExperimentSettings {
    if (resamples < 100 || resamples > 100_000) {
      throw new SettingsException("experiment-analysis.resamples is " + resamples
          + ": give between 100 and 100000 bootstrap resamples (default 1000).");
    }
    if (!(confidence > 0.5 && confidence < 1)) {
      throw new SettingsException("experiment-analysis.confidence is " + confidence
          + ": give a level between 0.5 and 1, e.g. 0.95.");
    }
    if (!(srmAlpha > 0 && srmAlpha < 0.5)) {
      throw new SettingsException("experiment-analysis.srm-alpha is " + srmAlpha
          + ": give a p-value threshold between 0 and 0.5, e.g. 0.001.");
    }
    for (double cost : new double[] {handleCostPerHour, complaintCost, caseEventCost}) {
      if (!(cost >= 0) || Double.isInfinite(cost)) {
        throw new SettingsException("experiment-analysis: handle-cost-per-hour, complaint-cost and case-event-cost"
            + " must be 0 or more (they are " + handleCostPerHour + ", " + complaintCost + ", " + caseEventCost + ").");
      }
    }
    experiments = java.util.Collections.unmodifiableMap(new TreeMap<>(experiments));
  }

  /** The named experiment, or an error that lists the configured ones. */
  public Experiment experiment(String name) {
    Experiment e = experiments.get(name);
    if (e == null) {
      throw new SettingsException("No experiment '" + name + "' in conf (experiments." + name + "). Configured: "
          + (experiments.isEmpty() ? "none" : String.join(", ", experiments.keySet()))
          + ". Define it under experiments { " + name + " { design = attribute, attribute = ..., control = ... } }"
          + " (see conf/application.conf).");
    }
    return e;
  }

  /** Reads and validates {@code experiment-analysis} and {@code experiments}. */
  public static ExperimentSettings from(Settings settings) {
    Config c = settings.config();
    Map<String, Experiment> experiments = new LinkedHashMap<>();
    if (c.hasPath("experiments")) {
      Config all = c.getConfig("experiments");
      for (String name : all.root().keySet()) {
        if (!name.matches("[a-z0-9_]+")) {
          throw new SettingsException("experiments." + name + ": an experiment's name is lower-case letters, digits"
              + " and _ (it is the experiment column of experiment_results), e.g. ivr_menu.");
        }
        experiments.put(name, experiment(name, all.getConfig(name)));
      }
    }
    return new ExperimentSettings(
        c.getInt("experiment-analysis.resamples"),
        c.getLong("experiment-analysis.seed"),
        c.getDouble("experiment-analysis.confidence"),
        c.getDouble("experiment-analysis.srm-alpha"),
        c.getDouble("experiment-analysis.handle-cost-per-hour"),
        c.getDouble("experiment-analysis.complaint-cost"),
        c.getDouble("experiment-analysis.case-event-cost"),
        experiments);
  }

  static Experiment experiment(String name, Config e) {
    String where = "experiments." + name;
    for (String key : e.root().keySet()) {
      if (!KEYS.contains(key)) {
        throw new SettingsException("Unknown key " + where + "." + key + ": did you mean " + where + "."
            + Settings.nearest(key, KEYS) + "? An experiment has " + String.join(", ", new java.util.TreeSet<>(KEYS))
            + ".");
      }
    }
    String designText = string(e, "design", "attribute");
    Design design;
    try {
      design = Design.valueOf(designText.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException ex) {
      throw new SettingsException(where + ".design is '" + designText + "': use attribute (the arm is a contact"
          + " attribute), list (an assignment list loaded into customer_lists) or before-after (dates).", ex);
    }
    String attribute = string(e, "attribute", null);
    String list = string(e, "list", null);
    String control = string(e, "control", null);
    LocalDate from = date(e, "from", where);
    LocalDate to = date(e, "to", where);
    LocalDate change = date(e, "change-date", where);
    int washout = e.hasPath("washout-days") ? e.getInt("washout-days") : 7;
    Map<String, Double> split = new TreeMap<>();
    if (e.hasPath("split")) {
      Config s = e.getConfig("split");
      for (String arm : s.root().keySet()) {
        double share = s.getDouble(arm);
        if (!(share > 0)) {
          throw new SettingsException(where + ".split." + arm + " is " + share + ": give each arm's expected share"
              + " of the customers, above 0, e.g. split { A = 0.5, B = 0.5 }.");
        }
        split.put(arm, share);
      }
    }
    switch (design) {
      case ATTRIBUTE -> {
        require(attribute, where, "attribute", "the key of contacts.attributes that holds the arm (a source"
            + " mapping's keep), e.g. attribute = ivr_variant");
        require(control, where, "control", "the control arm's value, e.g. control = A");
      }
      case LIST -> {
        require(list, where, "list", "the customer_lists source that assigns customers to arms, e.g. list ="
            + " ivr_assignment");
        require(control, where, "control", "the control arm's value, e.g. control = A");
      }
      case BEFORE_AFTER -> {
        if (change == null) {
          throw new SettingsException(where + " (design before-after) has no change-date: give the day the change"
              + " went live, e.g. change-date = \"2026-06-01\".");
        }
        if (washout < 0 || washout > 365) {
          throw new SettingsException(where + ".washout-days is " + washout + ": give 0 to 365 days (default 7).");
        }
        int beforeDays = e.hasPath("before-days") ? e.getInt("before-days") : 28;
        int afterDays = e.hasPath("after-days") ? e.getInt("after-days") : 28;
        if (beforeDays < 1 || afterDays < 1) {
          throw new SettingsException(where + ": before-days and after-days must be at least 1 (they are "
              + beforeDays + " and " + afterDays + ").");
        }
        if (control != null && !control.equals(Arms.BEFORE)) {
          throw new SettingsException(where + ".control is '" + control + "': a before-after experiment's control is"
              + " the period before the change; leave control out.");
        }
        control = Arms.BEFORE;
        from = change.minusDays(beforeDays);
        to = change.plusDays(washout + afterDays - 1L);
      }
      default -> throw new IllegalStateException(design.name());
    }
    if (from != null && to != null && to.isBefore(from)) {
      throw new SettingsException(where + ": to (" + to + ") is before from (" + from + ").");
    }
    if (!split.isEmpty() && !split.containsKey(control)) {
      throw new SettingsException(where + ".split has no share for the control arm '" + control + "': give one"
          + " per arm, e.g. split { " + control + " = 0.5, B = 0.5 }.");
    }
    return new Experiment(name, string(e, "description", ""), design, attribute, list,
        string(e, "list-attribute", "arm"), control, from, to, split, change, washout);
  }

  private static void require(String value, String where, String key, String what) {
    if (value == null || value.isBlank()) {
      throw new SettingsException(where + " has no " + key + ": give " + what + ".");
    }
  }

  private static String string(Config e, String key, String fallback) {
    if (!e.hasPath(key)) {
      return fallback;
    }
    try {
      return e.getString(key).trim();
    } catch (ConfigException.WrongType ex) {
      throw new SettingsException("experiments: " + key + " must be a string: " + ex.getMessage(), ex);
    }
  }

  private static LocalDate date(Config e, String key, String where) {
    String text = string(e, key, null);
    if (text == null || text.isEmpty()) {
      return null;
    }
    try {
      return LocalDate.parse(text);
    } catch (DateTimeParseException ex) {
      throw new SettingsException(where + "." + key + " is '" + text + "': give a date as YYYY-MM-DD, e.g. \""
          + "2026-06-01\".", ex);
    }
  }

  /** The names of the configured experiments, for messages. */
  public List<String> names() {
    return new ArrayList<>(experiments.keySet());
  }
}
