package org.leancx.leadtime;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.leancx.common.SparkTestBase;

/** The benchmark logs read into event tables with the counts of the published logs. */
class BenchmarkDatasetTest extends SparkTestBase {

  @Test
  void bpic2012CompleteKeepsOnlyCompleteEventsOfEveryCase() {
    Assumptions.assumeTrue(Files.exists(REAL_DATA.resolve("bpic2012.csv.gz")),
        "Skipped: " + REAL_DATA.resolve("bpic2012.csv.gz") + " is absent (../shared not mounted)");
    Dataset<Row> all = BenchmarkDataset.BPIC2012.read(session(), REAL_DATA.toString());
    Dataset<Row> complete = BenchmarkDataset.parse("bpic2012-complete").read(session(), REAL_DATA.toString());
    Row a = all.agg(org.apache.spark.sql.functions.count(col(PrefixFeatures.CASE_ID)),
        countDistinct(col(PrefixFeatures.CASE_ID))).first();
    Row c = complete.agg(org.apache.spark.sql.functions.count(col(PrefixFeatures.CASE_ID)),
        countDistinct(col(PrefixFeatures.CASE_ID))).first();
    // BPI Challenge 2012: 262,200 events of 13,087 cases; 164,506 of them are COMPLETE transitions.
    assertThat(a.getLong(0)).isEqualTo(262_200L);
    assertThat(a.getLong(1)).isEqualTo(13_087L);
    assertThat(c.getLong(0)).isEqualTo(164_506L);
    assertThat(c.getLong(1)).isEqualTo(13_087L);
    assertThat(complete.where(col(PrefixFeatures.ACTIVITY).contains("+")).count()).isZero();
  }

  @Test
  void unknownDataSetNamesTheChoices() {
    assertThatThrownBy(() -> BenchmarkDataset.parse("bpic2099"))
        .hasMessageContaining("Unknown data set 'bpic2099'")
        .hasMessageContaining("bpic2012-complete");
  }
}
