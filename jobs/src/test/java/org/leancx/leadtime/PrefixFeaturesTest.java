package org.leancx.leadtime;

import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.leancx.common.SparkTestBase;

class PrefixFeaturesTest extends SparkTestBase {
  static final StructType EVENTS =
      new StructType()
          .add(PrefixFeatures.CASE_ID, StringType)
          .add(PrefixFeatures.ACTIVITY, StringType)
          .add(PrefixFeatures.AT, TimestampType)
          .add(PrefixFeatures.EVENT_ORDER, LongType)
          .add("journey_type", StringType)
          .add("resource", StringType)
          .add("amount", DoubleType);

  static Timestamp at(String iso) {
    return Timestamp.from(Instant.parse(iso));
  }

  /** Case A: open Mon 09:00, assign 10:00, open again Tue 10:00 (a repeat), close Thu 09:00. Case B: 2 events, tie. */
  static Dataset<Row> events() {
    return rows(EVENTS,
        new Object[] {"A", "open", at("2024-06-03T09:00:00Z"), 1L, "billing", "r1", 100.0},
        new Object[] {"A", "assign", at("2024-06-03T10:00:00Z"), 2L, "billing", null, null},
        new Object[] {"A", "open", at("2024-06-04T10:00:00Z"), 3L, "billing", "r2", null},
        new Object[] {"A", "close", at("2024-06-06T09:00:00Z"), 4L, "billing", "r2", null},
        new Object[] {"B", "close", at("2024-06-03T12:00:00Z"), 6L, "tech", "r9", null},
        new Object[] {"B", "open", at("2024-06-03T12:00:00Z"), 5L, "tech", "r1", null});
  }

  static Map<String, Row> byKey(Dataset<Row> prefixes) {
    return prefixes.collectAsList().stream()
        .collect(Collectors.toMap(
            r -> r.getAs(PrefixFeatures.CASE_ID) + "#" + r.getAs(PrefixFeatures.PREFIX_LENGTH), r -> r));
  }

  @Test
  void everyPrefixHasItsTimingOrderAndCountFeatures() {
    // Vocabulary learned without "close": it counts as other.
    FeatureSpec spec = new FeatureSpec(List.of("open", "assign"), List.of("journey_type", "resource"),
        Map.of("journey_type", List.of("billing", "tech"), "resource", List.of("r1", "r2")), List.of("amount"));
    Map<String, Row> p = byKey(PrefixFeatures.prefixes(events(), spec));
    assertThat(p).hasSize(6);

    Row a3 = p.get("A#3");
    assertThat((int) a3.getAs(PrefixFeatures.CASE_LENGTH)).isEqualTo(4);
    assertThat((double) a3.getAs(PrefixFeatures.ELAPSED_SECONDS)).isEqualTo(25 * 3600.0);
    assertThat((double) a3.getAs(PrefixFeatures.SINCE_PREVIOUS_SECONDS)).isEqualTo(24 * 3600.0);
    // Label: from Tue 10:00 to Thu 09:00.
    assertThat((double) a3.getAs(PrefixFeatures.REMAINING_SECONDS)).isEqualTo(47 * 3600.0);
    assertThat((String) a3.getAs(PrefixFeatures.LAST_ACTIVITY)).isEqualTo("open");
    assertThat((String) a3.getAs(PrefixFeatures.PREVIOUS_ACTIVITY)).isEqualTo("assign");
    assertThat((double) a3.getAs(PrefixFeatures.countColumn(0))).as("opens so far").isEqualTo(2.0);
    assertThat((double) a3.getAs(PrefixFeatures.countColumn(1))).as("assigns so far").isEqualTo(1.0);
    assertThat((double) a3.getAs(PrefixFeatures.COUNT_OTHER)).isEqualTo(0.0);
    assertThat((double) a3.getAs(PrefixFeatures.REPEATS)).as("the second open is a repeat").isEqualTo(1.0);
    assertThat((double) a3.getAs(PrefixFeatures.HOUR)).isEqualTo(10.0);
    assertThat((double) a3.getAs(PrefixFeatures.WEEKDAY)).as("Tuesday").isEqualTo(3.0);
    assertThat((String) a3.getAs("resource")).isEqualTo("r2");
    assertThat((double) a3.getAs("amount")).as("case attribute carried forward").isEqualTo(100.0);

    Row a1 = p.get("A#1");
    assertThat((double) a1.getAs(PrefixFeatures.SINCE_PREVIOUS_SECONDS)).isEqualTo(0.0);
    assertThat((String) a1.getAs(PrefixFeatures.PREVIOUS_ACTIVITY)).isEqualTo(FeatureSpec.NONE);
    assertThat((double) a1.getAs(PrefixFeatures.REPEATS)).isEqualTo(0.0);
    assertThat((double) a1.getAs(PrefixFeatures.REMAINING_SECONDS)).isEqualTo(72 * 3600.0);

    Row a2 = p.get("A#2");
    assertThat((String) a2.getAs("resource")).as("null resource: the latest known one").isEqualTo("r1");

    Row a4 = p.get("A#4");
    assertThat((String) a4.getAs(PrefixFeatures.LAST_ACTIVITY)).isEqualTo(FeatureSpec.OTHER);
    assertThat((double) a4.getAs(PrefixFeatures.COUNT_OTHER)).isEqualTo(1.0);
    assertThat((double) a4.getAs(PrefixFeatures.REMAINING_SECONDS)).isEqualTo(0.0);

    // Equal timestamps: event_order decides, so "open" (5) comes before "close" (6).
    Row b1 = p.get("B#1");
    assertThat((String) b1.getAs(PrefixFeatures.LAST_ACTIVITY)).isEqualTo("open");
    assertThat((String) b1.getAs("resource")).isEqualTo("r1");
    Row b2 = p.get("B#2");
    assertThat((String) b2.getAs("resource")).as("r9 is outside the levels").isEqualTo(FeatureSpec.OTHER);
    assertThat((double) b2.getAs("amount")).as("missing numeric").isEqualTo(-1.0);
  }

  @Test
  void properPrefixesAreLengthsOneToNMinusOneAndLatestIsTheLastEvent() {
    FeatureSpec spec = FeatureSpec.learn(events(), List.of("journey_type"), List.of(), 10, 10);
    Dataset<Row> all = PrefixFeatures.prefixes(events(), spec);
    assertThat(PrefixFeatures.proper(all).count()).isEqualTo(4);
    List<Row> latest = PrefixFeatures.latest(all).orderBy(PrefixFeatures.CASE_ID).collectAsList();
    assertThat(latest).extracting(r -> r.getAs(PrefixFeatures.PREFIX_LENGTH)).containsExactly(4, 2);
  }

  @Test
  void vocabularyIsLearnedOnTheGivenEventsOnlyMostFrequentFirst() {
    Dataset<Row> training = events().where("case_id = 'A'");
    FeatureSpec spec = FeatureSpec.learn(training, List.of("resource"), List.of(), 2, 1);
    assertThat(spec.activities()).containsExactly("open", "assign");
    assertThat(spec.categoricalLevels().get("resource")).containsExactly("r2");
  }

  @Test
  void foldsKeepEveryCaseWhole() {
    Dataset<Row> f = LeadTimeEvaluation.withFolds(events(), 5, 42);
    assertThat(f.groupBy(PrefixFeatures.CASE_ID).agg(org.apache.spark.sql.functions.countDistinct("fold"))
        .where("`count(DISTINCT fold)` <> 1").count()).isZero();
    assertThat(f.where("fold < 0 OR fold >= 5").count()).isZero();
    assertThat(f.select("case_id", "fold").collectAsList())
        .isEqualTo(LeadTimeEvaluation.withFolds(events(), 5, 42).select("case_id", "fold").collectAsList());
  }
}
