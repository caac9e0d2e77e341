package org.leancx.conditions;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.leancx.common.SparkTestBase;

/**
 * Times the mining on planted touches; off by default. Run it with
 * {@code mvn -o test -Dtest=RootConditionsBenchmark -Dleancx.bench=true -Dleancx.bench.touches=1000000}.
 */
@EnabledIfSystemProperty(named = "leancx.bench", matches = "true")
class RootConditionsBenchmark extends SparkTestBase {
  @Test
  void mineAtScale() {
    int n = Integer.getInteger("leancx.bench.touches", 1_000_000);
    String all = "[channel, need_family, team, product, segment, region, queue, site]";
    String five = "[channel, need_family, team, product, segment]";
    String bands = "[hour_of_day, weekday, handle_time]";
    run(Math.min(n, 100_000), all, bands, 3); // warm-up (JIT, Spark's first jobs): the first figure is not comparable
    run(n, all, bands, 3);
    run(n, all, bands, 2);
    run(n, five, "[]", 3);
    run(n, all, "[]", 3);
  }

  private void run(int n, String attributes, String bands, int k) {
    ConditionSettings cs = ConditionSettings.from(settings("conditions.attributes=" + attributes,
        "conditions.bands.derived=" + bands, "conditions.max-size=" + k));
    Dataset<Row> touches = Touches.withItems(RootConditionsTest.plantedTouches(n), cs).cache();
    touches.count();
    long t0 = System.nanoTime();
    RootConditions.Mined mined = RootConditions.mine(spark, touches, cs);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    System.out.printf("BENCH touches=%d attributes=%d bands=%s k=%d candidates=%d reported=%d mine_ms=%d top=%s%n",
        n, attributes.split(",").length, bands, k, mined.pruning().candidates(), mined.pruning().reported().size(),
        ms, mined.pruning().reported().stream().limit(3).map(s -> s.conditions()).toList());
    touches.unpersist();
  }
}
