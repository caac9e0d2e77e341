package org.leancx.journeys;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.leancx.common.JobRunner;
import org.leancx.common.RunLog;
import org.leancx.common.Settings;
import org.leancx.common.SparkSessions;
import org.leancx.common.Step;
import org.leancx.common.Summarised;
import org.leancx.common.TableContract;
import org.leancx.common.Warehouse;
import org.leancx.demand.DemandTables;
import org.leancx.demand.Taxonomy;
import org.leancx.ingest.CanonicalTables;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journeys job: reads contacts and case events, builds journeys and their steps, and writes journeys,
 * journey_steps, flow_daily and journey_slo. A run without a changed-from date recomputes every journey and replaces
 * the tables in one commit each (replaceAll); a daily run recomputes the journeys its date's steps can have changed and
 * the open ones, merges them by key, and rewrites the days of flow_daily and the periods of journey_slo from the first
 * changed journey's start on. Either way a rerun on the same inputs and config leaves identical tables.
 */
public final class Journeys {
  private static final Logger LOG = LoggerFactory.getLogger(Journeys.class);
  static final String JOB = "journeys";
  private static final String STATUS = "status";
  private static final String AS_OF = "as_of";
  private static final String FROM = "_recompute_from";

  private Journeys() {}

  /**
   * The counts of one run.
   *
   * @param contacts contacts read
   * @param caseEvents case events read
   * @param steps journey steps written
   * @param journeys journeys written
   * @param open journeys OPEN at as-of
   * @param flowDays flow_daily rows written
   * @param sloRows journey_slo rows written
   * @param asOf the as-of instant, or null when there was nothing to do
   * @param scope which journeys the run recomputed: every one, or the changed ones (how many, of how many customers
   *     and cases)
   */
  public record Result(
      long contacts, long caseEvents, long steps, long journeys, long open, long flowDays, long sloRows,
      Instant asOf, String scope) implements Summarised {

    /** E.g. {@code 12,345 journeys (234 open) from 12,345 contacts and 45,678 case events, ...}. */
    @Override
    public String summary() {
      if (asOf == null) {
        return "no contacts and no case events in the warehouse, nothing written; run `leancx ingest` first";
      }
      return String.format(java.util.Locale.ROOT,
          "%,d journeys (%,d open) from %,d contacts and %,d case events, %,d steps; flow_daily %,d rows,"
              + " journey_slo %,d rows; as of %s; %s",
          journeys, open, contacts, caseEvents, steps, flowDays, sloRows, asOf, scope);
    }
  }

  /**
   * Runs the job on the warehouse's contacts and case_events (either may be absent, not both), recomputing every
   * journey.
   */
  public static Result run(Warehouse warehouse, Settings settings, String arguments) {
    return run(warehouse, settings, null, arguments);
  }

  /**
   * Runs the job for a logical date ({@code journeys.as-of} set to its end, the dated inputs read up to it): when
   * {@code changedFrom} is given and the journeys tables exist, measured as of that instant or earlier, only the
   * journeys that steps dated {@code changedFrom} or later can have changed are recomputed, with the journeys that
   * were open, and merged by key (docs/JOURNEYS.md, "Daily runs"); otherwise every journey is.
   *
   * @param changedFrom the first date whose contacts and case events may be new or changed since the last run (the
   *     date's recontact look-back: failure-demand re-tags it), or null to recompute every journey
   */
  public static Result run(Warehouse warehouse, Settings settings, LocalDate changedFrom, String arguments) {
    JourneySettings config = JourneySettings.from(settings);
    SparkSession spark = warehouse.spark();
    return JobRunner.run(
        warehouse,
        settings,
        JOB,
        arguments,
        run -> {
          Dataset<Row> contacts = emptyOr(warehouse, CanonicalTables.CONTACTS, run);
          Dataset<Row> events = emptyOr(warehouse, CanonicalTables.CASE_EVENTS, run);
          Dataset<Row> demand = null;
          if (warehouse.exists(DemandTables.CONTACT_DEMAND)) {
            demand = warehouse.read(DemandTables.CONTACT_DEMAND);
            run.input(DemandTables.CONTACT_DEMAND);
          }
          Taxonomy taxonomy = Taxonomy.read(java.nio.file.Path.of(settings.path("demand.taxonomy")));
          Result result = compute(warehouse, spark, config, contacts, events, demand, taxonomy, changedFrom, run.id());
          run.count("contacts", result.contacts());
          run.count("case_events", result.caseEvents());
          run.count("journey_steps", result.steps());
          run.count("journeys", result.journeys());
          run.count("open_journeys", result.open());
          run.count("flow_daily", result.flowDays());
          run.count("journey_slo", result.sloRows());
          if (result.asOf() != null) {
            for (TableContract c :
                List.of(
                    JourneyTables.JOURNEYS, JourneyTables.JOURNEY_STEPS, JourneyTables.FLOW_DAILY,
                    JourneyTables.JOURNEY_SLO)) {
              run.output(c);
            }
          }
          return result;
        });
  }

  private static Dataset<Row> emptyOr(Warehouse warehouse, TableContract contract, RunLog.Run run) {
    if (!warehouse.exists(contract)) {
      LOG.info("journeys: table {} does not exist, read as empty", contract.name());
      return warehouse.spark().createDataFrame(List.of(), contract.schema());
    }
    run.input(contract);
    return warehouse.read(contract);
  }

  /** Builds and writes the four tables from the given inputs; the write half of {@link #run}. */
  static Result compute(
      Warehouse warehouse, SparkSession spark, JourneySettings config, Dataset<Row> contacts, Dataset<Row> events,
      Dataset<Row> demand, Taxonomy taxonomy, LocalDate changedFrom, String runId) {
    long contactCount = Step.run(spark, JOB, "counting contacts", contacts::count);
    long eventCount = Step.run(spark, JOB, "counting case events", events::count);
    if (contactCount + eventCount == 0) {
      LOG.info("journeys: no contacts and no case events, nothing to do");
      return new Result(0, 0, 0, 0, 0, 0, 0, null, "");
    }
    Instant asOf =
        config.asOf().orElseGet(
            () ->
                Step.run(
                    spark,
                    JOB,
                    "finding the as-of time (latest event)",
                    // From the inputs, not the assembled steps: assembling them here cost a second full
                    // assembly (38 s of 450 s at 10M contacts, docs/BENCHMARKS.md).
                    () -> Instant.ofEpochSecond(JourneyAssembly.latestEndSeconds(contacts, events))));
    String scope = changedFrom == null ? "every journey recomputed" : incrementalRefusal(warehouse, changedFrom, asOf);
    Dataset<Row> tax = taxonomy.toDataFrame(spark);
    // The first instant from which the journeys may differ from the stored ones (null: all of them).
    Instant firstChange = null;
    if (scope == null) {
      Changed changed =
          recomputeChanged(warehouse, spark, config, contacts, events, demand, tax, changedFrom, asOf, runId);
      scope = changed.scope();
      firstChange = changed.firstChange();
    } else {
      try (JourneyAssembly.Sequenced sequenced =
          JourneyAssembly.assemble(JourneyAssembly.withNeedKeys(contacts, tax, demand), events, config)) {
        Step.run(spark, JOB, "writing journey_steps",
            () -> warehouse.replaceAll(JourneyTables.JOURNEY_STEPS,
                byRecency(JourneyAssembly.journeySteps(sequenced), "at"), runId));
        Dataset<Row> journeys = JourneyAssembly.journeys(sequenced, config, asOf);
        // The cached parts are sorted by their grouping keys: aggregating them by sort needs no sort, where the
        // object-hash aggregation (collect_list, min_by) falls back to sorting every step after 128 journeys.
        Step.run(spark, JOB, "writing journeys",
            () -> SparkSessions.withConf(spark, "spark.sql.execution.replaceHashWithSortAgg", "true",
                () -> {
                  // Cached: the range partitioning samples its input, which would aggregate the steps twice.
                  Dataset<Row> measured = journeys.persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
                  try {
                    warehouse.replaceAll(JourneyTables.JOURNEYS, byRecency(measured, "last_event_at"), runId);
                  } finally {
                    measured.unpersist();
                  }
                  return null;
                }));
      }
    }
    Dataset<Row> written = warehouse.read(JourneyTables.JOURNEYS);
    if (firstChange == null || !warehouse.exists(JourneyTables.FLOW_DAILY)
        || !warehouse.exists(JourneyTables.JOURNEY_SLO)) {
      Step.run(spark, JOB, "writing flow_daily",
          () -> warehouse.replaceAll(JourneyTables.FLOW_DAILY, FlowMetrics.flowDaily(written, config, asOf), runId));
      Step.run(spark, JOB, "writing journey_slo",
          () -> warehouse.replaceAll(JourneyTables.JOURNEY_SLO, ServiceLevels.journeySlo(written, config, asOf),
              runId));
    } else {
      rewriteFlowAndSlo(warehouse, spark, config, written, firstChange, asOf, runId);
    }
    long stepCount = warehouse.read(JourneyTables.JOURNEY_STEPS).count();
    long journeyCount = written.count();
    long open = written.filter(col("status").equalTo(JourneyAssembly.OPEN)).count();
    long flowDays = warehouse.read(JourneyTables.FLOW_DAILY).count();
    long sloRows = warehouse.read(JourneyTables.JOURNEY_SLO).count();
    return new Result(contactCount, eventCount, stepCount, journeyCount, open, flowDays, sloRows, asOf, scope);
  }

  /**
   * Rewrites the days of flow_daily and the periods of journey_slo that the recomputed journeys can change: those from
   * the local day of {@code firstChange} on (every replaced or recomputed journey started then or later, and was or
   * is assessed then or later), each from the journeys that can count in them, in one replaceWhere commit each. The
   * earlier rows are the whole run's: no journey that counts in them changed.
   */
  private static void rewriteFlowAndSlo(
      Warehouse warehouse, SparkSession spark, JourneySettings config, Dataset<Row> journeys, Instant firstChange,
      Instant asOf, String runId) {
    java.time.ZoneId zone = config.calendar().zone();
    LocalDate fromDay = LocalDate.ofInstant(firstChange, zone);
    Column ended = col("ended_at");
    // flow_daily has a row per day and journey type from the first journey's day on: a type that appeared or vanished,
    // or a first day that moved, changes the rows of every day, so the whole table is rewritten then.
    List<Row> types = journeys.groupBy("journey_type").agg(functions.min("started_at")).collectAsList();
    java.util.Set<String> now = new java.util.HashSet<>();
    Instant first = null;
    for (Row t : types) {
      now.add(t.getString(0));
      Instant start = t.getTimestamp(1).toInstant();
      first = first == null || start.isBefore(first) ? start : first;
    }
    Dataset<Row> stored = warehouse.read(JourneyTables.FLOW_DAILY);
    java.util.Set<String> before = new java.util.HashSet<>();
    stored.select("journey_type").distinct().collectAsList().forEach(r -> before.add(r.getString(0)));
    Row storedFirst = stored.agg(functions.min("flow_date")).first();
    LocalDate firstDay = first == null ? fromDay : LocalDate.ofInstant(first, zone);
    if (first == null || !now.equals(before) || storedFirst.isNullAt(0)
        || !storedFirst.getDate(0).toLocalDate().equals(firstDay)) {
      Step.run(spark, JOB, "writing flow_daily (journey types or first day changed)",
          () -> warehouse.replaceAll(JourneyTables.FLOW_DAILY, FlowMetrics.flowDaily(journeys, config, asOf), runId));
    } else {
      Dataset<Row> flowPart = journeys.where(
          ended.isNull().or(ended.geq(lit(java.sql.Timestamp.from(FlowMetrics.partFrom(fromDay, config))))));
      Dataset<Row> typeRows = spark.createDataFrame(types, types.isEmpty() ? journeys.select("journey_type").schema()
          : types.get(0).schema()).select("journey_type");
      Step.run(spark, JOB, "writing flow_daily from " + fromDay, () -> {
        warehouse.replaceWhere(JourneyTables.FLOW_DAILY,
            FlowMetrics.flowDaily(flowPart, typeRows, firstDay, config, asOf)
                .where(col("flow_date").geq(lit(java.sql.Date.valueOf(fromDay)))),
            "flow_date >= DATE '" + fromDay + "'", runId);
        return null;
      });
    }
    LocalDate fromPeriod = ServiceLevels.periodStart(fromDay, config.sloPeriod());
    // A day early for any zone offset; the rows of earlier periods are dropped below.
    Instant periodAt = fromPeriod.minusDays(1).atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
    Dataset<Row> sloPart = journeys.where(ended.isNull().or(ended.geq(lit(java.sql.Timestamp.from(periodAt)))));
    Step.run(spark, JOB, "writing journey_slo from " + fromPeriod, () -> {
      warehouse.replaceWhere(JourneyTables.JOURNEY_SLO,
          ServiceLevels.journeySlo(sloPart, config, asOf)
              .where(col("period_start").geq(lit(java.sql.Date.valueOf(fromPeriod)))),
          "period_start >= DATE '" + fromPeriod + "'", runId);
      return null;
    });
  }

  /**
   * Why this run recomputes every journey although it was given a changed-from date, or null when it can recompute
   * the changed ones: the tables must exist, must not have been measured as of a later instant (a past date run
   * again measures every journey as of its own end, as the whole run did before), and must have been measured at or
   * after the start of {@code changedFrom} (when runs skipped more days than the look-back, steps dated between the last
   * run and changedFrom would be missed).
   */
  private static String incrementalRefusal(Warehouse warehouse, LocalDate changedFrom, Instant asOf) {
    if (!warehouse.exists(JourneyTables.JOURNEYS) || !warehouse.exists(JourneyTables.JOURNEY_STEPS)) {
      return "every journey recomputed (first run)";
    }
    Row latest = warehouse.read(JourneyTables.JOURNEYS).agg(max(col(AS_OF))).first();
    if (latest.isNullAt(0)) {
      return "every journey recomputed (the table was empty)";
    }
    Instant stored = latest.getTimestamp(0).toInstant();
    if (stored.isAfter(asOf)) {
      return "every journey recomputed (the tables were measured as of " + stored + ", after " + asOf + ")";
    }
    Instant since = changedFrom.atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
    if (stored.isBefore(since)) {
      return "every journey recomputed (the last run was as of " + stored + ", before the look-back from " + changedFrom
          + ": runs were skipped)";
    }
    return null;
  }

  /**
   * Recomputes the journeys that steps dated {@code changedFrom} or later can have changed, and the open ones, and
   * merges them into journey_steps and journeys (docs/JOURNEYS.md, "Daily runs").
   *
   * <p>Need journeys: for each customer with a contact dated changedFrom or later or an open need journey, and each of
   * its needs, the steps from the start of the need's earliest <em>live</em> journey or changedFrom, whichever is
   * first: a
   * journey is live when it is open, has a step from changedFrom on, or ended less than journeys.gap before
   * changedFrom (a new step can join it). An earlier journey cannot change: its steps are older than changedFrom, no
   * new step is within the gap of its end, and the gap rule assigns its steps from older steps only; and a live
   * journey's first step, and a new step before it dated changedFrom or later, start a journey whatever came before
   * (every older step ended more than the gap before), so the steps from there on are assigned as in a run over
   * everything. Case journeys: every step of each case with a contact or event dated changedFrom or later, or that was
   * open. Steps are merged first, then journeys: a run that stops between them leaves the journeys that were open
   * still open, so the next run recomputes the same set. Returns the summary of what was recomputed.
   */
  /** What {@link #recomputeChanged} did: its summary, and the first instant from which journeys may differ. */
  private record Changed(String scope, Instant firstChange) {}

  private static Changed recomputeChanged(
      Warehouse warehouse, SparkSession spark, JourneySettings config, Dataset<Row> contacts, Dataset<Row> events,
      Dataset<Row> demand, Dataset<Row> taxonomy, LocalDate changedFrom, Instant asOf, String runId) {
    Column since = lit(java.sql.Date.valueOf(changedFrom));
    Column sinceAt = lit(java.sql.Timestamp.from(changedFrom.atStartOfDay(java.time.ZoneOffset.UTC).toInstant()));
    Column liveEnd = lit(java.sql.Timestamp.from(
        changedFrom.atStartOfDay(java.time.ZoneOffset.UTC).toInstant().minus(config.gap())));
    Dataset<Row> before = warehouse.read(JourneyTables.JOURNEYS);
    Dataset<Row> open = before.where(col(STATUS).equalTo(JourneyAssembly.OPEN));
    Dataset<Row> changedContacts = contacts.where(col("contact_date").geq(since));
    // The key sets are small (a day's customers and cases, and the open journeys'); collected, they are broadcast
    // as local relations and do not change when the tables are merged below.
    Dataset<Row> customers = Step.run(spark, JOB, "finding the customers with new or open journeys", () -> local(spark,
        changedContacts.select(JourneyAssembly.CUSTOMER_KEY)
            .union(open.where(col(JourneyAssembly.BASIS).equalTo(JourneyAssembly.CUSTOMER_NEED))
                .select(JourneyAssembly.CUSTOMER_KEY))
            .where(col(JourneyAssembly.CUSTOMER_KEY).isNotNull())
            .distinct()));
    Dataset<Row> cases = Step.run(spark, JOB, "finding the cases with new or open journeys", () -> local(spark,
        changedContacts.select(JourneyAssembly.CASE_ID)
            .union(events.where(col("event_date").geq(since)).select(JourneyAssembly.CASE_ID))
            .union(open.where(col(JourneyAssembly.BASIS).equalTo(JourneyAssembly.CASE)).select(JourneyAssembly.CASE_ID))
            .where(col(JourneyAssembly.CASE_ID).isNotNull())
            .distinct()));
    Dataset<Row> needJourneys = before.where(col(JourneyAssembly.BASIS).equalTo(JourneyAssembly.CUSTOMER_NEED))
        .join(customers, JourneyAssembly.CUSTOMER_KEY, "left_semi");
    // Per customer and need, the start of its earliest live journey, or changedFrom when that is earlier.
    Dataset<Row> anchors = Step.run(spark, JOB, "finding each need's live journeys", () -> local(spark,
        needJourneys
            .where(col(STATUS).equalTo(JourneyAssembly.OPEN)
                .or(col("last_event_at").geq(sinceAt))
                .or(col("ended_at").geq(liveEnd)))
            .groupBy(JourneyAssembly.CUSTOMER_KEY, JourneyAssembly.NEED_KEY)
            .agg(functions.least(functions.min(col("started_at")), sinceAt).as(FROM))));
    Dataset<Row> replacedRows = Step.run(spark, JOB, "finding the journeys to recompute", () -> local(spark,
        needJourneys.join(anchors, new String[] {JourneyAssembly.CUSTOMER_KEY, JourneyAssembly.NEED_KEY}, "left")
            .where(col("started_at").geq(functions.coalesce(col(FROM), sinceAt)))
            .select(JourneyAssembly.JOURNEY_ID, "started_at", "last_event_at")
            .union(before.where(col(JourneyAssembly.BASIS).equalTo(JourneyAssembly.CASE))
                .join(cases, JourneyAssembly.CASE_ID, "left_semi")
                .select(JourneyAssembly.JOURNEY_ID, "started_at", "last_event_at"))));
    Dataset<Row> replaced = replacedRows.select(JourneyAssembly.JOURNEY_ID);
    // Every stored row the MERGEs can match belongs to a replaced journey (a recomputed journey that is not one starts
    // at a step no stored journey starts at): its steps are at or after the earliest start, and it was last active at
    // or after the earliest last event. The files are laid out by those columns, so the MERGEs skip the older ones.
    Row span = replacedRows.agg(functions.min("started_at"), functions.min("last_event_at")).first();
    String stepsSince = span.isNullAt(0) ? "false" : "t.at >= " + timestampLiteral(span.getTimestamp(0));
    String journeysSince = span.isNullAt(1) ? "false" : "t.last_event_at >= " + timestampLiteral(span.getTimestamp(1));
    // A customer's contacts without a case from its earliest anchor (or changedFrom) on; each need's own anchor is
    // applied once the need keys are known.
    Dataset<Row> customerFrom = local(spark, customers.join(anchors, JourneyAssembly.CUSTOMER_KEY, "left")
        .groupBy(JourneyAssembly.CUSTOMER_KEY)
        .agg(functions.least(functions.coalesce(functions.min(col(FROM)), sinceAt), sinceAt).as(FROM)));
    Dataset<Row> affectedContacts =
        contacts.where(col(JourneyAssembly.CASE_ID).isNull())
            .join(customerFrom, JourneyAssembly.CUSTOMER_KEY)
            .where(col("started_at").geq(col(FROM)))
            .drop(FROM)
            .unionByName(contacts.where(col(JourneyAssembly.CASE_ID).isNotNull())
                .join(cases, JourneyAssembly.CASE_ID, "left_semi"));
    Dataset<Row> affectedEvents = events.join(cases, JourneyAssembly.CASE_ID, "left_semi");
    Dataset<Row> affectedDemand = demand == null ? null
        : demand.join(broadcast(affectedContacts.select(JourneyAssembly.CUSTOMER_KEY).distinct()),
            JourneyAssembly.CUSTOMER_KEY, "left_semi");
    Dataset<Row> withNeeds = JourneyAssembly.withNeedKeys(affectedContacts, taxonomy, affectedDemand);
    Dataset<Row> fromTheAnchors = withNeeds
        .join(broadcast(anchors), new String[] {JourneyAssembly.CUSTOMER_KEY, JourneyAssembly.NEED_KEY}, "left")
        .where(col(JourneyAssembly.CASE_ID).isNotNull().or(col("started_at").geq(functions.coalesce(col(FROM), sinceAt))))
        .drop(FROM);
    long[] recomputed = new long[1];
    Instant[] firstChange = {changedFrom.atStartOfDay(java.time.ZoneOffset.UTC).toInstant()};
    if (!span.isNullAt(0) && span.getTimestamp(0).toInstant().isBefore(firstChange[0])) {
      firstChange[0] = span.getTimestamp(0).toInstant();
    }
    try (JourneyAssembly.Sequenced sequenced = JourneyAssembly.assemble(fromTheAnchors, affectedEvents, config)) {
      // Fills the two cached parts: the MERGE below evaluates its source more than once.
      long steps = Step.run(spark, JOB, "assembling the steps of the journeys to recompute",
          () -> sequenced.byNeed().count() + sequenced.byCase().count());
      LOG.info("journeys: {} steps to recompute", steps);
      Dataset<Row> replacedSteps =
          warehouse.read(JourneyTables.JOURNEY_STEPS).join(replaced, JourneyAssembly.JOURNEY_ID, "left_semi");
      Step.run(spark, JOB, "merging journey_steps", () -> {
        warehouse.mergeChanges(JourneyTables.JOURNEY_STEPS, JourneyAssembly.journeySteps(sequenced), replacedSteps,
            stepsSince, List.of(), runId);
        return null;
      });
      Dataset<Row> journeys = JourneyAssembly.journeys(sequenced, config, asOf).cache();
      try {
        Row measured = journeys.agg(functions.count(lit(1)), functions.min("started_at")).first();
        recomputed[0] = measured.getLong(0);
        if (!measured.isNullAt(1) && measured.getTimestamp(1).toInstant().isBefore(firstChange[0])) {
          firstChange[0] = measured.getTimestamp(1).toInstant();
        }
        // A journey whose only difference is as_of keeps its row: as_of is when the row last changed.
        Step.run(spark, JOB, "merging journeys", () -> {
          warehouse.mergeChanges(JourneyTables.JOURNEYS, journeys, replaced, journeysSince, List.of(AS_OF), runId);
          return null;
        });
      } finally {
        journeys.unpersist();
      }
    }
    return new Changed(String.format(java.util.Locale.ROOT,
        "changed since %s: %,d journeys recomputed (%,d before) of %,d customers and %,d cases", changedFrom,
        recomputed[0], replaced.count(), customers.count(), cases.count()), firstChange[0]);
  }

  /**
   * Range-partitions rows by a time column before a full write, so that each file holds one stretch of time and its
   * statistics let a daily run's MERGE skip the files before the journeys it recomputes.
   */
  private static Dataset<Row> byRecency(Dataset<Row> rows, String column) {
    return rows.repartitionByRange(col(column)).sortWithinPartitions(col(column));
  }

  /**
   * A timestamp as a SQL literal with its zone (ISO instant, UTC), independent of the session time zone: a literal,
   * so that Delta can compare it with the files' statistics.
   */
  private static String timestampLiteral(java.sql.Timestamp t) {
    return "TIMESTAMP '" + t.toInstant() + "'";
  }

  /** Collects a small key set to the driver and returns it as a local relation (broadcast when joined). */
  private static Dataset<Row> local(SparkSession spark, Dataset<Row> keys) {
    return spark.createDataFrame(keys.collectAsList(), keys.schema());
  }
}
