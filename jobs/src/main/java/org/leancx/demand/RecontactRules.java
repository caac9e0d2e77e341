package org.leancx.demand;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.leancx.common.SettingsException;

/**
 * The rules that decide which contacts are recontacts, transfers and service-account traffic ({@code demand.recontact.*}).
 *
 * @param needKey what "the same need" means
 * @param needColumns the contacts columns forming the need key when {@code needKey} is {@link NeedKey#COLUMNS};
 *     {@code attributes.NAME} reads one key of the attributes map
 * @param window the default recontact window, measured start to start
 * @param windowByChannel window overrides by the later contact's channel (lower case)
 * @param windowByNeed window overrides by need key value; they win over the channel overrides
 * @param transferGap a contact starting at most this long after the end of a transferred predecessor is a transfer
 * @param transferOutcomes the outcomes (lower case) that mean "transferred"
 * @param outbound whether outbound contacts can be recontacts
 * @param serviceAccountContactsPerDay customers with more contacts than this on one UTC day are excluded
 * @param automation whether recontacts and transfers after an automation-routed contact get subtype automation_induced
 */
public record RecontactRules(
    NeedKey needKey,
    List<String> needColumns,
    Duration window,
    Map<String, Duration> windowByChannel,
    Map<String, Duration> windowByNeed,
    Duration transferGap,
    Set<String> transferOutcomes,
    Outbound outbound,
    int serviceAccountContactsPerDay,
    Automation automation) {

  /** What identifies "the same need" of a customer. */
  public enum NeedKey {
    /** The reason's need family from the taxonomy; a reason missing from it is its own need. */
    NEED_FAMILY,
    /** The contact's case id; contacts without a case fall back to the need family. */
    CASE_ID,
    /** The values of the configured columns, joined with '|'. */
    COLUMNS
  }

  /** Whether outbound contacts can be recontacts. */
  public enum Outbound {
    NEVER_RECONTACT,
    CAN_RECONTACT
  }

  /** Whether the automation_induced failure subtype is given. */
  public enum Automation {
    AUTOMATION_INDUCED,
    NOT_DISTINGUISHED
  }

  public RecontactRules {
    needColumns = List.copyOf(needColumns);
    windowByChannel = Map.copyOf(new TreeMap<>(windowByChannel));
    windowByNeed = Map.copyOf(new TreeMap<>(windowByNeed));
    transferOutcomes = Set.copyOf(new TreeSet<>(transferOutcomes));
    if (needKey == NeedKey.COLUMNS && needColumns.isEmpty()) {
      throw new SettingsException(
          "demand.recontact.need-key = columns but demand.recontact.need-columns is empty: list columns, e.g."
              + " [\"reason\"].");
    }
    positive("demand.recontact.window", window);
    windowByChannel.forEach((k, v) -> positive("demand.recontact.window-by-channel." + k, v));
    windowByNeed.forEach((k, v) -> positive("demand.recontact.window-by-need." + k, v));
    if (transferGap.isNegative()) {
      throw new SettingsException(
          "demand.recontact.transfer-gap is " + transferGap + ": it must be zero or positive, e.g. 15m.");
    }
    if (serviceAccountContactsPerDay < 1) {
      throw new SettingsException(
          "demand.recontact.service-account-contacts-per-day is "
              + serviceAccountContactsPerDay
              + ": it must be at least 1, e.g. 20.");
    }
  }

  private static void positive(String key, Duration d) {
    if (d.isZero() || d.isNegative()) {
      throw new SettingsException(key + " is " + d + ": a recontact window must be positive, e.g. 7d.");
    }
  }

  /** Reads {@code demand.recontact}. */
  public static RecontactRules from(Config config) {
    Config c = config.getConfig("demand.recontact");
    String need = c.getString("need-key");
    NeedKey needKey =
        switch (need.toLowerCase(Locale.ROOT)) {
          case "need_family" -> NeedKey.NEED_FAMILY;
          case "case_id" -> NeedKey.CASE_ID;
          case "columns" -> NeedKey.COLUMNS;
          default ->
              throw new SettingsException(
                  "demand.recontact.need-key is '" + need + "': use need_family, case_id or columns.");
        };
    return new RecontactRules(
        needKey,
        c.getStringList("need-columns"),
        c.getDuration("window"),
        durations(c, "window-by-channel", true),
        durations(c, "window-by-need", false),
        c.getDuration("transfer-gap"),
        lower(c.getStringList("transfer-outcomes")),
        c.getBoolean("outbound-can-recontact") ? Outbound.CAN_RECONTACT : Outbound.NEVER_RECONTACT,
        c.getInt("service-account-contacts-per-day"),
        c.getBoolean("automation-induced") ? Automation.AUTOMATION_INDUCED : Automation.NOT_DISTINGUISHED);
  }

  private static Set<String> lower(List<String> values) {
    Set<String> out = new TreeSet<>();
    values.forEach(v -> out.add(v.trim().toLowerCase(Locale.ROOT)));
    return out;
  }

  private static Map<String, Duration> durations(Config c, String path, boolean lowerCaseKeys) {
    Map<String, Duration> out = new TreeMap<>();
    ConfigObject object = c.getObject(path);
    for (String key : object.keySet()) {
      try {
        // Quote the key: need families may contain dots or other path characters.
        Duration d = c.getConfig(path).getDuration("\"" + key + "\"");
        out.put(lowerCaseKeys ? key.toLowerCase(Locale.ROOT) : key, d);
      } catch (ConfigException e) {
        throw new SettingsException(
            "demand.recontact." + path + "." + key + " is not a duration: " + e.getMessage() + " Use e.g. 10d.", e);
      }
    }
    return out;
  }

  /** The longest window any override can give: the look-back of an incremental run. */
  public Duration maxWindow() {
    Duration max = window;
    for (Duration d : windowByChannel.values()) {
      max = d.compareTo(max) > 0 ? d : max;
    }
    for (Duration d : windowByNeed.values()) {
      max = d.compareTo(max) > 0 ? d : max;
    }
    return max;
  }

  /** The longest window over the default and the channel overrides: the censoring horizon of a need without override. */
  public Duration maxChannelWindow() {
    Duration max = window;
    for (Duration d : windowByChannel.values()) {
      max = d.compareTo(max) > 0 ? d : max;
    }
    return max;
  }

  /** Whole days covering {@link #maxWindow()}: an incremental run reads and rewrites this many days before --from. */
  public int lookBackDays() {
    long seconds = maxWindow().getSeconds();
    return (int) ((seconds + 86_399) / 86_400);
  }
}
