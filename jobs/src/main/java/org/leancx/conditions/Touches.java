package org.leancx.conditions;

import static org.apache.spark.sql.functions.*;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The unit of analysis of the root-conditions job: one row per touch (a resolved-or-failed contact, or a closed
 * journey), whether it failed, what its failure cost, and its condition items.
 *
 * <p>Every {@link TouchSource} produces these columns; {@link #withItems} turns the attribute and band columns into
 * the {@code items} array of {@code attribute=value} strings.
 */
public final class Touches {
  /** Id of the touch (contact_id or journey_id). */
  public static final String TOUCH_ID = "touch_id";
  /** Date the touch is counted on in failure_cost_daily. */
  public static final String PERIOD_DATE = "period_date";
  /** Whether the touch failed (the outcome). */
  public static final String FAILED = "failed";
  /** Cost of the failure the touch caused (0 when it did not fail). */
  public static final String FAILURE_COST = "failure_cost";
  /** Failure-demand contacts the touch caused (its chain's repeats); 1 per breached journey. */
  public static final String FAILURE_CONTACTS = "failure_contacts";
  /** Optional inputs of the derived bands. */
  public static final String STARTED_AT = "started_at";
  public static final String HANDLE_SECONDS = "handle_seconds";
  public static final String WAIT_SECONDS = "wait_seconds";
  public static final String HANDOFF = "handoff";
  /** The map of extra attributes (contacts.attributes), looked up for attributes that are not columns. */
  public static final String ATTRIBUTES = "attributes";
  /** The condition items: array of distinct "attribute=value" strings. */
  public static final String ITEMS = "items";

  private Touches() {}

  /**
   * Adds {@link #ITEMS}: one {@code attribute=value} item per configured attribute (a column, else a key of the
   * attributes map) and per derived band whose input column exists; null or blank values give no item.
   */
  public static Dataset<Row> withItems(Dataset<Row> touches, ConditionSettings settings) {
    Set<String> columns = new HashSet<>(List.of(touches.columns()));
    List<Column> items = new ArrayList<>();
    for (String attribute : settings.attributes()) {
      Column value;
      if (columns.contains(attribute)) {
        value = col(attribute).cast("string");
      } else if (columns.contains(ATTRIBUTES)) {
        value = try_element_at(col(ATTRIBUTES), lit(attribute));
      } else {
        continue;
      }
      items.add(item(attribute, trim(value)));
    }
    for (String band : settings.derived()) {
      switch (band) {
        case "hour_of_day" -> {
          if (columns.contains(STARTED_AT)) {
            items.add(item(band, hourBand(hour(col(STARTED_AT)), settings.hourBins())));
          }
        }
        case "weekday" -> {
          if (columns.contains(STARTED_AT)) {
            items.add(item(band, lower(date_format(col(STARTED_AT), "EEE"))));
          }
        }
        case "handle_time" -> {
          if (columns.contains(HANDLE_SECONDS)) {
            items.add(item(band, secondsBand(col(HANDLE_SECONDS), settings.handleSecondsBins())));
          }
        }
        case "wait_time" -> {
          if (columns.contains(WAIT_SECONDS)) {
            items.add(item(band, secondsBand(col(WAIT_SECONDS), settings.waitSecondsBins())));
          }
        }
        case "handoff" -> {
          if (columns.contains(HANDOFF)) {
            items.add(item(band, when(col(HANDOFF), lit("yes")).when(not(col(HANDOFF)), lit("no"))));
          }
        }
        default -> throw new IllegalStateException("Unknown band " + band);
      }
    }
    Column array = items.isEmpty() ? array().cast("array<string>") : array_compact(array(items.toArray(Column[]::new)));
    return touches.withColumn(ITEMS, array);
  }

  private static Column item(String attribute, Column value) {
    return when(value.isNotNull().and(value.notEqual(lit(""))), concat(lit(attribute + "="), value));
  }

  /** Label "09-12" of the hour bin that holds {@code hour}; bins are lower bounds, the last ends at 24. */
  static Column hourBand(Column hour, List<Integer> bins) {
    Column band = null;
    for (int i = bins.size() - 1; i >= 0; i--) {
      int end = i + 1 < bins.size() ? bins.get(i + 1) : 24;
      String label = String.format("%02d-%02d", bins.get(i), end);
      band = band == null ? when(hour.geq(bins.get(i)), lit(label)) : band.when(hour.geq(bins.get(i)), lit(label));
    }
    return band;
  }

  /** Label "120-300s" (or "1200s+" for the last) of the seconds bin that holds {@code seconds}; null stays null. */
  static Column secondsBand(Column seconds, List<Long> bins) {
    Column band = null;
    for (int i = bins.size() - 1; i >= 0; i--) {
      String label = i + 1 < bins.size() ? bins.get(i) + "-" + bins.get(i + 1) + "s" : bins.get(i) + "s+";
      Column test = seconds.geq(bins.get(i));
      band = band == null ? when(test, lit(label)) : band.when(test, lit(label));
    }
    return band;
  }
}
