package org.leancx.common;

import java.util.List;
import org.apache.spark.sql.types.StructField;

/** Renders the table contracts as Markdown: docs/tables.md is generated from them and a test keeps it current. */
public final class TableDocs {
  private TableDocs() {}

  /** The whole document for the given contracts, in their order. */
  public static String markdown(List<TableContract> contracts) {
    StringBuilder sb = new StringBuilder();
    sb.append("# leancx tables\n\n")
        .append("Generated from the table contracts in the code (`./leancx tables --docs docs/tables.md`); do not edit")
        .append(" by hand: a test fails when this file is out of date.\n\n")
        .append("Every table is a Delta table queried as `<warehouse.database>.<name>` (default `leancx.<name>`): in path")
        .append(" mode a folder under `warehouse.path` (default `./warehouse`), in catalog mode a table of")
        .append(" `warehouse.catalog` (see the README). Times are UTC.\n\n");
    for (TableContract c : contracts) {
      sb.append("- [").append(c.name()).append("](#").append(c.name()).append(")\n");
    }
    for (TableContract c : contracts) {
      sb.append("\n## ").append(c.name()).append("\n\n");
      sb.append("**Grain:** ").append(c.grain()).append("\n\n");
      sb.append("Contract version ").append(c.version());
      sb.append(". Key: ").append(c.keyColumns().isEmpty() ? "none" : "`" + String.join("`, `", c.keyColumns()) + "`");
      if (!c.partitionColumns().isEmpty()) {
        sb.append(". Partitioned by `").append(String.join("`, `", c.partitionColumns())).append("`");
      }
      sb.append(". Data-skipping statistics on ")
          .append(
              c.statsColumns().isEmpty()
                  ? "the first " + TableContract.DEFAULT_STATS_COLUMNS + " columns"
                  : "`" + String.join("`, `", c.statsColumns()) + "`");
      sb.append(".\n\n| column | type | null | meaning |\n|---|---|---|---|\n");
      for (StructField f : c.schema().fields()) {
        sb.append("| `")
            .append(f.name())
            .append("` | ")
            .append(f.dataType().simpleString())
            .append(" | ")
            .append(f.nullable() ? "yes" : "no")
            .append(" | ")
            .append(f.getComment().isDefined() ? f.getComment().get().replace("|", "\\|") : "")
            .append(" |\n");
      }
      if (!c.checks().isEmpty()) {
        sb.append("\nConstraints:\n\n");
        c.checks().entrySet().stream()
            .sorted(java.util.Map.Entry.comparingByKey())
            .forEach(e -> sb.append("- `").append(e.getKey()).append("`: `").append(e.getValue()).append("`\n"));
      }
    }
    return sb.toString();
  }
}
