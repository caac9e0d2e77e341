package org.leancx.conditions;

import static org.apache.spark.sql.functions.*;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A seeded world of touches with planted root conditions, to test the root-conditions search across seeds: the seed
 * changes both the draws (it salts every hash) and which values are planted, decoys and proxies (drawn on the driver
 * with {@link SplittableRandom}), so two seeds are two different worlds.
 *
 * <p>Ten categorical attributes: channel (6 values), need_family (6), team (5), product (5), segment (3), region
 * (4), tenure (4), queue (5), site (4), device (4). Per seed the values of each attribute are shuffled; the planted
 * values take the frequencies below and the other values share the rest at random proportions (0.6 to 1.4 each).
 * Touches that meet no planted set fail at {@value #BASE_RATE}; a touch meeting several fails at the largest of
 * their rates (not a product: overlapping causes do not compound, so a union of two planted sets is no new cause).
 *
 * <table>
 *   <caption>The five planted sets (letters are the seed's values)</caption>
 *   <tr><th>set</th><th>frequencies</th><th>touches</th><th>rate</th><th>share of failures</th></tr>
 *   <tr><td>S1 {tenure=T}</td><td>2.0% (40% among S4's touches)</td><td>2.1%</td><td>0.34</td><td>about 4.5%</td></tr>
 *   <tr><td>S2 {channel=C, need_family=N}</td><td>12% x 10%</td><td>1.2%</td><td>0.45</td><td>about 3.3%</td></tr>
 *   <tr><td>S3 {need_family=N, product=P}</td><td>10% x 7%</td><td>0.7%</td><td>0.50</td><td>about 2.1%</td></tr>
 *   <tr><td>S4 {region=R, segment=G, team=M}</td><td>12% x 20% x 14%</td><td>0.34%</td><td>0.55</td>
 *       <td>about 1.1%</td></tr>
 *   <tr><td>S5 {channel=C', product=P', team=M'}</td><td>10% x 13% x 12.5%</td><td>0.16%</td><td>0.65</td>
 *       <td>about 0.64%</td></tr>
 * </table>
 *
 * <p>The baseline (all touches) is then about 16.3%. Overlaps: S2 and S3 share need_family=N (their touches meet
 * where channel=C and product=P both hold), and tenure=T is 40% likely among S4's touches (2% elsewhere), so S1's
 * touches overlap S4's; S5 shares its attributes (not its values) with S2, S3 and S4.
 *
 * <p>Proxy: queue is "q-" + product for 90% of touches, a uniform queue otherwise; the queues of P and P' are proxy
 * items. Decoys, which change no failure rate: site=D is 70% likely when tenure=T, else 15%; device=E is 70% likely
 * when need_family=N (the condition S2 and S3 share), else 15%.
 */
final class PlantedConditionWorld {
  /** The condition attributes, all columns of the touches. */
  static final List<String> ATTRIBUTES =
      List.of("channel", "need_family", "team", "product", "segment", "region", "tenure", "queue", "site", "device");

  /** Failure rate of a touch that meets no planted set. */
  static final double BASE_RATE = 0.15;

  /**
   * One world.
   *
   * @param touches the touches, with the {@link Touches} columns and {@link #ATTRIBUTES}
   * @param planted the planted sets, each a sorted list of "attribute=value" items
   * @param decoys items that travel with a planted condition and have no effect of their own
   * @param proxies items equal to a planted condition for 90% of touches
   */
  record World(Dataset<Row> touches, List<List<String>> planted, Set<String> decoys, Set<String> proxies) {}

  /** Touches meeting a set and failures among them. */
  record Count(List<String> conditions, long touches, long failures) {
    double rate() {
      return touches == 0 ? 0.0 : (double) failures / touches;
    }
  }

  private PlantedConditionWorld() {}

  /** {@code touches} touches of the world of {@code seed}. */
  static World generate(SparkSession spark, long seed, int touches) {
    // Not java.util.Random: its shuffles planted tenure=3-12m for every one of seeds 1 to 5.
    SplittableRandom random = new SplittableRandom(seed);
    List<String> channels = shuffled(random, "phone", "chat", "email", "web", "bot", "app");
    List<String> needs = shuffled(random, "billing", "orders", "account", "delivery", "technical", "other");
    List<String> teams = shuffled(random, "t1", "t2", "t3", "t4", "t5");
    List<String> products = shuffled(random, "loan", "card", "savings", "mortgage", "insurance");
    List<String> segments = shuffled(random, "retail", "smb", "corporate");
    List<String> regions = shuffled(random, "north", "south", "east", "west");
    List<String> tenures = shuffled(random, "<3m", "3-12m", "1-3y", "3y+");
    List<String> sites = shuffled(random, "belfast", "leeds", "cardiff", "glasgow");
    List<String> devices = shuffled(random, "ios", "android", "desktop", "landline");
    // The planted values are the first of each shuffled list, at the frequencies of the class comment.
    String c = channels.get(0);
    String c5 = channels.get(1);
    String n = needs.get(0);
    String m = teams.get(0);
    String m5 = teams.get(1);
    String p = products.get(0);
    String p5 = products.get(1);
    String r = regions.get(0);
    String g = segments.get(0);
    String t = tenures.get(0);
    String d = sites.get(0);
    String e = devices.get(0);

    Dataset<Row> world =
        spark.range(touches)
            .withColumn("channel", weighted(seed, "channel", channels, frequencies(random, channels, 0.12, 0.10)))
            .withColumn("need_family", weighted(seed, "need_family", needs, frequencies(random, needs, 0.10)))
            .withColumn("team", weighted(seed, "team", teams, frequencies(random, teams, 0.14, 0.125)))
            .withColumn("product", weighted(seed, "product", products, frequencies(random, products, 0.07, 0.13)))
            .withColumn("segment", weighted(seed, "segment", segments, frequencies(random, segments, 0.20)))
            .withColumn("region", weighted(seed, "region", regions, frequencies(random, regions, 0.12)));
    Column s4 = col("region").equalTo(r).and(col("segment").equalTo(g)).and(col("team").equalTo(m));
    world =
        world
            .withColumn("tenure", when(s4.and(uniform(seed, "tenure-s4").lt(0.4)), lit(t))
                .otherwise(weighted(seed, "tenure", tenures, frequencies(random, tenures, 0.02))))
            .withColumn("queue", when(uniform(seed, "queue").lt(0.9), concat(lit("q-"), col("product")))
                .otherwise(weighted(seed, "queue-other", products.stream().map(v -> "q-" + v).toList(),
                    frequencies(random, products))))
            .withColumn("site", when(uniform(seed, "site").lt(when(col("tenure").equalTo(t), 0.7).otherwise(0.15)),
                lit(d)).otherwise(weighted(seed, "site-other", sites.subList(1, sites.size()),
                    frequencies(random, sites.subList(1, sites.size())))))
            .withColumn("device", when(uniform(seed, "device").lt(when(col("need_family").equalTo(n), 0.7)
                    .otherwise(0.15)), lit(e)).otherwise(weighted(seed, "device-other",
                    devices.subList(1, devices.size()), frequencies(random, devices.subList(1, devices.size())))));

    List<List<String>> planted = new ArrayList<>();
    List<Double> rates = List.of(0.34, 0.45, 0.50, 0.55, 0.65);
    planted.add(List.of("tenure=" + t));
    planted.add(List.of("channel=" + c, "need_family=" + n));
    planted.add(List.of("need_family=" + n, "product=" + p));
    planted.add(List.of("region=" + r, "segment=" + g, "team=" + m));
    planted.add(List.of("channel=" + c5, "product=" + p5, "team=" + m5));
    List<Column> rateOfSets = new ArrayList<>(List.of(lit(BASE_RATE)));
    for (int i = 0; i < planted.size(); i++) {
      rateOfSets.add(when(meets(planted.get(i)), lit(rates.get(i))).otherwise(lit(BASE_RATE)));
    }
    Column failed = uniform(seed, "fail").lt(greatest(rateOfSets.toArray(Column[]::new)));
    world =
        world
            .withColumn(Touches.STARTED_AT, timestamp_seconds(lit(1_780_000_000L)
                .plus(floor(uniform(seed, "time").multiply(90 * 86400)).cast("long"))))
            .withColumn(Touches.HANDLE_SECONDS, floor(uniform(seed, "handle").multiply(1500)).cast("long"))
            .withColumn(Touches.FAILED, failed)
            .withColumn(Touches.TOUCH_ID, concat(lit(seed + "-"), col("id").cast("string")))
            .withColumn(Touches.PERIOD_DATE, to_date(col(Touches.STARTED_AT)))
            .withColumn(Touches.FAILURE_COST, when(col(Touches.FAILED), lit(5.0)).otherwise(lit(0.0)))
            .withColumn(Touches.FAILURE_CONTACTS, when(col(Touches.FAILED), lit(1L)).otherwise(lit(0L)))
            .drop("id");
    return new World(world, planted.stream().map(s -> s.stream().sorted().toList()).toList(),
        Set.of("site=" + d, "device=" + e), Set.of("queue=q-" + p, "queue=q-" + p5));
  }

  /**
   * Touches and failures of each set (lists of "attribute=value" items over the attribute columns), and of all
   * touches first (the empty set), in one pass.
   */
  static List<Count> counts(Dataset<Row> touches, List<List<String>> sets) {
    List<Column> sums = new ArrayList<>();
    sums.add(sum(when(col(Touches.FAILED), 1L).otherwise(0L)));
    for (List<String> set : sets) {
      sums.add(sum(when(meets(set), 1L).otherwise(0L)));
      sums.add(sum(when(meets(set).and(col(Touches.FAILED)), 1L).otherwise(0L)));
    }
    Row row = touches.agg(count(lit(1)), sums.toArray(Column[]::new)).first();
    List<Count> out = new ArrayList<>();
    out.add(new Count(List.of(), row.getLong(0), row.getLong(1)));
    for (int i = 0; i < sets.size(); i++) {
      out.add(new Count(sets.get(i), row.getLong(2 + 2 * i), row.getLong(3 + 2 * i)));
    }
    return out;
  }

  /** Whether a touch meets every "attribute=value" item of the set. */
  static Column meets(List<String> set) {
    Column all = lit(true);
    for (String item : set) {
      int eq = item.indexOf('=');
      all = all.and(col(item.substring(0, eq)).equalTo(lit(item.substring(eq + 1))));
    }
    return all;
  }

  /** A uniform number in [0, 1) from the touch id, the seed and a salt: reproducible hash-based randomness. */
  private static Column uniform(long seed, String salt) {
    return pmod(xxhash64(col("id"), lit(seed), lit(salt)), lit(1_000_000L)).divide(1_000_000.0);
  }

  /** One of {@code values}, drawn with the given frequencies (which sum to 1). */
  private static Column weighted(long seed, String salt, List<String> values, double[] frequencies) {
    Column u = uniform(seed, salt);
    Column pick = null;
    double cumulative = 0;
    for (int i = 0; i < values.size() - 1; i++) {
      cumulative += frequencies[i];
      pick = pick == null ? when(u.lt(cumulative), lit(values.get(i))) : pick.when(u.lt(cumulative),
          lit(values.get(i)));
    }
    return pick == null ? lit(values.get(0)) : pick.otherwise(lit(values.get(values.size() - 1)));
  }

  /**
   * Frequencies of {@code values}: the first ones fixed (the planted values), the others sharing the rest at random
   * proportions from 0.6 to 1.4, so that which value is common changes with the seed too.
   */
  private static double[] frequencies(SplittableRandom random, List<String> values, double... fixed) {
    double[] out = new double[values.size()];
    double rest = 1.0;
    for (int i = 0; i < fixed.length; i++) {
      out[i] = fixed[i];
      rest -= fixed[i];
    }
    double total = 0;
    for (int i = fixed.length; i < out.length; i++) {
      out[i] = 0.6 + 0.8 * random.nextDouble();
      total += out[i];
    }
    for (int i = fixed.length; i < out.length; i++) {
      out[i] = out[i] / total * rest;
    }
    return out;
  }

  /** Fisher-Yates. */
  private static List<String> shuffled(SplittableRandom random, String... values) {
    List<String> list = new ArrayList<>(List.of(values));
    for (int i = list.size() - 1; i > 0; i--) {
      Collections.swap(list, i, random.nextInt(i + 1));
    }
    return list;
  }
}
