package org.leancx.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.leancx.common.JobRunner;
import org.leancx.common.Settings;
import org.leancx.common.Step;
import org.leancx.common.Summarised;
import org.leancx.common.TableContract;
import org.leancx.common.Warehouse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest job: reads one source through its mapping, validates and pseudonymises it, and loads it into the
 * canonical table in one recorded run: a snapshot replaces the source's rows (refusing a large shrink), an incremental
 * load merges the run's records by id. Rejected records go to the quarantine.
 */
public final class IngestJob {
  private static final Logger LOG = LoggerFactory.getLogger(IngestJob.class);
  static final String JOB = "ingest";

  /** Whether a snapshot load may remove more than ingest.max-removed-share of a source's rows. */
  public enum Shrink {
    /** Refuse it before anything is written (the default). */
    REFUSE,
    /** The shrink is meant ({@code --allow-shrink}). */
    ALLOW
  }

  /**
   * What to load, beyond the mapping.
   *
   * @param pathOverride replaces the mapping's path (absolute or relative to the working directory), or null
   * @param load replaces the mapping's load mode, or null
   * @param shrink whether a shrinking snapshot is allowed
   */
  public record Request(String pathOverride, SourceMapping.LoadMode load, Shrink shrink) {
    public Request {
      java.util.Objects.requireNonNull(shrink, "shrink");
    }

    /** The mapping's path and load mode, shrinks refused. */
    public static Request defaults() {
      return new Request(null, null, Shrink.REFUSE);
    }
  }

  /**
   * What one source's ingest did. {@code inputRows = inserted + updated + duplicates + superseded + quarantined}.
   *
   * @param source the source name
   * @param target the canonical table written
   * @param files how many input files were read
   * @param inputRows records read (headers and blank lines excluded)
   * @param accepted rows written to the canonical table (inserted + updated)
   * @param quarantined rows written to the quarantine
   * @param duplicates records equal to a kept one (of the run, or stored), not written
   * @param quarantinedByReason quarantined rows per reason code
   * @param table the canonical table's qualified name and location
   * @param quarantineTable the quarantine's qualified name and location
   * @param runId the run in pipeline_runs
   * @param load the load mode used
   * @param inserted rows of ids the source did not hold
   * @param updated rows that replaced a stored row of their id
   * @param superseded older versions of a record, not written
   * @param removed stored rows of the source that a snapshot load removed (0 for incremental loads)
   */
  public record Result(
      String source,
      String target,
      int files,
      long inputRows,
      long accepted,
      long quarantined,
      long duplicates,
      Map<String, Long> quarantinedByReason,
      String table,
      String quarantineTable,
      String runId,
      SourceMapping.LoadMode load,
      long inserted,
      long updated,
      long superseded,
      long removed) implements Summarised {
    public Result {
      quarantinedByReason = Map.copyOf(quarantinedByReason);
    }

    /** E.g. {@code synthetic_contacts -> contacts (snapshot): 255,574 rows from 1 file(s): 253,913 accepted, ...}. */
    @Override
    public String summary() {
      StringBuilder reasons = new StringBuilder();
      quarantinedByReason.entrySet().stream()
          .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
          .forEach(e -> reasons.append(reasons.length() == 0 ? " (" : ", ")
              .append(String.format(java.util.Locale.ROOT, "%s %,d", e.getKey(), e.getValue())));
      if (reasons.length() > 0) {
        reasons.append(')');
      }
      return String.format(java.util.Locale.ROOT,
          "%s -> %s (%s): %,d rows from %d file(s): %,d accepted (%,d inserted, %,d updated), %,d quarantined%s,"
              + " %,d duplicates, %,d superseded%s",
          source, target, load.label(), inputRows, files, accepted, inserted, updated, quarantined, reasons, duplicates,
          superseded, load == SourceMapping.LoadMode.SNAPSHOT ? String.format(java.util.Locale.ROOT,
              ", %,d removed", removed) : "");
    }
  }

  private IngestJob() {}

  /**
   * Ingests one source with its mapping's load mode.
   *
   * @param pathOverride replaces the mapping's path (absolute or relative to the working directory), or null
   */
  public static Result run(Warehouse warehouse, Settings settings, String sourceName, String pathOverride) {
    return load(warehouse, settings, sourceName, new Request(pathOverride, null, Shrink.REFUSE));
  }

  /** Ingests one source as requested (another path, another load mode, a shrink allowed). */
  public static Result load(Warehouse warehouse, Settings settings, String sourceName, Request request) {
    SourceMapping mapping = SourceMapping.load(settings, sourceName, request.pathOverride());
    if (request.load() != null) {
      mapping = mapping.withLoad(request.load());
    }
    checkLoad(mapping);
    IngestSettings ingest = IngestSettings.from(settings);
    Pseudonymizer pseudonymizer = Pseudonymizer.from(settings);
    String arguments = "--source " + sourceName + (request.pathOverride() == null ? "" : " --path " + request.pathOverride())
        + " --load " + mapping.load().label() + (request.shrink() == Shrink.ALLOW ? " --allow-shrink" : "");
    SourceMapping m = mapping;
    return JobRunner.run(warehouse, settings, JOB, arguments,
        run -> ingest(warehouse, m, ingest, pseudonymizer, request.shrink(), run));
  }

  /** An incremental load merges by id: a case_events id made of file and record would insert re-sent events again. */
  static void checkLoad(SourceMapping mapping) {
    if (mapping.load() == SourceMapping.LoadMode.INCREMENTAL && mapping.target() == Target.CASE_EVENTS
        && !mapping.columns().containsKey("event_id")) {
      throw new org.leancx.common.SettingsException(
          "Source " + mapping.name() + " is loaded incrementally but " + mapping.origin() + " maps no event_id: its"
              + " ids would be <source>:<file>:<record>, so a re-sent event would be inserted again. Map"
              + " columns.event_id to the export's event id, or load it as a snapshot (--load snapshot).");
    }
  }

  static Result ingest(
      Warehouse warehouse, SourceMapping mapping, IngestSettings ingest, Pseudonymizer pseudonymizer,
      org.leancx.common.RunLog.Run run) {
    return ingest(warehouse, mapping, ingest, pseudonymizer, Shrink.REFUSE, run);
  }

  static Result ingest(
      Warehouse warehouse, SourceMapping mapping, IngestSettings ingest, Pseudonymizer pseudonymizer, Shrink shrink,
      org.leancx.common.RunLog.Run run) {
    SparkSession spark = warehouse.spark();
    String job = JOB + " " + mapping.name();
    SourceReader.RawInput raw = Step.run(spark, job, "listing and checking " + mapping.path(),
        () -> SourceReader.read(spark, mapping));
    Validation.Plausibility plausibility = Validation.Plausibility.of(ingest, Instant.now());
    Dataset<Row> validated = Validation.validate(raw.rows(), raw.columns(), mapping, plausibility, pseudonymizer);
    Dataset<Row> repeatedIds = Validation.repeatedIds(validated, mapping).persist(StorageLevel.MEMORY_AND_DISK());
    Validation.Resolution resolution;
    try {
      Row repeats = Step.run(spark, job, "finding repeated " + mapping.target().idField() + "s",
          () -> repeatedIds.agg(count(lit(1)), sum(col(Validation.REPEATED_ROWS))).first());
      long repeatedRows = repeats.isNullAt(1) ? 0 : repeats.getLong(1);
      boolean broadcast = repeatedRows <= ingest.broadcastRepeatedRows();
      LOG.info("Source {}: {} {}s occur in more than one record ({} records): {}", mapping.name(), repeats.getLong(0),
          mapping.target().idField(), repeatedRows,
          broadcast ? "resolved among themselves" : "more than ingest.broadcast-repeated-rows, every record is ranked");
      resolution = Validation.resolveDuplicates(validated, raw.columns(), mapping, broadcast ? repeatedIds : null);
    } catch (RuntimeException e) {
      repeatedIds.unpersist();
      throw e;
    }
    Dataset<Row> resolved = resolution.rows();
    List<Dataset<Row>> cached = new ArrayList<>();
    try {
      Map<String, Long> byStatus = new TreeMap<>();
      Map<String, Long> byReason = new TreeMap<>();
      java.util.Set<String> runFiles = new java.util.TreeSet<>();
      List<Row> counts = Step.run(spark, job, "validating " + raw.files().size() + " file(s)",
          () -> resolved.groupBy(col(Validation.STATUS), col(Validation.CODE), col(SourceReader.FILE)).count()
              .collectAsList());
      for (Row r : counts) {
        byStatus.merge(r.getString(0), r.getLong(3), Long::sum);
        if (r.getString(1) != null) {
          byReason.merge(r.getString(1), r.getLong(3), Long::sum);
        }
        runFiles.add(r.getString(2));
      }
      long acceptedRows = byStatus.getOrDefault(Validation.ACCEPTED, 0L);
      long quarantined = byStatus.getOrDefault(Validation.QUARANTINED, 0L);
      long duplicates = byStatus.getOrDefault(Validation.DUPLICATE, 0L);
      long superseded = byStatus.getOrDefault(Validation.SUPERSEDED, 0L);
      long input = acceptedRows + quarantined + duplicates + superseded;
      if (input == 0) {
        throw new IngestException(
            "Source " + mapping.name() + " has no records in " + raw.files() + " (header only?). Nothing was written,"
                + " so that an empty export cannot wipe the table: check the export.");
      }
      TableContract contract = mapping.target().contract();
      Dataset<Row> rows = Warehouse.conform(contract, Validation.accepted(resolved, mapping));
      Dataset<Row> stored =
          warehouse.exists(contract)
              ? warehouse.read(contract).where(col("source").equalTo(lit(mapping.name())))
              : spark.createDataFrame(List.of(), contract.schema());
      boolean snapshot = mapping.load() == SourceMapping.LoadMode.SNAPSHOT;
      long inserted;
      long updated;
      long removed = 0;
      Dataset<Row> classified = null;
      if (snapshot) {
        long held = 0;
        if (warehouse.exists(contract)) {
          Row removal = Step.run(spark, job, "comparing with the rows the source holds",
              () -> Loads.removal(stored, rows, mapping.target()).first());
          held = removal.getLong(0);
          removed = removal.getLong(1);
        }
        checkShrink(warehouse, mapping, ingest, shrink, held, removed, acceptedRows);
        updated = held - removed;
        inserted = acceptedRows - updated;
      } else {
        classified = Loads.classify(rows, stored, mapping.target()).persist(StorageLevel.MEMORY_AND_DISK());
        cached.add(classified);
        Dataset<Row> actions = classified;
        Map<String, Long> byAction = new TreeMap<>();
        Step.run(spark, job, "comparing " + acceptedRows + " rows with the rows the source holds",
            () -> actions.groupBy(col(Loads.ACTION)).count().collectAsList())
            .forEach(r -> byAction.put(r.getString(0), r.getLong(1)));
        inserted = byAction.getOrDefault(Loads.INSERTED, 0L);
        updated = byAction.getOrDefault(Loads.UPDATED, 0L);
        duplicates += byAction.getOrDefault(Validation.DUPLICATE, 0L);
        superseded += byAction.getOrDefault(Validation.SUPERSEDED, 0L);
      }
      long written = inserted + updated;
      run.count("input_rows", input);
      run.count("accepted", written);
      run.count("inserted", inserted);
      run.count("updated", updated);
      run.count("quarantined", quarantined);
      run.count("duplicates", duplicates);
      run.count("superseded", superseded);
      run.count("removed", removed);
      run.count("files", raw.files().size());
      byReason.forEach((reason, n) -> run.count("quarantined." + reason, n));

      // A snapshot replaces the source's quarantine; an incremental load replaces that of the files it read.
      String where = "source = " + sqlString(mapping.name());
      String quarantineWhere =
          snapshot ? where : where + " AND source_file IN (" + String.join(", ", runFiles.stream().map(IngestJob::sqlString).toList()) + ")";
      // A clean load whose files have no quarantined rows stored leaves the table as it is: a commit of nothing
      // costs a second or two per run, which adds up over daily loads of clean drops.
      boolean quarantineChanges = quarantined > 0
          || (warehouse.exists(CanonicalTables.QUARANTINE)
              && !warehouse.read(CanonicalTables.QUARANTINE).where(quarantineWhere).isEmpty());
      if (quarantineChanges) {
        Step.run(spark, job, "writing " + quarantined + " rows to quarantine",
            () -> warehouse.replaceWhere(CanonicalTables.QUARANTINE, Validation.quarantined(resolved, mapping),
                quarantineWhere, run.id()));
      } else {
        warehouse.ensure(CanonicalTables.QUARANTINE);
        LOG.info("Source {}: no record quarantined and none stored for these files: quarantine unchanged",
            mapping.name());
      }
      run.output(CanonicalTables.QUARANTINE);
      double rejectRate = (double) quarantined / input;
      if (rejectRate > ingest.maxRejectRate()) {
        throw new IngestException(String.format(java.util.Locale.ROOT,
            "Source %s rejected %d of %d records (%.1f%%), more than ingest.max-reject-rate %.1f%%: %s. %s was not"
                + " written. Look at the rejects with SELECT * FROM %s WHERE source = '%s', fix the export or the"
                + " mapping %s, or raise ingest.max-reject-rate.",
            mapping.name(), quarantined, input, 100 * rejectRate, 100 * ingest.maxRejectRate(), byReason,
            mapping.target().tableName(), warehouse.qualifiedName(CanonicalTables.QUARANTINE), mapping.name(),
            mapping.origin()));
      }
      if (snapshot) {
        Dataset<Row> out = rows;
        if (mapping.target() == Target.CONTACTS) {
          // One shuffle here spares every full failure-demand run its shuffle and sort (CustomerClustering).
          out = CustomerClustering.cluster(
              out,
              CustomerClustering.files(acceptedRows, ingest.contactsRowsPerFile(), spark.sparkContext().defaultParallelism()));
        }
        Dataset<Row> replacement = out;
        Step.run(spark, job, "writing " + acceptedRows + " rows to " + mapping.target().tableName(),
            () -> warehouse.replaceWhere(contract, replacement, where, run.id()));
      } else if (written > 0) {
        Dataset<Row> merged = Loads.written(classified);
        boolean onlyInserts = updated == 0;
        Step.run(spark, job, "merging " + inserted + " new and " + updated + " updated rows into "
                + mapping.target().tableName(),
            () -> {
              List<String> key = List.of("source", mapping.target().idField());
              if (onlyInserts) {
                // Only new ids (the usual daily drop): an insert-only MERGE, one pass and no file rewritten.
                warehouse.insertNew(contract, merged, key, run.id());
              } else {
                warehouse.merge(contract, merged, key, run.id());
              }
            });
      } else {
        LOG.info("Source {}: nothing new, every accepted record is already stored", mapping.name());
      }
      run.output(contract);
      LOG.info("Source {} ({}): {} input rows, {} inserted, {} updated, {} quarantined {}, {} duplicates, {} superseded,"
              + " {} removed", mapping.name(), mapping.load().label(), input, inserted, updated, quarantined, byReason,
          duplicates, superseded, removed);
      return new Result(
          mapping.name(), mapping.target().tableName(), raw.files().size(), input, written, quarantined, duplicates,
          byReason,
          warehouse.qualifiedName(contract) + " at " + warehouse.location(contract),
          warehouse.qualifiedName(CanonicalTables.QUARANTINE) + " at " + warehouse.location(CanonicalTables.QUARANTINE),
          run.id(), mapping.load(), inserted, updated, superseded, removed);
    } finally {
      cached.forEach(Dataset::unpersist);
      resolution.close();
      repeatedIds.unpersist();
    }
  }

  /**
   * Refuses, before anything is written, a snapshot that would remove more than ingest.max-removed-share of the rows
   * a source holds: the usual cause is a daily drop loaded as if it were the whole export.
   */
  static void checkShrink(
      Warehouse warehouse, SourceMapping mapping, IngestSettings ingest, Shrink shrink, long held, long removed,
      long accepted) {
    if (held == 0 || removed == 0) {
      return;
    }
    double share = (double) removed / held;
    if (share <= ingest.maxRemovedShare()) {
      LOG.info("Source {}: the snapshot removes {} of the {} rows it held", mapping.name(), removed, held);
      return;
    }
    if (shrink == Shrink.ALLOW || held < ingest.shrinkGuardMinRows()) {
      LOG.warn("Source {}: the snapshot removes {} of the {} rows it held ({}){}", mapping.name(), removed, held,
          String.format(java.util.Locale.ROOT, "%.1f%%", 100 * share),
          shrink == Shrink.ALLOW ? " (--allow-shrink)" : " (fewer than ingest.shrink-guard-min-rows, not guarded)");
      return;
    }
    throw new IngestException(String.format(java.util.Locale.ROOT,
        "Source %s holds %,d rows in %s, and this snapshot load of %,d accepted rows from %s would remove %,d of them"
            + " (%.1f%%), more than ingest.max-removed-share %.1f%%. Nothing was written: the table keeps its rows. If"
            + " these files are a new drop (new and changed records) rather than the whole export, load them with"
            + " --load incremental (or set load = incremental in %s); if the shrink is meant, rerun with"
            + " --allow-shrink.",
        mapping.name(), held, warehouse.qualifiedName(mapping.target().contract()), accepted, mapping.path(), removed,
        100 * share, 100 * ingest.maxRemovedShare(), mapping.origin()));
  }

  /** A SQL string literal for a replaceWhere predicate (Delta takes the predicate as text). */
  private static String sqlString(String value) {
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }
}
