package org.leancx.conditions;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.leancx.common.SettingsException;

/** The outcome a root-condition run explains: which touches failed, and from which input. */
public enum Outcome {
  /** The first contact of a recontact chain (FAILED) against contacts resolved first time (RESOLVED). */
  FAILURE_DEMAND("failure-demand"),
  /** Closed journeys whose lead time exceeded the SLO threshold (FAILED) against those within it. */
  SLO_BREACH("slo-breach");

  private final String id;

  Outcome(String id) {
    this.id = id;
  }

  /** The name used on the command line, in conf and in the {@code outcome} column. */
  public String id() {
    return id;
  }

  /** Parses {@code failure-demand} or {@code slo-breach}, naming the valid values when the text is neither. */
  public static Outcome parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    for (Outcome o : values()) {
      if (o.id.equals(t)) {
        return o;
      }
    }
    throw new SettingsException(
        "Unknown outcome '" + text + "': use one of "
            + Arrays.stream(values()).map(Outcome::id).collect(Collectors.joining(", ")) + ".");
  }

  @Override
  public String toString() {
    return id;
  }
}
