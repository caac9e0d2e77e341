package org.leancx.ingest;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The customer-clustered layout of the contacts table: ingest writes each source's contacts range-partitioned by
 * customer_key into files of about {@code ingest.contacts-rows-per-file} rows, each sorted by customer, start and
 * contact id, so that every customer's contacts lie in one file and in one run. A job that works per customer
 * (failure-demand) then reads each file as one partition and needs neither a shuffle nor a sort.
 *
 * <p>Nothing trusts the layout blindly: failure-demand's first pass (CustomerPass) checks from the data that customer
 * keys ascend within each file and that the files' customer ranges do not overlap (a second source, an append by
 * another writer or a compaction breaks that); the per-customer tagging checks the order again and fails with
 * {@link #NOT_CLUSTERED} otherwise, and the job then falls back to the shuffle.
 */
public final class CustomerClustering {
  /** The marker of the error raised by a per-customer pass over a file that is not clustered. */
  public static final String NOT_CLUSTERED = "LEANCX_NOT_CLUSTERED_BY_CUSTOMER";

  private static final String CUSTOMER_KEY = "customer_key";
  private static final String STARTED_AT = "started_at";
  private static final String CONTACT_ID = "contact_id";
  /** Larger than any file: each file is one whole partition (no split, no packing of two files). */
  private static final String WHOLE_FILE_BYTES = Long.toString(1L << 50);

  private CustomerClustering() {}

  /**
   * The rows in the clustered layout: {@code files} range partitions by customer_key, each sorted by customer_key,
   * started_at and contact_id. Each partition becomes one file when written.
   */
  public static Dataset<Row> cluster(Dataset<Row> contacts, int files) {
    return contacts
        .repartitionByRange(files, col(CUSTOMER_KEY))
        .sortWithinPartitions(col(CUSTOMER_KEY), col(STARTED_AT), col(CONTACT_ID));
  }

  /**
   * How many files {@code rows} contacts get: about {@code rowsPerFile} each, rounded up to a multiple of the
   * parallelism so that no core idles in the last wave of a per-file pass.
   */
  public static int files(long rows, long rowsPerFile, int parallelism) {
    if (rowsPerFile < 1) {
      throw new IllegalArgumentException("rows per file must be at least 1, not " + rowsPerFile);
    }
    int p = Math.max(1, parallelism);
    long byRows = Math.max(1, (rows + rowsPerFile - 1) / rowsPerFile);
    long rounded = (byRows + p - 1) / p * p;
    return (int) Math.min(rounded, Integer.MAX_VALUE - p);
  }

  /** True when the [min, max] ranges (Spark's string order) of no two files overlap. */
  public static boolean disjoint(List<String[]> ranges) {
    List<String[]> sorted = new ArrayList<>(ranges);
    sorted.sort(Comparator.comparing((String[] r) -> r[0], CustomerClustering::compareCodePoints));
    for (int i = 1; i < sorted.size(); i++) {
      if (compareCodePoints(sorted.get(i - 1)[1], sorted.get(i)[0]) >= 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * Runs {@code action} with file scans planned one partition per whole file, then restores the session's file
   * settings. The per-customer pass relies on it: a file split in two would cut a customer in two.
   */
  public static <T> T readingWholeFiles(SparkSession spark, Supplier<T> action) {
    String[] keys = {"spark.sql.files.maxPartitionBytes", "spark.sql.files.openCostInBytes"};
    String[] previous = new String[keys.length];
    for (int i = 0; i < keys.length; i++) {
      previous[i] = spark.conf().getOption(keys[i]).getOrElse(() -> null);
      spark.conf().set(keys[i], WHOLE_FILE_BYTES);
    }
    try {
      return action.get();
    } finally {
      for (int i = 0; i < keys.length; i++) {
        if (previous[i] == null) {
          spark.conf().unset(keys[i]);
        } else {
          spark.conf().set(keys[i], previous[i]);
        }
      }
    }
  }

  /** {@link #readingWholeFiles(SparkSession, Supplier)} for an action without a result. */
  public static void readingWholeFiles(SparkSession spark, Runnable action) {
    readingWholeFiles(
        spark,
        () -> {
          action.run();
          return null;
        });
  }

  /** True when {@code e} or one of its causes is the failure of a per-customer pass over an unclustered file. */
  public static boolean isNotClustered(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null && t.getMessage().contains(NOT_CLUSTERED)) {
        return true;
      }
    }
    return false;
  }

  /** Strings in Spark's order (UTF-8 bytes, i.e. code points), nulls first. */
  public static int compareCodePoints(String a, String b) {
    if (a == null || b == null) {
      return a == null ? (b == null ? 0 : -1) : 1;
    }
    int n = Math.min(a.length(), b.length());
    for (int i = 0; i < n; i++) {
      char x = a.charAt(i);
      char y = b.charAt(i);
      if (x != y) {
        // UTF-16 order differs from code point order only where a surrogate meets a char above U+D7FF.
        if (Character.isSurrogate(x) || Character.isSurrogate(y)) {
          return Integer.compare(a.codePointAt(i), b.codePointAt(i));
        }
        return Character.compare(x, y);
      }
    }
    return Integer.compare(a.length(), b.length());
  }
}
