package org.leancx.demand;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_from_unix_date;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.last;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.timestamp_micros;
import static org.apache.spark.sql.functions.try_element_at;
import static org.apache.spark.sql.functions.unix_date;
import static org.apache.spark.sql.functions.unix_micros;
import static org.apache.spark.sql.functions.when;

import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.leancx.common.TableContract;

/**
 * The pure transforms of failure demand: need keys, service accounts, recontact and transfer tagging, chains,
 * first-contact-resolution status and the demand class, all over one sort per customer and need.
 */
public final class Recontacts {
  public static final String CONTACT_ID = "contact_id";
  public static final String CUSTOMER_KEY = "customer_key";
  public static final String CHANNEL = "channel";
  public static final String DIRECTION = "direction";
  public static final String STARTED_AT = "started_at";
  public static final String ENDED_AT = "ended_at";
  public static final String CONTACT_DATE = "contact_date";
  public static final String REASON = "reason";
  public static final String OUTCOME = "outcome";
  public static final String CASE_ID = "case_id";
  public static final String AUTOMATION_FLOW = "automation_flow";
  public static final String NEED_FAMILY = "need_family";
  public static final String NEED_KEY = "need_key";
  public static final String DEMAND_CLASS = "demand_class";
  public static final String FAILURE_SUBTYPE = "failure_subtype";
  public static final String DECIDED_BY = "decided_by";
  public static final String IS_RECONTACT = "is_recontact";
  public static final String IS_TRANSFER = "is_transfer";
  public static final String PRIOR_CONTACT_ID = "prior_contact_id";
  public static final String GAP_SECONDS = "gap_seconds";
  public static final String CHAIN_ID = "chain_id";
  public static final String CHAIN_POSITION = "chain_position";
  public static final String FCR_STATUS = "fcr_status";
  public static final String COST = "cost";

  public static final String VALUE = "VALUE";
  public static final String FAILURE = "FAILURE";
  public static final String UNCLASSIFIED = "UNCLASSIFIED";
  public static final String REPEATED = "REPEATED";
  public static final String PENDING = "PENDING";
  public static final String RESOLVED_FIRST_TIME = "RESOLVED_FIRST_TIME";
  public static final String REPEAT_NOT_RESOLVED = "repeat_not_resolved";
  public static final String AUTOMATION_INDUCED = "automation_induced";
  /** The need key of a contact without a reason (need-key = need_family). */
  public static final String NO_REASON = "(none)";

  // Working columns, dropped before the output.
  static final String CONTEXT = "_context";
  static final String TAXONOMY_CLASS = "_taxonomy_class";
  static final String TAXONOMY_SUBTYPE = "_taxonomy_subtype";
  private static final String TAXONOMY_REASON = "_taxonomy_reason";

  private Recontacts() {}

  /**
   * Joins the (broadcast) taxonomy on the reason and adds {@code need_family} and {@code need_key}; the input has
   * the contacts columns.
   */
  public static Dataset<Row> withNeed(Dataset<Row> contacts, Dataset<Row> taxonomy, RecontactRules rules) {
    Dataset<Row> reasons =
        broadcast(
            taxonomy.select(
                col("reason").as(TAXONOMY_REASON),
                col("need_family").as(NEED_FAMILY),
                col("demand_class").as(TAXONOMY_CLASS),
                col("failure_subtype").as(TAXONOMY_SUBTYPE)));
    Dataset<Row> joined = contacts.join(reasons, contacts.col(REASON).equalTo(reasons.col(TAXONOMY_REASON)), "left");
    Column family = coalesce(col(NEED_FAMILY), col(REASON), lit(NO_REASON));
    Column needKey =
        switch (rules.needKey()) {
          case NEED_FAMILY -> family;
          case CASE_ID -> coalesce(col(CASE_ID), family);
          case COLUMNS -> {
            List<Column> parts = new ArrayList<>();
            for (String c : rules.needColumns()) {
              Column part =
                  c.startsWith("attributes.")
                      ? try_element_at(col("attributes"), lit(c.substring("attributes.".length())))
                      : col(c);
              parts.add(coalesce(part.cast(DataTypes.StringType), lit("")));
            }
            yield concat_ws("|", parts.toArray(Column[]::new));
          }
        };
    return joined.drop(TAXONOMY_REASON).withColumn(NEED_KEY, needKey);
  }

  /** Customers with more than the threshold of contacts on at least one UTC day, with their volumes. */
  public static Dataset<Row> serviceAccounts(Dataset<Row> contacts, RecontactRules rules) {
    int threshold = rules.serviceAccountContactsPerDay();
    // One narrow shuffle by customer serves both aggregations; grouping by (customer, date) first and then by
    // customer shuffled twice and took about twice as long (12 s against 6 s on 2.5M contacts, docs/BENCHMARKS.md).
    Dataset<Row> perDay =
        contacts
            .select(CUSTOMER_KEY, CONTACT_DATE)
            .repartition(col(CUSTOMER_KEY))
            .groupBy(CUSTOMER_KEY, CONTACT_DATE)
            .agg(count(lit(1)).as("n"));
    return perDay
        .groupBy(CUSTOMER_KEY)
        .agg(
            sum("n").as("contacts"),
            sum(when(col("n").gt(threshold), 1L).otherwise(0L)).as("days_over_threshold"),
            max("n").as("max_contacts_per_day"),
            max(struct(col("n"), col(CONTACT_DATE))).getField(CONTACT_DATE).as("busiest_date"),
            min(CONTACT_DATE).as("first_date"),
            max(CONTACT_DATE).as("last_date"))
        .where(col("days_over_threshold").gt(0))
        .withColumn("threshold", lit(threshold));
  }

  /**
   * Tags recontacts, transfers, chains, first-contact resolution and the demand class.
   *
   * @param contacts new contacts to tag: the contacts columns plus those of {@link #withNeed}
   * @param context already tagged contact_demand rows just before the new ones (the look-back of an incremental
   *     run), or an empty frame; their recontact, chain and class columns are kept, their fcr_status is recomputed
   * @param asOf the time up to which the data is complete: later recontacts are not yet known
   * @param channelCost cost per contact by channel
   * @param clustered the contacts come straight from a scan of the customer-clustered contacts table, one whole
   *     file per partition ({@link org.leancx.ingest.CustomerClustering}), and there are no context rows: each
   *     partition is tagged customer by customer, with no shuffle and no sort
   * @return rows in the contact_demand contract's columns, context rows included. Nothing runs until the result is
   *     written; with {@code clustered}, write it inside {@link org.leancx.ingest.CustomerClustering#readingWholeFiles}
   *     so that each file is one partition
   */
  public static Dataset<Row> tag(
      Dataset<Row> contacts,
      Dataset<Row> context,
      RecontactRules rules,
      Timestamp asOf,
      Map<String, Double> channelCost,
      double defaultChannelCost,
      boolean clustered) {
    Dataset<Row> ordered = ordered(union(contacts, context), clustered);
    // Timestamps and dates cross the pass as epoch microseconds and days: exact, whatever the session's datetime
    // API setting, and no java.sql object per row. A projection keeps the partitions and their order.
    List<Column> numbers = new ArrayList<>();
    for (StructField f : ordered.schema().fields()) {
      numbers.add(asNumber(col(f.name()), f.dataType()).as(f.name(), f.metadata()));
    }
    Dataset<Row> input = ordered.select(numbers.toArray(Column[]::new));
    ChainTagger tagger = new ChainTagger(input.schema(), rules, asOf, channelCost, defaultChannelCost, clustered);
    StructType passed = ChainTagger.outputSchema(input.schema());
    Dataset<Row> tagged = input.mapPartitions(tagger, Encoders.row(passed));
    List<Column> columns = new ArrayList<>();
    for (StructField f : passed.fields()) {
      DataType type = DemandTables.CONTACT_DEMAND.schema().apply(f.name()).dataType();
      columns.add(fromNumber(col(f.name()), type).as(f.name(), f.metadata()));
    }
    return tagged.select(columns.toArray(Column[]::new));
  }

  /** A timestamp column as epoch microseconds, a date column as epoch days, any other as it is. */
  private static Column asNumber(Column c, DataType type) {
    if (type.equals(DataTypes.TimestampType)) {
      return unix_micros(c);
    }
    return type.equals(DataTypes.DateType) ? unix_date(c) : c;
  }

  /** The inverse of {@link #asNumber}: a column of {@code type} from its number. */
  private static Column fromNumber(Column c, DataType type) {
    if (type.equals(DataTypes.TimestampType)) {
      return timestamp_micros(c);
    }
    return type.equals(DataTypes.DateType) ? date_from_unix_date(c) : c;
  }

  /**
   * One frame: the new rows in the contact_demand contract's columns (tags still null) and the context rows as they
   * are, with the working columns of the tagging pass.
   */
  static Dataset<Row> union(Dataset<Row> contacts, Dataset<Row> context) {
    TableContract out = DemandTables.CONTACT_DEMAND;
    List<Column> fresh = new ArrayList<>();
    List<Column> kept = new ArrayList<>();
    for (var f : out.schema().fields()) {
      String name = f.name();
      boolean input = List.of(contacts.columns()).contains(name);
      fresh.add((input ? col(name) : lit(null)).cast(f.dataType()).as(name));
      kept.add(col(name).cast(f.dataType()).as(name));
    }
    fresh.add(lit(false).as(CONTEXT));
    fresh.add(col(TAXONOMY_CLASS));
    fresh.add(col(TAXONOMY_SUBTYPE));
    kept.add(lit(true).as(CONTEXT));
    kept.add(lit(null).cast(DataTypes.StringType).as(TAXONOMY_CLASS));
    kept.add(lit(null).cast(DataTypes.StringType).as(TAXONOMY_SUBTYPE));
    return contacts
        .select(fresh.toArray(Column[]::new))
        .unionByName(context.select(kept.toArray(Column[]::new)));
  }

  /**
   * The input of the single tagging pass: clustered, the rows as they come (each partition holds whole customers);
   * otherwise one shuffle by customer and one sort by customer, need, start and contact id. The five stacked Window
   * operators this replaced cost about 2.5x the shuffle and sort (docs/DECISIONS.md).
   */
  static Dataset<Row> ordered(Dataset<Row> rows, boolean clustered) {
    return clustered
        ? rows
        : rows.repartition(col(CUSTOMER_KEY))
            .sortWithinPartitions(col(CUSTOMER_KEY), col(NEED_KEY), col(STARTED_AT), col(CONTACT_ID));
  }

  /** Epoch seconds of a timestamp column. */
  static Column seconds(Column timestamp) {
    return timestamp.cast(DataTypes.LongType);
  }
}
