package org.leancx.experiments;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.leancx.common.JobRunner;
import org.leancx.common.Settings;
import org.leancx.common.Step;
import org.leancx.common.Summarised;
import org.leancx.common.Warehouse;
import org.leancx.demand.DemandTables;
import org.leancx.experiments.ExperimentAnalysis.Comparison;
import org.leancx.experiments.ExperimentAnalysis.Measure;
import org.leancx.experiments.ExperimentAnalysis.Need;
import org.leancx.experiments.ExperimentAnalysis.Outcome;
import org.leancx.experiments.ExperimentSettings.Design;
import org.leancx.experiments.ExperimentSettings.Experiment;
import org.leancx.ingest.CanonicalTables;
import org.leancx.journeys.JourneyTables;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The experiment job: compares the arms of one configured experiment on the full cost of resolving the customer's
 * need, and writes that experiment's rows of experiment_results. Reads journeys, journey_steps, contact_demand and
 * contacts (and customer_lists for an assignment list).
 */
public final class Experiments {
  /** Job name in pipeline_runs. */
  public static final String JOB = "experiment";

  private static final Logger LOG = LoggerFactory.getLogger(Experiments.class);

  private Experiments() {}

  /**
   * Counts and headline of one run.
   *
   * @param experiment the experiment's name
   * @param arms the arms' sizes
   * @param leftOut needs left out because contact_demand lacks one of their contacts (excluded service accounts)
   * @param outcomes the compared measures
   * @param srmPValue the sample-ratio p-value, null when not tested
   * @param mismatch the p-value is below experiment-analysis.srm-alpha
   */
  public record Result(String experiment, List<ExperimentAnalysis.ArmSize> arms, long leftOut, List<Outcome> outcomes,
      Double srmPValue, boolean mismatch) implements Summarised {
    public Result {
      arms = List.copyOf(arms);
      outcomes = List.copyOf(outcomes);
    }

    /**
     * E.g. {@code short_handling: A 1,234 needs (...), B 1,210 needs (...); B full_cost_per_resolved_need +1.200
     * (+0.400..+2.100) worse; ...}.
     */
    @Override
    public String summary() {
      if (arms.isEmpty()) {
        return experiment + ": no need in the experiment yet; experiment_results unchanged";
      }
      StringBuilder out = new StringBuilder(experiment).append(": ");
      List<String> sizes = new ArrayList<>();
      for (ExperimentAnalysis.ArmSize a : arms) {
        sizes.add(String.format(Locale.ROOT, "%s %,d needs (%,d settled, %,d customers)", a.arm(), a.needs(),
            a.settledNeeds(), a.customers()));
      }
      out.append(String.join(", ", sizes));
      if (leftOut > 0) {
        out.append(String.format(Locale.ROOT, "; %,d needs of excluded service accounts left out", leftOut));
      }
      if (srmPValue != null) {
        out.append(String.format(Locale.ROOT, "; sample ratio p=%.3g%s", srmPValue,
            mismatch ? " MISMATCH: do not trust the differences" : ""));
      }
      for (Outcome o : outcomes) {
        if (o.isControl() || !(o.measure() == Measure.FIRST_CONTACT_COST
            || o.measure() == Measure.FULL_COST_PER_RESOLVED_NEED || o.measure() == Measure.REPEAT_RATE)) {
          continue;
        }
        out.append(String.format(Locale.ROOT, "; %s %s %s", o.arm(), o.measure().column(),
            o.difference() == null ? "n/a"
                : o.low() == null ? String.format(Locale.ROOT, "%+.3f", o.difference())
                : String.format(Locale.ROOT, "%+.3f (%+.3f..%+.3f) %s", o.difference(), o.low(), o.high(),
                    o.verdict())));
      }
      return out.toString();
    }
  }

  /** Compares the arms of {@code name} and replaces its rows of experiment_results. */
  public static Result run(Warehouse warehouse, Settings settings, ExperimentSettings analysis, String name) {
    Experiment e = analysis.experiment(name);
    String arguments = "--name " + name + " design=" + e.design().name().toLowerCase(Locale.ROOT);
    return JobRunner.run(warehouse, settings, JOB, arguments, run -> {
      requireInputs(warehouse, e);
      run.input(JourneyTables.JOURNEYS);
      run.input(JourneyTables.JOURNEY_STEPS);
      run.input(DemandTables.CONTACT_DEMAND);
      run.input(CanonicalTables.CONTACTS);
      Dataset<Row> lists = null;
      if (e.design() == Design.LIST) {
        run.input(CanonicalTables.CUSTOMER_LISTS);
        lists = warehouse.read(CanonicalTables.CUSTOMER_LISTS);
      }
      Dataset<Row> needs = Needs.needs(warehouse.read(JourneyTables.JOURNEYS),
          warehouse.read(JourneyTables.JOURNEY_STEPS), warehouse.read(DemandTables.CONTACT_DEMAND), analysis);
      Dataset<Row> armed = Arms.assign(needs, warehouse.read(CanonicalTables.CONTACTS), lists, e);
      // One row per need of the experiment on the driver (about 100 bytes each): the bootstrap resamples customers
      // there, which a cluster would do no faster for the millions of needs an experiment holds.
      List<Row> rows = Step.run(warehouse.spark(), JOB, "collecting the needs of " + name, () ->
          armed.select(col(Arms.ARM), col(Needs.CUSTOMER_KEY), col(Needs.JOURNEY_ID), col(Needs.SETTLED),
                  col(Needs.CONTACTS), col(Needs.FAILURE_CONTACTS), col(Needs.REPEATED), col(Needs.FIRST_CONTACT_COST),
                  col(Needs.FULL_COST), col(Needs.LEAD_TIME_HOURS), col(Needs.UNTAGGED_CONTACTS))
              .orderBy(col(Needs.JOURNEY_ID))
              .collectAsList());
      List<Need> collected = new ArrayList<>();
      long leftOut = 0;
      for (Row r : rows) {
        if (r.getLong(10) > 0) {
          leftOut++;
          continue;
        }
        String cluster = r.isNullAt(1) ? "journey:" + r.getString(2) : r.getString(1);
        collected.add(new Need(r.getString(0), cluster, r.getBoolean(3), r.getLong(4), r.getLong(5), r.getBoolean(6),
            r.isNullAt(7) ? Double.NaN : r.getDouble(7), r.getDouble(8), r.getDouble(9)));
      }
      run.count("needs", collected.size());
      run.count("needs_left_out", leftOut);
      if (collected.isEmpty()) {
        LOG.warn("Experiment {} has no need yet ({}): experiment_results is unchanged.", name, where(e));
        return new Result(name, List.of(), leftOut, List.of(), null, false);
      }
      if (collected.stream().noneMatch(n -> n.arm().equals(e.control()))) {
        LOG.warn("Experiment {}: the control arm '{}' has no need yet (arms found: {}): experiment_results is"
            + " unchanged. Check experiments.{}.control if it should have.", name, e.control(),
            collected.stream().map(Need::arm).distinct().sorted().toList(), name);
        return new Result(name, List.of(), leftOut, List.of(), null, false);
      }
      Comparison c = Step.run(warehouse.spark(), JOB, "bootstrap of " + name + " (" + analysis.resamples()
          + " resamples)", () -> ExperimentAnalysis.compare(collected, e.control(),
              e.design() == Design.BEFORE_AFTER ? null : e.split(), analysis.resamples(), analysis.seed(),
              analysis.confidence()));
      Row span = armed.agg(min(col(Needs.START_DATE)), max(col(Needs.START_DATE)), max(col(Needs.AS_OF))).first();
      boolean mismatch = c.srmPValue() != null && c.srmPValue() < analysis.srmAlpha();
      Dataset<Row> results = warehouse.spark().createDataFrame(
          resultRows(e, analysis, c, mismatch, span.getDate(0), span.getDate(1), span.getTimestamp(2)),
          ExperimentTables.EXPERIMENT_RESULTS.schema());
      Step.run(warehouse.spark(), JOB, "experiment_results of " + name, () ->
          warehouse.replaceWhere(ExperimentTables.EXPERIMENT_RESULTS, results, "experiment = '" + name + "'",
              run.id()));
      run.output(ExperimentTables.EXPERIMENT_RESULTS);
      run.count("experiment_rows", c.outcomes().size());
      run.count("arms", c.arms().size());
      if (mismatch) {
        LOG.warn("Experiment {}: sample-ratio mismatch (p = {} below {}): the arms' customers {} do not match the"
            + " expected split {}; check the assignment and its logging before reading the differences.", name,
            c.srmPValue(), analysis.srmAlpha(), c.arms(), e.split().isEmpty() ? "(equal)" : e.split());
      }
      return new Result(name, c.arms(), leftOut, c.outcomes(), c.srmPValue(), mismatch);
    });
  }

  private static List<Row> resultRows(Experiment e, ExperimentSettings analysis, Comparison c, boolean mismatch,
      java.sql.Date first, java.sql.Date last, Timestamp asOf) {
    List<Row> out = new ArrayList<>();
    for (Outcome o : c.outcomes()) {
      ExperimentAnalysis.ArmSize size =
          c.arms().stream().filter(a -> a.arm().equals(o.arm())).findFirst().orElseThrow();
      out.add(RowFactory.create(e.name(), e.design().name(), e.description().isEmpty() ? null : e.description(),
          o.arm(), e.control(), o.isControl(), o.measure().column(), o.measure().unit(), size.needs(),
          size.settledNeeds(), size.customers(), o.value(), o.controlValue(), o.difference(), o.low(), o.high(),
          o.relativeDifference(), analysis.confidence(), o.verdict(), c.srmPValue(), mismatch, analysis.resamples(),
          analysis.seed(), first, last, asOf));
    }
    return out;
  }

  private static void requireInputs(Warehouse warehouse, Experiment e) {
    for (var contract : List.of(JourneyTables.JOURNEYS, JourneyTables.JOURNEY_STEPS, DemandTables.CONTACT_DEMAND,
        CanonicalTables.CONTACTS)) {
      if (!warehouse.exists(contract)) {
        throw new IllegalStateException("experiment " + e.name() + " needs table " + contract.name() + ", which is"
            + " not in " + warehouse.describe() + ": run leancx ingest, failure-demand and journeys first (leancx"
            + " daily runs them).");
      }
    }
    if (e.design() == Design.LIST && !warehouse.exists(CanonicalTables.CUSTOMER_LISTS)) {
      throw new IllegalStateException("experiment " + e.name() + " reads its arms from the list '" + e.list()
          + "' in customer_lists, which is not in " + warehouse.describe() + ": load it with leancx ingest --source "
          + e.list() + " (a mapping with target = customer_lists).");
    }
  }

  private static String where(Experiment e) {
    return switch (e.design()) {
      case ATTRIBUTE -> "no need's first contact has attribute " + e.attribute()
          + (e.from() == null && e.to() == null ? "" : " between " + e.from() + " and " + e.to());
      case LIST -> "no need of a customer on the list " + e.list() + " since the customer was listed";
      case BEFORE_AFTER -> "no need started between " + e.from() + " and " + e.to();
    };
  }
}
