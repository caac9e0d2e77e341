package org.leancx.common;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The declaration of one output table, from which the table is created and against which every write is checked.
 *
 * @param name the table name, snake_case, also the folder name under the warehouse
 * @param version the contract version; schema changes are additive and bump it
 * @param grain what one row is, e.g. "one row per contact"; it becomes the table comment
 * @param schema the columns, with comments and nullability
 * @param partitionColumns Delta partition columns, possibly none
 * @param keyColumns the columns that identify a row; unique in the table
 * @param checks named CHECK constraints, name to SQL boolean expression
 * @param statsColumns the columns Delta keeps file-level min/max statistics on, for data skipping; empty: the first
 *     {@link #DEFAULT_STATS_COLUMNS} columns. Statistics cost write time on every row (about 15% of writing
 *     contact_demand with eight columns, docs/BENCHMARKS.md), so a large table names the columns it is filtered on.
 */
public record TableContract(
    String name,
    int version,
    String grain,
    StructType schema,
    List<String> partitionColumns,
    List<String> keyColumns,
    Map<String, String> checks,
    List<String> statsColumns) {

  /** Delta keeps statistics on this many leading columns when a contract names no stats columns. */
  public static final int DEFAULT_STATS_COLUMNS = 8;

  /** A contract whose statistics are on its first {@link #DEFAULT_STATS_COLUMNS} columns. */
  public TableContract(
      String name,
      int version,
      String grain,
      StructType schema,
      List<String> partitionColumns,
      List<String> keyColumns,
      Map<String, String> checks) {
    this(name, version, grain, schema, partitionColumns, keyColumns, checks, List.of());
  }

  public TableContract {
    if (!name.matches("[a-z][a-z0-9_]*")) {
      throw new IllegalArgumentException("Table name must be snake_case: " + name);
    }
    partitionColumns = List.copyOf(partitionColumns);
    keyColumns = List.copyOf(keyColumns);
    checks = Map.copyOf(new LinkedHashMap<>(checks));
    for (String c : partitionColumns) {
      schema.apply(c);
    }
    for (String c : keyColumns) {
      schema.apply(c);
    }
    statsColumns = List.copyOf(statsColumns);
    for (String c : statsColumns) {
      schema.apply(c);
    }
  }

  /** The Delta table property that sets the statistics columns, and its value. */
  public Map.Entry<String, String> statsProperty() {
    return statsColumns.isEmpty()
        ? Map.entry("delta.dataSkippingNumIndexedCols", String.valueOf(DEFAULT_STATS_COLUMNS))
        : Map.entry("delta.dataSkippingStatsColumns", String.join(",", statsColumns));
  }

  /** A column with its comment; the comment is stored in the Delta schema and in docs/tables.md. */
  public static StructField column(String name, DataType type, boolean nullable, String comment) {
    return new StructField(name, type, nullable, Metadata.empty()).withComment(comment);
  }

  /** A required (NOT NULL) column. */
  public static StructField required(String name, DataType type, String comment) {
    return column(name, type, false, comment);
  }

  /** An optional (nullable) column. */
  public static StructField optional(String name, DataType type, String comment) {
    return column(name, type, true, comment);
  }

  /** Builds a schema from fields, in order. */
  public static StructType schema(StructField... fields) {
    return new StructType(fields);
  }

  /** The column names, in contract order. */
  public List<String> columnNames() {
    return List.of(schema.fieldNames());
  }
}
