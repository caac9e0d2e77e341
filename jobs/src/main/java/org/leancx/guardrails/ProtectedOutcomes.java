package org.leancx.guardrails;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_compact;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.ceil;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.percentile;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.try_element_at;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.leancx.common.Aggregates;
import org.leancx.common.ReportingPeriod;
import org.leancx.common.SettingsException;
import org.leancx.common.Warehouse;
import org.leancx.ingest.CanonicalTables;
import org.leancx.journeys.JourneyAssembly;
import org.leancx.journeys.JourneySettings;

/**
 * Outcomes of customers in vulnerable circumstances reported apart (the FCA's guidance: they lose out first when
 * efficiency becomes the target): per period, journey type and segment, the failure-demand share, first-contact
 * resolution, repeat rate, complaint share, lead-time percentiles and SLO attainment, each with a 95% interval, and a
 * flag where the vulnerable segment is worse than the others beyond the intervals. Semantics in docs/GUARDRAILS.md.
 */
public final class ProtectedOutcomes {
  static final String VULNERABLE = "vulnerable";
  static final String OTHER = "other";
  static final String UNKNOWN = "unknown";
  /** The standard normal's 97.5th percentile: two-sided 95% intervals. */
  static final double Z_95 = 1.959963984540054;

  private static final String PERIOD_START = "period_start";
  private static final String JOURNEY_TYPE = "journey_type";
  private static final String SEGMENT = "segment";
  private static final String[] KEY = {PERIOD_START, JOURNEY_TYPE, SEGMENT};
  private static final String CLOSED_LEADS = "_closed_leads";

  /** Measure name (in worse_on) -> whether a higher value is worse, and the columns of its interval. */
  private static final Map<String, Boolean> HIGHER_IS_WORSE = new LinkedHashMap<>();

  static {
    HIGHER_IS_WORSE.put("failure_demand_share", true);
    HIGHER_IS_WORSE.put("fcr_rate", false);
    HIGHER_IS_WORSE.put("repeat_rate", true);
    HIGHER_IS_WORSE.put("complaint_share", true);
    HIGHER_IS_WORSE.put("lead_time_p85", true);
    HIGHER_IS_WORSE.put("slo_attainment", false);
  }

  private ProtectedOutcomes() {}

  /**
   * The customers in vulnerable circumstances by guardrails.vulnerable, among the customers of contacts: those with
   * the attribute value on any contact, and those on any of the named customer lists (customer_lists rows of those
   * sources). A named list with no rows fails the run, naming it: an empty segment would look like good news.
   */
  public static Dataset<Row> vulnerableCustomers(Warehouse warehouse, GuardrailSettings guardrails) {
    Dataset<Row> contacts = warehouse.read(CanonicalTables.CONTACTS);
    Dataset<Row> out = guardrails.vulnerableAttribute().isBlank() ? null
        : vulnerableCustomers(contacts, guardrails.vulnerableAttribute(), guardrails.vulnerableValues());
    List<String> lists = guardrails.vulnerableLists();
    if (lists.isEmpty()) {
      return out;
    }
    List<String> loaded = !warehouse.exists(CanonicalTables.CUSTOMER_LISTS) ? List.of()
        : warehouse.read(CanonicalTables.CUSTOMER_LISTS).where(col("source").isin(lists.toArray()))
            .select(col("source")).distinct().collectAsList().stream().map(r -> r.getString(0)).toList();
    List<String> missing = lists.stream().filter(l -> !loaded.contains(l)).toList();
    if (!missing.isEmpty()) {
      throw new SettingsException("guardrails.vulnerable.lists names " + missing + ", but "
          + warehouse.qualifiedName(CanonicalTables.CUSTOMER_LISTS) + " has no rows from "
          + (missing.size() == 1 ? "that source" : "those sources") + ": load each with `leancx ingest --source NAME`"
          + " (conf/sources/NAME.conf with target = customer_lists), or remove it from the setting.");
    }
    Dataset<Row> listed =
        warehouse.read(CanonicalTables.CUSTOMER_LISTS).where(col("source").isin(lists.toArray()))
            .select(col("customer_key"))
            .join(contacts.select(col("customer_key")), new String[] {"customer_key"}, "left_semi");
    return (out == null ? listed : out.union(listed)).distinct();
  }

  /**
   * The customers in vulnerable circumstances: the distinct customer_key of the contacts whose attributes map has
   * one of {@code values} under {@code attribute}.
   */
  public static Dataset<Row> vulnerableCustomers(Dataset<Row> contacts, String attribute, List<String> values) {
    return contacts
        .where(try_element_at(col("attributes"), lit(attribute)).isin(values.toArray()))
        .select(col("customer_key"))
        .distinct();
  }

  /**
   * protected_outcomes from journeys (journey_id, journey_type, customer_key, started_at, status,
   * lead_time_seconds, lead_time_business_seconds), journey_steps (journey_id, kind, step_id), contact_demand
   * (contact_id, demand_class, fcr_status, is_recontact, failure_subtype) and the vulnerable customers
   * (customer_key). A pure transform.
   */
  public static Dataset<Row> outcomes(Dataset<Row> journeys, Dataset<Row> journeySteps, Dataset<Row> contactDemand,
      Dataset<Row> vulnerable, List<JourneySettings.Objective> objectives, ReportingPeriod period) {
    Dataset<Row> marked = vulnerable.select(col("customer_key").as("_vulnerable_key"), lit(true).as("_vulnerable"));
    Column closed = col("status").equalTo(JourneyAssembly.CLOSED);
    Column within = withinObjective(objectives);
    Dataset<Row> perJourney =
        journeys
            .join(broadcast(marked), col("customer_key").equalTo(col("_vulnerable_key")), "left")
            .select(
                col("journey_id"),
                period.start(col("started_at")).as(PERIOD_START),
                col(JOURNEY_TYPE),
                when(col("customer_key").isNull(), lit(UNKNOWN))
                    .when(col("_vulnerable").isNotNull(), lit(VULNERABLE))
                    .otherwise(lit(OTHER)).as(SEGMENT),
                col("customer_key"),
                closed.as("_closed"),
                col("lead_time_seconds"),
                // null: the type has no objective; an open journey within it is not assessed yet.
                when(within.isNotNull().and(closed.or(within.equalTo(false))), lit(1L)).otherwise(lit(0L))
                    .as("_slo_assessed"),
                when(within.isNotNull().and(closed).and(within), lit(1L)).otherwise(lit(0L)).as("_slo_met"));

    Column leadOfClosed = when(col("_closed"), col("lead_time_seconds"));
    Dataset<Row> journeyMeasures =
        perJourney
            .groupBy(col(PERIOD_START), col(JOURNEY_TYPE), col(SEGMENT))
            .agg(
                countDistinct(col("customer_key")).as("customers"),
                count(lit(1)).as("journeys"),
                sum(when(col("_closed"), 1L).otherwise(0L)).as("closed_journeys"),
                percentile(leadOfClosed.cast(DataTypes.DoubleType), lit(0.5)).as("lead_time_p50_seconds"),
                percentile(leadOfClosed.cast(DataTypes.DoubleType), lit(0.85)).as("lead_time_p85_seconds"),
                sort_array(collect_list(leadOfClosed)).as(CLOSED_LEADS),
                sum(col("_slo_assessed")).as("slo_assessed"),
                sum(col("_slo_met")).as("slo_met"));

    Dataset<Row> contactMeasures =
        journeySteps
            .where(col("kind").equalTo("CONTACT"))
            .select(col("journey_id"), col("step_id").as("contact_id"))
            .join(contactDemand, "contact_id")
            .join(perJourney.select("journey_id", KEY), "journey_id")
            .groupBy(col(PERIOD_START), col(JOURNEY_TYPE), col(SEGMENT))
            .agg(
                count(lit(1)).as("contacts"),
                Aggregates.countWhere(col("demand_class").isin("VALUE", "FAILURE")).as("classified_contacts"),
                Aggregates.countWhere(col("demand_class").equalTo("FAILURE")).as("failure_contacts"),
                Aggregates.countWhere(col("fcr_status").isin("RESOLVED_FIRST_TIME", "REPEATED")).as("settled_contacts"),
                Aggregates.countWhere(col("fcr_status").equalTo("RESOLVED_FIRST_TIME")).as("resolved_first_time"),
                Aggregates.countWhere(col("is_recontact")).as("recontacts"),
                Aggregates.countWhere(col("failure_subtype").equalTo("complaint")).as("complaints"));

    Dataset<Row> rows = journeyMeasures.join(contactMeasures, KEY, "left").na().fill(0L,
        new String[] {"contacts", "classified_contacts", "failure_contacts", "settled_contacts",
            "resolved_first_time", "recontacts", "complaints"});
    rows = withRate(rows, "failure_demand_share", col("failure_contacts"), col("classified_contacts"));
    rows = withRate(rows, "fcr_rate", col("resolved_first_time"), col("settled_contacts"));
    rows = withRate(rows, "repeat_rate", col("recontacts"), col("contacts"));
    rows = withRate(rows, "complaint_share", col("complaints"), col("contacts"));
    rows = withRate(rows, "slo_attainment", col("slo_met"), col("slo_assessed"));
    rows = withQuantileInterval(rows, "lead_time_p50", 0.5);
    rows = withQuantileInterval(rows, "lead_time_p85", 0.85).drop(CLOSED_LEADS);

    // The vulnerable row against the other segment's row of the same period and type.
    List<Column> otherBounds = new ArrayList<>();
    for (String m : HIGHER_IS_WORSE.keySet()) {
      otherBounds.add(col(low(m)).as("_other_" + low(m)));
      otherBounds.add(col(high(m)).as("_other_" + high(m)));
    }
    otherBounds.add(0, col(JOURNEY_TYPE));
    otherBounds.add(0, col(PERIOD_START));
    Dataset<Row> others = rows.where(col(SEGMENT).equalTo(OTHER)).select(otherBounds.toArray(Column[]::new));
    List<Column> worse = new ArrayList<>();
    for (Map.Entry<String, Boolean> m : HIGHER_IS_WORSE.entrySet()) {
      String name = m.getKey();
      Column beyond = m.getValue()
          ? col(low(name)).gt(col("_other_" + high(name)))
          : col(high(name)).lt(col("_other_" + low(name)));
      worse.add(when(col(SEGMENT).equalTo(VULNERABLE).and(beyond), lit(name)));
    }
    Dataset<Row> compared =
        rows.join(others, new String[] {PERIOD_START, JOURNEY_TYPE}, "left")
            .withColumn("worse_on", array_compact(array(worse.toArray(Column[]::new))))
            .withColumn("worse_than_other", size(col("worse_on")).gt(0))
            .withColumn("period", lit(period.name()));
    compared = period.withCompletePeriod(compared, PERIOD_START, journeys, to_date(col("started_at")));
    return compared.select(GuardrailTables.PROTECTED_OUTCOMES.columnNames().stream().map(c -> col(c))
        .toArray(Column[]::new));
  }

  /**
   * Whether a journey's lead time is within its type's objective: the first objective that names the type, else
   * the first for "*"; null when none applies. Business objectives read lead_time_business_seconds.
   */
  static Column withinObjective(List<JourneySettings.Objective> objectives) {
    Column type = col(JOURNEY_TYPE);
    Column within = null;
    List<JourneySettings.Objective> ordered = new ArrayList<>();
    objectives.stream().filter(o -> !o.journeyType().equals("*")).forEach(ordered::add);
    objectives.stream().filter(o -> o.journeyType().equals("*")).findFirst().ifPresent(ordered::add);
    for (JourneySettings.Objective o : ordered) {
      Column measured = o.basis() == JourneySettings.TimeBasis.BUSINESS
          ? col("lead_time_business_seconds") : col("lead_time_seconds");
      Column applies = o.journeyType().equals("*") ? lit(true) : type.equalTo(o.journeyType());
      Column met = measured.leq(o.withinSeconds());
      within = within == null ? when(applies, met) : within.when(applies, met);
    }
    return within == null ? lit(null).cast(DataTypes.BooleanType) : within;
  }

  /** Adds {@code name} = x / n (null when n is 0) and its 95% Wilson score interval as name_low and name_high. */
  static Dataset<Row> withRate(Dataset<Row> rows, String name, Column x, Column n) {
    Column nd = n.cast(DataTypes.DoubleType);
    Column p = x.cast(DataTypes.DoubleType).divide(nd);
    double z2 = Z_95 * Z_95;
    Column denominator = lit(1.0).plus(lit(z2).divide(nd));
    Column centre = p.plus(lit(z2 / 2).divide(nd)).divide(denominator);
    Column half = lit(Z_95).multiply(sqrt(p.multiply(lit(1.0).minus(p)).divide(nd).plus(lit(z2 / 4).divide(nd.multiply(nd)))))
        .divide(denominator);
    Column some = n.gt(0);
    return rows.withColumn(name, when(some, p))
        .withColumn(low(name), when(some, greatest(lit(0.0), centre.minus(half))))
        .withColumn(high(name), when(some, least(lit(1.0), centre.plus(half))));
  }

  /**
   * Adds the 95% distribution-free interval of the q-quantile of the closed journeys' lead times (sorted in
   * {@code _closed_leads}): the order statistics of ranks floor(nq - z sqrt(nq(1-q))) and ceil(nq + z sqrt(nq(1-q)))
   * + 1 (the normal approximation to the binomial count of values below the quantile). A bound whose rank falls
   * outside 1..n is null: too few journeys to bound the quantile on that side (the median needs about 6, the 85th
   * percentile's upper bound about 25).
   */
  static Dataset<Row> withQuantileInterval(Dataset<Row> rows, String name, double q) {
    Column n = size(col(CLOSED_LEADS));
    Column spread = lit(Z_95).multiply(sqrt(n.multiply(q * (1 - q))));
    Column lowRank = floor(n.multiply(q).minus(spread));
    Column highRank = ceil(n.multiply(q).plus(spread)).plus(1);
    return rows
        .withColumn(name + "_low_seconds", when(lowRank.geq(1),
            element_at(col(CLOSED_LEADS), lowRank.cast(DataTypes.IntegerType)).cast(DataTypes.DoubleType)))
        .withColumn(name + "_high_seconds", when(highRank.leq(n),
            element_at(col(CLOSED_LEADS), highRank.cast(DataTypes.IntegerType)).cast(DataTypes.DoubleType)));
  }

  /** The lower-bound column of a measure in the table. */
  private static String low(String measure) {
    return measure.startsWith("lead_time_") ? measure + "_low_seconds" : measure + "_low";
  }

  /** The upper-bound column of a measure in the table. */
  private static String high(String measure) {
    return measure.startsWith("lead_time_") ? measure + "_high_seconds" : measure + "_high";
  }

}
