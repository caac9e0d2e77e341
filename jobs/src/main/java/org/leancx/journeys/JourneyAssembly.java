package org.leancx.journeys;

import static org.apache.spark.sql.functions.array_distinct;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.last;
import static org.apache.spark.sql.functions.lead;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.negate;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.timestamp_seconds;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.unix_micros;
import static org.apache.spark.sql.functions.unix_seconds;
import static org.apache.spark.sql.functions.when;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.storage.StorageLevel;
import org.leancx.common.SparkSessions;

/**
 * The pure transforms that turn canonical contacts and case events into journey steps and journeys: need keys,
 * one step per touchpoint or event, journey assignment (by case, else by customer and need with gap G), step
 * sequencing with waits, and the per-journey metrics.
 */
public final class JourneyAssembly {
  private JourneyAssembly() {}

  // Step columns (internal and journey_steps).
  public static final String JOURNEY_ID = "journey_id";
  public static final String BASIS = "basis";
  public static final String STEP_ID = "step_id";
  public static final String KIND = "kind";
  public static final String CUSTOMER_KEY = "customer_key";
  public static final String NEED_KEY = "need_key";
  public static final String CASE_ID = "case_id";
  public static final String CHANNEL = "channel";
  public static final String ACTIVITY = "activity";
  public static final String REASON = "reason";
  public static final String OUTCOME = "outcome";
  public static final String TEAM = "team";
  public static final String SOURCE = "source";
  public static final String ATTRIBUTES = "attributes";
  public static final String AT = "at";
  public static final String TOUCH_SECONDS = "touch_seconds";
  public static final String IS_RESOLVING = "is_resolving";
  public static final String IS_REPEAT = "is_repeat";
  public static final String SEQ = "seq";
  public static final String STEP = "step";
  public static final String WAIT_BEFORE_SECONDS = "wait_before_seconds";
  public static final String WAIT_BEFORE_BUSINESS_SECONDS = "wait_before_business_seconds";
  public static final String CHANNEL_SWITCH = "channel_switch";
  public static final String HAND_OFF = "hand_off";
  private static final String AT_S = "_at_s";
  private static final String END_S = "_end_s";
  private static final String PREVIOUS_END_S = "_previous_end_s";
  private static final String PREVIOUS_STEP = "_previous_step";
  private static final String PREVIOUS_STEP_ID = "_previous_step_id";
  private static final String LIFECYCLE = "_lifecycle";

  public static final String CONTACT = "CONTACT";
  public static final String EVENT = "EVENT";
  public static final String CASE = "CASE";
  public static final String CUSTOMER_NEED = "CUSTOMER_NEED";
  public static final String OPEN = "OPEN";
  public static final String CLOSED = "CLOSED";

  /**
   * Adds {@code need_key} to contacts: the need family of the reason (taxonomy, broadcast), else the reason, else
   * "unknown"; when {@code contactDemand} (contact_id, customer_key, need_key, is_recontact) is given, the need key of
   * its row for the same contact and customer wins and its is_recontact becomes {@code is_repeat}.
   *
   * <p>The result is hash-partitioned by customer_key: both sides are shuffled once by customer, so the join by
   * (customer_key, contact_id) and the per-customer windows of {@link #assemble} need no further shuffle.
   *
   * @param taxonomy reason, need_family, ... (demand.Taxonomy#toDataFrame)
   * @param contactDemand contact_demand rows, or null when that table does not exist
   */
  public static Dataset<Row> withNeedKeys(Dataset<Row> contacts, Dataset<Row> taxonomy, Dataset<Row> contactDemand) {
    Dataset<Row> families =
        broadcast(taxonomy.select(col("reason").as("_tax_reason"), col("need_family").as("_need_family")));
    Dataset<Row> byCustomer = contacts.repartition(col(CUSTOMER_KEY));
    Dataset<Row> out =
        byCustomer
            .join(families, byCustomer.col(REASON).equalTo(families.col("_tax_reason")), "left")
            .drop("_tax_reason");
    Column fallback = coalesce(col("_need_family"), col(REASON), lit("unknown"));
    if (contactDemand == null) {
      return out.withColumn(NEED_KEY, fallback).withColumn(IS_REPEAT, lit(null).cast("boolean")).drop("_need_family");
    }
    Dataset<Row> demand =
        contactDemand
            .select(
                col(CUSTOMER_KEY).as("_demand_customer_key"),
                col("contact_id").as("_demand_contact_id"),
                col("need_key").as("_demand_need_key"),
                col("is_recontact").as(IS_REPEAT))
            .repartition(col("_demand_customer_key"));
    return out.join(
            demand,
            out.col(CUSTOMER_KEY)
                .equalTo(demand.col("_demand_customer_key"))
                .and(out.col("contact_id").equalTo(demand.col("_demand_contact_id"))),
            "left")
        .withColumn(NEED_KEY, coalesce(col("_demand_need_key"), fallback))
        .withColumn(IS_REPEAT, coalesce(col(IS_REPEAT), lit(false)))
        .drop("_need_family", "_demand_customer_key", "_demand_contact_id", "_demand_need_key");
  }

  /**
   * Sequenced steps in two parts, each laid out so that its per-journey aggregation needs no shuffle: the steps of
   * customer-and-need journeys, hash-partitioned by customer_key (from {@link #withNeedKeys}), and the steps of case
   * journeys, hash-partitioned by case_id. Both are cached (MEMORY_AND_DISK) until {@link #close}.
   *
   * @param byNeed steps of CUSTOMER_NEED journeys
   * @param byCase steps of CASE journeys
   * @param cached the cached datasets behind the two parts
   */
  public record Sequenced(Dataset<Row> byNeed, Dataset<Row> byCase, List<Dataset<Row>> cached)
      implements AutoCloseable {
    /** Every sequenced step, in one dataset (no particular partitioning). */
    public Dataset<Row> all() {
      return byNeed.unionByName(byCase);
    }

    /** Drops the parts from the cache. */
    @Override
    public void close() {
      cached.forEach(Dataset::unpersist);
    }
  }

  /**
   * One step per contact (canonical contacts plus need_key and is_repeat, from {@link #withNeedKeys}) and per case
   * event, each given its journey (by case, else by customer and need with gap G) and sequenced within it.
   *
   * <p>A contact's touch is its handle time (else ended_at - started_at, else 0, never negative); a case event with
   * lifecycle start touches until the next complete of the same activity in its case. Steps with a case id belong to
   * the case's journey. The others are sorted per customer and need: a step starts a new journey when more than the
   * gap passed since every earlier step of that customer and need had ended; the journey id hashes its first step.
   *
   * <p>Shuffles: the contacts arrive partitioned by customer; only the contacts with a case id and the case events
   * are shuffled again, together, by case id (docs/DECISIONS.md).
   */
  public static Sequenced assemble(Dataset<Row> contactsWithNeeds, Dataset<Row> caseEvents, JourneySettings settings) {
    boolean keepAttributes = "attribute".equals(settings.journeyType().kind());
    Column contactTouch =
        coalesce(
            col("handle_seconds"),
            unix_seconds(col("ended_at")).minus(unix_seconds(col("started_at"))),
            lit(0L));
    Dataset<Row> contactSteps =
        contactsWithNeeds.select(
            col("contact_id").as(STEP_ID),
            lit(CONTACT).as(KIND),
            col(CUSTOMER_KEY),
            col(NEED_KEY),
            col(CASE_ID),
            col(CHANNEL),
            lit(null).cast("string").as(ACTIVITY),
            col(REASON),
            col(OUTCOME),
            col(TEAM),
            col(SOURCE),
            attributes(keepAttributes),
            col("started_at").as(AT),
            greatest(contactTouch, lit(0L)).cast("bigint").as(TOUCH_SECONDS),
            coalesce(isIn(lower(trim(col(OUTCOME))), settings.resolvingOutcomes()), lit(false)).as(IS_RESOLVING),
            col(IS_REPEAT),
            lit(null).cast("string").as(LIFECYCLE));
    Dataset<Row> eventSteps =
        caseEvents.select(
            col("event_id").as(STEP_ID),
            lit(EVENT).as(KIND),
            col(CUSTOMER_KEY),
            lit(null).cast("string").as(NEED_KEY),
            col(CASE_ID),
            lit(null).cast("string").as(CHANNEL),
            col(ACTIVITY),
            lit(null).cast("string").as(REASON),
            lit(null).cast("string").as(OUTCOME),
            col(TEAM),
            col(SOURCE),
            attributes(keepAttributes),
            col("occurred_at").as(AT),
            lit(0L).as(TOUCH_SECONDS),
            coalesce(isIn(lower(trim(col(ACTIVITY))), settings.resolvingActivities()), lit(false)).as(IS_RESOLVING),
            lit(null).cast("boolean").as(IS_REPEAT),
            lower(col("lifecycle")).as(LIFECYCLE));

    // Every contact, partitioned by customer (withNeedKeys): the customer-and-need journeys are assigned among the
    // contacts without a case. Those with a case ride along with a null journey id until the case part takes them
    // from the cache, so the join with contact_demand runs once.
    Column needStep = col(CASE_ID).isNull();
    WindowSpec byNeed = Window.partitionBy(CUSTOMER_KEY, NEED_KEY).orderBy(AT_S, STEP_ID);
    Column previousEnd =
        max(when(needStep, col(END_S))).over(byNeed.rowsBetween(Window.unboundedPreceding(), -1));
    Column starts = previousEnd.isNull().or(col(AT_S).minus(previousEnd).gt(settings.gap().toSeconds()));
    Column firstHash =
        when(
            needStep.and(starts),
            journeyHash(
                lit("need"), col(CUSTOMER_KEY), col(NEED_KEY), unix_micros(col(AT)).cast("string"), col(STEP_ID)));
    Dataset<Row> contactsAssigned =
        timed(contactSteps)
            .withColumn(
                JOURNEY_ID,
                when(needStep, last(firstHash, true).over(byNeed.rowsBetween(Window.unboundedPreceding(), 0))))
            .withColumn(BASIS, when(needStep, lit(CUSTOMER_NEED)));
    Dataset<Row> contactsSequenced = cache(sequence(contactsAssigned, settings.calendar(), CUSTOMER_KEY, NEED_KEY));

    // Case journeys: the case's contacts and events, shuffled together by case.
    Dataset<Row> caseSteps =
        contactsSequenced
            .filter(col(CASE_ID).isNotNull())
            .select(Stream.of(contactSteps.columns()).map(c -> col(c)).toArray(Column[]::new))
            .unionByName(eventSteps)
            .repartition(col(CASE_ID));
    WindowSpec byActivity = Window.partitionBy(CASE_ID, KIND, ACTIVITY).orderBy(AT, STEP_ID);
    Column eventTouch =
        when(
                col(LIFECYCLE).equalTo("start").and(lead(col(LIFECYCLE), 1).over(byActivity).equalTo("complete")),
                unix_seconds(lead(col(AT), 1).over(byActivity)).minus(unix_seconds(col(AT))))
            .otherwise(0L);
    Dataset<Row> caseAssigned =
        timed(
                caseSteps.withColumn(
                    TOUCH_SECONDS,
                    when(col(KIND).equalTo(EVENT), eventTouch.cast("bigint")).otherwise(col(TOUCH_SECONDS))))
            .withColumn(JOURNEY_ID, journeyHash(lit("case"), col(CASE_ID)))
            .withColumn(BASIS, lit(CASE));
    Dataset<Row> caseSequenced = cache(sequence(caseAssigned, settings.calendar(), CASE_ID));
    return new Sequenced(
        contactsSequenced.filter(needStep), caseSequenced, List.of(contactsSequenced, caseSequenced));
  }

  /**
   * Persists (MEMORY_AND_DISK) with a conf that Spark reads when the plan is made, which is at persist time: the join
   * by (customer_key, contact_id) keeps both sides' partitioning by customer_key instead of shuffling them again by
   * both keys. The cache stays compressed: uncompressed it was 2.4 times as large (735 MB against 308 MB at 1M
   * contacts) for no measurable gain (docs/BENCHMARKS.md).
   */
  private static Dataset<Row> cache(Dataset<Row> rows) {
    return SparkSessions.withConf(
        rows.sparkSession(), "spark.sql.requireAllClusterKeysForCoPartition", "false",
        () -> rows.persist(StorageLevel.MEMORY_AND_DISK()));
  }

  /** The attributes map when the journey type needs it, else a null map: it is the widest column of a step. */
  private static Column attributes(boolean keep) {
    return keep ? col(ATTRIBUTES) : lit(null).cast("map<string,string>").as(ATTRIBUTES);
  }

  private static Dataset<Row> timed(Dataset<Row> steps) {
    return steps.withColumn(AT_S, unix_seconds(col(AT))).withColumn(END_S, col(AT_S).plus(col(TOUCH_SECONDS)));
  }

  /**
   * The latest end of any step of {@link #assemble} (its {@code at} plus its touch, in whole epoch seconds), computed
   * from the two inputs directly: a contact ends at its start plus its touch (never negative); a case event's touch
   * ends at the next event of its activity, itself an event, so over all events the latest end is the latest
   * {@code occurred_at}. Two narrow scans instead of assembling every step. Null when both inputs are empty.
   */
  public static Long latestEndSeconds(Dataset<Row> contacts, Dataset<Row> caseEvents) {
    Column contactTouch =
        greatest(
            coalesce(
                col("handle_seconds"),
                unix_seconds(col("ended_at")).minus(unix_seconds(col("started_at"))),
                lit(0L)),
            lit(0L));
    Row c = contacts.agg(max(unix_seconds(col("started_at")).plus(contactTouch))).first();
    Row e = caseEvents.agg(max(unix_seconds(col("occurred_at")))).first();
    Long a = c.isNullAt(0) ? null : ((Number) c.get(0)).longValue();
    Long b = e.isNullAt(0) ? null : ((Number) e.get(0)).longValue();
    return a == null ? b : b == null ? a : Long.valueOf(Math.max(a, b));
  }

  private static Column isIn(Column value, Set<String> values) {
    return values.isEmpty() ? lit(false) : value.isin(values.toArray());
  }

  private static Column journeyHash(Column... parts) {
    return sha2(concat_ws("|", parts), 256).substr(1, 32);
  }

  /**
   * Numbers the steps of each journey by time (then step id) and adds the wait before each step (time since every
   * earlier step had ended, in calendar and business seconds), channel switches and hand-offs, in one sort per
   * journey. {@code partitionKeys} are constant within a journey and the steps are already partitioned by them, so
   * with them in the window's partitioning Spark adds no shuffle.
   */
  private static Dataset<Row> sequence(Dataset<Row> assigned, BusinessCalendar calendar, String... partitionKeys) {
    WindowSpec w = Window.partitionBy(journeyKeys(partitionKeys)).orderBy(AT_S, STEP_ID);
    WindowSpec before = w.rowsBetween(Window.unboundedPreceding(), -1);
    Column previousEnd = max(col(END_S)).over(before);
    Column previousChannel = last(col(CHANNEL), true).over(before);
    Column previousTeam = last(col(TEAM), true).over(before);
    Dataset<Row> s =
        assigned
            .withColumn(STEP, coalesce(col(ACTIVITY), col(CHANNEL), lit("?")))
            .withColumn(SEQ, row_number().over(w))
            .withColumn(PREVIOUS_END_S, previousEnd)
            .withColumn(PREVIOUS_STEP, lag(col(STEP), 1).over(w))
            .withColumn(PREVIOUS_STEP_ID, lag(col(STEP_ID), 1).over(w))
            .withColumn(
                CHANNEL_SWITCH,
                coalesce(col(CHANNEL).isNotNull().and(col(CHANNEL).notEqual(previousChannel)), lit(false)))
            .withColumn(
                HAND_OFF, coalesce(col(TEAM).isNotNull().and(col(TEAM).notEqual(previousTeam)), lit(false)))
            .withColumn(
                WAIT_BEFORE_SECONDS,
                when(col(PREVIOUS_END_S).isNull(), lit(0L))
                    .otherwise(greatest(lit(0L), col(AT_S).minus(col(PREVIOUS_END_S)))));
    return s.withColumn(
        WAIT_BEFORE_BUSINESS_SECONDS,
        when(col(WAIT_BEFORE_SECONDS).gt(0), calendar.businessSeconds(timestamp_seconds(col(PREVIOUS_END_S)), col(AT)))
            .otherwise(lit(0L)));
  }

  /** The journey_steps table from sequenced steps. */
  public static Dataset<Row> journeySteps(Sequenced sequenced) {
    return sequenced.all().select(
        col(JOURNEY_ID), col(SEQ), col(STEP_ID), col(KIND), col(STEP), col(CHANNEL), col(ACTIVITY), col(TEAM),
        col(OUTCOME), col(AT), col(TOUCH_SECONDS), col(WAIT_BEFORE_SECONDS), col(WAIT_BEFORE_BUSINESS_SECONDS),
        col(IS_RESOLVING), col(CHANNEL_SWITCH), col(HAND_OFF));
  }

  /**
   * One row per journey with its metrics at {@code asOf}: CLOSED when its last step is resolving or it has been
   * silent for more than {@code settings.gap()}, else OPEN with its age as lead time.
   */
  public static Dataset<Row> journeys(Sequenced sequenced, JourneySettings settings, Instant asOf) {
    Dataset<Row> agg =
        perJourney(sequenced.byNeed(), CUSTOMER_KEY, NEED_KEY)
            .unionByName(perJourney(sequenced.byCase(), CASE_ID));
    return measured(agg, settings, asOf);
  }

  /** The grouping columns of a journey: the part's partition keys (constant within a journey), then journey_id. */
  private static Column[] journeyKeys(String... partitionKeys) {
    return Stream.concat(Stream.of(partitionKeys), Stream.of(JOURNEY_ID)).map(c -> col(c)).toArray(Column[]::new);
  }

  /**
   * The per-journey aggregates of one part of {@link Sequenced}, grouped by its partition keys and journey_id so
   * that no shuffle is needed; the partition keys are dropped again.
   */
  private static Dataset<Row> perJourney(Dataset<Row> sequenced, String... partitionKeys) {
    Column firstOrdered = when(col(SEQ).isNotNull(), col(SEQ));
    Column gapStruct =
        struct(
            col(WAIT_BEFORE_SECONDS).as("w"),
            negate(col(SEQ)).as("neg_seq"),
            col(WAIT_BEFORE_BUSINESS_SECONDS).as("wb"),
            col(PREVIOUS_STEP).as("step"),
            col(PREVIOUS_STEP_ID).as("step_id"));
    Dataset<Row> agg =
        sequenced
            .groupBy(journeyKeys(partitionKeys))
            .agg(
                max(col(BASIS)).as(BASIS),
                min_by(col(CUSTOMER_KEY), when(col(CUSTOMER_KEY).isNotNull(), firstOrdered)).as("_customer_key"),
                min_by(col(NEED_KEY), when(col(NEED_KEY).isNotNull(), firstOrdered)).as("_need_key"),
                max(col(CASE_ID)).as("_case_id"),
                min(col(AT)).as("started_at"),
                max(col(AT)).as("last_event_at"),
                min(col(AT_S)).as("_start_s"),
                max(col(END_S)).as("_covered_end_s"),
                count(lit(1)).cast("int").as("touchpoints"),
                sum(when(col(KIND).equalTo(CONTACT), 1).otherwise(0)).cast("int").as("contacts"),
                array_sort(collect_list(when(col(CHANNEL).isNotNull(), struct(col(SEQ), col(CHANNEL)))))
                    .as("_channels"),
                sum(when(col(CHANNEL_SWITCH), 1).otherwise(0)).cast("int").as("channel_switches"),
                sum(when(col(HAND_OFF), 1).otherwise(0)).cast("int").as("hand_offs"),
                sum(when(col(IS_REPEAT), 1).when(col(IS_REPEAT).isNotNull(), 0)).cast("int").as("repeats"),
                sum(col(WAIT_BEFORE_SECONDS)).as("_waits"),
                sum(col(WAIT_BEFORE_BUSINESS_SECONDS)).as("_waits_business"),
                max(gapStruct).as("_gap"),
                max_by(col(IS_RESOLVING), col(SEQ)).as("_last_resolving"),
                min_by(col(REASON), when(col(REASON).isNotNull(), firstOrdered)).as("_first_reason"),
                min_by(col(CHANNEL), when(col(CHANNEL).isNotNull(), firstOrdered)).as("_first_channel"),
                min_by(col(ACTIVITY), when(col(ACTIVITY).isNotNull(), firstOrdered)).as("_first_activity"),
                min_by(col(SOURCE), col(SEQ)).as("_first_source"),
                min_by(col(ATTRIBUTES), col(SEQ)).as("_first_attributes"));
    return agg.drop(partitionKeys)
        .withColumnRenamed("_customer_key", CUSTOMER_KEY)
        .withColumnRenamed("_need_key", NEED_KEY)
        .withColumnRenamed("_case_id", CASE_ID);
  }

  /** The journeys table from the per-journey aggregates: status, durations, business time, breakpoint, type. */
  private static Dataset<Row> measured(Dataset<Row> agg, JourneySettings settings, Instant asOf) {
    BusinessCalendar calendar = settings.calendar();
    long gap = settings.gap().toSeconds();
    long asOfSeconds = asOf.getEpochSecond();
    Column silent = lit(asOfSeconds).minus(col("_covered_end_s")).gt(gap);
    Column closed = col("_last_resolving").or(silent);
    Column endRefSeconds = when(closed, col("_covered_end_s")).otherwise(lit(asOfSeconds));
    Column asOfTs = lit(Timestamp.from(asOf));
    Dataset<Row> j =
        agg.withColumn("status", when(closed, lit(CLOSED)).otherwise(lit(OPEN)))
            .withColumn(
                "closed_by",
                when(col("_last_resolving"), lit("RESOLVED")).when(silent, lit("SILENCE")))
            .withColumn("ended_at", when(closed, timestamp_seconds(col("_covered_end_s"))))
            .withColumn("as_of", asOfTs)
            .withColumn("lead_time_seconds", endRefSeconds.minus(col("_start_s")))
            .withColumn("touch_seconds", col("_covered_end_s").minus(col("_start_s")).minus(col("_waits")))
            .withColumn("wait_seconds", col("lead_time_seconds").minus(col("touch_seconds")))
            .withColumn(
                "flow_efficiency",
                when(col("lead_time_seconds").gt(0), col("touch_seconds").divide(col("lead_time_seconds"))))
            .withColumn(
                "lead_time_business_seconds",
                calendar.businessSeconds(col("started_at"), timestamp_seconds(endRefSeconds)))
            .withColumn(
                "touch_business_seconds",
                calendar
                    .businessSeconds(col("started_at"), timestamp_seconds(col("_covered_end_s")))
                    .minus(col("_waits_business")))
            .withColumn(
                "wait_business_seconds", col("lead_time_business_seconds").minus(col("touch_business_seconds")))
            .withColumn(
                "channels", array_distinct(transform(col("_channels"), c -> c.getField(CHANNEL))))
            .withColumn("longest_gap_seconds", col("_gap.w"))
            .withColumn("longest_gap_business_seconds", col("_gap.wb"))
            .withColumn(
                "breakpoint_seq",
                when(col("_gap.w").gt(0), negate(col("_gap.neg_seq")).minus(1)).cast("int"))
            .withColumn("breakpoint_step", when(col("_gap.w").gt(0), col("_gap.step")))
            .withColumn("breakpoint_step_id", when(col("_gap.w").gt(0), col("_gap.step_id")))
            .withColumn(
                "journey_type",
                coalesce(journeyTypeSource(settings.journeyType()), lit(settings.unknownJourneyType())));
    return inContractOrder(j);
  }

  private static Column journeyTypeSource(JourneySettings.JourneyTypeSource source) {
    return switch (source.kind()) {
      case "need_key" -> col(NEED_KEY);
      case "reason" -> col("_first_reason");
      case "first_channel" -> col("_first_channel");
      case "first_activity" -> col("_first_activity");
      case "source" -> col("_first_source");
      case "attribute" -> element_at(col("_first_attributes"), source.attribute());
      default -> throw new IllegalStateException("Unknown journey type source " + source.kind());
    };
  }

  private static Dataset<Row> inContractOrder(Dataset<Row> j) {
    return j.select(
        JourneyTables.JOURNEYS.columnNames().stream().map(c -> col(c)).toArray(Column[]::new));
  }
}
