package org.leancx.experiments;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.try_element_at;
import static org.apache.spark.sql.functions.when;

import java.sql.Date;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.leancx.experiments.ExperimentSettings.Experiment;

/** Splits the needs of an experiment into its arms, by the experiment's design. */
public final class Arms {
  /** The arm column added to the needs. */
  public static final String ARM = "arm";
  /** The control of a before-after experiment. */
  public static final String BEFORE = "before";
  /** The treatment of a before-after experiment. */
  public static final String AFTER = "after";

  private Arms() {}

  /**
   * The needs of the experiment with their {@link #ARM}: needs without an arm (no such attribute on the first contact,
   * a customer not on the list or not yet listed, a start outside the periods or in the washout) are not in it.
   *
   * @param contacts the canonical contacts (for ATTRIBUTE: the first contact's attributes)
   * @param lists customer_lists (for LIST), else may be null
   */
  public static Dataset<Row> assign(Dataset<Row> needs, Dataset<Row> contacts, Dataset<Row> lists, Experiment e) {
    Dataset<Row> armed =
        switch (e.design()) {
          case ATTRIBUTE -> {
            Dataset<Row> firstContacts =
                contacts.select(
                    col("contact_id").as("a_contact_id"),
                    try_element_at(col("attributes"), lit(e.attribute())).as(ARM));
            yield needs
                .join(firstContacts, col(Needs.FIRST_CONTACT_ID).equalTo(col("a_contact_id")))
                .drop("a_contact_id");
          }
          case LIST -> {
            // A customer listed twice in one source is one row (customer_lists is keyed by source and customer).
            Dataset<Row> assigned =
                lists
                    .where(col("source").equalTo(e.list()))
                    .groupBy(col("customer_key").as("l_customer_key"))
                    .agg(
                        max(try_element_at(col("attributes"), lit(e.listAttribute()))).as(ARM),
                        max(col("listed_at")).as("l_listed_at"));
            yield needs
                .join(assigned, col(Needs.CUSTOMER_KEY).equalTo(col("l_customer_key")))
                .where(col("l_listed_at").isNull().or(col(Needs.STARTED_AT).geq(col("l_listed_at"))))
                .drop("l_customer_key", "l_listed_at");
          }
          case BEFORE_AFTER -> {
            Column day = col(Needs.START_DATE);
            Column before =
                day.geq(lit(Date.valueOf(e.from()))).and(day.lt(lit(Date.valueOf(e.changeDate()))));
            Column after =
                day.geq(lit(Date.valueOf(e.changeDate().plusDays(e.washoutDays()))))
                    .and(day.leq(lit(Date.valueOf(e.to()))));
            yield needs.withColumn(ARM, when(before, lit(BEFORE)).when(after, lit(AFTER)));
          }
        };
    Column in = col(ARM).isNotNull().and(col(ARM).notEqual(""));
    if (e.from() != null) {
      in = in.and(col(Needs.START_DATE).geq(lit(Date.valueOf(e.from()))));
    }
    if (e.to() != null) {
      in = in.and(col(Needs.START_DATE).leq(lit(Date.valueOf(e.to()))));
    }
    return armed.where(in);
  }
}
