package org.leancx.journeys;

import static org.apache.spark.sql.functions.col;

import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
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
 * journey_steps, flow_daily and journey_slo. Every run recomputes the four tables in full and replaces them in one
 * commit each (replaceAll), so a rerun on the same inputs and config leaves identical tables.
 */
public final class Journeys {
  private static final Logger LOG = LoggerFactory.getLogger(Journeys.class);
  static final String JOB = "journeys";

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
   */
  public record Result(
      long contacts, long caseEvents, long steps, long journeys, long open, long flowDays, long sloRows,
      Instant asOf) implements Summarised {

    /** E.g. {@code 12,345 journeys (234 open) from 12,345 contacts and 45,678 case events, ...}. */
    @Override
    public String summary() {
      if (asOf == null) {
        return "no contacts and no case events in the warehouse, nothing written; run `leancx ingest` first";
      }
      return String.format(java.util.Locale.ROOT,
          "%,d journeys (%,d open) from %,d contacts and %,d case events, %,d steps; flow_daily %,d rows,"
              + " journey_slo %,d rows; as of %s",
          journeys, open, contacts, caseEvents, steps, flowDays, sloRows, asOf);
    }
  }

  /** Runs the job on the warehouse's contacts and case_events (either may be absent, not both). */
  public static Result run(Warehouse warehouse, Settings settings, String arguments) {
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
          Result result = compute(warehouse, spark, config, contacts, events, demand, taxonomy, run.id());
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
      Dataset<Row> demand, Taxonomy taxonomy, String runId) {
    long contactCount = Step.run(spark, JOB, "counting contacts", contacts::count);
    long eventCount = Step.run(spark, JOB, "counting case events", events::count);
    if (contactCount + eventCount == 0) {
      LOG.info("journeys: no contacts and no case events, nothing to do");
      return new Result(0, 0, 0, 0, 0, 0, 0, null);
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
    try (JourneyAssembly.Sequenced sequenced =
        JourneyAssembly.assemble(
            JourneyAssembly.withNeedKeys(contacts, taxonomy.toDataFrame(spark), demand), events, config)) {
      Step.run(spark, JOB, "writing journey_steps",
          () -> warehouse.replaceAll(JourneyTables.JOURNEY_STEPS, JourneyAssembly.journeySteps(sequenced), runId));
      Dataset<Row> journeys = JourneyAssembly.journeys(sequenced, config, asOf);
      // The cached parts are sorted by their grouping keys: aggregating them by sort needs no sort, where the
      // object-hash aggregation (collect_list, min_by) falls back to sorting every step after 128 journeys.
      Step.run(spark, JOB, "writing journeys",
          () -> SparkSessions.withConf(spark, "spark.sql.execution.replaceHashWithSortAgg", "true",
              () -> {
                warehouse.replaceAll(JourneyTables.JOURNEYS, journeys, runId);
                return null;
              }));
    }
    Dataset<Row> written = warehouse.read(JourneyTables.JOURNEYS);
    Step.run(spark, JOB, "writing flow_daily",
        () -> warehouse.replaceAll(JourneyTables.FLOW_DAILY, FlowMetrics.flowDaily(written, config, asOf), runId));
    Step.run(spark, JOB, "writing journey_slo",
        () -> warehouse.replaceAll(JourneyTables.JOURNEY_SLO, ServiceLevels.journeySlo(written, config, asOf),
            runId));
    long stepCount = warehouse.read(JourneyTables.JOURNEY_STEPS).count();
    long journeyCount = written.count();
    long open = written.filter(col("status").equalTo(JourneyAssembly.OPEN)).count();
    long flowDays = warehouse.read(JourneyTables.FLOW_DAILY).count();
    long sloRows = warehouse.read(JourneyTables.JOURNEY_SLO).count();
    return new Result(contactCount, eventCount, stepCount, journeyCount, open, flowDays, sloRows, asOf);
  }
}
