package org.leancx.demand;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.leancx.demand.Recontacts.CHAIN_ID;
import static org.leancx.demand.Recontacts.CONTACT_DATE;
import static org.leancx.demand.Recontacts.CUSTOMER_KEY;
import static org.leancx.demand.Recontacts.DEMAND_CLASS;
import static org.leancx.demand.Recontacts.FCR_STATUS;
import static org.leancx.demand.Recontacts.IS_RECONTACT;
import static org.leancx.demand.Recontacts.IS_TRANSFER;
import static org.leancx.demand.Recontacts.STARTED_AT;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.leancx.common.JobRunner;
import org.leancx.common.RunLog;
import org.leancx.common.Settings;
import org.leancx.common.Step;
import org.leancx.common.Summarised;
import org.leancx.common.Warehouse;
import org.leancx.ingest.CanonicalTables;
import org.leancx.ingest.CustomerClustering;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The failure-demand job: tags every contact as value or failure demand, recontact, transfer and chain member, with
 * its first-contact-resolution status, and writes contact_demand, recontact_chains, demand_daily, excluded_customers
 * and unclassified_reasons.
 */
public final class FailureDemand {
  public static final String JOB = "failure-demand";
  private static final Logger LOG = LoggerFactory.getLogger(FailureDemand.class);
  private static final String USER_METADATA = "spark.databricks.delta.commitInfo.userMetadata";

  private FailureDemand() {}

  /**
   * What one run covers.
   *
   * @param from first contact_date of the slice, or null for the whole history (a full run)
   * @param to last contact_date of the slice, or null for no upper bound
   * @param asOf the time up to which the data is complete, or null for the latest started_at read
   */
  public record Slice(LocalDate from, LocalDate to, Instant asOf) {
    public Slice {
      if (from != null && to != null && to.isBefore(from)) {
        throw new IllegalArgumentException("--to " + to + " is before --from " + from + ": give --from <= --to.");
      }
    }

    /** The whole history. */
    public static Slice full() {
      return new Slice(null, null, null);
    }

    @Override
    public String toString() {
      return (from == null ? "start" : from) + ".." + (to == null ? "end" : to) + (asOf == null ? "" : " as of " + asOf);
    }
  }

  /**
   * The counts of one run.
   *
   * @param rewrittenFrom first contact_date rewritten (the look-back before --from), null for all
   * @param to last contact_date rewritten, null for all
   * @param asOf the as-of time used for right-censoring, null when there was nothing to do
   * @param contacts contact_demand rows written (look-back included)
   * @param recontacts of which recontacts
   * @param transfers of which transfers
   * @param pending of which PENDING (right-censored)
   * @param failure of which FAILURE demand
   * @param value of which VALUE demand
   * @param unclassified of which UNCLASSIFIED
   * @param excludedCustomers service accounts (whole history)
   * @param excludedContacts their contacts
   * @param chains rows of recontact_chains
   * @param unclassifiedReasons rows of unclassified_reasons
   * @param perCustomer true when the contacts were tagged customer by customer over the customer-clustered contacts
   *     table, with no shuffle; false when they were shuffled and sorted
   */
  public record Result(
      LocalDate rewrittenFrom,
      LocalDate to,
      Instant asOf,
      long contacts,
      long recontacts,
      long transfers,
      long pending,
      long failure,
      long value,
      long unclassified,
      long excludedCustomers,
      long excludedContacts,
      long chains,
      long unclassifiedReasons,
      boolean perCustomer) implements Summarised {

    /** E.g. {@code 12,345 contacts (start..end, as of ...): 9,000 value, 3,000 failure, ...}. */
    @Override
    public String summary() {
      if (asOf == null) {
        return "no contacts in the given dates, nothing written";
      }
      StringBuilder sb = new StringBuilder(String.format(java.util.Locale.ROOT,
          "%,d contacts (%s..%s, as of %s): %,d value, %,d failure, %,d unclassified; %,d recontacts, %,d transfers,"
              + " %,d pending; %,d chains",
          contacts, rewrittenFrom == null ? "start" : rewrittenFrom, to == null ? "end" : to, asOf, value, failure,
          unclassified, recontacts, transfers, pending, chains));
      if (excludedCustomers > 0) {
        sb.append(String.format(java.util.Locale.ROOT, "; %,d service accounts excluded (%,d contacts)",
            excludedCustomers, excludedContacts));
      }
      if (unclassifiedReasons > 0) {
        sb.append(String.format(java.util.Locale.ROOT,
            "; %,d reasons not in the taxonomy (see unclassified_reasons)", unclassifiedReasons));
      }
      return sb.toString();
    }
  }

  /** Runs the job over {@code slice} in a recorded run. */
  public static Result run(Warehouse warehouse, Settings settings, Slice slice) {
    DemandSettings demand = DemandSettings.from(settings);
    Taxonomy taxonomy = Taxonomy.read(demand.taxonomy());
    return JobRunner.run(warehouse, settings, JOB, slice.toString(), run -> run(warehouse, demand, taxonomy, slice, run));
  }

  private static Result run(
      Warehouse warehouse, DemandSettings demand, Taxonomy taxonomy, Slice slice, RunLog.Run run) {
    SparkSession spark = warehouse.spark();
    RecontactRules rules = demand.recontact();
    run.input(CanonicalTables.CONTACTS);
    boolean hadTable = warehouse.exists(DemandTables.CONTACT_DEMAND);
    if (hadTable) {
      run.input(DemandTables.CONTACT_DEMAND);
    }
    Dataset<Row> all = warehouse.read(CanonicalTables.CONTACTS);
    if (slice.to() != null) {
      all = all.where(col(CONTACT_DATE).leq(lit(slice.to())));
    }
    Dataset<Row> history = all;

    // A full run over the customer-clustered contacts table (docs/DECISIONS.md) needs no shuffle: one narrow pass
    // checks the layout, finds the as-of time and the service accounts, and the tagging goes customer by customer.
    CustomerPass.Result pass =
        slice.from() == null
            ? Step.run(
                spark,
                JOB,
                "layout, as-of time and service accounts",
                () -> CustomerPass.run(spark, history, rules))
            : null;
    boolean clustered = pass != null && pass.clustered();
    if (pass != null && !clustered) {
      LOG.info(
          "{}: the {} files of contacts are not clustered by customer (written by an older leancx, by several sources"
              + " or by another writer), so tagging shuffles and sorts. A re-ingest writes the clustered layout.",
          JOB,
          pass.files());
    }
    // Service accounts over the whole history up to --to: a customer excluded once is excluded everywhere. A daily run
    // recomputes only the customers with contacts it can see as new (dated in the look-back or later).
    LocalDate lookBackStart = slice.from() == null ? null : slice.from().minusDays(rules.lookBackDays());
    boolean following = hadTable && slice.from() != null && warehouse.exists(DemandTables.EXCLUDED_CUSTOMERS)
        && warehouse.exists(DemandTables.RECONTACT_CHAINS) && follows(warehouse, lookBackStart, slice.to());
    if (following) {
      Step.run(spark, JOB, "service accounts of the customers with contacts from " + lookBackStart, () -> {
        Dataset<Row> touched = local(spark, history.where(col(CONTACT_DATE).geq(lit(Date.valueOf(lookBackStart))))
            .select(CUSTOMER_KEY).distinct());
        warehouse.mergeChanges(DemandTables.EXCLUDED_CUSTOMERS,
            Recontacts.serviceAccounts(history.join(broadcast(touched), CUSTOMER_KEY, "left_semi"), rules), touched,
            run.id());
        return null;
      });
    } else {
      Step.run(
          spark,
          JOB,
          "service accounts",
          () ->
              warehouse.replaceAll(
                  DemandTables.EXCLUDED_CUSTOMERS,
                  clustered ? pass.serviceAccounts() : Recontacts.serviceAccounts(history, rules),
                  run.id()));
    }
    Dataset<Row> excluded = broadcast(warehouse.read(DemandTables.EXCLUDED_CUSTOMERS).select(CUSTOMER_KEY));

    // Contacts dated in the look-back that contact_demand does not hold arrived after their date's run (a late
    // record): the slice starts at the earliest of them, as a run from that date would, so that they are tagged and
    // the look-back contacts after them are tagged again with them as possible prior contacts. Older late records
    // wait for their own date's rerun (docs/DAILY.md).
    LocalDate from = slice.from();
    if (from != null && hadTable) {
      Date sliceStart = Date.valueOf(from);
      Column inLookBack = col(CONTACT_DATE).geq(lit(Date.valueOf(lookBackStart))).and(col(CONTACT_DATE).lt(lit(sliceStart)));
      Date earliestLate =
          Step.run(spark, JOB, "contacts of the look-back that arrived late", () -> history.where(inLookBack)
              .join(warehouse.read(DemandTables.CONTACT_DEMAND).where(inLookBack).select("contact_id"), "contact_id",
                  "left_anti")
              .join(excluded, CUSTOMER_KEY, "left_anti")
              .agg(min(CONTACT_DATE))
              .first()
              .getDate(0));
      if (earliestLate != null) {
        LOG.info("{}: contacts dated from {} arrived after their date was tagged: tagging from that date", JOB,
            earliestLate);
        from = earliestLate.toLocalDate();
      }
    }
    Dataset<Row> fresh = from == null ? all : all.where(col(CONTACT_DATE).geq(lit(Date.valueOf(from))));
    Instant asOf = slice.asOf();
    if (asOf == null) {
      Instant latest =
          pass != null
              ? pass.latestStart()
              : Step.run(spark, JOB, "as-of time", () -> latestStart(fresh));
      if (latest == null) {
        LOG.info("{}: no contacts in {}, nothing to do", JOB, slice);
        return new Result(slice.from(), slice.to(), null, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, false);
      }
      asOf = latest;
    }

    LocalDate rewrittenFrom = from == null ? null : from.minusDays(rules.lookBackDays());
    if (from != null && hadTable) {
      // A contact PENDING at the previous as-of time may be resolved by now: re-tag from the oldest one.
      Date oldestPending =
          warehouse
              .read(DemandTables.CONTACT_DEMAND)
              .where(col(FCR_STATUS).equalTo(Recontacts.PENDING).and(col(CONTACT_DATE).lt(lit(rewrittenFrom))))
              .agg(min(CONTACT_DATE))
              .first()
              .getDate(0);
      if (oldestPending != null) {
        rewrittenFrom = oldestPending.toLocalDate();
      }
    }
    Dataset<Row> context;
    if (from != null && hadTable) {
      context =
          warehouse
              .read(DemandTables.CONTACT_DEMAND)
              .where(col(CONTACT_DATE).geq(lit(rewrittenFrom)).and(col(CONTACT_DATE).lt(lit(Date.valueOf(from)))))
              .join(excluded, CUSTOMER_KEY, "left_anti");
    } else {
      if (slice.from() != null) {
        LOG.warn(
            "{}: contact_demand does not exist yet, so contacts before {} are not seen as prior contacts. Run once"
                + " without --from to tag the whole history.",
            JOB,
            slice.from());
      }
      context = spark.createDataFrame(java.util.List.of(), DemandTables.CONTACT_DEMAND.schema());
    }
    Dataset<Row> contacts =
        Recontacts.withNeed(
            fresh.join(excluded, CUSTOMER_KEY, "left_anti"), taxonomy.toDataFrame(spark), rules);
    Timestamp asOfTime = Timestamp.from(asOf);
    String range = range(rewrittenFrom, slice.to());
    // Tagging runs when its result is written: inside the step (and, per customer, inside readingWholeFiles).
    java.util.function.Consumer<Boolean> tagAndWrite =
        byCustomer ->
            writeTagged(
                warehouse,
                Recontacts.tag(
                    contacts, context, rules, asOfTime, demand.channelCost(), demand.defaultChannelCost(), byCustomer),
                range,
                run.id());
    Runnable perCustomer = () -> CustomerClustering.readingWholeFiles(spark, () -> tagAndWrite.accept(true));
    Runnable shuffled = () -> tagAndWrite.accept(false);
    String what = "tagging " + (range == null ? "all dates" : range);
    boolean taggedPerCustomer = clustered;
    if (clustered) {
      try {
        Step.run(spark, JOB, what + " customer by customer", perCustomer);
      } catch (RuntimeException e) {
        if (!CustomerClustering.isNotClustered(e)) {
          throw e;
        }
        // The contacts changed since the pass checked them (another writer): nothing was committed; shuffle.
        LOG.warn("{}: contacts are no longer clustered by customer ({}); tagging again with a shuffle", JOB, e.toString());
        Step.run(spark, JOB, what, shuffled);
        taggedPerCustomer = false;
      }
    } else {
      Step.run(spark, JOB, what, shuffled);
    }
    String dailyRange = range;
    // The first date whose recontact_chains can have changed, or null to recompute them all.
    LocalDate chainsFrom = following ? rewrittenFrom : null;
    if (slice.from() != null) {
      // A customer who became a service account in this slice leaves the older dates too, and so do their KPIs.
      Date oldestExcluded =
          warehouse
              .read(DemandTables.CONTACT_DEMAND)
              .join(excluded, CUSTOMER_KEY, "left_semi")
              .agg(min(CONTACT_DATE))
              .first()
              .getDate(0);
      if (oldestExcluded != null) {
        chainsFrom = null;
        Step.run(spark, JOB, "removing service accounts from older dates", () -> deleteExcluded(warehouse, run.id()));
        if (oldestExcluded.toLocalDate().isBefore(rewrittenFrom)) {
          dailyRange = range(oldestExcluded.toLocalDate(), slice.to());
        }
      }
    }

    Dataset<Row> written = warehouse.read(DemandTables.CONTACT_DEMAND);
    Dataset<Row> slab = range == null ? written : written.where(range);
    String dailyCondition = dailyRange;
    Dataset<Row> dailyInput = dailyRange == null ? written : written.where(dailyRange);
    Step.run(
        spark,
        JOB,
        "demand_daily",
        () -> {
          if (dailyCondition == null) {
            warehouse.replaceAll(DemandTables.DEMAND_DAILY, DemandAggregates.daily(dailyInput), run.id());
          } else {
            warehouse.replaceWhere(
                DemandTables.DEMAND_DAILY, DemandAggregates.daily(dailyInput), dailyCondition, run.id());
          }
        });
    if (chainsFrom == null) {
      Step.run(
          spark,
          JOB,
          "recontact_chains",
          () -> warehouse.replaceAll(DemandTables.RECONTACT_CHAINS, DemandAggregates.chains(written), run.id()));
    } else {
      LocalDate changed = chainsFrom;
      Step.run(spark, JOB, "recontact_chains with contacts from " + changed, () -> {
        // The chains with a row in the re-tagged dates now, or with their last contact there before (a contact that
        // moved to another chain); their rows before those dates are final, and read by chain.
        Dataset<Row> keys = local(spark, written.where(col(CONTACT_DATE).geq(lit(Date.valueOf(changed))))
            .select(CHAIN_ID)
            .union(warehouse.read(DemandTables.RECONTACT_CHAINS)
                .where(col("last_at").geq(lit(Timestamp.from(
                    changed.atStartOfDay(java.time.ZoneOffset.UTC).toInstant()))))
                .select(CHAIN_ID))
            .where(col(CHAIN_ID).isNotNull())
            .distinct());
        warehouse.mergeChanges(DemandTables.RECONTACT_CHAINS,
            DemandAggregates.chains(written.join(broadcast(keys), CHAIN_ID, "left_semi")), keys, run.id());
        return null;
      });
    }
    Step.run(
        spark,
        JOB,
        "unclassified_reasons",
        () ->
            warehouse.replaceAll(
                DemandTables.UNCLASSIFIED_REASONS, DemandAggregates.unclassifiedReasons(written), run.id()));

    Row c =
        Step.run(
            spark,
            JOB,
            "counts",
            () ->
                slab.agg(
                        count(lit(1)),
                        countIf(col(IS_RECONTACT)),
                        countIf(col(IS_TRANSFER)),
                        countIf(col(FCR_STATUS).equalTo(Recontacts.PENDING)),
                        countIf(col(DEMAND_CLASS).equalTo(Recontacts.FAILURE)),
                        countIf(col(DEMAND_CLASS).equalTo(Recontacts.VALUE)),
                        countIf(col(DEMAND_CLASS).equalTo(Recontacts.UNCLASSIFIED)))
                    .first());
    Row e =
        warehouse
            .read(DemandTables.EXCLUDED_CUSTOMERS)
            .agg(count(lit(1)), sum("contacts"))
            .first();
    run.output(DemandTables.CONTACT_DEMAND);
    long chains = run.output(DemandTables.RECONTACT_CHAINS);
    run.output(DemandTables.DEMAND_DAILY);
    run.output(DemandTables.EXCLUDED_CUSTOMERS);
    long unclassifiedReasons = run.output(DemandTables.UNCLASSIFIED_REASONS);
    Result result =
        new Result(
            rewrittenFrom,
            slice.to(),
            asOf,
            c.getLong(0),
            c.getLong(1),
            c.getLong(2),
            c.getLong(3),
            c.getLong(4),
            c.getLong(5),
            c.getLong(6),
            e.getLong(0),
            e.isNullAt(1) ? 0 : e.getLong(1),
            chains,
            unclassifiedReasons,
            taggedPerCustomer);
    run.count("contacts", result.contacts());
    run.count("recontacts", result.recontacts());
    run.count("transfers", result.transfers());
    run.count("pending", result.pending());
    run.count("failure", result.failure());
    run.count("value", result.value());
    run.count("unclassified", result.unclassified());
    run.count("excluded_customers", result.excludedCustomers());
    run.count("excluded_contacts", result.excludedContacts());
    run.count("chains", result.chains());
    run.count("unclassified_reasons", result.unclassifiedReasons());
    return result;
  }

  /** Replaces contact_demand, or its dates in {@code range} (null for all), with {@code tagged}. */
  private static void writeTagged(Warehouse warehouse, Dataset<Row> tagged, String range, String runId) {
    if (range == null) {
      warehouse.replaceAll(DemandTables.CONTACT_DEMAND, tagged, runId);
    } else {
      warehouse.replaceWhere(DemandTables.CONTACT_DEMAND, tagged, range, runId);
    }
  }

  /** The latest started_at of {@code contacts}, null when there are none. */
  private static Instant latestStart(Dataset<Row> contacts) {
    Timestamp latest = contacts.agg(max(STARTED_AT)).first().getTimestamp(0);
    return latest == null ? null : latest.toInstant();
  }

  private static Column countIf(Column condition) {
    return count(when(condition, true));
  }

  /** The SQL condition of the rewritten dates, or null for all of them. */
  /**
   * Whether the stored tables follow on from a run up to the day before {@code lookBackStart} or later and no later
   * than {@code to}: then only customers and chains with contacts from {@code lookBackStart} on can have changed since.
   * Not so after runs skipped longer than the look-back, or for a past date run again after later ones (the tables
   * then hold later contacts): those recompute excluded_customers and recontact_chains whole.
   */
  private static boolean follows(Warehouse warehouse, LocalDate lookBackStart, LocalDate to) {
    // Through the Delta table, not read(): a run for a past date reads contact_demand only up to it.
    Date last = warehouse.deltaTable(DemandTables.CONTACT_DEMAND).toDF().agg(max(CONTACT_DATE)).first().getDate(0);
    if (last == null) {
      return false;
    }
    LocalDate tagged = last.toLocalDate();
    return !tagged.isBefore(lookBackStart.minusDays(1)) && (to == null || !tagged.isAfter(to));
  }

  /** Collects a small key set to the driver as a local relation (broadcast when joined). */
  private static Dataset<Row> local(SparkSession spark, Dataset<Row> keys) {
    return spark.createDataFrame(keys.collectAsList(), keys.schema());
  }

  static String range(LocalDate from, LocalDate to) {
    if (from == null && to == null) {
      return null;
    }
    if (from == null) {
      return "contact_date <= DATE'" + to + "'";
    }
    if (to == null) {
      return "contact_date >= DATE'" + from + "'";
    }
    return "contact_date >= DATE'" + from + "' AND contact_date <= DATE'" + to + "'";
  }

  private static void deleteExcluded(Warehouse warehouse, String runId) {
    SparkSession spark = warehouse.spark();
    String previous = spark.conf().getOption(USER_METADATA).getOrElse(() -> null);
    spark.conf().set(USER_METADATA, runId);
    try {
      warehouse.deltaTable(DemandTables.CONTACT_DEMAND)
          .as("t")
          .merge(
              broadcast(warehouse.read(DemandTables.EXCLUDED_CUSTOMERS).select(CUSTOMER_KEY)).as("s"),
              "t.customer_key = s.customer_key")
          .whenMatched()
          .delete()
          .execute();
    } finally {
      if (previous == null) {
        spark.conf().unset(USER_METADATA);
      } else {
        spark.conf().set(USER_METADATA, previous);
      }
    }
  }
}
