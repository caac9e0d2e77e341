package org.leancx.common;

import io.delta.tables.DeltaTable;
import io.delta.tables.DeltaTableBuilder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.apache.spark.sql.functions.col;

/**
 * The Delta tables of one warehouse: creates them from their contracts, registers them by name, and writes them
 * idempotently, every commit tagged with the run id.
 */
public final class Warehouse {
  private static final Logger LOG = LoggerFactory.getLogger(Warehouse.class);
  private static final String USER_METADATA = "spark.databricks.delta.commitInfo.userMetadata";
  private static final String CONTRACT_VERSION = "leancx.contract.version";

  private final SparkSession spark;
  private final WarehouseSettings settings;

  public Warehouse(SparkSession spark, WarehouseSettings settings) {
    this.spark = spark;
    this.settings = settings;
  }

  public SparkSession spark() {
    return spark;
  }

  public WarehouseSettings settings() {
    return settings;
  }

  /** The folder of a table. */
  public String location(TableContract contract) {
    return settings.path().replaceAll("/+$", "") + "/" + contract.name();
  }

  /** The name under which analysts query the table, e.g. {@code leancx.contact_demand}. */
  public String qualifiedName(TableContract contract) {
    return settings.database() + "." + contract.name();
  }

  /** Whether the table has been created. */
  public boolean exists(TableContract contract) {
    return DeltaTable.isDeltaTable(spark, location(contract));
  }

  /**
   * Registers every existing table of the given contracts under the warehouse database, so that SQL by name works in
   * every command (Spark's in-memory catalog forgets names between processes).
   */
  public void registerExisting(List<TableContract> contracts) {
    spark.sql("CREATE DATABASE IF NOT EXISTS " + settings.database());
    for (TableContract c : contracts) {
      if (exists(c)) {
        register(c);
      }
    }
  }

  /** Points the table's name at its location, replacing a registration that points elsewhere. */
  private void register(TableContract contract) {
    String name = qualifiedName(contract);
    if (spark.catalog().tableExists(name)) {
      String registered;
      try {
        registered = spark.sql("DESCRIBE DETAIL " + name).first().getAs("location");
      } catch (RuntimeException e) {
        registered = null; // the name points at a folder that is gone: register it afresh
      }
      if (registered != null
          && new Path(registered).toUri().getPath().equals(new Path(location(contract)).toUri().getPath())) {
        return;
      }
      // An external table: dropping the name leaves the data where it is.
      spark.sql("DROP TABLE " + name);
    }
    spark.catalog().createTable(name, location(contract), "delta");
  }

  /** The SQL identifier of the table's path, for statements that must address this exact table. */
  private String pathIdentifier(TableContract contract) {
    return "delta.`" + location(contract).replace("`", "``") + "`";
  }

  /** Creates the table from its contract when it does not exist, with its constraints, and registers its name. */
  public void ensure(TableContract contract) {
    spark.sql("CREATE DATABASE IF NOT EXISTS " + settings.database());
    String location = location(contract);
    if (!exists(contract)) {
      DeltaTableBuilder builder =
          DeltaTable.createIfNotExists(spark)
              .location(location)
              .comment(contract.grain())
              .addColumns(contract.schema())
              .property(CONTRACT_VERSION, String.valueOf(contract.version()))
              .property("delta.dataSkippingNumIndexedCols", "8");
      if (!contract.partitionColumns().isEmpty()) {
        builder = builder.partitionedBy(contract.partitionColumns().toArray(String[]::new));
      }
      builder.execute();
      LOG.info("Created table {} at {}", contract.name(), location);
    }
    register(contract);
    Set<String> present =
        Arrays.stream(spark.sql("SHOW TBLPROPERTIES " + pathIdentifier(contract)).collectAsList().toArray(Row[]::new))
            .map(r -> r.getString(0))
            .filter(k -> k.startsWith("delta.constraints."))
            .map(k -> k.substring("delta.constraints.".length()))
            .collect(Collectors.toSet());
    for (Map.Entry<String, String> check : contract.checks().entrySet()) {
      if (!present.contains(check.getKey().toLowerCase(java.util.Locale.ROOT))) {
        spark.sql(
            "ALTER TABLE "
                + pathIdentifier(contract)
                + " ADD CONSTRAINT "
                + check.getKey()
                + " CHECK ("
                + check.getValue()
                + ")");
      }
    }
  }

  /** Reads the current version of a table. */
  public Dataset<Row> read(TableContract contract) {
    if (!exists(contract)) {
      throw new IllegalStateException(
          "Table "
              + contract.name()
              + " does not exist at "
              + location(contract)
              + ". Run the job that writes it first (see `leancx --help`).");
    }
    return spark.read().format("delta").load(location(contract));
  }

  /** The latest Delta version of a table, or -1 when it does not exist. */
  public long version(TableContract contract) {
    if (!exists(contract)) {
      return -1;
    }
    return DeltaTable.forPath(spark, location(contract)).history(1).select("version").first().getLong(0);
  }

  /**
   * Orders and casts the columns of {@code data} to the contract, failing with the missing column's name when one is
   * missing. Extra columns are an error too: a job must not write what the contract does not document.
   */
  public static Dataset<Row> conform(TableContract contract, Dataset<Row> data) {
    Set<String> have = Set.of(data.columns());
    List<String> missing = new ArrayList<>();
    for (String c : contract.columnNames()) {
      if (!have.contains(c)) {
        missing.add(c);
      }
    }
    List<String> extra = new ArrayList<>();
    for (String c : data.columns()) {
      if (!contract.columnNames().contains(c)) {
        extra.add(c);
      }
    }
    if (!missing.isEmpty() || !extra.isEmpty()) {
      throw new IllegalStateException(
          "Output for table "
              + contract.name()
              + " does not match its contract v"
              + contract.version()
              + ": missing "
              + missing
              + ", undeclared "
              + extra
              + ". Fix the job or bump the contract.");
    }
    List<Column> cols = new ArrayList<>();
    for (StructField f : contract.schema().fields()) {
      cols.add(col(f.name()).cast(f.dataType()).as(f.name()));
    }
    return data.select(cols.toArray(Column[]::new));
  }

  /**
   * Replaces the rows matching {@code condition} (a SQL predicate on the contract's columns) with {@code data}, in one
   * atomic commit. Every row of {@code data} must match the condition; Delta checks it.
   */
  public void replaceWhere(TableContract contract, Dataset<Row> data, String condition, String runId) {
    ensure(contract);
    commit(contract, () -> conform(contract, data)
        .write()
        .format("delta")
        .mode("overwrite")
        .option("replaceWhere", condition)
        .option("userMetadata", runId)
        .save(location(contract)));
  }

  /** Replaces the whole table content with {@code data} in one atomic commit: for tables recomputed in full. */
  public void replaceAll(TableContract contract, Dataset<Row> data, String runId) {
    ensure(contract);
    commit(contract, () -> conform(contract, data)
        .write()
        .format("delta")
        .mode("overwrite")
        .option("userMetadata", runId)
        .save(location(contract)));
  }

  /**
   * Upserts {@code data} on the contract's key: matched rows are updated, new rows inserted. {@code data} must hold
   * each key once; the caller deduplicates.
   */
  public void merge(TableContract contract, Dataset<Row> data, String runId) {
    ensure(contract);
    if (contract.keyColumns().isEmpty()) {
      throw new IllegalStateException("Table " + contract.name() + " has no key columns: it cannot be merged.");
    }
    String on =
        contract.keyColumns().stream().map(k -> "t." + k + " <=> s." + k).collect(Collectors.joining(" AND "));
    String previous = spark.conf().getOption(USER_METADATA).getOrElse(() -> null);
    spark.conf().set(USER_METADATA, runId);
    try {
      commit(contract, () -> DeltaTable.forPath(spark, location(contract))
          .as("t")
          .merge(conform(contract, data).as("s"), on)
          .whenMatched()
          .updateAll()
          .whenNotMatched()
          .insertAll()
          .execute());
    } finally {
      if (previous == null) {
        spark.conf().unset(USER_METADATA);
      } else {
        spark.conf().set(USER_METADATA, previous);
      }
    }
  }

  /** Commit attempts of one write when another run commits to the same table at the same time. */
  static final int COMMIT_ATTEMPTS = 3;

  /**
   * Runs one idempotent write, retrying it when a concurrent run committed a conflicting change to the table first
   * (Delta's optimistic concurrency); after {@link #COMMIT_ATTEMPTS} conflicts it fails naming the table and the fix.
   */
  private void commit(TableContract contract, Runnable write) {
    for (int attempt = 1; ; attempt++) {
      try {
        write.run();
        return;
      } catch (RuntimeException e) {
        java.util.ConcurrentModificationException conflict = conflict(e);
        if (conflict == null) {
          throw e;
        }
        if (attempt >= COMMIT_ATTEMPTS) {
          throw new IllegalStateException(
              "Table " + qualifiedName(contract) + " at " + location(contract) + " was changed by another run at the"
                  + " same time, " + COMMIT_ATTEMPTS + " times (" + conflict.getClass().getSimpleName() + "). Its"
                  + " committed content is intact; rerun this job when the other run has finished, and do not run"
                  + " jobs that write the same table at the same time.",
              e);
        }
        LOG.warn("Table {} was changed by another run at the same time ({}); retrying the write (attempt {} of {})",
            qualifiedName(contract), conflict.getClass().getSimpleName(), attempt + 1, COMMIT_ATTEMPTS);
      }
    }
  }

  private static java.util.ConcurrentModificationException conflict(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.util.ConcurrentModificationException c) {
        return c;
      }
    }
    return null;
  }

  /** Deletes the folder of a table: for tests and for {@code --reset}. */
  public void drop(TableContract contract) {
    try {
      spark.sql("DROP TABLE IF EXISTS " + qualifiedName(contract));
      Path p = new Path(location(contract));
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      fs.delete(p, true);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("Could not delete " + location(contract), e);
    }
  }
}
