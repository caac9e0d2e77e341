package org.leancx.conditions;

import static org.apache.spark.sql.functions.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.leancx.common.Settings;
import org.leancx.common.SparkTestBase;
import org.leancx.common.Warehouse;
import org.leancx.ingest.CanonicalTables;

/** The root-conditions job on planted truth and on inline contact_demand and contacts. */
class RootConditionsTest extends SparkTestBase {
  private static final List<String> P1 = List.of("product=loan");
  private static final List<String> P2 = List.of("channel=bot", "need_family=billing");
  private static final List<String> P3 = List.of("region=north", "segment=smb", "team=t2");

  /** A uniform number in [0, 1) from the touch id and a salt: reproducible hash-based randomness. */
  private static Column uniform(String salt) {
    return pmod(xxhash64(col("id"), lit(salt)), lit(1_000_000L)).divide(1_000_000.0);
  }

  private static Column pick(String salt, String... values) {
    Column[] v = java.util.Arrays.stream(values).map(functions::lit).toArray(Column[]::new);
    return element_at(array(v), floor(uniform(salt).multiply(values.length)).cast("int").plus(1));
  }

  private static final class functions {
    static Column lit(String s) {
      return org.apache.spark.sql.functions.lit(s);
    }
  }

  /**
   * 20,000 touches with three planted sets (failure rate x3, x3.5, x4 over a base of 10%; a touch meeting several
   * takes the largest) and two decoys: queue=q9 travels with product=loan (80% vs 10%), site=s1 with channel=bot
   * (70% vs 15%), neither changes the failure rate.
   */
  static Dataset<Row> plantedTouches(int n) {
    Dataset<Row> t =
        spark.range(n)
            .withColumn("channel", pick("channel", "phone", "chat", "email", "web", "bot"))
            .withColumn("need_family", pick("need", "billing", "orders", "account", "delivery", "technical", "other"))
            .withColumn("team", pick("team", "t1", "t2", "t3", "t4"))
            .withColumn("product", pick("product", "loan", "card", "savings", "mortgage", "insurance"))
            .withColumn("segment", pick("segment", "retail", "smb", "corporate"))
            .withColumn("region", pick("region", "north", "south", "east", "west"))
            .withColumn("queue", when(uniform("queue").lt(when(col("product").equalTo("loan"), 0.8).otherwise(0.1)),
                lit("q9")).otherwise(concat(lit("q"), floor(uniform("queue2").multiply(4)).cast("string"))))
            .withColumn("site", when(uniform("site").lt(when(col("channel").equalTo("bot"), 0.7).otherwise(0.15)),
                lit("s1")).otherwise(lit("s2")))
            .withColumn(Touches.STARTED_AT, timestamp_seconds(lit(1_780_000_000L)
                .plus(floor(uniform("time").multiply(90 * 86400)).cast("long"))))
            .withColumn(Touches.HANDLE_SECONDS, floor(uniform("handle").multiply(1500)).cast("long"));
    Column m1 = when(col("product").equalTo("loan"), 3.0).otherwise(1.0);
    Column m2 = when(col("channel").equalTo("bot").and(col("need_family").equalTo("billing")), 3.5).otherwise(1.0);
    Column m3 = when(col("team").equalTo("t2").and(col("segment").equalTo("smb")).and(col("region").equalTo("north")),
        4.0).otherwise(1.0);
    Column failed = uniform("fail").lt(lit(0.1).multiply(greatest(m1, m2, m3)));
    return t.withColumn(Touches.TOUCH_ID, col("id").cast("string"))
        .withColumn(Touches.PERIOD_DATE, to_date(col(Touches.STARTED_AT)))
        .withColumn(Touches.FAILED, failed)
        .withColumn(Touches.FAILURE_COST, when(failed, lit(5.0)).otherwise(lit(0.0)))
        .withColumn(Touches.FAILURE_CONTACTS, when(failed, lit(1L)).otherwise(lit(0L)))
        .drop("id");
  }

  @Test
  void plantedSetsAreFoundAsSetsAndDecoysAreNot() {
    ConditionSettings cs =
        ConditionSettings.from(settings(
            "conditions.attributes=[channel, need_family, team, product, segment, region, queue, site]",
            "conditions.bands.derived=[hour_of_day, weekday, handle_time]"));
    Dataset<Row> touches = Touches.withItems(plantedTouches(20_000), cs).cache();
    RootConditions.Mined mined = RootConditions.mine(spark, touches, cs);
    touches.unpersist();
    List<List<String>> reported =
        mined.pruning().reported().stream().map(RedundancyPruning.RootConditionSet::conditions).toList();
    List<List<String>> top5 = reported.subList(0, Math.min(5, reported.size()));
    assertThat(top5).as("top 5 of %s", reported).contains(P1, P2, P3);
    assertThat(top5.stream().flatMap(List::stream))
        .as("no decoy in the top 5: %s", top5)
        .noneMatch(c -> c.startsWith("queue=") || c.startsWith("site="));
    for (List<String> planted : List.of(P2, P3)) {
      for (List<String> set : reported) {
        assertThat(planted.containsAll(set) && set.size() < planted.size())
            .as("%s is reported as its part %s (report: %s)", planted, set, reported)
            .isFalse();
      }
    }
    RedundancyPruning.RootConditionSet p1 = mined.pruning().reported().get(top5.indexOf(P1));
    assertThat(p1.lift()).isGreaterThan(1.5);
    assertThat(p1.excessCost()).isCloseTo(p1.excessFailures() * 5.0, within(1e-6));
  }

  @Test
  void theSearchCountsEverySetThatCanReachTheFloorExactly() {
    ConditionSettings cs = ConditionSettings.from(settings(
        "conditions.attributes=[channel, need_family, team, product, segment, region, queue, site]",
        "conditions.bands.derived=[hour_of_day, weekday, handle_time]"));
    Dataset<Row> touches = Touches.withItems(plantedTouches(6_000), cs).cache();
    long minFailures = 15;
    java.util.Set<List<String>> searched =
        new java.util.HashSet<>(ConditionMining.candidates(spark, touches, minFailures, 3, 200_000));
    // Brute force on the driver: every subset of 1 to 3 items of every failed touch, counted (6,000 touches keep the
    // test short in CI; about 900 fail, and 3-sets reach 15 failures).
    Map<List<String>, Integer> counts = new java.util.HashMap<>();
    for (Row r : touches.where(col(Touches.FAILED)).select(Touches.ITEMS).collectAsList()) {
      List<String> items = r.<String>getList(0).stream().sorted().toList();
      int n = items.size();
      for (int i = 0; i < n; i++) {
        counts.merge(List.of(items.get(i)), 1, Integer::sum);
        for (int j = i + 1; j < n; j++) {
          counts.merge(List.of(items.get(i), items.get(j)), 1, Integer::sum);
          for (int k = j + 1; k < n; k++) {
            counts.merge(List.of(items.get(i), items.get(j), items.get(k)), 1, Integer::sum);
          }
        }
      }
    }
    touches.unpersist();
    java.util.Set<List<String>> expected = new java.util.HashSet<>();
    counts.forEach((set, c) -> {
      if (c >= minFailures) {
        expected.add(set);
      }
    });
    assertThat(expected.stream().filter(e -> e.size() == 3)).as("the brute force finds 3-sets").isNotEmpty();
    assertThat(searched).isEqualTo(expected);
  }

  @Test
  void theFloorInFailuresIsTheFloorInExcessOverOneMinusTheBaseline() {
    // A set with f failures has no superset with more than f x (1 - baseline) excess failures.
    assertThat(ConditionMining.minFailures(10, 0.2)).isEqualTo(13); // 12.5, rounded up
    assertThat(ConditionMining.minFailures(12, 0.25)).isEqualTo(16);
    assertThat(ConditionMining.minFailures(0.5, 0.0)).isEqualTo(1);
    assertThat(ConditionMining.minFailures(10, 1.0)).as("every touch failed: nothing can exceed").isEqualTo(Long.MAX_VALUE);
    ConditionSettings cs = ConditionSettings.from(settings());
    assertThat(cs.floor(1_000)).as("min-excess-failures 10 beats 0.002 x 1,000").isEqualTo(10.0);
    assertThat(cs.floor(1_000_000)).as("0.002 x 1,000,000").isEqualTo(2_000.0);
  }

  private static final StructType DEMAND =
      new StructType()
          .add("contact_id", DataTypes.StringType).add("customer_key", DataTypes.StringType)
          .add("started_at", DataTypes.TimestampType).add("contact_date", DataTypes.DateType)
          .add("channel", DataTypes.StringType).add("reason", DataTypes.StringType)
          .add("need_key", DataTypes.StringType).add("demand_class", DataTypes.StringType)
          .add("failure_subtype", DataTypes.StringType).add("is_recontact", DataTypes.BooleanType)
          .add("chain_id", DataTypes.StringType).add("chain_position", DataTypes.IntegerType)
          .add("fcr_status", DataTypes.StringType);

  /** Fills the contact_demand columns this job does not read with valid values. */
  private static Dataset<Row> asContactDemand(Dataset<Row> d) {
    return d.withColumn("direction", lit("INBOUND"))
        .withColumn("ended_at", lit(null).cast("timestamp"))
        .withColumn("outcome", lit(null).cast("string"))
        .withColumn("team", lit(null).cast("string"))
        .withColumn("automation_flow", lit(null).cast("string"))
        .withColumn("need_family", lit(null).cast("string"))
        .withColumn("need_key", coalesce(col("need_key"), col("reason")))
        .withColumn("decided_by", lit("test"))
        .withColumn("is_transfer", lit(false))
        .withColumn("prior_contact_id", when(col("is_recontact"), col("chain_id")))
        .withColumn("gap_seconds", when(col("is_recontact"), lit(3600L)))
        .withColumn("cost", lit(0.0));
  }

  private static Object[] demand(String id, Instant at, String channel, String reason, boolean recontact,
      String chain, int position, String fcr) {
    return new Object[] {id, "c-" + chain, Timestamp.from(at), Date.valueOf(at.toString().substring(0, 10)), channel,
        reason, null, "VALUE", null, recontact, chain, position, fcr};
  }

  private static Object[] contact(String id, Instant at, String channel, String reason, long handle, String outcome) {
    return new Object[] {id, "c-" + id, channel, "INBOUND", Timestamp.from(at), null, handle, 30L, reason, outcome,
        "team-a", null, null, null, Map.of("product", "card"), Date.valueOf(at.toString().substring(0, 10)), "test",
        "f.csv", 1L, null};
  }

  @Test
  void jobReadsContactDemandWritesRankedSetsAndDailyCostAndRerunsIdentically() {
    String reason = firstReasonOf("billing");
    String other = firstReasonOfAnotherFamily("billing");
    List<Object[]> demandRows = new ArrayList<>();
    List<Object[]> contactRows = new ArrayList<>();
    Instant day1 = Instant.parse("2026-03-02T10:00:00Z");
    Instant day2 = Instant.parse("2026-03-03T10:00:00Z");
    // 60 bot/billing first contacts, 45 of them repeated once by phone (cost 6 each); 240 phone/other first
    // contacts, 24 repeated by phone; plus PENDING first contacts that must be left out.
    int id = 0;
    for (int i = 0; i < 300; i++) {
      boolean botBilling = i < 60;
      boolean failed = botBilling ? i < 45 : i % 10 == 0;
      Instant at = (i % 2 == 0 ? day1 : day2).plusSeconds(i);
      String first = "k" + (id++);
      String channel = botBilling ? "bot" : "phone";
      String r = botBilling ? reason : other;
      demandRows.add(demand(first, at, channel, r, false, first, 1, failed ? "REPEATED" : "RESOLVED_FIRST_TIME"));
      contactRows.add(contact(first, at, channel, r, 300, "resolved"));
      if (failed) {
        String repeat = "k" + (id++);
        demandRows.add(demand(repeat, at.plusSeconds(3600), "phone", r, true, first, 2, "RESOLVED_FIRST_TIME"));
        contactRows.add(contact(repeat, at.plusSeconds(3600), "phone", r, 600, "resolved"));
      }
    }
    for (int i = 0; i < 20; i++) {
      String pending = "p" + i;
      demandRows.add(demand(pending, day2, "bot", reason, false, pending, 1, "PENDING"));
      contactRows.add(contact(pending, day2, "bot", reason, 300, "resolved"));
    }
    Warehouse w = warehouse("root-conditions-job");
    w.replaceAll(FailureDemandTouches.CONTACT_DEMAND,
        asContactDemand(rows(DEMAND, demandRows.toArray(Object[][]::new))), "test");
    w.replaceAll(CanonicalTables.CONTACTS,
        rows(CanonicalTables.CONTACTS.schema(), contactRows.toArray(Object[][]::new)), "test");
    Settings settings = settings("warehouse.path=" + w.settings().path(), "conditions.min-excess-share=0.01");

    RootConditions.Result first = RootConditions.run(w, settings, Outcome.FAILURE_DEMAND);
    assertThat(first.touches()).isEqualTo(300);
    assertThat(first.failures()).isEqualTo(45 + 24);
    assertThat(first.failureCost()).isCloseTo(69 * 6.0, within(1e-9));

    List<Row> sets = w.read(ConditionTables.ROOT_CONDITIONS).orderBy("rank").collectAsList();
    assertThat(sets).isNotEmpty();
    Row top = sets.get(0);
    List<String> topConditions = top.getList(top.fieldIndex("conditions"));
    // bot and billing always meet here: either one, or both, is the same touches; the smallest set wins rule 1.
    assertThat(topConditions).hasSize(1).containsAnyOf("channel=bot", "need_family=billing", "reason=" + reason);
    assertThat(top.<Long>getAs("support")).isEqualTo(60L);
    assertThat(top.<Long>getAs("failures")).isEqualTo(45L);
    double baseline = 69.0 / 300;
    assertThat(top.<Double>getAs("baseline_rate")).isCloseTo(baseline, within(1e-12));
    assertThat(top.<Double>getAs("excess_failures")).isCloseTo(45 - 60 * baseline, within(1e-9));
    assertThat(top.<Double>getAs("excess_cost")).isCloseTo((45 - 60 * baseline) * 6.0, within(1e-9));
    assertThat(top.<String>getAs("outcome")).isEqualTo("failure-demand");

    List<Row> daily = w.read(ConditionTables.FAILURE_COST_DAILY).orderBy("period_date").collectAsList();
    assertThat(daily).hasSize(2);
    assertThat(daily.stream().mapToLong(r -> r.<Long>getAs("touches")).sum()).isEqualTo(300);
    assertThat(daily.stream().mapToDouble(r -> r.<Double>getAs("failure_cost")).sum()).isCloseTo(414.0, within(1e-9));

    // Both days fall in the week of 2 March, which they cover in part: one trend row per set, the top one as above.
    List<Row> trend = w.read(ConditionTables.ROOT_CONDITIONS_TREND).orderBy("rank").collectAsList();
    assertThat(trend).hasSize(sets.size());
    Row topTrend = trend.get(0);
    assertThat(topTrend.<java.sql.Date>getAs("period_start")).isEqualTo(java.sql.Date.valueOf("2026-03-02"));
    assertThat(topTrend.<Boolean>getAs("complete_period")).isFalse();
    assertThat(topTrend.<Long>getAs("support")).isEqualTo(60L);
    assertThat(topTrend.<Long>getAs("failures")).isEqualTo(45L);
    assertThat(topTrend.<Double>getAs("excess_cost")).isCloseTo((45 - 60 * baseline) * 6.0, within(1e-9));

    Dataset<Row> before = w.read(ConditionTables.ROOT_CONDITIONS).drop("run_id");
    RootConditions.run(w, settings, Outcome.FAILURE_DEMAND);
    Dataset<Row> after = w.read(ConditionTables.ROOT_CONDITIONS).drop("run_id");
    assertThat(after.count()).isEqualTo(before.count());
    assertThat(after.exceptAll(before).count() + before.exceptAll(after).count()).as("rerun changed rows").isZero();
    assertThat(w.read(ConditionTables.FAILURE_COST_DAILY).count()).isEqualTo(2);
    assertThat(w.read(ConditionTables.ROOT_CONDITIONS_TREND).count()).isEqualTo(sets.size());
  }

  @Test
  void sloBreachOutcomeExplainsLongJourneys() {
    StructType journeys = new StructType()
        .add("journey_id", DataTypes.StringType).add("journey_type", DataTypes.StringType)
        .add("status", DataTypes.StringType).add("lead_time_seconds", DataTypes.LongType)
        .add("started_at", DataTypes.TimestampType);
    List<Object[]> rows = new ArrayList<>();
    Timestamp at = Timestamp.from(Instant.parse("2026-03-02T10:00:00Z"));
    for (int i = 0; i < 400; i++) {
      boolean claim = i < 100;
      long lead = (claim ? i % 4 != 0 : i % 10 == 0) ? 10 * 86400L : 86400L;
      rows.add(new Object[] {"j" + i, claim ? "claim" : "order", i % 50 == 49 ? "OPEN" : "CLOSED", lead, at});
    }
    ConditionSettings cs = new SloBreachTouches().adapt(
        ConditionSettings.from(settings("conditions.min-excess-share=0.01")).withOutcome(Outcome.SLO_BREACH));
    Dataset<Row> touches = Touches.withItems(SloBreachTouches.touches(rows(journeys, rows.toArray(Object[][]::new)),
        cs), cs);
    RootConditions.Mined mined = RootConditions.mine(spark, touches, cs);
    assertThat(mined.touches()).isEqualTo(392);
    assertThat(mined.pruning().reported().get(0).conditions()).containsExactly("journey_type=claim");
  }

  private static String firstReasonOf(String family) {
    return taxonomy().stream().filter(e -> e.needFamily().equals(family)).findFirst().orElseThrow().reason();
  }

  private static String firstReasonOfAnotherFamily(String family) {
    return taxonomy().stream().filter(e -> !e.needFamily().equals(family)).findFirst().orElseThrow().reason();
  }

  private static List<org.leancx.demand.Taxonomy.Entry> taxonomy() {
    return org.leancx.demand.Taxonomy.read(HOME.resolve("conf/taxonomy/reasons.csv")).entries();
  }
}
