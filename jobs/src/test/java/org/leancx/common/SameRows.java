package org.leancx.common;

import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.map_entries;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;

/** Two tables compared as multisets of rows: EXCEPT ALL both ways, run ids aside, maps as sorted entries. */
public final class SameRows {
  private SameRows() {}

  /**
   * Fails when a row of {@code expected} is missing from {@code actual} or the other way round, showing up to five
   * rows of each difference under the names of the two sides.
   */
  public static void assertSameRows(
      String what, Dataset<Row> actual, String actualName, Dataset<Row> expected, String expectedName) {
    Dataset<Row> a = comparable(actual);
    Dataset<Row> e = comparable(expected);
    List<Row> missing = e.exceptAll(a).limit(5).collectAsList();
    List<Row> extra = a.exceptAll(e).limit(5).collectAsList();
    assertThat(missing).as("%s: rows of %s missing from %s", what, expectedName, actualName).isEmpty();
    assertThat(extra).as("%s: rows of %s not in %s", what, actualName, expectedName).isEmpty();
  }

  private static Dataset<Row> comparable(Dataset<Row> rows) {
    List<Column> out = new ArrayList<>();
    for (StructField f : rows.schema().fields()) {
      if (f.name().equals("run_id")) {
        continue;
      }
      out.add(f.dataType() instanceof MapType ? array_sort(map_entries(col(f.name()))).as(f.name()) : col(f.name()));
    }
    return rows.select(out.toArray(Column[]::new));
  }
}
