package org.leancx.conditions;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.leancx.common.TableContract;
import org.leancx.common.Warehouse;

/**
 * Where the touches of one {@link Outcome} come from: the input tables, and how they become {@link Touches} rows.
 * A new outcome plugs in by implementing this and adding a case to {@link #of}.
 */
public interface TouchSource {
  /** The tables read, recorded as the run's inputs. */
  List<TableContract> inputs();

  /** The touches, with the columns of {@link Touches} (without items) plus their attribute columns. */
  Dataset<Row> touches(Warehouse warehouse, ConditionSettings settings);

  /** The settings as this source needs them (journeys always add journey_type as a condition). */
  default ConditionSettings adapt(ConditionSettings settings) {
    return settings;
  }

  /** The source of an outcome. */
  static TouchSource of(Outcome outcome, org.leancx.common.Settings settings) {
    return switch (outcome) {
      case FAILURE_DEMAND -> FailureDemandTouches.from(settings);
      case SLO_BREACH -> new SloBreachTouches();
    };
  }
}
