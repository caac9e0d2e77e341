package org.leancx.demand;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_from_unix_date;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.unix_date;
import static org.apache.spark.sql.functions.unix_micros;

import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.leancx.ingest.CustomerClustering;

/**
 * One pass over the whole files of the customer-clustered contacts table ({@link CustomerClustering}), reading
 * customer_key, contact_date and started_at only. It checks the layout (the files' customer ranges, and that customer
 * keys ascend within each file), finds the latest start (the as-of time) and computes the service accounts of
 * {@link Recontacts#serviceAccounts} customer by customer, with no shuffle. The service accounts are kept only when
 * the layout holds; otherwise the caller uses {@link Recontacts#serviceAccounts}.
 */
public final class CustomerPass {
  private static final StructType OUT =
      new StructType()
          .add("kind", DataTypes.StringType)
          .add("customer_key", DataTypes.StringType)
          .add("contacts", DataTypes.LongType)
          .add("days_over_threshold", DataTypes.LongType)
          .add("max_contacts_per_day", DataTypes.LongType)
          .add("busiest_day", DataTypes.IntegerType)
          .add("first_day", DataTypes.IntegerType)
          .add("last_day", DataTypes.IntegerType)
          .add("first_key", DataTypes.StringType)
          .add("last_key", DataTypes.StringType)
          .add("latest_start_micros", DataTypes.LongType)
          .add("ascending", DataTypes.BooleanType);
  private static final String FILE = "file";
  private static final String ACCOUNT = "account";

  private CustomerPass() {}

  /**
   * What the pass found.
   *
   * @param clustered every customer lies in one file and in one run of it: the per-customer tagging applies
   * @param latestStart the latest started_at, null when there are no rows
   * @param files the files read (with rows)
   * @param serviceAccounts the excluded_customers rows (valid when clustered)
   */
  public record Result(boolean clustered, Instant latestStart, int files, Dataset<Row> serviceAccounts) {}

  /** Runs the pass over {@code contacts}, a filtered or plain scan of the contacts table. */
  public static Result run(SparkSession spark, Dataset<Row> contacts, RecontactRules rules) {
    int threshold = rules.serviceAccountContactsPerDay();
    Dataset<Row> narrow =
        contacts.select(
            col(Recontacts.CUSTOMER_KEY),
            unix_date(col(Recontacts.CONTACT_DATE)).as("day"),
            unix_micros(col(Recontacts.STARTED_AT)).as("micros"));
    List<Row> rows =
        CustomerClustering.readingWholeFiles(
            spark, () -> narrow.mapPartitions(new PerFile(threshold), Encoders.row(OUT)).collectAsList());
    Long latest = null;
    boolean ascending = true;
    List<String[]> ranges = new ArrayList<>();
    List<Row> accounts = new ArrayList<>();
    for (Row r : rows) {
      if (FILE.equals(r.getString(0))) {
        ascending &= r.getBoolean(11);
        ranges.add(new String[] {r.getString(8), r.getString(9)});
        long t = r.getLong(10);
        latest = latest == null ? t : Math.max(latest, t);
      } else {
        accounts.add(r);
      }
    }
    Dataset<Row> serviceAccounts =
        spark
            .createDataFrame(accounts, OUT)
            .select(
                col("customer_key"),
                col("contacts"),
                col("days_over_threshold"),
                col("max_contacts_per_day"),
                date_from_unix_date(col("busiest_day")).as("busiest_date"),
                date_from_unix_date(col("first_day")).as("first_date"),
                date_from_unix_date(col("last_day")).as("last_date"),
                lit(threshold).as("threshold"));
    Instant latestStart =
        latest == null ? null : Instant.ofEpochSecond(Math.floorDiv(latest, 1_000_000L), Math.floorMod(latest, 1_000_000L) * 1000L);
    return new Result(ascending && CustomerClustering.disjoint(ranges), latestStart, ranges.size(), serviceAccounts);
  }

  /**
   * Over one file: a service-account row for each customer over the threshold and one file row (customer range,
   * ascending or not, latest start). Rows: customer_key, day (days since 1970), micros.
   */
  private static final class PerFile implements MapPartitionsFunction<Row, Row>, Serializable {
    private static final long serialVersionUID = 1L;
    private final int threshold;

    PerFile(int threshold) {
      this.threshold = threshold;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> in) {
      List<Row> out = new ArrayList<>();
      if (!in.hasNext()) {
        return out.iterator();
      }
      String first = null;
      String current = null;
      boolean ascending = true;
      long latest = Long.MIN_VALUE;
      Map<Integer, Long> perDay = new HashMap<>();
      while (in.hasNext()) {
        Row r = in.next();
        String key = r.getString(0);
        if (!key.equals(current)) {
          if (current != null) {
            account(current, perDay, out);
            ascending &= CustomerClustering.compareCodePoints(key, current) > 0;
          } else {
            first = key;
          }
          current = key;
          perDay.clear();
        }
        perDay.merge(r.getInt(1), 1L, Long::sum);
        latest = Math.max(latest, r.getLong(2));
      }
      account(current, perDay, out);
      out.add(RowFactory.create(FILE, null, null, null, null, null, null, null, first, current, latest, ascending));
      return out.iterator();
    }

    /** The rule of {@link Recontacts#serviceAccounts}: busiest date is the later one on a tie. */
    private void account(String customer, Map<Integer, Long> perDay, List<Row> out) {
      long contacts = 0;
      long over = 0;
      long most = -1;
      int busiest = Integer.MIN_VALUE;
      int firstDay = Integer.MAX_VALUE;
      int lastDay = Integer.MIN_VALUE;
      for (Map.Entry<Integer, Long> e : perDay.entrySet()) {
        int day = e.getKey();
        long n = e.getValue();
        contacts += n;
        if (n > threshold) {
          over++;
        }
        if (n > most || (n == most && day > busiest)) {
          most = n;
          busiest = day;
        }
        firstDay = Math.min(firstDay, day);
        lastDay = Math.max(lastDay, day);
      }
      if (over > 0) {
        out.add(
            RowFactory.create(ACCOUNT, customer, contacts, over, most, busiest, firstDay, lastDay, null, null, null, null));
      }
    }
  }
}
