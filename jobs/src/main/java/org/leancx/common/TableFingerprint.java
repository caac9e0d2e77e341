package org.leancx.common;

import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.map_entries;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.shiftright;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.xxhash64;

import java.util.Arrays;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.MapType;

/**
 * An order-independent fingerprint of a table's content (row count and the sum of per-row hashes), to show that a
 * rerun left a table identical without collecting it.
 */
public record TableFingerprint(long rows, long hashSum) {

  /** Fingerprints every column of {@code data}; equal content in any row order gives an equal fingerprint. */
  public static TableFingerprint of(Dataset<Row> data) {
    // Spark refuses to hash maps (equal maps may differ in entry order): hash their sorted entries instead.
    Column[] cols =
        Arrays.stream(data.schema().fields())
            .map(f -> f.dataType() instanceof MapType
                ? array_sort(map_entries(col("`" + f.name() + "`")))
                : col("`" + f.name() + "`"))
            .toArray(Column[]::new);
    // Summing 64-bit hashes wraps around silently in non-ANSI long arithmetic; ANSI mode would throw on overflow, so
    // sum the hash split into two 32-bit halves as decimals.
    Column h = xxhash64(cols);
    Row r =
        data.agg(
                count(lit(1)),
                coalesce(sum(h.bitwiseAND(lit(0xFFFFFFFFL)).cast("decimal(38,0)")), lit(0)),
                coalesce(sum(shiftright(h, 32).cast("decimal(38,0)")), lit(0)))
            .first();
    long low = r.getDecimal(1).longValue();
    long high = r.getDecimal(2).longValue();
    return new TableFingerprint(r.getLong(0), low * 31 + high);
  }
}
