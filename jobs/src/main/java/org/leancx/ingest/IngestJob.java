package org.leancx.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import java.time.Instant;
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
import org.leancx.common.Warehouse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest job: reads one source through its mapping, validates and pseudonymises it, and replaces that source's
 * rows in the canonical table and in the quarantine, in one recorded run.
 */
public final class IngestJob {
  private static final Logger LOG = LoggerFactory.getLogger(IngestJob.class);
  static final String JOB = "ingest";

  /**
   * What one source's ingest did. {@code inputRows = accepted + quarantined + duplicates}.
   *
   * @param source the source name
   * @param target the canonical table written
   * @param files how many input files were read
   * @param inputRows records read (headers and blank lines excluded)
   * @param accepted rows written to the canonical table
   * @param quarantined rows written to the quarantine
   * @param duplicates exact duplicates of an accepted row, dropped
   * @param quarantinedByReason quarantined rows per reason code
   * @param table the canonical table's qualified name and location
   * @param quarantineTable the quarantine's qualified name and location
   * @param runId the run in pipeline_runs
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
      String runId) implements Summarised {
    public Result {
      quarantinedByReason = Map.copyOf(quarantinedByReason);
    }

    /** E.g. {@code synthetic_contacts -> contacts: 255,574 rows from 1 file(s): 253,913 accepted, ...}. */
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
          "%s -> %s: %,d rows from %d file(s): %,d accepted, %,d quarantined%s, %,d duplicates",
          source, target, inputRows, files, accepted, quarantined, reasons, duplicates);
    }
  }

  private IngestJob() {}

  /**
   * Ingests one source.
   *
   * @param pathOverride replaces the mapping's path (absolute or relative to the working directory), or null
   */
  public static Result run(Warehouse warehouse, Settings settings, String sourceName, String pathOverride) {
    SourceMapping mapping = SourceMapping.load(settings, sourceName, pathOverride);
    IngestSettings ingest = IngestSettings.from(settings);
    Pseudonymizer pseudonymizer = Pseudonymizer.from(settings);
    String arguments = "--source " + sourceName + (pathOverride == null ? "" : " --path " + pathOverride);
    return JobRunner.run(warehouse, settings, JOB, arguments, run -> ingest(warehouse, mapping, ingest, pseudonymizer, run));
  }

  static Result ingest(
      Warehouse warehouse, SourceMapping mapping, IngestSettings ingest, Pseudonymizer pseudonymizer,
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
    try {
      Map<String, Long> byStatus = new TreeMap<>();
      Map<String, Long> byReason = new TreeMap<>();
      List<Row> counts = Step.run(spark, job, "validating " + raw.files().size() + " file(s)",
          () -> resolved.groupBy(col(Validation.STATUS), col(Validation.CODE)).count().collectAsList());
      for (Row r : counts) {
        byStatus.merge(r.getString(0), r.getLong(2), Long::sum);
        if (r.getString(1) != null) {
          byReason.put(r.getString(1), r.getLong(2));
        }
      }
      long accepted = byStatus.getOrDefault(Validation.ACCEPTED, 0L);
      long quarantined = byStatus.getOrDefault(Validation.QUARANTINED, 0L);
      long duplicates = byStatus.getOrDefault(Validation.DUPLICATE, 0L);
      long input = accepted + quarantined + duplicates;
      run.count("input_rows", input);
      run.count("accepted", accepted);
      run.count("quarantined", quarantined);
      run.count("duplicates", duplicates);
      run.count("files", raw.files().size());
      byReason.forEach((reason, n) -> run.count("quarantined." + reason, n));
      if (input == 0) {
        throw new IngestException(
            "Source " + mapping.name() + " has no records in " + raw.files() + " (header only?). Nothing was written,"
                + " so that an empty export cannot wipe the table: check the export.");
      }
      String where = "source = '" + mapping.name() + "'";
      Step.run(spark, job, "writing " + quarantined + " rows to quarantine",
          () -> warehouse.replaceWhere(CanonicalTables.QUARANTINE, Validation.quarantined(resolved, mapping), where, run.id()));
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
      Dataset<Row> rows = Validation.accepted(resolved, mapping);
      if (mapping.target() == Target.CONTACTS) {
        // One shuffle here spares every full failure-demand run its shuffle and sort (CustomerClustering).
        rows = CustomerClustering.cluster(
            rows,
            CustomerClustering.files(accepted, ingest.contactsRowsPerFile(), spark.sparkContext().defaultParallelism()));
      }
      Dataset<Row> written = rows;
      Step.run(spark, job, "writing " + accepted + " rows to " + mapping.target().tableName(),
          () -> warehouse.replaceWhere(mapping.target().contract(), written, where, run.id()));
      run.output(mapping.target().contract());
      LOG.info("Source {}: {} input rows, {} accepted, {} quarantined {}, {} duplicates", mapping.name(), input, accepted,
          quarantined, byReason, duplicates);
      return new Result(
          mapping.name(), mapping.target().tableName(), raw.files().size(), input, accepted, quarantined, duplicates,
          byReason,
          warehouse.qualifiedName(mapping.target().contract()) + " at " + warehouse.location(mapping.target().contract()),
          warehouse.qualifiedName(CanonicalTables.QUARANTINE) + " at " + warehouse.location(CanonicalTables.QUARANTINE),
          run.id());
    } finally {
      resolution.close();
      repeatedIds.unpersist();
    }
  }
}
