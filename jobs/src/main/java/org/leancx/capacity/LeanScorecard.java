package org.leancx.capacity;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.percentile;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.try_divide;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.leancx.common.Aggregates;
import org.leancx.common.JobRunner;
import org.leancx.common.Settings;
import org.leancx.common.Step;
import org.leancx.common.Summarised;
import org.leancx.common.TableContract;
import org.leancx.common.Warehouse;
import org.leancx.guardrails.GuardrailSettings;
import org.leancx.guardrails.GuardrailTables;
import org.leancx.guardrails.ProtectedOutcomes;
import org.leancx.ingest.CanonicalTables;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Lean scorecard job: one row per period for the organisation and per journey type, putting failure demand, FCR,
 * repeats, lead time, flow efficiency, SLO attainment, cost, the agent-hours failure demand consumes and the top root
 * condition side by side, each from its source table. Writes lean_scorecard.
 */
public final class LeanScorecard {
  private static final Logger LOG = LoggerFactory.getLogger(LeanScorecard.class);
  public static final String JOB = "scorecard";

  /** The journey_type of the organisation-wide rows. */
  public static final String ALL = "ALL";

  static final String PERIOD_START = "period_start";
  static final String JOURNEY_TYPE = "journey_type";
  private static final String[] KEY = {PERIOD_START, JOURNEY_TYPE};

  private static final String IS_FAILURE = "_is_failure";
  private static final String COST = "_cost";
  private static final String RESOLVED = "_resolved";
  private static final String REPEATED = "_repeated";
  private static final String RECONTACTS = "_recontacts";

  private LeanScorecard() {}

  /**
   * The scorecard's inputs; every one but contactDemand may be null when its table does not exist.
   *
   * @param contactDemand contact_demand (required)
   * @param journeys journeys, or null
   * @param journeySlo journey_slo, or null
   * @param capacityWhatIf capacity_whatif, or null
   * @param rootConditions root_conditions, or null
   * @param vulnerableCustomers the customer_key of the customers in vulnerable circumstances (guardrails.vulnerable),
   *     or null for no vulnerable columns
   * @param automationSlo automation_slo, or null
   * @param efficiencyTwins efficiency_twins, or null
   */
  public record Sources(
      Dataset<Row> contactDemand,
      Dataset<Row> journeys,
      Dataset<Row> journeySlo,
      Dataset<Row> capacityWhatIf,
      Dataset<Row> rootConditions,
      Dataset<Row> vulnerableCustomers,
      Dataset<Row> automationSlo,
      Dataset<Row> efficiencyTwins) {
    public Sources {
      if (contactDemand == null) {
        throw new IllegalArgumentException("contact_demand is required: run `leancx failure-demand` first.");
      }
    }

    /** The sources without the guardrails' (protective columns null). */
    public Sources(Dataset<Row> contactDemand, Dataset<Row> journeys, Dataset<Row> journeySlo,
        Dataset<Row> capacityWhatIf, Dataset<Row> rootConditions) {
      this(contactDemand, journeys, journeySlo, capacityWhatIf, rootConditions, null, null, null);
    }

    /** The names of the tables present, in the order of the scorecard's columns. */
    public List<String> names() {
      List<String> names = new ArrayList<>(List.of(Inputs.ContactDemand.CONTRACT.name()));
      if (journeys != null) {
        names.add(Inputs.Journeys.CONTRACT.name());
      }
      if (journeySlo != null) {
        names.add(Inputs.JourneySlo.CONTRACT.name());
      }
      if (capacityWhatIf != null) {
        names.add(CapacityTables.CAPACITY_WHATIF.name());
      }
      if (rootConditions != null) {
        names.add(Inputs.RootConditions.CONTRACT.name());
      }
      if (vulnerableCustomers != null) {
        names.add(CanonicalTables.CONTACTS.name());
      }
      if (automationSlo != null) {
        names.add(GuardrailTables.AUTOMATION_SLO.name());
      }
      if (efficiencyTwins != null) {
        names.add(GuardrailTables.EFFICIENCY_TWINS.name());
      }
      return List.copyOf(names);
    }
  }

  /** Counts of one scorecard run. */
  public record Result(long rows, long periods, List<String> sources) implements Summarised {
    public Result {
      sources = List.copyOf(sources);
    }

    /** E.g. {@code 120 rows over 6 periods from contact_demand, journeys, capacity_whatif}. */
    @Override
    public String summary() {
      return String.format(java.util.Locale.ROOT, "%,d rows over %,d periods from %s", rows, periods,
          String.join(", ", sources));
    }
  }

  /** Reads the source tables that exist, writes lean_scorecard, and records the run. */
  public static Result run(Warehouse warehouse, Settings settings, ScorecardSettings scorecard) {
    return JobRunner.run(
        warehouse,
        settings,
        JOB,
        "period=" + scorecard.period(),
        run -> {
          Dataset<Row> contactDemand = warehouse.read(Inputs.ContactDemand.CONTRACT);
          Sources sources =
              new Sources(
                  contactDemand,
                  optional(warehouse, Inputs.Journeys.CONTRACT, Inputs.Journeys.JOURNEY_TYPE,
                      Inputs.Journeys.STATUS, Inputs.Journeys.ENDED_AT, Inputs.Journeys.LEAD_TIME_SECONDS,
                      Inputs.Journeys.FLOW_EFFICIENCY),
                  optional(warehouse, Inputs.JourneySlo.CONTRACT, Inputs.JourneySlo.PERIOD_START,
                      Inputs.JourneySlo.JOURNEY_TYPE, Inputs.JourneySlo.ELIGIBLE, Inputs.JourneySlo.MET),
                  optional(warehouse, CapacityTables.CAPACITY_WHATIF, CapacityWhatIf.INTERVAL_DATE,
                      CapacityWhatIf.FAILURE_AGENT_HOURS),
                  optional(warehouse, Inputs.RootConditions.CONTRACT, Inputs.RootConditions.CONDITIONS,
                      Inputs.RootConditions.EXCESS_COST, Inputs.RootConditions.RANK, Inputs.RootConditions.OUTCOME),
                  vulnerableCustomers(warehouse, settings, contactDemand),
                  optional(warehouse, GuardrailTables.AUTOMATION_SLO, "period_start", "settled_contacts", "contained",
                      "hand_offs", "safe_hand_offs", "automation_induced_contacts", "containment_status",
                      "safe_hand_off_status"),
                  optional(warehouse, GuardrailTables.EFFICIENCY_TWINS, "period_start", "goodhart_flag"));
          run.input(Inputs.ContactDemand.CONTRACT);
          for (TableContract c : List.of(Inputs.Journeys.CONTRACT, Inputs.JourneySlo.CONTRACT,
              CapacityTables.CAPACITY_WHATIF, Inputs.RootConditions.CONTRACT, CanonicalTables.CONTACTS,
              GuardrailTables.AUTOMATION_SLO, GuardrailTables.EFFICIENCY_TWINS)) {
            if (sources.names().contains(c.name())) {
              run.input(c);
            }
          }
          LOG.info("scorecard: sources used {}", sources.names());
          Dataset<Row> card = scorecard(sources, scorecard);
          Step.run(warehouse.spark(), JOB, "scorecard per " + scorecard.period().name().toLowerCase(java.util.Locale.ROOT),
              () -> warehouse.replaceAll(CapacityTables.LEAN_SCORECARD, card, run.id()));
          long rows = run.output(CapacityTables.LEAN_SCORECARD);
          long periods = warehouse.read(CapacityTables.LEAN_SCORECARD).select(PERIOD_START).distinct().count();
          if (rows == 0) {
            LOG.info("scorecard: contact_demand and journeys are empty: the scorecard is empty");
          }
          run.count("rows", rows);
          run.count("periods", periods);
          return new Result(rows, periods, sources.names());
        });
  }

  /**
   * A source table when it exists and has the columns the scorecard reads, else null: a table written by an older
   * or different job version is skipped with a warning rather than failing the whole scorecard.
   */
  private static Dataset<Row> optional(Warehouse warehouse, TableContract contract, String... columns) {
    if (!warehouse.exists(contract)) {
      LOG.info("scorecard: {} does not exist; its columns are null", contract.name());
      return null;
    }
    Dataset<Row> table = warehouse.read(contract);
    Set<String> have = Set.of(table.columns());
    List<String> missing = Arrays.stream(columns).filter(c -> !have.contains(c)).toList();
    if (!missing.isEmpty()) {
      LOG.warn("scorecard: {} lacks the columns {}; it is left out and its columns are null", contract.name(), missing);
      return null;
    }
    return table;
  }

  /**
   * The customers in vulnerable circumstances by guardrails.vulnerable (docs/GUARDRAILS.md: an attribute of contacts,
   * customer lists);
   * null when contacts does not exist or contact_demand has no customer_key (an older or partial table).
   */
  private static Dataset<Row> vulnerableCustomers(Warehouse warehouse, Settings settings,
      Dataset<Row> contactDemand) {
    if (!warehouse.exists(CanonicalTables.CONTACTS)) {
      LOG.info("scorecard: contacts does not exist; the vulnerable-customer columns are null");
      return null;
    }
    if (!Set.of(contactDemand.columns()).contains("customer_key")) {
      LOG.warn("scorecard: contact_demand lacks customer_key; the vulnerable-customer columns are null");
      return null;
    }
    return ProtectedOutcomes.vulnerableCustomers(warehouse, GuardrailSettings.from(settings));
  }

  /** The whole scorecard from its sources. */
  public static Dataset<Row> scorecard(Sources sources, ScorecardSettings scorecard) {
    Dataset<Row> card = contactMetrics(sources.contactDemand(), scorecard);
    card = join(card, sources.journeys() == null ? null : journeyMetrics(sources.journeys(), scorecard),
        Map.of("closed_journeys", DataTypes.LongType, "lead_time_p50_seconds", DataTypes.DoubleType,
            "lead_time_p85_seconds", DataTypes.DoubleType, "flow_efficiency", DataTypes.DoubleType));
    card = join(card, sources.journeySlo() == null ? null : sloMetrics(sources.journeySlo(), scorecard),
        Map.of("slo_attainment", DataTypes.DoubleType));
    card = join(card, sources.capacityWhatIf() == null ? null : capacityMetrics(sources.capacityWhatIf(), scorecard),
        Map.of("failure_agent_hours", DataTypes.DoubleType));
    // A period that only journeys know has no contacts: zero, not unknown, since contact_demand is always read.
    card = card.withColumn("contacts", coalesce(col("contacts"), lit(0L)))
        .withColumn("failure_contacts", coalesce(col("failure_contacts"), lit(0L)));
    if (sources.rootConditions() == null) {
      card = card.withColumn("top_root_conditions", lit(null).cast(DataTypes.createArrayType(DataTypes.StringType)))
          .withColumn("top_root_conditions_excess_cost", lit(null).cast(DataTypes.DoubleType));
    } else {
      card = card.join(topRootConditions(sources.rootConditions()), new String[] {JOURNEY_TYPE}, "left");
    }
    card = join(card, sources.vulnerableCustomers() == null ? null
            : vulnerableMetrics(sources.contactDemand(), sources.vulnerableCustomers(), scorecard),
        Map.of("vulnerable_contacts", DataTypes.LongType, "vulnerable_fcr_rate", DataTypes.DoubleType,
            "other_fcr_rate", DataTypes.DoubleType));
    card = join(card, sources.automationSlo() == null ? null : automationMetrics(sources.automationSlo(), scorecard),
        Map.of("containment_rate", DataTypes.DoubleType, "safe_hand_off_rate", DataTypes.DoubleType,
            "automation_induced_contacts", DataTypes.LongType, "automation_slos_exhausted", DataTypes.LongType));
    card = join(card, sources.efficiencyTwins() == null ? null : goodhartMetrics(sources.efficiencyTwins(), scorecard),
        Map.of("goodhart_teams", DataTypes.LongType));
    card = scorecard.period().withCompletePeriod(card, PERIOD_START, sources.contactDemand(),
        col(Inputs.ContactDemand.CONTACT_DATE));
    Column sourceNames = array(sources.names().stream().map(n -> lit(n)).toArray(Column[]::new));
    return card.withColumn("period", lit(scorecard.period().name()))
        .withColumn("sources", sourceNames)
        .select(CapacityTables.LEAN_SCORECARD.columnNames().stream().map(c -> col(c)).toArray(Column[]::new));
  }

  /**
   * Groups {@code rows} by period and journey type, and by period alone as journey type 'ALL', with the same
   * aggregates.
   */
  static Dataset<Row> byPeriodAndType(Dataset<Row> rows, Column period, Column journeyType, Column... aggregates) {
    Column first = aggregates[0];
    Column[] rest = Arrays.copyOfRange(aggregates, 1, aggregates.length);
    Dataset<Row> perType =
        rows.groupBy(period.as(PERIOD_START), journeyType.cast(DataTypes.StringType).as(JOURNEY_TYPE)).agg(first, rest);
    Dataset<Row> all = rows.groupBy(period.as(PERIOD_START), lit(ALL).as(JOURNEY_TYPE)).agg(first, rest);
    return perType.unionByName(all);
  }

  /** contacts, failure share, FCR, repeat rate and failure cost from contact_demand. */
  public static Dataset<Row> contactMetrics(Dataset<Row> contactDemand, ScorecardSettings scorecard) {
    Column cost = lit(scorecard.defaultChannelCost());
    for (Map.Entry<String, Double> e : scorecard.channelCost().entrySet()) {
      cost = when(lower(col(Inputs.ContactDemand.CHANNEL)).equalTo(e.getKey()), lit(e.getValue())).otherwise(cost);
    }
    Column status = col(Inputs.ContactDemand.FCR_STATUS);
    Dataset<Row> tagged =
        contactDemand
            .withColumn(IS_FAILURE, col(Inputs.ContactDemand.DEMAND_CLASS).equalTo(Inputs.ContactDemand.FAILURE))
            .withColumn(COST, cost);
    return byPeriodAndType(
            tagged,
            scorecard.period().start(col(Inputs.ContactDemand.CONTACT_DATE)),
            col(scorecard.journeyTypeColumn()),
            count(lit(1)).as("contacts"),
            sum(when(col(IS_FAILURE), 1L).otherwise(0L)).as("failure_contacts"),
            sum(when(status.equalTo(Inputs.ContactDemand.RESOLVED_FIRST_TIME), 1L).otherwise(0L)).as(RESOLVED),
            sum(when(status.equalTo(Inputs.ContactDemand.REPEATED), 1L).otherwise(0L)).as(REPEATED),
            sum(when(col(Inputs.ContactDemand.IS_RECONTACT), 1L).otherwise(0L)).as(RECONTACTS),
            coalesce(Aggregates.exactSum(when(col(IS_FAILURE), col(COST)), 9), lit(0.0)).as("failure_cost"))
        .withColumn("failure_share", try_divide(col("failure_contacts"), col("contacts")))
        .withColumn("fcr_rate", try_divide(col(RESOLVED), col(RESOLVED).plus(col(REPEATED))))
        .withColumn("repeat_rate", try_divide(col(RECONTACTS), col("contacts")))
        .drop(RESOLVED, REPEATED, RECONTACTS);
  }

  /** Closed journeys, lead-time p50 and p85 and mean flow efficiency, by the period of the journey's end. */
  public static Dataset<Row> journeyMetrics(Dataset<Row> journeys, ScorecardSettings scorecard) {
    Column lead = col(Inputs.Journeys.LEAD_TIME_SECONDS).cast(DataTypes.DoubleType);
    return byPeriodAndType(
        journeys.filter(
            col(Inputs.Journeys.STATUS).equalTo(Inputs.Journeys.CLOSED).and(col(Inputs.Journeys.ENDED_AT).isNotNull())),
        scorecard.period().start(col(Inputs.Journeys.ENDED_AT)),
        col(Inputs.Journeys.JOURNEY_TYPE),
        count(lit(1)).as("closed_journeys"),
        percentile(lead, lit(0.5)).as("lead_time_p50_seconds"),
        percentile(lead, lit(0.85)).as("lead_time_p85_seconds"),
        Aggregates.exactSum(col(Inputs.Journeys.FLOW_EFFICIENCY), 18)
            .divide(count(col(Inputs.Journeys.FLOW_EFFICIENCY)))
            .as("flow_efficiency"));
  }


  /**
   * Pooled SLO attainment, sum(met) / sum(eligible), of the journey_slo rows that start in the period: over the
   * objectives of one journey type, and over every type for 'ALL' (a large type weighs more than a small one).
   */
  public static Dataset<Row> sloMetrics(Dataset<Row> journeySlo, ScorecardSettings scorecard) {
    return byPeriodAndType(
            journeySlo,
            scorecard.period().start(col(Inputs.JourneySlo.PERIOD_START)),
            col(Inputs.JourneySlo.JOURNEY_TYPE),
            sum(col(Inputs.JourneySlo.MET)).as("_met"),
            sum(col(Inputs.JourneySlo.ELIGIBLE)).as("_eligible"))
        .withColumn("slo_attainment", try_divide(col("_met"), col("_eligible")))
        .drop("_met", "_eligible");
  }

  /**
   * The first-contact resolution of the vulnerable customers' contacts and of the others', as fcr_rate (PENDING left
   * out), and the vulnerable customers' contacts, from contact_demand (customer_key).
   */
  public static Dataset<Row> vulnerableMetrics(Dataset<Row> contactDemand, Dataset<Row> vulnerableCustomers,
      ScorecardSettings scorecard) {
    Dataset<Row> marked =
        contactDemand.join(
            vulnerableCustomers.select(col("customer_key").as("_vulnerable_key"), lit(true).as("_vulnerable")),
            col("customer_key").equalTo(col("_vulnerable_key")), "left");
    Column vulnerable = coalesce(col("_vulnerable"), lit(false));
    Column status = col(Inputs.ContactDemand.FCR_STATUS);
    Column resolved = status.equalTo(Inputs.ContactDemand.RESOLVED_FIRST_TIME);
    Column settled = resolved.or(status.equalTo(Inputs.ContactDemand.REPEATED));
    return byPeriodAndType(
            marked,
            scorecard.period().start(col(Inputs.ContactDemand.CONTACT_DATE)),
            col(scorecard.journeyTypeColumn()),
            Aggregates.countWhere(vulnerable).as("vulnerable_contacts"),
            Aggregates.countWhere(vulnerable.and(resolved)).as("_v_resolved"),
            Aggregates.countWhere(vulnerable.and(settled)).as("_v_settled"),
            Aggregates.countWhere(not(vulnerable).and(resolved)).as("_o_resolved"),
            Aggregates.countWhere(not(vulnerable).and(settled)).as("_o_settled"))
        .withColumn("vulnerable_fcr_rate", try_divide(col("_v_resolved"), col("_v_settled")))
        .withColumn("other_fcr_rate", try_divide(col("_o_resolved"), col("_o_settled")))
        .drop("_v_resolved", "_v_settled", "_o_resolved", "_o_settled");
  }

  /**
   * Containment and safe hand-off pooled over the automation flows (sum of contained / sum of settled routed
   * contacts, sum of safe hand-offs / sum of hand-offs), automation-induced contacts, and the flow SLOs whose status
   * is EXHAUSTED, of the automation_slo rows whose period_start is in the period: organisation rows only.
   */
  public static Dataset<Row> automationMetrics(Dataset<Row> automationSlo, ScorecardSettings scorecard) {
    return automationSlo
        .groupBy(scorecard.period().start(col("period_start")).as(PERIOD_START))
        .agg(
            sum(col("contained")).as("_contained"),
            sum(col("settled_contacts")).as("_settled"),
            sum(col("safe_hand_offs")).as("_safe"),
            sum(col("hand_offs")).as("_hand_offs"),
            sum(col("automation_induced_contacts")).as("automation_induced_contacts"),
            Aggregates.countWhere(col("containment_status").equalTo("EXHAUSTED")).plus(
                Aggregates.countWhere(col("safe_hand_off_status").equalTo("EXHAUSTED"))).as("automation_slos_exhausted"))
        .withColumn("containment_rate", try_divide(col("_contained"), col("_settled")))
        .withColumn("safe_hand_off_rate", try_divide(col("_safe"), col("_hand_offs")))
        .drop("_contained", "_settled", "_safe", "_hand_offs")
        .withColumn(JOURNEY_TYPE, lit(ALL));
  }

  /** The efficiency_twins rows of the period with goodhart_flag (handle time down, repeats caused up): 'ALL' only. */
  public static Dataset<Row> goodhartMetrics(Dataset<Row> efficiencyTwins, ScorecardSettings scorecard) {
    return efficiencyTwins
        .groupBy(scorecard.period().start(col("period_start")).as(PERIOD_START))
        .agg(Aggregates.countWhere(col("goodhart_flag")).as("goodhart_teams"))
        .withColumn(JOURNEY_TYPE, lit(ALL));
  }


  /** Agent-hours consumed by failure demand per period, over all queues: organisation rows only. */
  public static Dataset<Row> capacityMetrics(Dataset<Row> capacityWhatIf, ScorecardSettings scorecard) {
    return capacityWhatIf
        .groupBy(scorecard.period().start(col(CapacityWhatIf.INTERVAL_DATE)).as(PERIOD_START))
        .agg(sum(col(CapacityWhatIf.FAILURE_AGENT_HOURS)).as("failure_agent_hours"))
        .withColumn(JOURNEY_TYPE, lit(ALL));
  }

  /**
   * The condition set with the highest excess cost (ties: lowest rank), as one row keyed journey_type = 'ALL'. Sets
   * that explain failure demand come first: those that explain SLO breaches are priced differently
   * (conditions.slo.breach-cost) and count only when no failure-demand sets exist.
   */
  public static Dataset<Row> topRootConditions(Dataset<Row> rootConditions) {
    return rootConditions
        .orderBy(
            when(col(Inputs.RootConditions.OUTCOME).equalTo(Inputs.RootConditions.FAILURE_DEMAND_OUTCOME), 0)
                .otherwise(1),
            col(Inputs.RootConditions.EXCESS_COST).desc_nulls_last(),
            col(Inputs.RootConditions.RANK).asc_nulls_last())
        .limit(1)
        .select(
            lit(ALL).as(JOURNEY_TYPE),
            col(Inputs.RootConditions.CONDITIONS).cast(DataTypes.createArrayType(DataTypes.StringType))
                .as("top_root_conditions"),
            col(Inputs.RootConditions.EXCESS_COST).cast(DataTypes.DoubleType).as("top_root_conditions_excess_cost"));
  }

  /** Full outer join on the key, or typed null columns when the source is absent. */
  private static Dataset<Row> join(Dataset<Row> card, Dataset<Row> metrics, Map<String, DataType> columns) {
    if (metrics == null) {
      for (Map.Entry<String, DataType> e : columns.entrySet()) {
        card = card.withColumn(e.getKey(), lit(null).cast(e.getValue()));
      }
      return card;
    }
    return card.join(metrics, KEY, "full_outer");
  }
}
