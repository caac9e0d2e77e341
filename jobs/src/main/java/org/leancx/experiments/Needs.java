package org.leancx.experiments;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The unit of an experiment: the customer's need, one row per journey, with what it cost in full. A need's contacts
 * are its journey's contact steps, each costing its channel cost (contact_demand.cost) plus its handle time (the
 * step's touch_seconds) at the hourly cost; complaints (failure_subtype complaint) and case events (the journey's
 * event steps) add their configured costs.
 */
public final class Needs {
  /** Columns of the needs frame. */
  public static final String JOURNEY_ID = "journey_id";
  public static final String CUSTOMER_KEY = "customer_key";
  public static final String STARTED_AT = "started_at";
  public static final String START_DATE = "start_date";
  public static final String SETTLED = "settled";
  public static final String LEAD_TIME_HOURS = "lead_time_hours";
  public static final String FIRST_CONTACT_ID = "first_contact_id";
  public static final String CONTACTS = "contacts";
  public static final String FAILURE_CONTACTS = "failure_contacts";
  public static final String COMPLAINTS = "complaints";
  public static final String CASE_EVENTS = "case_events";
  public static final String REPEATED = "repeated";
  public static final String FIRST_CONTACT_COST = "first_contact_cost";
  public static final String FULL_COST = "full_cost";
  public static final String AS_OF = "as_of";
  /** Contacts of the need that contact_demand does not hold (service accounts): such a need is left out. */
  static final String UNTAGGED_CONTACTS = "untagged_contacts";

  private Needs() {}

  /**
   * One row per journey with at least one step: its customer, start, whether it is settled (CLOSED), lead time,
   * first contact, counts and costs. Journeys holding a contact that contact_demand lacks (an excluded service
   * account's) keep {@link #UNTAGGED_CONTACTS} above 0, for the caller to count and leave out.
   */
  public static Dataset<Row> needs(
      Dataset<Row> journeys, Dataset<Row> steps, Dataset<Row> demand, ExperimentSettings costs) {
    Column isContact = col("kind").equalTo("CONTACT");
    Dataset<Row> tagged =
        demand.select(
            col("contact_id").as("d_contact_id"),
            col("cost").as("d_cost"),
            col("demand_class").as("d_class"),
            col("failure_subtype").as("d_subtype"));
    Column contactCost =
        col("d_cost").plus(col("touch_seconds").cast("double").divide(3600.0).multiply(costs.handleCostPerHour()));
    Dataset<Row> perJourney =
        steps
            .join(tagged, isContact.and(col("step_id").equalTo(col("d_contact_id"))), "left")
            .groupBy(col("journey_id").as("s_journey_id"))
            .agg(
                sum(when(isContact, 1L).otherwise(0L)).as(CONTACTS),
                sum(when(isContact.and(col("d_contact_id").isNull()), 1L).otherwise(0L)).as(UNTAGGED_CONTACTS),
                sum(when(col("kind").equalTo("EVENT"), 1L).otherwise(0L)).as(CASE_EVENTS),
                sum(when(col("d_class").equalTo("FAILURE"), 1L).otherwise(0L)).as(FAILURE_CONTACTS),
                sum(when(col("d_subtype").equalTo("complaint"), 1L).otherwise(0L)).as(COMPLAINTS),
                coalesce(sum(when(isContact, contactCost)), lit(0.0)).as("contact_cost"),
                min(when(isContact, struct(col("seq"), col("step_id"), contactCost.as("cost")))).as("first"));
    return journeys
        .select(col(JOURNEY_ID), col(CUSTOMER_KEY), col(STARTED_AT), col("status"), col("lead_time_seconds"),
            col("repeats"), col(AS_OF))
        .join(perJourney, col(JOURNEY_ID).equalTo(col("s_journey_id")))
        .select(
            col(JOURNEY_ID),
            col(CUSTOMER_KEY),
            col(STARTED_AT),
            to_date(col(STARTED_AT)).as(START_DATE),
            col("status").equalTo("CLOSED").as(SETTLED),
            col("lead_time_seconds").cast("double").divide(3600.0).as(LEAD_TIME_HOURS),
            col("first.step_id").as(FIRST_CONTACT_ID),
            col(CONTACTS),
            col(UNTAGGED_CONTACTS),
            col(FAILURE_CONTACTS),
            col(COMPLAINTS),
            col(CASE_EVENTS),
            coalesce(col("repeats"), lit(0)).gt(0).as(REPEATED),
            col("first.cost").as(FIRST_CONTACT_COST),
            col("contact_cost")
                .plus(col(COMPLAINTS).cast("double").multiply(costs.complaintCost()))
                .plus(col(CASE_EVENTS).cast("double").multiply(costs.caseEventCost()))
                .as(FULL_COST),
            col(AS_OF));
  }
}
