package org.leancx.common;

import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataTypes;

/** Aggregate expressions shared by the jobs whose results must not depend on the order of the rows. */
public final class Aggregates {
  private Aggregates() {}

  /**
   * The sum of a double column, independent of the order of the rows: each value to {@code scale} decimals, summed
   * exactly as a decimal, then a double. Spark sums doubles in the order tasks and files come, and a different order
   * (another file layout, path against catalog mode) changed the last bits of the mean flow efficiency and of the
   * failure cost (0.3 per bot contact), so that two runs over identical inputs differed.
   */
  public static Column exactSum(Column doubles, int scale) {
    return sum(doubles.cast(DataTypes.createDecimalType(38, scale))).cast(DataTypes.DoubleType);
  }

  /** The number of rows where {@code condition} holds (null counts as false). */
  public static Column countWhere(Column condition) {
    return sum(when(condition, 1L).otherwise(0L));
  }
}
