package org.leancx.common;

import io.delta.tables.DeltaMergeBuilder;
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
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.NoSuchTableException;
import org.apache.spark.sql.types.StructField;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

/**
 * The Delta tables of one warehouse: creates them from their contracts, names them, and writes them idempotently,
 * every commit tagged with the run id.
 *
 * <p>In path mode each table is a folder under {@code warehouse.path}, written by path and registered by name at
 * session start. In catalog mode each table is created, read and written by name ({@code catalog.database.table})
 * through the catalog, managed by it or external under {@code warehouse.location-prefix}. Jobs see the same API in
 * both modes.
 */
public final class Warehouse {
  private static final Logger LOG = LoggerFactory.getLogger(Warehouse.class);
  private static final String USER_METADATA = "spark.databricks.delta.commitInfo.userMetadata";
  private static final String CONTRACT_VERSION = "leancx.contract.version";

  private final SparkSession spark;
  private final WarehouseSettings settings;
  /** Reads of the tables named in {@link #datedBy} keep only rows dated before this instant; null: every row. */
  private final java.time.Instant readUntil;
  /** Table name to the column that dates its rows (a timestamp or a date), for {@link #readUntil}. */
  private final Map<String, String> datedBy;

  public Warehouse(SparkSession spark, WarehouseSettings settings) {
    this(spark, settings, null, Map.of());
  }

  private Warehouse(
      SparkSession spark, WarehouseSettings settings, java.time.Instant readUntil, Map<String, String> datedBy) {
    this.spark = spark;
    this.settings = settings;
    this.readUntil = readUntil;
    this.datedBy = Map.copyOf(datedBy);
  }

  /**
   * The same warehouse as known at {@code end}: a {@link #read} of a table named in {@code datedBy} keeps only the
   * rows whose dating column is before {@code end} (a timestamp column: before the instant; a date column: before
   * its UTC date, as a date in UTC is the day that starts there). Writes are unchanged. A job run on it for a logical
   * date sees what a run at the end of that day would have seen, however much later data the tables hold, which makes
   * a rerun or a backfill of a past date give what the day gave (docs/DAILY.md).
   */
  public Warehouse readingUntil(java.time.Instant end, Map<String, String> datedBy) {
    return new Warehouse(spark, settings, java.util.Objects.requireNonNull(end, "end"), datedBy);
  }

  /** The instant before which dated tables are read (see {@link #readingUntil}), or null when they are read whole. */
  public java.time.Instant readUntil() {
    return readUntil;
  }

  public SparkSession spark() {
    return spark;
  }

  public WarehouseSettings settings() {
    return settings;
  }

  private boolean catalogMode() {
    return settings.mode() == WarehouseSettings.Mode.CATALOG;
  }

  /**
   * Where a table's files are: its folder in path mode and for external catalog tables; for a managed table the
   * location its catalog reports, or a note that the catalog chooses it while the table does not exist.
   */
  public String location(TableContract contract) {
    if (settings.external()) {
      return folder(contract);
    }
    if (!exists(contract)) {
      return "(managed by catalog " + settings.catalog() + ")";
    }
    return spark.sql("DESCRIBE DETAIL " + qualifiedName(contract)).first().getAs("location");
  }

  /** The folder of an external table: under warehouse.path in path mode, under the location prefix in catalog mode. */
  private String folder(TableContract contract) {
    String base = catalogMode() ? settings.locationPrefix() : settings.path().replaceAll("/+$", "");
    return base + "/" + contract.name();
  }

  /**
   * The name under which the table is queried: {@code leancx.contact_demand} in path mode (the session catalog),
   * {@code <catalog>.leancx.contact_demand} in catalog mode.
   */
  public String qualifiedName(TableContract contract) {
    return (catalogMode() ? settings.catalog() + "." : "") + settings.database() + "." + contract.name();
  }

  /** The database (schema) of the tables, qualified by its catalog in catalog mode. */
  private String qualifiedDatabase() {
    return (catalogMode() ? settings.catalog() + "." : "") + settings.database();
  }

  /** One line for listings: the mode, and where the tables are. */
  public String describe() {
    if (!catalogMode()) {
      return "path mode: Delta folders under " + settings.path() + ", registered as " + settings.database()
          + ".<table>";
    }
    return "catalog mode: tables " + qualifiedDatabase() + ".<table>, "
        + (settings.external() ? "external under " + settings.locationPrefix() : "managed by the catalog");
  }

  /** Whether the table has been created. */
  public boolean exists(TableContract contract) {
    if (catalogMode()) {
      return spark.catalog().tableExists(qualifiedName(contract));
    }
    return DeltaTable.isDeltaTable(spark, folder(contract));
  }

  /** The Delta table, for history and MERGE: by name in catalog mode, by path in path mode. */
  public DeltaTable deltaTable(TableContract contract) {
    return catalogMode()
        ? DeltaTable.forName(spark, qualifiedName(contract))
        : DeltaTable.forPath(spark, folder(contract));
  }

  /**
   * Makes the existing tables of the given contracts queryable by name in this session. Path mode registers each
   * table's folder under the warehouse database (Spark's in-memory catalog forgets names between processes). Catalog
   * mode makes the warehouse catalog the current one, so that {@code leancx.<table>} resolves as in path mode, and
   * registers external tables whose folder exists but whose name the catalog does not know; managed tables are the
   * catalog's to remember.
   */
  public void registerExisting(List<TableContract> contracts) {
    spark.sql("CREATE DATABASE IF NOT EXISTS " + qualifiedDatabase());
    if (catalogMode()) {
      spark.catalog().setCurrentCatalog(settings.catalog());
      if (settings.external()) {
        for (TableContract c : contracts) {
          if (!exists(c) && DeltaTable.isDeltaTable(spark, folder(c))) {
            spark.sql("CREATE TABLE IF NOT EXISTS " + qualifiedName(c) + " USING delta LOCATION " + literal(folder(c)));
            LOG.info("Registered external table {} at {}", qualifiedName(c), folder(c));
          }
        }
      }
      return;
    }
    for (TableContract c : contracts) {
      if (exists(c)) {
        register(c);
      }
    }
  }

  /** Points the table's name at its folder (path mode), replacing a registration that points elsewhere. */
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
          && new Path(registered).toUri().getPath().equals(new Path(folder(contract)).toUri().getPath())) {
        return;
      }
      // Dropping a managed table would delete its data (a catalog-mode warehouse in the same database): refuse.
      String type = spark.sql("DESCRIBE TABLE EXTENDED " + name).where("col_name = 'Type'").first().getString(1);
      if (!"EXTERNAL".equalsIgnoreCase(type.trim())) {
        throw new IllegalStateException(
            "Table " + name + " is a " + type.trim() + " table (written in catalog mode?), so path mode will not"
                + " re-point its name at " + folder(contract) + ". Use another warehouse.database for one of the two"
                + " warehouses, or drop the table if it is no longer needed.");
      }
      // An external table: dropping the name leaves the data where it is.
      spark.sql("DROP TABLE " + name);
    }
    spark.catalog().createTable(name, folder(contract), "delta");
  }

  /** The SQL identifier of the exact table: its path in path mode, its qualified name in catalog mode. */
  private String identifier(TableContract contract) {
    return catalogMode() ? qualifiedName(contract) : "delta.`" + folder(contract).replace("`", "``") + "`";
  }

  /** The table property under which Delta keeps a CHECK constraint (names are lower case there). */
  private static String constraintKey(String name) {
    return "delta.constraints." + name.toLowerCase(java.util.Locale.ROOT);
  }

  /** A SQL string literal. */
  private static String literal(String value) {
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  /**
   * Tables this JVM has brought up to their contract (by name, location and contract, per Spark application):
   * {@link #ensure} checks a table's properties and registration once, not before every write. Asking the catalog
   * where a name points (DESCRIBE DETAIL) made Delta rebuild the table's state after each commit (three Spark jobs); a
   * small run writes its tables and its run log some hundred times (docs/BENCHMARKS.md). Dropping a table through a
   * warehouse forgets it here, and a remembered table found missing is created again.
   */
  private static final Set<String> ENSURED = java.util.concurrent.ConcurrentHashMap.newKeySet();

  private String ensuredKey(TableContract contract) {
    // The contract's version, statistics columns and checks are in the key: a newer contract checks the table again.
    return spark.sparkContext().applicationId() + " " + qualifiedName(contract) + " "
        + (settings.external() ? folder(contract) : "managed") + " v" + contract.version() + " "
        + contract.statsProperty() + " " + new java.util.TreeMap<>(contract.checks());
  }

  /** Creates the table from its contract when it does not exist, with its constraints, and registers its name. */
  public void ensure(TableContract contract) {
    String key = ensuredKey(contract);
    if (ENSURED.contains(key)) {
      if (exists(contract)) {
        return;
      }
      ENSURED.remove(key); // deleted behind our back (a test, a --reset in another warehouse object): create it again
    }
    ensureUncached(contract);
    ENSURED.add(key);
  }

  private void ensureUncached(TableContract contract) {
    spark.sql("CREATE DATABASE IF NOT EXISTS " + qualifiedDatabase());
    if (catalogMode()) {
      if (!exists(contract)) {
        create(contract);
      }
    } else {
      if (!exists(contract)) {
        String location = folder(contract);
        DeltaTableBuilder builder =
            DeltaTable.createIfNotExists(spark)
                .location(location)
                .comment(contract.grain())
                .addColumns(contract.schema())
                .property(CONTRACT_VERSION, String.valueOf(contract.version()))
                .property(contract.statsProperty().getKey(), contract.statsProperty().getValue());
        // The CHECK constraints go in with the create, one commit: adding each by ALTER TABLE afterwards took one
        // commit and one snapshot reload per constraint (about 1 s each, docs/BENCHMARKS.md).
        for (Map.Entry<String, String> check : contract.checks().entrySet()) {
          builder = builder.property(constraintKey(check.getKey()), check.getValue());
        }
        if (!contract.partitionColumns().isEmpty()) {
          builder = builder.partitionedBy(contract.partitionColumns().toArray(String[]::new));
        }
        builder.execute();
        LOG.info("Created table {} at {}", contract.name(), location);
      }
      register(contract);
    }
    Map<String, String> properties =
        Arrays.stream(spark.sql("SHOW TBLPROPERTIES " + identifier(contract)).collectAsList().toArray(Row[]::new))
            .collect(Collectors.toMap(r -> r.getString(0), r -> r.getString(1), (a, b) -> b));
    Set<String> present =
        properties.keySet().stream()
            .filter(k -> k.startsWith("delta.constraints."))
            .map(k -> k.substring("delta.constraints.".length()))
            .collect(Collectors.toSet());
    String stored = properties.get(CONTRACT_VERSION);
    if (stored != null && stored.matches("\\d+") && Integer.parseInt(stored) < contract.version()) {
      evolve(contract, Integer.parseInt(stored));
    }
    // A contract that names its statistics columns gets them on tables created before it did (one commit, once).
    Map.Entry<String, String> stats = contract.statsProperty();
    if (!contract.statsColumns().isEmpty() && !stats.getValue().equals(properties.get(stats.getKey()))) {
      spark.sql(
          "ALTER TABLE " + identifier(contract) + " SET TBLPROPERTIES (" + literal(stats.getKey()) + " = "
              + literal(stats.getValue()) + ")");
      LOG.info("Set {} = {} on table {}", stats.getKey(), stats.getValue(), contract.name());
    }
    for (Map.Entry<String, String> check : contract.checks().entrySet()) {
      if (!present.contains(check.getKey().toLowerCase(java.util.Locale.ROOT))) {
        spark.sql(
            "ALTER TABLE "
                + identifier(contract)
                + " ADD CONSTRAINT "
                + check.getKey()
                + " CHECK ("
                + check.getValue()
                + ")");
      }
    }
  }

  /**
   * Brings a table written under an older contract version up to the current one: schema changes are additive, so
   * the columns the table lacks are added (nullable, with their comments) and the version property is set, once.
   */
  private void evolve(TableContract contract, int storedVersion) {
    Set<String> have =
        Arrays.stream(read(contract).schema().fields()).map(StructField::name).collect(Collectors.toSet());
    List<String> added = new ArrayList<>();
    for (StructField f : contract.schema().fields()) {
      if (!have.contains(f.name())) {
        added.add(f.name() + " " + f.dataType().sql()
            + (f.getComment().isDefined() ? " COMMENT " + literal(f.getComment().get()) : ""));
      }
    }
    if (!added.isEmpty()) {
      spark.sql("ALTER TABLE " + identifier(contract) + " ADD COLUMNS (" + String.join(", ", added) + ")");
    }
    spark.sql("ALTER TABLE " + identifier(contract) + " SET TBLPROPERTIES (" + literal(CONTRACT_VERSION) + " = "
        + literal(String.valueOf(contract.version())) + ")");
    LOG.info("Table {}: contract v{} -> v{}, added columns {}", contract.name(), storedVersion, contract.version(), added);
  }

  /**
   * Creates a catalog-mode table by name from its contract: columns with comments and nullability, partitioning, the
   * grain as table comment and the table properties; external at {@code <location-prefix>/<name>} or managed. (Delta's
   * table builder takes two-part names only, hence DDL: Unity Catalog names have three.)
   */
  private void create(TableContract contract) {
    StringBuilder ddl = new StringBuilder("CREATE TABLE IF NOT EXISTS ")
        .append(qualifiedName(contract))
        .append(" (")
        .append(contract.schema().toDDL())
        .append(") USING delta");
    if (!contract.partitionColumns().isEmpty()) {
      ddl.append(" PARTITIONED BY (").append(String.join(", ", contract.partitionColumns())).append(")");
    }
    ddl.append(" COMMENT ").append(literal(contract.grain()));
    ddl.append(" TBLPROPERTIES (").append(literal(CONTRACT_VERSION)).append(" = ")
        .append(literal(String.valueOf(contract.version()))).append(", ")
        .append(literal(contract.statsProperty().getKey())).append(" = ")
        .append(literal(contract.statsProperty().getValue()));
    for (Map.Entry<String, String> check : contract.checks().entrySet()) {
      ddl.append(", ").append(literal(constraintKey(check.getKey()))).append(" = ").append(literal(check.getValue()));
    }
    ddl.append(")");
    if (settings.external()) {
      ddl.append(" LOCATION ").append(literal(folder(contract)));
    }
    try {
      spark.sql(ddl.toString());
    } catch (Exception e) { // Spark's AnalysisException is checked in Java terms, though Scala does not declare it
      if (!settings.external() && String.valueOf(e.getMessage()).contains("NON_EMPTY_LOCATION")) {
        throw new IllegalStateException(
            "Table " + qualifiedName(contract) + " is not in catalog " + settings.catalog() + ", but its managed"
                + " location is not empty: the catalog forgot the table (Spark's in-memory catalog forgets every table"
                + " when the process ends). Use a persistent catalog (Unity Catalog, Glue, a Hive metastore), set"
                + " warehouse.location-prefix for external tables that are registered again at start, or use"
                + " warehouse.mode = path locally.",
            e);
      }
      throw e;
    }
    LOG.info("Created table {} ({})", qualifiedName(contract), settings.external() ? folder(contract) : "managed");
  }

  /** Reads the current version of a table. */
  public Dataset<Row> read(TableContract contract) {
    if (!exists(contract)) {
      throw new IllegalStateException(
          "Table "
              + contract.name()
              + " does not exist "
              + (catalogMode() ? "in the catalog as " + qualifiedName(contract) : "at " + folder(contract))
              + ". Run the job that writes it first (see `leancx --help`).");
    }
    Dataset<Row> table =
        catalogMode()
            ? spark.read().table(qualifiedName(contract))
            : spark.read().format("delta").load(folder(contract));
    String dating = readUntil == null ? null : datedBy.get(contract.name());
    if (dating == null) {
      return table;
    }
    boolean isDate = table.schema().apply(dating).dataType() instanceof org.apache.spark.sql.types.DateType;
    Object bound =
        isDate
            ? java.sql.Date.valueOf(readUntil.atZone(java.time.ZoneOffset.UTC).toLocalDate())
            : java.sql.Timestamp.from(readUntil);
    return table.where(col(dating).lt(lit(bound)));
  }

  /** The latest Delta version of a table, or -1 when it does not exist. */
  public long version(TableContract contract) {
    if (!exists(contract)) {
      return -1;
    }
    if (catalogMode()) {
      return deltaTable(contract).history(1).select("version").first().getLong(0);
    }
    // Path mode: the highest commit file in _delta_log, by the Delta protocol's naming (a 20-digit version .json),
    // listed without a Spark job; DESCRIBE HISTORY costs one job and about 0.15 s, and each run records the version
    // of every table it reads and writes.
    Path log = new Path(folder(contract), "_delta_log");
    try {
      FileSystem fs = log.getFileSystem(spark.sparkContext().hadoopConfiguration());
      long latest = -1;
      for (org.apache.hadoop.fs.FileStatus f : fs.listStatus(log)) {
        String name = f.getPath().getName();
        if (name.length() == 25 && name.endsWith(".json") && name.chars().limit(20).allMatch(Character::isDigit)) {
          latest = Math.max(latest, Long.parseLong(name.substring(0, 20)));
        }
      }
      if (latest < 0) {
        throw new IllegalStateException("Table " + contract.name() + " at " + folder(contract) + " has no commit file"
            + " in its _delta_log: the folder is not a Delta table, or its log was damaged.");
      }
      return latest;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("Could not list the Delta log of " + folder(contract), e);
    }
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
    commit(contract, () -> {
      DataFrameWriter<Row> writer = conform(contract, data)
          .write()
          .format("delta")
          .mode("overwrite")
          .option("replaceWhere", condition)
          .option("userMetadata", runId);
      // By name, Delta keeps the table's metadata and honours replaceWhere with any predicate, as by path.
      if (catalogMode()) {
        writer.saveAsTable(qualifiedName(contract));
      } else {
        writer.save(folder(contract));
      }
    });
  }

  /** Replaces the whole table content with {@code data} in one atomic commit: for tables recomputed in full. */
  public void replaceAll(TableContract contract, Dataset<Row> data, String runId) {
    ensure(contract);
    commit(contract, () -> {
      if (catalogMode()) {
        // Not saveAsTable: its overwrite is a CREATE OR REPLACE TABLE; this is a plain overwrite of the data.
        try {
          conform(contract, data).writeTo(qualifiedName(contract)).option("userMetadata", runId).overwrite(lit(true));
        } catch (NoSuchTableException e) {
          throw new IllegalStateException("Table " + qualifiedName(contract) + " vanished while being written.", e);
        }
      } else {
        conform(contract, data)
            .write()
            .format("delta")
            .mode("overwrite")
            .option("userMetadata", runId)
            .save(folder(contract));
      }
    });
  }

  /**
   * Appends {@code data} in one commit (a blind append: it reads nothing of the table, so it never conflicts with
   * another writer). Only for rows whose key cannot be in the table yet, such as a new run's record.
   */
  public void append(TableContract contract, Dataset<Row> data, String runId) {
    ensure(contract);
    commit(contract, () -> {
      if (catalogMode()) {
        try {
          conform(contract, data).writeTo(qualifiedName(contract)).option("userMetadata", runId).append();
        } catch (NoSuchTableException e) {
          throw new IllegalStateException("Table " + qualifiedName(contract) + " vanished while being written.", e);
        }
      } else {
        conform(contract, data).write().format("delta").mode("append").option("userMetadata", runId)
            .save(folder(contract));
      }
    });
  }

  /**
   * Upserts {@code data} on the contract's key: matched rows are updated, new rows inserted. {@code data} must hold
   * each key once; the caller deduplicates.
   */
  public void merge(TableContract contract, Dataset<Row> data, String runId) {
    if (contract.keyColumns().isEmpty()) {
      throw new IllegalStateException("Table " + contract.name() + " has no key columns: it cannot be merged.");
    }
    merge(contract, data, contract.keyColumns(), runId);
  }

  /**
   * Upserts {@code data} on the given columns (the key, possibly with a column that scopes it, such as a source):
   * matched rows are updated, new rows inserted, in one MERGE commit. {@code data} must hold each match key once.
   */
  public void merge(TableContract contract, Dataset<Row> data, List<String> matchColumns, String runId) {
    upsert(contract, data, matchColumns, runId, true);
  }

  /**
   * Inserts the rows of {@code data} whose match key the table does not hold, in one MERGE commit without a matched
   * clause: Delta runs it as one anti join and rewrites no file of the table, and a concurrent write of the same keys
   * still conflicts. For rows known to be new, such as an incremental load's inserts.
   */
  public void insertNew(TableContract contract, Dataset<Row> data, List<String> matchColumns, String runId) {
    upsert(contract, data, matchColumns, runId, false);
  }

  private void upsert(
      TableContract contract, Dataset<Row> data, List<String> matchColumns, String runId, boolean updateMatched) {
    ensure(contract);
    String on = matchColumns.stream().map(k -> "t." + k + " <=> s." + k).collect(Collectors.joining(" AND "));
    withUserMetadata(runId, () -> commit(contract, () -> {
      DeltaMergeBuilder merge = deltaTable(contract).as("t").merge(conform(contract, data).as("s"), on);
      if (updateMatched) {
        merge = merge.whenMatched().updateAll();
      }
      merge.whenNotMatched().insertAll().execute();
    }));
  }

  /**
   * Runs a write with the run id as the commit's userMetadata (a MERGE through the DeltaTable API takes it from the
   * session's conf, not from a write option), restoring the previous value after.
   */
  private void withUserMetadata(String runId, Runnable write) {
    String previous = spark.conf().getOption(USER_METADATA).getOrElse(() -> null);
    spark.conf().set(USER_METADATA, runId);
    try {
      write.run();
    } finally {
      if (previous == null) {
        spark.conf().unset(USER_METADATA);
      } else {
        spark.conf().set(USER_METADATA, previous);
      }
    }
  }

  /** The source column of {@link #mergeChanges} that marks a key to delete. */
  private static final String DELETE_FLAG = "_leancx_delete";

  /** The Delta table property that turns deletion vectors on. */
  static final String DELETION_VECTORS = "delta.enableDeletionVectors";

  /**
   * Brings the part of a table recomputed by a run up to date in one MERGE commit, on the contract's key: the rows of
   * {@code rows} are inserted, or update the stored row of their key when any column differs (an unchanged row is left
   * as it is); the keys of {@code replacedKeys} (the part's keys before the run) that {@code rows} no longer holds are
   * deleted. Rows outside the part are not touched. The table gets deletion vectors (once), so that the MERGE marks
   * changed rows instead of rewriting every file that holds one: its cost follows the change, not the table.
   *
   * @param rows the recomputed part, each key once
   * @param replacedKeys the key columns of the part as stored before the run (may repeat, may overlap {@code rows})
   */
  public void mergeChanges(TableContract contract, Dataset<Row> rows, Dataset<Row> replacedKeys, String runId) {
    mergeChanges(contract, rows, replacedKeys, null, List.of(), runId);
  }

  /**
   * {@link #mergeChanges(TableContract, Dataset, Dataset, String)} with a predicate on the target's columns (prefix
   * {@code t.}) that every stored row of the part satisfies: Delta skips the files whose statistics rule it out. A
   * stored row of the part that failed it would not be matched, and its key would be inserted twice.
   *
   * @param notChanges columns that do not make a row changed on their own, such as the time it was measured at: a
   *     stored row that differs from its recomputed row only there keeps its stored values
   */
  public void mergeChanges(
      TableContract contract, Dataset<Row> rows, Dataset<Row> replacedKeys, String targetPredicate,
      List<String> notChanges, String runId) {
    List<String> keys = contract.keyColumns();
    if (keys.isEmpty()) {
      throw new IllegalStateException("Table " + contract.name() + " has no key columns: it cannot be merged.");
    }
    ensure(contract);
    ensureDeletionVectors(contract);
    Column[] keyCols = keys.stream().map(k -> col(k)).toArray(Column[]::new);
    Dataset<Row> upserts = conform(contract, rows);
    Dataset<Row> deletes = replacedKeys.select(keyCols).distinct().join(upserts.select(keyCols), keys.toArray(
        String[]::new), "left_anti");
    Dataset<Row> source = upserts.withColumn(DELETE_FLAG, lit(false))
        .unionByName(deletes.withColumn(DELETE_FLAG, lit(true)), true);
    String on = keys.stream().map(k -> "t." + k + " = s." + k).collect(Collectors.joining(" AND "))
        + (targetPredicate == null ? "" : " AND (" + targetPredicate + ")");
    String changed = contract.columnNames().stream().filter(c -> !keys.contains(c) && !notChanges.contains(c))
        .map(c -> "t." + c + " <=> s." + c).collect(Collectors.joining(" AND ", "NOT (", ")"));
    Map<String, String> assignments = contract.columnNames().stream()
        .collect(Collectors.toMap(c -> c, c -> "s." + c, (a, b) -> a, java.util.LinkedHashMap::new));
    withUserMetadata(runId, () -> commit(contract, () -> deltaTable(contract).as("t").merge(source.as("s"), on)
        .whenMatched("s." + DELETE_FLAG).delete()
        .whenMatched("NOT s." + DELETE_FLAG + " AND " + changed).updateExpr(assignments)
        .whenNotMatched("NOT s." + DELETE_FLAG).insertExpr(assignments)
        .execute()));
  }

  /** Turns deletion vectors on for a table that does not have them yet (one commit, once per table). */
  private void ensureDeletionVectors(TableContract contract) {
    boolean on = spark.sql("SHOW TBLPROPERTIES " + identifier(contract)).collectAsList().stream()
        .anyMatch(r -> DELETION_VECTORS.equals(r.getString(0)) && "true".equalsIgnoreCase(r.getString(1)));
    if (!on) {
      spark.sql("ALTER TABLE " + identifier(contract) + " SET TBLPROPERTIES (" + literal(DELETION_VECTORS)
          + " = 'true')");
      LOG.info("Turned deletion vectors on for table {}", contract.name());
    }
  }

  /** Commit attempts of one write when another run commits to the same table at the same time. */
  static final int COMMIT_ATTEMPTS = 3;

  private final java.util.concurrent.atomic.AtomicInteger commitRetries =
      new java.util.concurrent.atomic.AtomicInteger();

  /** Writes through this warehouse that were retried because another run committed to their table first. */
  public int commitRetries() {
    return commitRetries.get();
  }

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
        commitRetries.incrementAndGet();
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

  /** Drops a table and deletes its files (a managed table's with it): for tests and for {@code --reset}. */
  public void drop(TableContract contract) {
    ENSURED.remove(ensuredKey(contract));
    try {
      spark.sql("DROP TABLE IF EXISTS " + qualifiedName(contract));
      if (!settings.external()) {
        return;
      }
      Path p = new Path(folder(contract));
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      fs.delete(p, true);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("Could not delete " + folder(contract), e);
    }
  }
}
