package org.leancx.generate;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.sum;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.leancx.common.Settings;
import org.leancx.common.SparkTestBase;
import org.leancx.common.Warehouse;
import org.leancx.conditions.ConditionTables;
import org.leancx.conditions.Outcome;
import org.leancx.conditions.RootConditions;
import org.leancx.demand.FailureDemand;
import org.leancx.guardrails.GuardrailSettings;
import org.leancx.guardrails.GuardrailTables;
import org.leancx.guardrails.Guardrails;
import org.leancx.ingest.CanonicalTables;
import org.leancx.ingest.IngestJob;
import org.leancx.journeys.Journeys;

/**
 * The generator's planted truth at the demo's CI size (2,000 customers, seed 42, about 4,000 first touches), through
 * the real generate, ingest and failure-demand jobs, run once for the class, then recovered by the jobs that look
 * for it:
 *
 * <ul>
 *   <li>root-conditions: every planted set is in the top 5, reported as the set and never as one of its parts, and
 *       no decoy (a condition that merely travels with a planted one) is in the top 5;
 *   <li>journeys and guardrails (protected_outcomes): the planted share of vulnerable customers
 *       (generate.vulnerable.share) lies in the 95% interval of the share found, and the planted mechanism (every
 *       touch of theirs fails generate.vulnerable.failure-multiplier times as often) is recovered from the table's
 *       counts: the ratio of the segments' not-first-time-resolved rates, with its 95% interval, holds the factor.
 * </ul>
 *
 * One class so that the world is generated and loaded once (about 60 s of the e2e profile).
 */
@Tag("e2e")
class PlantedTruthTest extends SparkTestBase {
  private static final double PLANTED_SHARE = 0.08;
  private static final double PLANTED_MULTIPLIER = 2.0;
  private static final double Z = 1.959963984540054;

  private static Warehouse w;
  private static Settings s;
  private static String raw;

  @BeforeAll
  static void generateAndLoad() {
    w = warehouse("planted-truth");
    raw = HOME.resolve("jobs/target/test-raw/planted-truth").toString();
    deleteRecursively(Path.of(raw));
    s = settings(
        "warehouse.path=" + w.settings().path(),
        "generate.output=" + raw,
        "generate.customers=2000",
        "generate.seed=42",
        "generate.vulnerable.share=" + PLANTED_SHARE,
        "generate.vulnerable.failure-multiplier=" + PLANTED_MULTIPLIER);
    Generator.run(w, s);
    IngestJob.run(w, s, "synthetic_contacts", raw + "/contacts");
    IngestJob.run(w, s, "synthetic_case_events", raw + "/case_events");
    FailureDemand.run(w, s, FailureDemand.Slice.full());
  }

  @Test
  void plantedConditionSetsRankInTheTopFiveAsSetsAndDecoysDoNot() {
    RootConditions.run(w, s, Outcome.FAILURE_DEMAND);

    List<List<String>> planted =
        spark.read().parquet(raw + "/truth/planted_conditions").orderBy("set_name").collectAsList().stream()
            .map(r -> r.<String>getList(r.fieldIndex("conditions")).stream().sorted().toList())
            .toList();
    Set<String> decoys =
        spark.read().parquet(raw + "/truth/decoy_conditions").collectAsList().stream()
            .map(r -> r.<String>getAs("decoy"))
            .collect(Collectors.toSet());
    assertThat(planted).as("the generator plants at least 3 sets").hasSizeGreaterThanOrEqualTo(3);
    assertThat(planted.stream().map(List::size)).as("sizes of the planted sets").contains(2, 3);
    assertThat(decoys).as("decoys of the planted sets").isNotEmpty();

    List<List<String>> ranked =
        w.read(ConditionTables.ROOT_CONDITIONS).where("outcome = 'failure-demand'").orderBy("rank").collectAsList()
            .stream()
            .map((Row r) -> r.<String>getList(r.fieldIndex("conditions")))
            .toList();
    List<List<String>> top5 = ranked.subList(0, Math.min(5, ranked.size()));
    for (List<String> set : planted) {
      assertThat(top5).as("(a) planted %s in the top 5 of %s", set, ranked.subList(0, Math.min(10, ranked.size())))
          .contains(set);
    }
    for (List<String> set : top5) {
      assertThat(set).as("(b) a decoy of %s in top-5 set %s (top 5: %s)", decoys, set, top5)
          .doesNotContainAnyElementsOf(decoys);
    }
    for (List<String> set : planted.stream().filter(p -> p.size() > 1).toList()) {
      for (List<String> reported : ranked) {
        assertThat(set.containsAll(reported) && reported.size() < set.size())
            .as("(c) planted %s reported as its part %s (rank %s)", set, reported, ranked.indexOf(reported) + 1)
            .isFalse();
      }
    }
  }

  @Test
  void plantedVulnerableShareAndFailureMultiplierAreRecovered() {
    Journeys.run(w, s, "test");
    Guardrails.Result result = Guardrails.run(w, s, GuardrailSettings.from(s));

    // The share of customers flagged vulnerable, against the planted chance (service accounts are never flagged).
    long customers = w.read(CanonicalTables.CONTACTS).agg(countDistinct(col("customer_key"))).first().getLong(0);
    double share = (double) result.vulnerableCustomers() / customers;
    double[] shareInterval = wilson(result.vulnerableCustomers(), customers);
    System.out.printf("Guardrails truth: %d of %d customers vulnerable (%.4f, 95%% [%.4f, %.4f]), planted %.2f%n",
        result.vulnerableCustomers(), customers, share, shareInterval[0], shareInterval[1], PLANTED_SHARE);
    assertThat(PLANTED_SHARE).as("planted share in the 95%% interval [%s, %s] of %s", shareInterval[0],
        shareInterval[1], share).isBetween(shareInterval[0], shareInterval[1]);

    // The mechanism, from the table's counts summed over periods and journey types.
    Dataset<Row> outcomes = w.read(GuardrailTables.PROTECTED_OUTCOMES);
    assertThat(outcomes.where(col("segment").equalTo("vulnerable")).count()).isPositive();
    Row v = totals(outcomes, "vulnerable");
    Row o = totals(outcomes, "other");
    double rv = 1.0 - (double) v.getLong(1) / v.getLong(0);
    double ro = 1.0 - (double) o.getLong(1) / o.getLong(0);
    double ratio = rv / ro;
    double se = Math.sqrt((1 - rv) / (v.getLong(0) * rv) + (1 - ro) / (o.getLong(0) * ro));
    double low = ratio * Math.exp(-Z * se);
    double high = ratio * Math.exp(Z * se);
    System.out.printf("Guardrails truth: not resolved first time: vulnerable %.4f of %d settled, other %.4f of %d;"
        + " ratio %.3f, 95%% [%.3f, %.3f], planted %.1f%n", rv, v.getLong(0), ro, o.getLong(0), ratio, low, high,
        PLANTED_MULTIPLIER);
    assertThat(PLANTED_MULTIPLIER).as("planted multiplier in the 95%% interval [%s, %s] of the ratio %s", low, high,
        ratio).isBetween(low, high);
    assertThat(result.summary()).contains("protected_outcomes");
  }

  /** Settled contacts and those resolved first time of one segment, over all rows. */
  private static Row totals(Dataset<Row> outcomes, String segment) {
    return outcomes.where(col("segment").equalTo(segment))
        .agg(sum("settled_contacts"), sum("resolved_first_time")).first();
  }

  /** The 95% Wilson score interval of x successes in n. */
  private static double[] wilson(long x, long n) {
    double p = (double) x / n;
    double z2 = Z * Z;
    double denominator = 1 + z2 / n;
    double centre = (p + z2 / (2 * n)) / denominator;
    double half = Z * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / denominator;
    return new double[] {centre - half, centre + half};
  }
}
