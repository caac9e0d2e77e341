package org.leancx.capacity;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.percentile;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.timestamp_seconds;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.try_divide;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.unix_seconds;
import static org.apache.spark.sql.functions.unix_date;
import static org.apache.spark.sql.functions.when;

import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.leancx.common.JobRunner;
import org.leancx.common.Settings;
import org.leancx.common.Step;
import org.leancx.common.Summarised;
import org.leancx.common.Warehouse;
import org.leancx.ingest.CanonicalTables;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The capacity what-if job: arrivals and handle time per interval and queue, turned by Erlang C into the agents
 * required for the service level three ways (all demand, value demand only, peak), and the agent-hours that failure
 * demand consumes. Writes capacity_whatif and capacity_summary.
 */
public final class CapacityWhatIf {
  private static final Logger LOG = LoggerFactory.getLogger(CapacityWhatIf.class);
  public static final String JOB = "capacity";

  // contacts (canonical input)
  static final String CONTACT_ID = "contact_id";
  static final String CHANNEL = "channel";
  static final String DIRECTION = "direction";
  static final String STARTED_AT = "started_at";
  static final String ENDED_AT = "ended_at";
  static final String HANDLE_SECONDS = "handle_seconds";
  static final String WAIT_SECONDS = "wait_seconds";
  static final String TEAM = "team";

  // capacity_whatif columns
  static final String INTERVAL_START = "interval_start";
  static final String INTERVAL_DATE = "interval_date";
  static final String INTERVAL_SECONDS = "interval_seconds";
  static final String SLOT_OF_WEEK = "slot_of_week";
  static final String QUEUE = "queue";
  static final String CONCURRENCY = "concurrency";
  static final String ARRIVALS = "arrivals";
  static final String FAILURE_ARRIVALS = "failure_arrivals";
  static final String VALUE_ARRIVALS = "value_arrivals";
  static final String FAILURE_HANDLE_SECONDS = "failure_handle_seconds";
  static final String FAILURE_AGENT_HOURS = "failure_agent_hours";

  // intermediate sums, per interval and queue
  private static final String IS_FAILURE = "_is_failure";
  private static final String HANDLE = "_handle";
  private static final String HANDLE_SUM = "_handle_sum";
  private static final String HANDLE_KNOWN = "_handle_known";
  private static final String VALUE_HANDLE_SUM = "_value_handle_sum";
  private static final String VALUE_HANDLE_KNOWN = "_value_handle_known";
  private static final String WAIT_KNOWN = "_wait_known";
  private static final String ANSWERED_WITHIN = "_answered_within";
  private static final String PEAK_HANDLE = "_peak_handle";

  /** The queue name of contacts without a team when queues are teams. */
  public static final String NO_TEAM = "(no team)";

  /** 1970-01-01 was a Thursday: Monday 1970-01-05 00:00 UTC is 4 days after the epoch. */
  private static final long FIRST_MONDAY_EPOCH_SECONDS = 4 * 86_400L;

  private static final long WEEK_SECONDS = 7 * 86_400L;

  private static final StructType STAFFING =
      new StructType()
          .add("agents", DataTypes.IntegerType, false)
          .add("service_level", DataTypes.DoubleType, true)
          .add("asa_seconds", DataTypes.DoubleType, true);

  private CapacityWhatIf() {}

  /** Counts of one capacity run. */
  public record Result(long intervalRows, long summaryRows, long arrivals, double failureAgentHours)
      implements Summarised {

    /** E.g. {@code 4,320 interval rows, 26 summary rows, 12,345 arrivals; failure demand takes 123.4 agent-hours}. */
    @Override
    public String summary() {
      return String.format(java.util.Locale.ROOT,
          "%,d interval rows, %,d summary rows, %,d arrivals; failure demand takes %,.1f agent-hours",
          intervalRows, summaryRows, arrivals, failureAgentHours);
    }
  }

  /** Reads contacts and contact_demand, writes capacity_whatif and capacity_summary, and records the run. */
  public static Result run(Warehouse warehouse, Settings settings, CapacitySettings capacity) {
    return JobRunner.run(
        warehouse,
        settings,
        JOB,
        "interval=" + capacity.interval() + " queue-by=" + capacity.queueBy(),
        run -> {
          var spark = warehouse.spark();
          Dataset<Row> contacts = warehouse.read(CanonicalTables.CONTACTS);
          Dataset<Row> demand = warehouse.read(Inputs.ContactDemand.CONTRACT);
          run.input(CanonicalTables.CONTACTS);
          run.input(Inputs.ContactDemand.CONTRACT);
          Dataset<Row> whatIf = whatIf(contacts, demand, capacity);
          Step.run(spark, JOB, "staffing per interval and queue",
              () -> warehouse.replaceAll(CapacityTables.CAPACITY_WHATIF, whatIf, run.id()));
          long intervalRows = run.output(CapacityTables.CAPACITY_WHATIF);
          // The summary is computed from the table just written, so that the two always agree.
          Dataset<Row> written = warehouse.read(CapacityTables.CAPACITY_WHATIF);
          Step.run(spark, JOB, "summary per " + capacity.summaryPeriod().name().toLowerCase(java.util.Locale.ROOT),
              () -> warehouse.replaceAll(CapacityTables.CAPACITY_SUMMARY, summary(written, capacity), run.id()));
          long summaryRows = run.output(CapacityTables.CAPACITY_SUMMARY);
          Row totals =
              written.agg(coalesce(sum(ARRIVALS), lit(0L)), coalesce(sum(FAILURE_AGENT_HOURS), lit(0.0))).first();
          Result result = new Result(intervalRows, summaryRows, totals.getLong(0), totals.getDouble(1));
          if (result.arrivals() == 0) {
            LOG.info("capacity: no arrivals in contacts (after the capacity filters): the tables are empty");
          }
          run.count("interval_rows", result.intervalRows());
          run.count("summary_rows", result.summaryRows());
          run.count("arrivals", result.arrivals());
          run.count("failure_agent_hours", Math.round(result.failureAgentHours()));
          return result;
        });
  }

  /** The whole transform from contacts and contact_demand to the rows of capacity_whatif. */
  public static Dataset<Row> whatIf(Dataset<Row> contacts, Dataset<Row> contactDemand, CapacitySettings capacity) {
    Dataset<Row> arrivals = arrivalsByInterval(contacts, contactDemand, capacity);
    return staffed(withPeak(withEmptyIntervals(arrivals, capacity), capacity), capacity);
  }

  /**
   * Arrivals per interval and queue, with the sums that handle times, failure demand and observed waits need. Contacts
   * absent from contact_demand (for example those of excluded service accounts) still queue: they count as value.
   */
  public static Dataset<Row> arrivalsByInterval(
      Dataset<Row> contacts, Dataset<Row> contactDemand, CapacitySettings capacity) {
    long seconds = capacity.intervalSeconds();
    Dataset<Row> queued = contacts.filter(not(lower(col(CHANNEL)).isin(capacity.excludedChannels().toArray())));
    if (capacity.arrivals() == CapacitySettings.Arrivals.INBOUND) {
      queued = queued.filter(col(DIRECTION).equalTo("INBOUND"));
    }
    Dataset<Row> failure =
        contactDemand.select(
            col(Inputs.ContactDemand.CONTACT_ID).as(CONTACT_ID),
            col(Inputs.ContactDemand.DEMAND_CLASS).equalTo(Inputs.ContactDemand.FAILURE).as(IS_FAILURE));
    Column queue =
        capacity.queueBy() == CapacitySettings.QueueBy.CHANNEL ? lower(col(CHANNEL)) : coalesce(col(TEAM), lit(NO_TEAM));
    Column handle =
        coalesce(col(HANDLE_SECONDS), unix_seconds(col(ENDED_AT)).minus(unix_seconds(col(STARTED_AT))));
    Column isFailure = coalesce(col(IS_FAILURE), lit(false));
    return queued
        .join(failure, queued.col(CONTACT_ID).equalTo(failure.col(CONTACT_ID)), "left")
        .select(
            timestamp_seconds(floor(unix_seconds(col(STARTED_AT)).divide(seconds)).multiply(seconds))
                .as(INTERVAL_START),
            lower(col(CHANNEL)).as(CHANNEL),
            queue.as(QUEUE),
            isFailure.as(IS_FAILURE),
            handle.as(HANDLE),
            col(WAIT_SECONDS))
        .groupBy(INTERVAL_START, CHANNEL, QUEUE)
        .agg(
            count(lit(1)).as(ARRIVALS),
            sum(when(col(IS_FAILURE), 1L).otherwise(0L)).as(FAILURE_ARRIVALS),
            sum(col(HANDLE)).as(HANDLE_SUM),
            count(col(HANDLE)).as(HANDLE_KNOWN),
            sum(when(not(col(IS_FAILURE)), col(HANDLE))).as(VALUE_HANDLE_SUM),
            count(when(not(col(IS_FAILURE)), col(HANDLE))).as(VALUE_HANDLE_KNOWN),
            coalesce(sum(when(col(IS_FAILURE), col(HANDLE))), lit(0L)).as(FAILURE_HANDLE_SECONDS),
            count(col(WAIT_SECONDS)).as(WAIT_KNOWN),
            sum(when(col(WAIT_SECONDS).leq(capacity.answerWithin().toSeconds()), 1L).otherwise(0L))
                .as(ANSWERED_WITHIN));
  }

  /**
   * Adds a zero row for every interval of the analysed period (first to last day with arrivals, whole UTC days) in
   * which a queue had no arrivals, so that quiet intervals count in the peak percentile and in the totals.
   */
  public static Dataset<Row> withEmptyIntervals(Dataset<Row> arrivals, CapacitySettings capacity) {
    long seconds = capacity.intervalSeconds();
    Dataset<Row> bounds =
        arrivals.agg(
            min(unix_date(to_date(col(INTERVAL_START)))).multiply(86_400L).as("_first"),
            max(unix_date(to_date(col(INTERVAL_START)))).plus(1).multiply(86_400L).minus(seconds).as("_last"));
    Dataset<Row> grid =
        arrivals
            .select(CHANNEL, QUEUE)
            .distinct()
            .crossJoin(bounds)
            .select(
                col(CHANNEL),
                col(QUEUE),
                explode(sequence(col("_first"), col("_last"), lit(seconds))).as("_epoch"))
            .select(timestamp_seconds(col("_epoch")).as(INTERVAL_START), col(CHANNEL), col(QUEUE));
    Dataset<Row> joined = grid.join(arrivals, new String[] {INTERVAL_START, CHANNEL, QUEUE}, "left");
    return joined.na()
        .fill(0L, new String[] {ARRIVALS, FAILURE_ARRIVALS, HANDLE_KNOWN, VALUE_HANDLE_KNOWN,
            FAILURE_HANDLE_SECONDS, WAIT_KNOWN, ANSWERED_WITHIN});
  }

  /**
   * Adds the interval of the week and the peak arrivals: the configured percentile of arrivals over all intervals of
   * the same queue and interval of the week, and the mean handle time of those intervals.
   */
  public static Dataset<Row> withPeak(Dataset<Row> intervals, CapacitySettings capacity) {
    long seconds = capacity.intervalSeconds();
    WindowSpec sameSlot = Window.partitionBy(CHANNEL, QUEUE, SLOT_OF_WEEK);
    return intervals
        .withColumn(
            SLOT_OF_WEEK,
            pmod(unix_seconds(col(INTERVAL_START)).minus(FIRST_MONDAY_EPOCH_SECONDS), lit(WEEK_SECONDS))
                .divide(seconds)
                .cast(DataTypes.IntegerType))
        .withColumn("peak_arrivals", percentile(col(ARRIVALS).cast(DataTypes.DoubleType), lit(capacity.peakPercentile()))
            .over(sameSlot))
        .withColumn(PEAK_HANDLE, try_divide(sum(col(HANDLE_SUM)).over(sameSlot), sum(col(HANDLE_KNOWN)).over(sameSlot)));
  }

  /** Adds the Erlang C staffing of the three scenarios, the failure agent-hours and the observed service level. */
  public static Dataset<Row> staffed(Dataset<Row> intervals, CapacitySettings capacity) {
    long seconds = capacity.intervalSeconds();
    double defaultHandle = capacity.defaultHandleTime().toMillis() / 1000.0;
    Column concurrency = lit(capacity.defaultConcurrency());
    for (Map.Entry<String, Double> e : capacity.concurrency().entrySet()) {
      concurrency = when(col(CHANNEL).equalTo(e.getKey()), lit(e.getValue())).otherwise(concurrency);
    }
    Column allHandle = try_divide(col(HANDLE_SUM), col(HANDLE_KNOWN));
    Column valueHandle = try_divide(col(VALUE_HANDLE_SUM), col(VALUE_HANDLE_KNOWN));
    Column allEffective = coalesce(allHandle, lit(defaultHandle)).divide(col(CONCURRENCY));
    Column valueEffective = coalesce(valueHandle, allHandle, lit(defaultHandle)).divide(col(CONCURRENCY));
    Column peakEffective = coalesce(col(PEAK_HANDLE), lit(defaultHandle)).divide(col(CONCURRENCY));
    UserDefinedFunction staffing = staffingFunction(capacity);
    double hoursPerInterval = seconds / 3600.0;
    double shrinkage = capacity.shrinkage();
    Dataset<Row> withErlangs =
        intervals
            .withColumn(CONCURRENCY, concurrency)
            .withColumn("handle_seconds_mean", allHandle)
            .withColumn("value_handle_seconds_mean", valueHandle)
            .withColumn(VALUE_ARRIVALS, col(ARRIVALS).minus(col(FAILURE_ARRIVALS)))
            .withColumn("erlangs", col(ARRIVALS).multiply(allEffective).divide(seconds))
            .withColumn("value_erlangs", col(VALUE_ARRIVALS).multiply(valueEffective).divide(seconds))
            .withColumn("peak_erlangs", col("peak_arrivals").multiply(peakEffective).divide(seconds))
            .withColumn("_all", staffing.apply(col("erlangs"), allEffective))
            .withColumn("_value", staffing.apply(col("value_erlangs"), valueEffective))
            .withColumn("_peak", staffing.apply(col("peak_erlangs"), peakEffective));
    Dataset<Row> out = withErlangs;
    for (String scenario : new String[] {"", "value_", "peak_"}) {
      String struct = scenario.isEmpty() ? "_all" : "_" + scenario.substring(0, scenario.length() - 1);
      out =
          out.withColumn(scenario + "agents_required", col(struct + ".agents"))
              .withColumn(scenario + "agents_scheduled", col(struct + ".agents").divide(lit(1 - shrinkage)))
              .withColumn(scenario + "service_level", col(struct + ".service_level"))
              .withColumn(scenario + "asa_seconds", col(struct + ".asa_seconds"));
    }
    return out.withColumn(INTERVAL_DATE, to_date(col(INTERVAL_START)))
        .withColumn(INTERVAL_SECONDS, lit(seconds).cast(DataTypes.IntegerType))
        .withColumn(
            FAILURE_AGENT_HOURS,
            greatest(lit(0.0), col("agents_scheduled").minus(col("value_agents_scheduled"))).multiply(hoursPerInterval))
        .withColumn("observed_service_level", try_divide(col(ANSWERED_WITHIN), col(WAIT_KNOWN)))
        .select(CapacityTables.CAPACITY_WHATIF.columnNames().stream().map(c -> col(c)).toArray(Column[]::new));
  }

  /**
   * Erlang C as a typed UDF over the aggregated rows: (erlangs, effective handle seconds) to (agents, service level,
   * ASA). A UDF is the right tool here: the aggregated table has one row per interval and queue (a few thousand per
   * month), tiny next to contacts, and the agent search is an iteration that built-in expressions cannot express.
   */
  static UserDefinedFunction staffingFunction(CapacitySettings capacity) {
    double target = capacity.serviceLevelTarget();
    double within = capacity.answerWithin().toMillis() / 1000.0;
    UDF2<Double, Double, Row> f =
        (erlangs, handleSeconds) -> {
          if (erlangs == null || handleSeconds == null) {
            return null;
          }
          if (erlangs == 0) {
            return RowFactory.create(0, null, null);
          }
          ErlangC.Staffing s = ErlangC.required(erlangs, handleSeconds, target, within);
          return RowFactory.create(s.agents(), s.serviceLevel(), s.averageSpeedOfAnswerSeconds());
        };
    return udf(f, STAFFING);
  }

  /** Sums capacity_whatif per period and queue, and marks the periods it covers only in part. */
  public static Dataset<Row> summary(Dataset<Row> whatIf, CapacitySettings capacity) {
    Column hours = col(INTERVAL_SECONDS).divide(3600.0);
    Dataset<Row> sums = whatIf
        .withColumn("period_start", capacity.summaryPeriod().start(col(INTERVAL_DATE)))
        .groupBy("period_start", CHANNEL, QUEUE)
        .agg(
            count(lit(1)).as("intervals"),
            sum(ARRIVALS).as(ARRIVALS),
            sum(FAILURE_ARRIVALS).as(FAILURE_ARRIVALS),
            sum(col("agents_scheduled").multiply(hours)).as("agent_hours_scheduled"),
            sum(col("value_agents_scheduled").multiply(hours)).as("value_agent_hours_scheduled"),
            sum(col("peak_agents_scheduled").multiply(hours)).as("peak_agent_hours_scheduled"),
            sum(FAILURE_AGENT_HOURS).as(FAILURE_AGENT_HOURS),
            sum(col(FAILURE_HANDLE_SECONDS).divide(3600.0)).as("failure_handle_hours"))
        .withColumn("period", lit(capacity.summaryPeriod().name()))
        .withColumn(
            "failure_agent_hours_share", try_divide(col(FAILURE_AGENT_HOURS), col("agent_hours_scheduled")));
    return capacity.summaryPeriod().withCompletePeriod(sums, "period_start", whatIf, col(INTERVAL_DATE))
        .select(CapacityTables.CAPACITY_SUMMARY.columnNames().stream().map(c -> col(c)).toArray(Column[]::new));
  }

  private static Column not(Column c) {
    return org.apache.spark.sql.functions.not(c);
  }
}
