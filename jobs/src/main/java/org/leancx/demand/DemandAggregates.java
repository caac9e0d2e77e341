package org.leancx.demand;

import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_from_entries;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.leancx.demand.Recontacts.CHAIN_ID;
import static org.leancx.demand.Recontacts.CHAIN_POSITION;
import static org.leancx.demand.Recontacts.CHANNEL;
import static org.leancx.demand.Recontacts.CONTACT_DATE;
import static org.leancx.demand.Recontacts.COST;
import static org.leancx.demand.Recontacts.CUSTOMER_KEY;
import static org.leancx.demand.Recontacts.DEMAND_CLASS;
import static org.leancx.demand.Recontacts.FAILURE;
import static org.leancx.demand.Recontacts.FAILURE_SUBTYPE;
import static org.leancx.demand.Recontacts.FCR_STATUS;
import static org.leancx.demand.Recontacts.IS_RECONTACT;
import static org.leancx.demand.Recontacts.IS_TRANSFER;
import static org.leancx.demand.Recontacts.NEED_FAMILY;
import static org.leancx.demand.Recontacts.NEED_KEY;
import static org.leancx.demand.Recontacts.NO_REASON;
import static org.leancx.demand.Recontacts.PENDING;
import static org.leancx.demand.Recontacts.REASON;
import static org.leancx.demand.Recontacts.REPEATED;
import static org.leancx.demand.Recontacts.RESOLVED_FIRST_TIME;
import static org.leancx.demand.Recontacts.STARTED_AT;
import static org.leancx.demand.Recontacts.UNCLASSIFIED;
import static org.leancx.demand.Recontacts.VALUE;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** The pure aggregations of contact_demand: chains, daily KPIs and the taxonomy's coverage gaps. */
public final class DemandAggregates {
  /** need_family of demand_daily for reasons missing from the taxonomy. */
  public static final String UNCLASSIFIED_FAMILY = "unclassified";
  /** team of demand_daily for contacts without a team. */
  public static final String UNKNOWN_TEAM = "unknown";

  private DemandAggregates() {}

  /**
   * One row per chain holding a recontact. Only rows of such chains are read: the followers (position > 1) and the
   * first contacts that were repeated.
   */
  public static Dataset<Row> chains(Dataset<Row> contactDemand) {
    return contactDemand
        .where(col(CHAIN_POSITION).gt(1).or(col(FCR_STATUS).equalTo(REPEATED).and(col(CHAIN_POSITION).equalTo(1))))
        .groupBy(CHAIN_ID)
        .agg(
            min(CUSTOMER_KEY).as(CUSTOMER_KEY),
            min(NEED_KEY).as(NEED_KEY),
            min_by(col(NEED_FAMILY), col(CHAIN_POSITION)).as(NEED_FAMILY),
            min(CONTACT_DATE).as("first_date"),
            min(STARTED_AT).as("first_at"),
            max(STARTED_AT).as("last_at"),
            count(lit(1)).as("contacts"),
            sum(when(col(IS_RECONTACT), 1L).otherwise(0L)).as("recontacts"),
            sum(when(col(IS_TRANSFER), 1L).otherwise(0L)).as("transfers"),
            array_sort(collect_set(CHANNEL)).as("channels"),
            sum(COST).as(COST),
            sum(when(col(CHAIN_POSITION).gt(1), col(COST)).otherwise(0.0)).as("repeat_cost"),
            min(CHAIN_POSITION).as("_first_position"))
        // A chain whose followers are all transfers has no recontact; one seen without its first row is cut.
        .where(col("recontacts").geq(1).and(col("_first_position").equalTo(1)))
        .withColumn("first_contact_id", col(CHAIN_ID))
        .withColumn("span_seconds", Recontacts.seconds(col("last_at")).minus(Recontacts.seconds(col("first_at"))))
        .drop("_first_position");
  }

  /** One row per contact_date, channel, need family and team, with demand and first-contact-resolution KPIs. */
  public static Dataset<Row> daily(Dataset<Row> contactDemand) {
    Column[] keys = {
      col(CONTACT_DATE),
      col(CHANNEL),
      coalesce(col(NEED_FAMILY), lit(UNCLASSIFIED_FAMILY)).as(NEED_FAMILY),
      coalesce(col("team"), lit(UNKNOWN_TEAM)).as("team")
    };
    Column[] keyNames = {col(CONTACT_DATE), col(CHANNEL), col(NEED_FAMILY), col("team")};
    // First by subtype too, so that failure_by_subtype is a map; both aggregations are over small data.
    Dataset<Row> bySubtype =
        contactDemand
            .groupBy(concat(keys, col(FAILURE_SUBTYPE)))
            .agg(
                count(lit(1)).as("contacts"),
                count(when(col(DEMAND_CLASS).equalTo(VALUE), true)).as("value"),
                count(when(col(DEMAND_CLASS).equalTo(FAILURE), true)).as("failure"),
                count(when(col(DEMAND_CLASS).equalTo(UNCLASSIFIED), true)).as("unclassified"),
                count(when(col(IS_RECONTACT), true)).as("recontacts"),
                count(when(col(IS_TRANSFER), true)).as("transfers"),
                count(when(col(FCR_STATUS).equalTo(RESOLVED_FIRST_TIME), true)).as("resolved_first_time"),
                count(when(col(FCR_STATUS).equalTo(REPEATED), true)).as("repeated"),
                count(when(col(FCR_STATUS).equalTo(PENDING), true)).as("pending"),
                sum(COST).as(COST),
                sum(when(col(DEMAND_CLASS).equalTo(FAILURE), col(COST)).otherwise(0.0)).as("failure_cost"));
    Dataset<Row> daily =
        bySubtype
            .groupBy(keyNames)
            .agg(
                sum("contacts").as("contacts"),
                sum("value").as("value"),
                sum("failure").as("failure"),
                sum("unclassified").as("unclassified"),
                map_from_entries(
                        org.apache.spark.sql.functions.filter(
                            org.apache.spark.sql.functions.array_sort(
                                org.apache.spark.sql.functions.collect_list(
                                    struct(col(FAILURE_SUBTYPE).as("key"), col("failure").as("value")))),
                            e -> e.getField("key").isNotNull()))
                    .as("failure_by_subtype"),
                sum("recontacts").as("recontacts"),
                sum("transfers").as("transfers"),
                sum("resolved_first_time").as("resolved_first_time"),
                sum("repeated").as("repeated"),
                sum("pending").as("pending"),
                sum(COST).as(COST),
                sum("failure_cost").as("failure_cost"));
    Column judged = col("resolved_first_time").plus(col("repeated"));
    Column classified = col("value").plus(col("failure"));
    return daily
        .withColumn("fcr_rate", when(judged.gt(0), col("resolved_first_time").divide(judged)))
        .withColumn("repeat_rate", col("recontacts").divide(col("contacts")))
        .withColumn("failure_share", when(classified.gt(0), col("failure").divide(classified)));
  }

  /** One row per reason missing from the taxonomy, with its contacts. */
  public static Dataset<Row> unclassifiedReasons(Dataset<Row> contactDemand) {
    return contactDemand
        .where(col(NEED_FAMILY).isNull())
        .groupBy(coalesce(col(REASON), lit(NO_REASON)).as(REASON))
        .agg(
            count(lit(1)).as("contacts"),
            count(when(col(IS_RECONTACT), true)).as("recontacts"),
            min(CONTACT_DATE).as("first_date"),
            max(CONTACT_DATE).as("last_date"));
  }

  private static Column[] concat(Column[] keys, Column extra) {
    Column[] all = java.util.Arrays.copyOf(keys, keys.length + 1);
    all[keys.length] = extra;
    return all;
  }
}
