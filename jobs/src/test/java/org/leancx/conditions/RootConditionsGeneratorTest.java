package org.leancx.conditions;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.leancx.common.Settings;
import org.leancx.common.SparkTestBase;
import org.leancx.common.Warehouse;
import org.leancx.demand.FailureDemand;
import org.leancx.generate.Generator;
import org.leancx.ingest.IngestJob;

/**
 * The root-conditions job against the generator's planted truth, through the real generate, ingest and
 * failure-demand jobs, at the demo's CI size (2,000 customers, about 4,000 first touches): every planted set is in
 * the top 5, reported as the set and never as one of its parts, and no decoy (a condition that merely travels with
 * a planted one) is in the top 5.
 */
@Tag("e2e")
class RootConditionsGeneratorTest extends SparkTestBase {
  @Test
  void plantedSetsRankInTheTopFiveAsSetsAndDecoysDoNot() {
    Warehouse w = warehouse("root-conditions-generator");
    String raw = HOME.resolve("jobs/target/test-raw/root-conditions-generator").toString();
    deleteRecursively(Path.of(raw));
    Settings s =
        settings(
            "warehouse.path=" + w.settings().path(),
            "generate.output=" + raw,
            "generate.customers=2000",
            "generate.seed=42");
    Generator.run(w, s);
    IngestJob.run(w, s, "synthetic_contacts", raw + "/contacts");
    FailureDemand.run(w, s, FailureDemand.Slice.full());
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
}
