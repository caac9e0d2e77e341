package org.leancx.ingest;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.leancx.common.SparkTestBase;
import org.leancx.common.Warehouse;
import org.leancx.ingest.IngestJob.Shrink;

/**
 * The load modes' rules as Dataset to Dataset functions on inline rows: an incremental run's rows against the stored
 * ones (inserted, duplicate, updated, superseded) and a snapshot's removal count and shrink guard. The job's wiring
 * (run log counts, quarantine per file, provenance) is LoadModesTest's.
 */
class LoadsTest extends SparkTestBase {
  /** The columns the rules look at: the id, content, a version and the provenance (which is not content). */
  private static final StructType ROWS =
      new StructType()
          .add("contact_id", DataTypes.StringType)
          .add("reason", DataTypes.StringType)
          .add("source_version", DataTypes.createDecimalType(38, 6))
          .add("source_file", DataTypes.StringType)
          .add("source_record", DataTypes.LongType);

  private static Object[] row(String id, String reason, Integer version, String file) {
    return new Object[] {id, reason, version == null ? null : new BigDecimal(version).setScale(6), file, 1L};
  }

  private static Map<String, String> actions(Dataset<Row> classified) {
    Map<String, String> out = new TreeMap<>();
    classified.collectAsList().forEach(r -> out.put(r.getAs("contact_id"), r.getAs(Loads.ACTION)));
    return out;
  }

  @Test
  void aRunsRowsAreInsertedDuplicateUpdatedOrSupersededAgainstTheStoredOnes() {
    Dataset<Row> stored = rows(ROWS,
        row("same", "billing", null, "day1.csv"),
        row("resent", "billing", null, "day1.csv"),
        row("changed", "billing", null, "day1.csv"),
        row("newer", "billing", 10, "day1.csv"),
        row("older", "billing", 10, "day1.csv"),
        row("unversioned", "billing", 10, "day1.csv"),
        row("equal-version", "billing", 10, "day1.csv"));
    Dataset<Row> run = rows(ROWS,
        row("new", "billing", null, "day2.csv"),
        row("same", "billing", null, "day1.csv"),
        row("resent", "billing", null, "day2.csv"),     // another file, same content: a duplicate
        row("changed", "moving", null, "day2.csv"),     // no versions: the later run wins
        row("newer", "moving", 11, "day2.csv"),
        row("older", "moving", 9, "day2.csv"),
        row("unversioned", "moving", null, "day2.csv"), // one side without a version: the later run wins
        row("equal-version", "moving", 10, "day2.csv"));
    Dataset<Row> classified = Loads.classify(run, stored, Target.CONTACTS);

    assertThat(actions(classified)).containsExactlyEntriesOf(new TreeMap<>(Map.of(
        "new", Loads.INSERTED, "same", Validation.DUPLICATE, "resent", Validation.DUPLICATE,
        "changed", Loads.UPDATED, "newer", Loads.UPDATED, "older", Validation.SUPERSEDED,
        "unversioned", Loads.UPDATED, "equal-version", Loads.UPDATED)));
    assertThat(classified.columns()).containsExactly(
        "contact_id", "reason", "source_version", "source_file", "source_record", Loads.ACTION);
    Dataset<Row> written = Loads.written(classified);
    assertThat(written.columns()).containsExactly(ROWS.fieldNames());
    assertThat(written.select("contact_id").as(org.apache.spark.sql.Encoders.STRING()).collectAsList())
        .containsExactlyInAnyOrder("new", "changed", "newer", "unversioned", "equal-version");
  }

  @Test
  void intoAnEmptySourceEveryRowIsInserted() {
    Dataset<Row> run = rows(ROWS, row("a", "billing", null, "f.csv"), row("b", "billing", 3, "f.csv"));
    assertThat(actions(Loads.classify(run, rows(ROWS), Target.CONTACTS)))
        .containsOnlyKeys("a", "b")
        .containsValues(Loads.INSERTED);
  }

  @Test
  void aSnapshotRemovesTheStoredIdsItLacks() {
    Dataset<Row> stored = rows(ROWS, row("a", "x", null, "f"), row("b", "x", null, "f"), row("c", "x", null, "f"));
    Dataset<Row> run = rows(ROWS, row("b", "y", null, "g"), row("d", "y", null, "g"));
    Row removal = Loads.removal(stored, run, Target.CONTACTS).first();
    assertThat(removal.getLong(0)).as("held").isEqualTo(3);
    assertThat(removal.getLong(1)).as("removed: a and c").isEqualTo(2);
    assertThat(Loads.removal(stored.where(col("contact_id").equalTo("none")), run, Target.CONTACTS).first().getLong(0))
        .isZero();
  }

  @Test
  void theShrinkGuardRefusesAboveTheShareFromTheMinimumRowsUnlessAllowed() {
    Warehouse w = warehouse("loads-shrink");
    SourceMapping mapping = SourceMapping.load(settings(), "synthetic_contacts", null);
    IngestSettings guarded = IngestSettings.from(settings()); // 20%, from 100 rows
    assertThat(guarded.maxRemovedShare()).isEqualTo(0.2);
    assertThat(guarded.shrinkGuardMinRows()).isEqualTo(100);

    IngestJob.checkShrink(w, mapping, guarded, Shrink.REFUSE, 1000, 200, 800); // 20%: at the share, passes
    IngestJob.checkShrink(w, mapping, guarded, Shrink.REFUSE, 99, 90, 9);      // below the minimum rows: not guarded
    IngestJob.checkShrink(w, mapping, guarded, Shrink.ALLOW, 1000, 900, 100);  // meant
    IngestJob.checkShrink(w, mapping, guarded, Shrink.REFUSE, 0, 0, 10);       // a first load
    assertThatThrownBy(() -> IngestJob.checkShrink(w, mapping, guarded, Shrink.REFUSE, 1000, 201, 799))
        .isInstanceOf(IngestException.class)
        .hasMessageContaining("holds 1,000 rows")
        .hasMessageContaining("would remove 201 of them (20.1%)")
        .hasMessageContaining("ingest.max-removed-share 20.0%")
        .hasMessageContaining("--load incremental")
        .hasMessageContaining("--allow-shrink");
  }
}
