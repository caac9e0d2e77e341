package org.leancx.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.leancx.common.SparkSessions;
import org.leancx.common.SparkSettings;

/**
 * Lists the Parquet files of the current version of a Delta table, so that the DuckDB peer reads exactly the rows
 * Spark reads. Refuses tables whose files alone do not give the rows (deletion vectors, column mapping).
 *
 * <p>Usage: {@code ContactFiles <delta table folder> <output list file>}.
 */
public final class ContactFiles {
  private ContactFiles() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      throw new IllegalArgumentException("Usage: ContactFiles <delta table folder> <output list file>");
    }
    SparkSession spark =
        SparkSessions.open(new SparkSettings("local[1]", "leancx-bench-files", 1, false, java.util.Map.of()), args[0]);
    Files.write(Path.of(args[1]), currentFiles(spark, args[0]));
    spark.stop();
  }

  /** The local paths of the table's current files. */
  public static List<String> currentFiles(SparkSession spark, String table) {
    for (Row r : spark.sql("SHOW TBLPROPERTIES delta.`" + table.replace("`", "``") + "`").collectAsList()) {
      String key = r.getString(0);
      String value = r.getString(1);
      if ((key.equals("delta.enableDeletionVectors") && value.equals("true"))
          || (key.equals("delta.columnMapping.mode") && !value.equals("none"))) {
        throw new IllegalStateException(
            "Table " + table + " has " + key + " = " + value + ": its Parquet files alone do not give its rows, so"
                + " the DuckDB peer cannot read them. Benchmark on a table without it.");
      }
    }
    Dataset<Row> rows = spark.read().format("delta").load(table);
    List<String> files = new ArrayList<>();
    Arrays.stream(rows.inputFiles()).sorted().forEach(f -> files.add(Path.of(URI.create(f)).toString()));
    if (files.isEmpty()) {
      throw new UncheckedIOException(new IOException("Table " + table + " has no data files: ingest contacts first."));
    }
    return files;
  }
}
