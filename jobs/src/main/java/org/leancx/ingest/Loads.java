package org.leancx.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The pure transforms of the two load modes: how a run's accepted rows compare with the rows a source already holds
 * (incremental: inserted, duplicate, updated or superseded; snapshot: which stored rows the run would remove).
 */
public final class Loads {
  /** INSERTED, UPDATED, DUPLICATE or SUPERSEDED: what an incremental load does with a run's accepted row. */
  public static final String ACTION = "_action";

  public static final String INSERTED = "INSERTED";
  public static final String UPDATED = "UPDATED";

  /** Provenance, not content: a record re-sent in another file is the same record. */
  private static final Set<String> PROVENANCE = Set.of("source_file", "source_record");
  private static final String CONTENT = "_content";
  private static final String STORED_ID = "_stored_id";
  private static final String STORED_CONTENT = "_stored_content";
  private static final String STORED_VERSION = "_stored_version";
  private static final String RUN_ID = "_run_id";

  private Loads() {}

  /**
   * A digest of a canonical row's content: every column but the provenance (source_file, source_record), the
   * attributes map included (as JSON: maps cannot be compared for equality in Spark).
   */
  static Column content(Dataset<Row> rows) {
    List<Column> fields = new ArrayList<>();
    for (String c : rows.columns()) {
      if (!PROVENANCE.contains(c)) {
        fields.add(col(c));
      }
    }
    return sha2(to_json(struct(fields.toArray(Column[]::new))), 256);
  }

  /**
   * Adds {@link #ACTION} to each of a run's accepted rows (canonical columns, each id once) against the rows the
   * source holds ({@code stored}, canonical columns): a new id is INSERTED; a row with the stored content is a
   * DUPLICATE; other content is UPDATED when its {@code source_version} is at least the stored one (or either has
   * none: the later run wins) and SUPERSEDED when it is older.
   */
  public static Dataset<Row> classify(Dataset<Row> run, Dataset<Row> stored, Target target) {
    String id = target.idField();
    Dataset<Row> storedKeys =
        stored.select(col(id).as(STORED_ID), content(stored).as(STORED_CONTENT), col("source_version").as(STORED_VERSION));
    Column older =
        col("source_version").isNotNull().and(col(STORED_VERSION).isNotNull())
            .and(col("source_version").lt(col(STORED_VERSION)));
    Column action =
        when(col(STORED_ID).isNull(), lit(INSERTED))
            .when(col(CONTENT).equalTo(col(STORED_CONTENT)), lit(Validation.DUPLICATE))
            .when(older, lit(Validation.SUPERSEDED))
            .otherwise(lit(UPDATED));
    return run.withColumn(CONTENT, content(run))
        .join(storedKeys, col(id).equalTo(col(STORED_ID)), "left")
        .withColumn(ACTION, action)
        .drop(CONTENT, STORED_ID, STORED_CONTENT, STORED_VERSION);
  }

  /** The rows an incremental load writes (inserted and updated), as the canonical columns. */
  public static Dataset<Row> written(Dataset<Row> classified) {
    return classified.where(col(ACTION).isin(INSERTED, UPDATED)).drop(ACTION);
  }

  /**
   * One row: how many rows the source holds ({@code held}) and how many of them a snapshot of {@code runIds} would
   * remove ({@code removed}: stored ids absent from the run).
   */
  public static Dataset<Row> removal(Dataset<Row> storedIds, Dataset<Row> runIds, Target target) {
    String id = target.idField();
    return storedIds
        .select(col(id))
        .join(runIds.select(col(id).as(RUN_ID)), col(id).equalTo(col(RUN_ID)), "left")
        .agg(count(lit(1)).as("held"), count(when(col(RUN_ID).isNull(), lit(1))).as("removed"));
  }
}
