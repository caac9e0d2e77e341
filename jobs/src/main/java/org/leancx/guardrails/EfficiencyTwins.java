package org.leancx.guardrails;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.percentile;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.stddev_samp;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.try_divide;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.leancx.common.Aggregates;
import org.leancx.common.ReportingPeriod;

/**
 * Efficiency twins (Goodhart's law: a measure that becomes a target stops measuring): per period and team, the
 * handle time beside the repeats and complaints the team's contacts caused and the full cost that follows, with a
 * flag on teams whose handle time fell while the repeats they cause rose. Attribution: a recontact is caused by its
 * prior contact (contact_demand.prior_contact_id, the contact of the same customer and need that it repeats), so the
 * repeats of all teams add up to the recontacts whose prior contact had a team. Semantics in docs/GUARDRAILS.md.
 */
public final class EfficiencyTwins {
  private static final String PERIOD_START = "period_start";
  private static final String TEAM = "team";
  private static final String CONTACT_ID = "contact_id";
  private static final String SETTLED = "_settled";
  private static final String RESOLVED = "_resolved";
  private static final String CAUSED_REPEATS = "_caused_repeats";
  private static final String CAUSED_COMPLAINTS = "_caused_complaints";
  private static final String CAUSED_COST = "_caused_cost";
  private static final String COMPLAINT = "complaint";
  private static final String HANDLE_SD = "_handle_sd";
  private static final String HANDLE_N = "_handle_n";
  /** The standard normal's 95th percentile: the one-sided test of each change in the Goodhart flag. */
  static final double Z_95_ONE_SIDED = 1.6448536269514722;
  /** Settled contacts a team needs in both periods for the flag: below it the normal approximations do not hold. */
  static final long MIN_SETTLED_FOR_FLAG = 20;

  private EfficiencyTwins() {}

  /**
   * efficiency_twins from contact_demand (contact_id, contact_date, team, fcr_status, is_recontact, prior_contact_id,
   * failure_subtype, cost) and contacts (contact_id, handle_seconds). A pure transform.
   */
  public static Dataset<Row> twins(Dataset<Row> contactDemand, Dataset<Row> contacts, ReportingPeriod period) {
    // What each contact caused: the recontacts that name it as their prior contact.
    Dataset<Row> caused =
        contactDemand
            .where(col("is_recontact"))
            .groupBy(col("prior_contact_id").as(CONTACT_ID))
            .agg(
                count(lit(1)).as(CAUSED_REPEATS),
                sum(when(col("failure_subtype").equalTo(COMPLAINT), 1L).otherwise(0L)).as(CAUSED_COMPLAINTS),
                Aggregates.exactSum(col("cost"), 9).as(CAUSED_COST));
    Column status = col("fcr_status");
    Dataset<Row> handled =
        contactDemand
            .where(col(TEAM).isNotNull())
            .select(col(CONTACT_ID), col("contact_date"), col(TEAM), status, col("cost"))
            .join(contacts.select(col(CONTACT_ID), col("handle_seconds")), CONTACT_ID, "left")
            .join(caused, CONTACT_ID, "left")
            .withColumn(SETTLED, status.isin("RESOLVED_FIRST_TIME", "REPEATED"))
            .withColumn(RESOLVED, status.equalTo("RESOLVED_FIRST_TIME"));
    Column handle = col("handle_seconds").cast(DataTypes.DoubleType);
    Dataset<Row> perTeam =
        handled
            .groupBy(period.start(col("contact_date")).as(PERIOD_START), col(TEAM))
            .agg(
                count(lit(1)).as("contacts"),
                avg(handle).as("handle_mean_seconds"),
                stddev_samp(handle).as(HANDLE_SD),
                count(handle).as(HANDLE_N),
                percentile(handle, lit(0.5)).as("handle_p50_seconds"),
                sum(when(col(SETTLED), 1L).otherwise(0L)).as("settled_contacts"),
                sum(when(col(RESOLVED), 1L).otherwise(0L)).as(RESOLVED),
                coalesce(sum(col(CAUSED_REPEATS)), lit(0L)).as("repeats_caused"),
                coalesce(sum(col(CAUSED_COMPLAINTS)), lit(0L)).as("complaints_caused"),
                coalesce(Aggregates.exactSum(when(col(SETTLED), col("cost")), 9), lit(0.0)).as("contact_cost"),
                coalesce(Aggregates.exactSum(col(CAUSED_COST), 9), lit(0.0)).as("caused_cost"))
            .withColumn("fcr_rate", try_divide(col(RESOLVED), col("settled_contacts")))
            .withColumn("repeat_rate_caused", try_divide(col("repeats_caused"), col("settled_contacts")))
            .withColumn("cost_per_contact", try_divide(col("contact_cost"), col("settled_contacts")))
            .withColumn("full_cost_per_need",
                try_divide(col("contact_cost").plus(col("caused_cost")), col("settled_contacts")))
            .drop(RESOLVED);
    // The same team's previous period: the one that ends where this one starts (not merely the last one it had).
    Dataset<Row> previous =
        perTeam.select(
            period.end(col(PERIOD_START)).as(PERIOD_START),
            col(TEAM),
            col("handle_mean_seconds").as("_previous_handle"),
            col(HANDLE_SD).as("_previous_handle_sd"),
            col(HANDLE_N).as("_previous_handle_n"),
            col("repeat_rate_caused").as("_previous_repeat_rate"),
            col("repeats_caused").as("_previous_repeats"),
            col("settled_contacts").as("_previous_settled"));
    Column handleChange = col("handle_mean_change_seconds");
    Column repeatChange = col("repeat_rate_change");
    // Welch's z for the fall in mean handle time, and the pooled two-proportion z for the rise in the repeat rate;
    // each must pass one-sided at 95% (z beyond 1.645), so that the chance ups and downs of small teams do not flag.
    Column handleZ =
        try_divide(handleChange,
            sqrt(pow(col(HANDLE_SD), 2).divide(col(HANDLE_N))
                .plus(pow(col("_previous_handle_sd"), 2).divide(col("_previous_handle_n")))));
    Column pooled =
        try_divide(col("repeats_caused").plus(col("_previous_repeats")),
            col("settled_contacts").plus(col("_previous_settled")));
    Column repeatZ =
        try_divide(repeatChange,
            sqrt(pooled.multiply(lit(1.0).minus(pooled))
                .multiply(try_divide(lit(1.0), col("settled_contacts")).plus(try_divide(lit(1.0),
                    col("_previous_settled"))))));
    Dataset<Row> twins =
        perTeam
            .join(previous, new String[] {PERIOD_START, TEAM}, "left")
            .withColumn("handle_mean_change_seconds", col("handle_mean_seconds").minus(col("_previous_handle")))
            .withColumn("repeat_rate_change", col("repeat_rate_caused").minus(col("_previous_repeat_rate")))
            .withColumn("goodhart_flag",
                coalesce(handleZ.lt(-Z_95_ONE_SIDED).and(repeatZ.gt(Z_95_ONE_SIDED))
                    .and(col("settled_contacts").geq(MIN_SETTLED_FOR_FLAG))
                    .and(col("_previous_settled").geq(MIN_SETTLED_FOR_FLAG)), lit(false)))
            .withColumn("period", lit(period.name()));
    twins = period.withCompletePeriod(twins, PERIOD_START, contactDemand, col("contact_date"));
    return twins.select(GuardrailTables.EFFICIENCY_TWINS.columnNames().stream().map(c -> col(c))
        .toArray(Column[]::new));
  }
}
