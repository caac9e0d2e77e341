package org.leancx.conditions;

import static org.apache.spark.sql.functions.*;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.leancx.common.TableContract.optional;
import static org.leancx.common.TableContract.required;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.leancx.common.TableContract;
import org.leancx.common.Warehouse;

/**
 * The touches of the slo-breach outcome: every closed journey (status other than OPEN, with a lead time), FAILED
 * when its lead time exceeded {@code conditions.slo.threshold}. Open journeys are censored and left out.
 */
public record SloBreachTouches() implements TouchSource {

  /** The columns of {@code journeys} this job relies on (declared in full by the journeys job). */
  public static final TableContract JOURNEYS_INPUT =
      new TableContract(
          "journeys",
          1,
          "One row per journey (read by root-conditions; written by journeys).",
          TableContract.schema(
              required("journey_id", StringType, "Journey id"),
              optional("journey_type", StringType, "Journey type"),
              optional("status", StringType, "OPEN or a closed status"),
              optional("lead_time_seconds", LongType, "Lead time in seconds")),
          List.of(),
          List.of("journey_id"),
          Map.of());

  /** Start columns tried, in order, for the period date and the time bands. */
  private static final List<String> START_COLUMNS = List.of("started_at", "first_at", "opened_at");

  @Override
  public List<TableContract> inputs() {
    return List.of(JOURNEYS_INPUT);
  }

  @Override
  public Dataset<Row> touches(Warehouse warehouse, ConditionSettings settings) {
    return touches(warehouse.read(JOURNEYS_INPUT), settings);
  }

  /**
   * The touches of journeys: the journey's own columns are kept as condition attributes (journey_type and any
   * configured attribute the table has); the first of started_at, first_at, opened_at gives the period date.
   */
  public static Dataset<Row> touches(Dataset<Row> journeys, ConditionSettings settings) {
    Set<String> columns = Set.of(journeys.columns());
    String start = START_COLUMNS.stream().filter(columns::contains).findFirst().orElse(null);
    Column failed = col("lead_time_seconds").gt(lit(settings.sloThreshold().toSeconds()));
    List<Column> out = new ArrayList<>();
    out.add(col("journey_id").as(Touches.TOUCH_ID));
    out.add(start == null ? lit(null).cast("date").as(Touches.PERIOD_DATE) : to_date(col(start)).as(Touches.PERIOD_DATE));
    out.add(failed.as(Touches.FAILED));
    out.add(when(failed, lit(settings.breachCost())).otherwise(lit(0.0)).as(Touches.FAILURE_COST));
    out.add(when(failed, lit(1L)).otherwise(lit(0L)).as(Touches.FAILURE_CONTACTS));
    if (start != null) {
      out.add(col(start).cast("timestamp").as(Touches.STARTED_AT));
    }
    out.add(col("journey_type"));
    for (String a : settings.attributes()) {
      if (columns.contains(a) && !a.equals("journey_type") && !a.equals(Touches.STARTED_AT)) {
        out.add(col(a));
      }
    }
    if (columns.contains(Touches.ATTRIBUTES)) {
      out.add(col(Touches.ATTRIBUTES));
    }
    return journeys
        .where(col("lead_time_seconds").isNotNull()
            .and(col("status").isNull().or(upper(col("status")).notEqual(lit("OPEN")))))
        .select(out.toArray(Column[]::new));
  }

  /** Journeys always carry their type as a condition, configured or not. */
  @Override
  public ConditionSettings adapt(ConditionSettings s) {
    if (s.attributes().stream().anyMatch(a -> a.toLowerCase(Locale.ROOT).equals("journey_type"))) {
      return s;
    }
    List<String> attributes = new ArrayList<>(s.attributes());
    attributes.add(0, "journey_type");
    return new ConditionSettings(s.outcome(), attributes, s.derived(), s.hourBins(), s.handleSecondsBins(),
        s.waitSecondsBins(), s.minExcessFailures(), s.minExcessShare(), s.falseDiscoveryRate(),
        s.maxSize(), s.liftMargin(), s.maxCandidates(),
        s.maxReported(), s.channelCost(), s.defaultChannelCost(), s.handleHourCost(), s.sloThreshold(), s.breachCost());
  }
}
