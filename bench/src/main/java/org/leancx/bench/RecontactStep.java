package org.leancx.bench;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.when;
import static org.leancx.demand.Recontacts.CUSTOMER_KEY;
import static org.leancx.demand.Recontacts.IS_RECONTACT;
import static org.leancx.demand.Recontacts.IS_TRANSFER;
import static org.leancx.demand.Recontacts.STARTED_AT;

import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.leancx.common.Settings;
import org.leancx.common.SparkSessions;
import org.leancx.common.SparkSettings;
import org.leancx.common.Step;
import org.leancx.common.Warehouse;
import org.leancx.common.WarehouseSettings;
import org.leancx.demand.DemandSettings;
import org.leancx.demand.DemandTables;
import org.leancx.demand.Recontacts;
import org.leancx.demand.Taxonomy;
import org.leancx.ingest.CanonicalTables;
import org.leancx.ingest.CustomerClustering;
import org.leancx.demand.CustomerPass;

/**
 * The recontact step of failure-demand alone, Delta in and Delta out: reads the canonical contacts table, excludes
 * service accounts, tags every contact with the job's own transforms ({@link Recontacts#withNeed},
 * {@link Recontacts#tag}) and writes contact_demand to a separate warehouse. Run in a child JVM by the harness.
 *
 * <p>Usage: {@code RecontactStep <warehouse> <output warehouse> [--set key=value ...]}. Prints one line
 * {@code BENCH_RESULT contacts=... recontacts=... transfers=... seconds=...}.
 */
public final class RecontactStep {
  private static final String JOB = "bench recontact step";

  private RecontactStep() {}

  /** The counts of one step and the output's {@link Fingerprint} (computed after the timing). */
  public record Result(long contacts, long recontacts, long transfers, double seconds, String fingerprint) {}

  public static void main(String[] args) {
    if (args.length < 2) {
      throw new IllegalArgumentException("Usage: RecontactStep <warehouse> <output warehouse> [--set key=value ...]");
    }
    List<String> overrides = new java.util.ArrayList<>(List.of("warehouse.path=" + args[0]));
    for (int i = 2; i + 1 < args.length; i += 2) {
      if (!args[i].equals("--set")) {
        throw new IllegalArgumentException("Unknown argument " + args[i] + ": only --set key=value follows.");
      }
      overrides.add(args[i + 1]);
    }
    Path home = Path.of(System.getProperty("leancx.home", System.getProperty("user.dir")));
    Settings settings = Settings.load(home, home.resolve("conf/local.conf"), overrides);
    WarehouseSettings input = WarehouseSettings.from(settings);
    SparkSession spark = SparkSessions.open(SparkSettings.from(settings.config()), input.path());
    Warehouse in = new Warehouse(spark, input);
    Warehouse out = new Warehouse(spark, new WarehouseSettings(args[1], "leancx_bench"));
    Result r = run(in, out, DemandSettings.from(settings));
    System.out.printf(
        java.util.Locale.ROOT,
        "BENCH_RESULT contacts=%d recontacts=%d transfers=%d seconds=%.3f fingerprint=%s%n",
        r.contacts(), r.recontacts(), r.transfers(), r.seconds(), r.fingerprint());
    spark.stop();
  }

  /**
   * Tags the contacts of {@code in} and replaces contact_demand in {@code out}, as a full failure-demand run does
   * (per customer with no shuffle when the contacts are customer-clustered); times from the first read.
   */
  public static Result run(Warehouse in, Warehouse out, DemandSettings demand) {
    SparkSession spark = in.spark();
    Taxonomy taxonomy = Taxonomy.read(demand.taxonomy());
    long t0 = System.nanoTime();
    Dataset<Row> contacts = in.read(CanonicalTables.CONTACTS);
    CustomerPass.Result pass =
        Step.run(
            spark,
            JOB,
            "layout, as-of time and service accounts",
            () -> CustomerPass.run(spark, contacts, demand.recontact()));
    boolean clustered = pass.clustered();
    Dataset<Row> accounts =
        clustered ? pass.serviceAccounts() : Recontacts.serviceAccounts(contacts, demand.recontact());
    Timestamp asOf = Timestamp.from(pass.latestStart());
    // Tagging runs when its result is written: inside the step (and, clustered, inside readingWholeFiles).
    Runnable write =
        () ->
            out.replaceAll(
                DemandTables.CONTACT_DEMAND,
                tagged(spark, contacts, accounts, taxonomy, demand, asOf, clustered),
                "bench");
    Step.run(
        spark,
        JOB,
        clustered ? "tagging customer by customer" : "tagging (shuffled: contacts not clustered)",
        () -> {
          if (clustered) {
            CustomerClustering.readingWholeFiles(spark, write);
          } else {
            write.run();
          }
        });
    Row c =
        Step.run(
            spark,
            JOB,
            "counts",
            () ->
                out.read(DemandTables.CONTACT_DEMAND)
                    .agg(count(lit(1)), count(when(col(IS_RECONTACT), true)), count(when(col(IS_TRANSFER), true)))
                    .first());
    double seconds = (System.nanoTime() - t0) / 1e9;
    // The fingerprint's shuffle is the harness's, not the step's: the metrics listener leaves it out.
    spark.sparkContext().setLocalProperty(ShuffleMetricsListener.UNTIMED, "true");
    String fingerprint;
    try {
      fingerprint =
          Step.run(
              spark,
              JOB,
              "fingerprint (not timed)",
              () -> Fingerprint.ofSpark(spark, "delta.`" + out.location(DemandTables.CONTACT_DEMAND) + "`"));
    } finally {
      spark.sparkContext().setLocalProperty(ShuffleMetricsListener.UNTIMED, null);
    }
    return new Result(c.getLong(0), c.getLong(1), c.getLong(2), seconds, fingerprint);
  }

  /**
   * The contact_demand rows of a full failure-demand run: the service accounts {@code accounts} excluded, need keys
   * joined, every contact tagged ({@code clustered}: per customer over whole files of the clustered layout). The job
   * itself writes the service accounts to excluded_customers first; here they stay in the plan.
   */
  public static Dataset<Row> tagged(
      SparkSession spark,
      Dataset<Row> contacts,
      Dataset<Row> accounts,
      Taxonomy taxonomy,
      DemandSettings demand,
      Timestamp asOf,
      boolean clustered) {
    Dataset<Row> excluded = broadcast(accounts.select(CUSTOMER_KEY));
    Dataset<Row> withNeed =
        Recontacts.withNeed(
            contacts.join(excluded, CUSTOMER_KEY, "left_anti"), taxonomy.toDataFrame(spark), demand.recontact());
    Dataset<Row> context = spark.createDataFrame(List.of(), DemandTables.CONTACT_DEMAND.schema());
    Map<String, Double> cost = demand.channelCost();
    return Recontacts.tag(
        withNeed, context, demand.recontact(), asOf, cost, demand.defaultChannelCost(), clustered);
  }
}
