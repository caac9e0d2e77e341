package org.leancx.generate;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.leancx.common.Settings;
import org.leancx.common.SettingsException;

/**
 * The typed {@code generate.*} settings of the synthetic data generator.
 *
 * @param output folder or URI the raw exports are written to (replaced on every run)
 * @param format raw export format of contacts and case events
 * @param customers number of customers, service accounts included
 * @param days days of history, ending at {@code endDate}
 * @param endDate last day of the data (inclusive)
 * @param seed the seed: the same seed and settings give the same data
 * @param dirtyRate extra dirty rows per clean contact
 * @param baseFailureRate chance that a touch is not resolved before the planted multipliers
 * @param serviceAccounts number of service-account customers
 * @param customersPerFile customers per output part file
 * @param planted the planted condition sets, sorted by name
 * @param vulnerableShare chance that a customer is in vulnerable circumstances (vulnerability_flag Y)
 * @param vulnerableFailureMultiplier the planted mechanism: the factor on the failure chance of every touch of a
 *     vulnerable customer (their needs are less often understood the first time)
 * @param automation the planted automation flow that hands off more, and badly
 * @param fastTeam the planted team that handles faster and causes more repeats
 * @param experiment the planted A/B test of a shorter handling behind experiment_results
 * @param surveys the planted surveys: their share of the needs and how their NPS falls with repeats and lead time
 * @param taxonomy the reason taxonomy file (from {@code demand.taxonomy})
 */
public record GenerateSettings(
    String output,
    Format format,
    long customers,
    int days,
    LocalDate endDate,
    long seed,
    double dirtyRate,
    double baseFailureRate,
    int serviceAccounts,
    long customersPerFile,
    List<PlantedSet> planted,
    double vulnerableShare,
    double vulnerableFailureMultiplier,
    PlantedAutomation automation,
    FastTeam fastTeam,
    PlantedExperiment experiment,
    PlantedSurveys surveys,
    String taxonomy) {

  /** The share of bot touches that hand off to a person, for every bot flow but the planted one. */
  public static final double BOT_HAND_OFF_SHARE = 0.25;

  /**
   * The planted automation flow (generate.automation): bot contacts are split 50/50 between the two bot flows at
   * random, so the other bot flow is its control.
   *
   * @param flow the bot flow
   * @param handOffShare the chance that it hands a touch off to a person (the other flow: {@link #BOT_HAND_OFF_SHARE})
   * @param unsafeHandOffMultiplier the factor on the failure chance of a touch it hands off
   */
  public record PlantedAutomation(String flow, double handOffShare, double unsafeHandOffMultiplier) {
    public PlantedAutomation {
      if (!(handOffShare >= 0 && handOffShare < 1)) {
        throw new SettingsException("generate.automation.hand-off-share is " + handOffShare
            + ": it must be at least 0 and below 1 (default 0.4; the other bot flow hands off 0.25).");
      }
      if (!(unsafeHandOffMultiplier >= 1 && unsafeHandOffMultiplier <= 50)) {
        throw new SettingsException("generate.automation.unsafe-hand-off-multiplier is " + unsafeHandOffMultiplier
            + ": it must be between 1 and 50 (1 plants no difference; default 2.0).");
      }
    }

    /** The containment of the flow over the other bot flow's that this plants: (1 - share) / (1 - 0.25). */
    public double containmentRatio() {
      return (1 - handOffShare) / (1 - BOT_HAND_OFF_SHARE);
    }
  }

  /**
   * The planted team told to cut handle time (generate.fast-team): the other teams of its skill group, at the other
   * sites, are its control.
   *
   * @param team the team, {@code <group>-<site>}
   * @param handleMultiplier the factor on the handle time of its contacts
   * @param failureMultiplier the factor on the failure chance of the touches it ends (handles last)
   */
  public record FastTeam(String team, double handleMultiplier, double failureMultiplier) {
    public FastTeam {
      if (!(handleMultiplier > 0 && handleMultiplier <= 10)) {
        throw new SettingsException("generate.fast-team.handle-multiplier is " + handleMultiplier
            + ": it must be above 0 and at most 10 (1 plants no difference; default 0.7).");
      }
      if (!(failureMultiplier >= 1 && failureMultiplier <= 50)) {
        throw new SettingsException("generate.fast-team.failure-multiplier is " + failureMultiplier
            + ": it must be between 1 and 50 (1 plants no difference; default 1.8).");
      }
    }
  }

  /**
   * The planted A/B test (generate.experiment): a share of the customers is assigned to arm A or B at random, 50/50,
   * and every contact of theirs carries the arm in the raw column handling_variant. Arm B's shorter handling: its
   * touches take handle-multiplier times as long and fail failure-multiplier times as often. Arm A is the control.
   *
   * @param share the share of customers in the test (0 plants none)
   * @param handleMultiplier the factor on the handle time of arm B's touches
   * @param failureMultiplier the factor on the failure chance of arm B's touches
   */
  public record PlantedExperiment(double share, double handleMultiplier, double failureMultiplier) {
    public PlantedExperiment {
      if (!(share >= 0 && share <= 1)) {
        throw new SettingsException("generate.experiment.share is " + share
            + ": it must be a share of the customers between 0 and 1 (0 plants no experiment; default 0.5).");
      }
      if (!(handleMultiplier > 0 && handleMultiplier <= 10)) {
        throw new SettingsException("generate.experiment.handle-multiplier is " + handleMultiplier
            + ": it must be above 0 and at most 10 (1 plants no difference; default 0.8).");
      }
      if (!(failureMultiplier >= 1 && failureMultiplier <= 50)) {
        throw new SettingsException("generate.experiment.failure-multiplier is " + failureMultiplier
            + ": it must be between 1 and 50 (1 plants no difference; default 2.0).");
      }
    }
  }

  /**
   * The planted surveys (generate.surveys): a survey for a share of the need episodes, answered 1 to 3 days after the
   * episode's last inbound contact, with NPS = clamp(round(npsBase + npsPerRepeat * repeats + npsPerLeadTimeDay *
   * lead time in days + noise), 0, 10), noise normal with sd npsNoiseSd.
   *
   * @param share the share of need episodes with a survey
   * @param npsBase the NPS (0-10) of a need resolved at the first touch with no lead time
   * @param npsPerRepeat the planted slope per repeat (touches - 1)
   * @param npsPerLeadTimeDay the planted slope per day of the episode's lead time
   * @param npsNoiseSd the standard deviation of the noise
   * @param dirtyShare extra dirty survey rows (NPS 11, or neither contact nor case) per clean survey
   */
  public record PlantedSurveys(
      double share, double npsBase, double npsPerRepeat, double npsPerLeadTimeDay, double npsNoiseSd,
      double dirtyShare) {
    public PlantedSurveys {
      if (!(share >= 0 && share <= 1)) {
        throw new SettingsException("generate.surveys.share is " + share + ": it must be between 0 and 1 (default 0.3).");
      }
      if (!(npsBase >= 0 && npsBase <= 10)) {
        throw new SettingsException("generate.surveys.nps-base is " + npsBase + ": it must be between 0 and 10 (default 8.0).");
      }
      if (!(Math.abs(npsPerRepeat) <= 10) || !(Math.abs(npsPerLeadTimeDay) <= 10)) {
        throw new SettingsException("generate.surveys.nps-per-repeat is " + npsPerRepeat + " and nps-per-lead-time-day "
            + npsPerLeadTimeDay + ": each must be between -10 and 10 (defaults -1.5 and -0.1).");
      }
      if (!(npsNoiseSd >= 0 && npsNoiseSd <= 10)) {
        throw new SettingsException("generate.surveys.nps-noise-sd is " + npsNoiseSd
            + ": it must be between 0 and 10 (default 1.2).");
      }
      if (!(dirtyShare >= 0 && dirtyShare <= 0.04)) {
        throw new SettingsException("generate.surveys.dirty-share is " + dirtyShare
            + ": it must be between 0 and 0.04, below ingest.max-reject-rate (default 0.02).");
      }
    }
  }

  /** Raw export formats. */
  public enum Format {
    CSV,
    PARQUET
  }

  /** The attributes a planted condition may name (as in the root-conditions job). */
  public static final List<String> ATTRIBUTES =
      List.of("channel", "need_family", "reason", "team", "product", "segment", "region", "automation_flow");

  /**
   * One planted root-condition set: a touch meeting every condition is {@code failureMultiplier} times as likely to
   * be not resolved.
   *
   * @param name the set's name (its key in conf)
   * @param conditions {@code attribute=value} conditions, sorted
   * @param failureMultiplier the factor on the base failure rate
   */
  public record PlantedSet(String name, List<String> conditions, double failureMultiplier) {
    public PlantedSet {
      if (conditions.isEmpty()) {
        throw new SettingsException(
            "generate.planted-conditions." + name + ".conditions is empty: give at least one attribute=value.");
      }
      List<String> sorted = new ArrayList<>();
      for (String c : conditions) {
        int eq = c.indexOf('=');
        String attribute = eq < 0 ? c : c.substring(0, eq).trim();
        if (eq <= 0 || !ATTRIBUTES.contains(attribute) || c.substring(eq + 1).isBlank()) {
          throw new SettingsException(
              "generate.planted-conditions."
                  + name
                  + ": condition '"
                  + c
                  + "' must be attribute=value with attribute one of "
                  + ATTRIBUTES
                  + ", e.g. channel=bot.");
        }
        sorted.add(attribute + "=" + c.substring(eq + 1).trim().toLowerCase(Locale.ROOT));
      }
      sorted.sort(null);
      conditions = List.copyOf(sorted);
      if (!(failureMultiplier > 0) || failureMultiplier > 50) {
        throw new SettingsException(
            "generate.planted-conditions."
                + name
                + ".failure-multiplier is "
                + failureMultiplier
                + ": it must be above 0 and at most 50 (e.g. 3.0).");
      }
    }

    /** The attribute of condition {@code i}. */
    public String attribute(int i) {
      return conditions.get(i).substring(0, conditions.get(i).indexOf('='));
    }

    /** The value of condition {@code i}. */
    public String value(int i) {
      return conditions.get(i).substring(conditions.get(i).indexOf('=') + 1);
    }
  }

  public GenerateSettings {
    if (output == null || output.isBlank()) {
      throw new SettingsException("generate.output is empty: set it to a folder, e.g. data/synthetic.");
    }
    if (customers < 1 || customers > 100_000_000_000L) {
      throw new SettingsException(
          "generate.customers is " + customers + ": it must be between 1 and 10^11 (default 40000).");
    }
    if (days < 30 || days > 3660) {
      throw new SettingsException("generate.days is " + days + ": it must be between 30 and 3660 (default 180).");
    }
    if (!(dirtyRate >= 0 && dirtyRate <= 0.2)) {
      throw new SettingsException("generate.dirty-rate is " + dirtyRate + ": it must be between 0 and 0.2.");
    }
    if (!(baseFailureRate > 0 && baseFailureRate < 0.5)) {
      throw new SettingsException(
          "generate.base-failure-rate is " + baseFailureRate + ": it must be above 0 and below 0.5 (default 0.12).");
    }
    if (!(vulnerableShare >= 0 && vulnerableShare < 1)) {
      throw new SettingsException("generate.vulnerable.share is " + vulnerableShare
          + ": it must be at least 0 and below 1 (default 0.08).");
    }
    if (!(vulnerableFailureMultiplier >= 1)) {
      throw new SettingsException("generate.vulnerable.failure-multiplier is " + vulnerableFailureMultiplier
          + ": it must be at least 1 (1 plants no difference; default 2.0).");
    }
    if (serviceAccounts < 0) {
      throw new SettingsException("generate.service-accounts is " + serviceAccounts + ": it must be 0 or more.");
    }
    if (customersPerFile < 1) {
      throw new SettingsException("generate.customers-per-file is " + customersPerFile + ": it must be at least 1.");
    }
    planted = List.copyOf(planted);
  }

  /** The number of part files of each output. */
  public int files() {
    return (int) Math.min(10_000, 1 + (customers - 1) / customersPerFile);
  }

  /** The first day of the data. */
  public LocalDate startDate() {
    return endDate.minusDays(days - 1L);
  }

  public static GenerateSettings from(Settings settings) {
    Config c = settings.config();
    String formatName = c.getString("generate.format").trim().toUpperCase(Locale.ROOT);
    Format format;
    try {
      format = Format.valueOf(formatName);
    } catch (IllegalArgumentException e) {
      throw new SettingsException(
          "generate.format is '" + c.getString("generate.format") + "': use csv or parquet.", e);
    }
    LocalDate end;
    try {
      end = LocalDate.parse(c.getString("generate.end-date"));
    } catch (DateTimeParseException e) {
      throw new SettingsException(
          "generate.end-date is '" + c.getString("generate.end-date") + "': use an ISO date, e.g. 2026-06-30.", e);
    }
    List<PlantedSet> planted = new ArrayList<>();
    Config sets = c.getConfig("generate.planted-conditions");
    for (String name : new TreeSet<>(sets.root().keySet())) {
      try {
        Config set = sets.getConfig(quote(name));
        planted.add(
            new PlantedSet(name, set.getStringList("conditions"), set.getDouble("failure-multiplier")));
      } catch (ConfigException e) {
        throw new SettingsException(
            "generate.planted-conditions."
                + name
                + " must be { conditions = [\"attribute=value\", ...], failure-multiplier = x }: "
                + e.getMessage(),
            e);
      }
    }
    return new GenerateSettings(
        settings.path("generate.output"),
        format,
        c.getLong("generate.customers"),
        c.getInt("generate.days"),
        end,
        c.getLong("generate.seed"),
        c.getDouble("generate.dirty-rate"),
        c.getDouble("generate.base-failure-rate"),
        c.getInt("generate.service-accounts"),
        c.getLong("generate.customers-per-file"),
        planted,
        c.getDouble("generate.vulnerable.share"),
        c.getDouble("generate.vulnerable.failure-multiplier"),
        new PlantedAutomation(c.getString("generate.automation.flow").trim(),
            c.getDouble("generate.automation.hand-off-share"),
            c.getDouble("generate.automation.unsafe-hand-off-multiplier")),
        new FastTeam(c.getString("generate.fast-team.team").trim(), c.getDouble("generate.fast-team.handle-multiplier"),
            c.getDouble("generate.fast-team.failure-multiplier")),
        new PlantedExperiment(c.getDouble("generate.experiment.share"),
            c.getDouble("generate.experiment.handle-multiplier"), c.getDouble("generate.experiment.failure-multiplier")),
        new PlantedSurveys(c.getDouble("generate.surveys.share"), c.getDouble("generate.surveys.nps-base"),
            c.getDouble("generate.surveys.nps-per-repeat"), c.getDouble("generate.surveys.nps-per-lead-time-day"),
            c.getDouble("generate.surveys.nps-noise-sd"), c.getDouble("generate.surveys.dirty-share")),
        settings.path("demand.taxonomy"));
  }

  private static String quote(String key) {
    return "\"" + key.replace("\"", "\\\"") + "\"";
  }
}
