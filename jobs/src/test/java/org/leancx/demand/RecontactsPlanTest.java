package org.leancx.demand;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.leancx.common.SparkTestBase;

/** The tagging plan has one shuffle and one sort before its single pass per customer and need (nothing is executed). */
class RecontactsPlanTest extends SparkTestBase {
  @Test
  void taggingIsOneShuffleAndOneSort() {
    DemandSettings demand = DemandSettings.from(settings("demand.recontact.window-by-channel.email=10d"));
    // Non-empty inputs: the optimizer would prune empty ones away with their shuffle.
    Dataset<Row> contacts =
        new DemandTestData().add("a", "c", "phone", "2026-01-02 09:00", "billing_question").toDataFrame(spark);
    Object[] values = new Object[DemandTables.CONTACT_DEMAND.schema().size()];
    Dataset<Row> context =
        spark.createDataFrame(List.of(org.apache.spark.sql.RowFactory.create(values)), DemandTables.CONTACT_DEMAND.schema());
    Dataset<Row> tagged =
        Recontacts.tag(
            Recontacts.withNeed(
                contacts, Taxonomy.read(demand.taxonomy()).toDataFrame(spark), demand.recontact()),
            context.where("contact_date > DATE'2026-01-01'"),
            demand.recontact(),
            Timestamp.valueOf("2026-01-31 00:00:00"),
            demand.channelCost(),
            demand.defaultChannelCost());
    String plan = tagged.queryExecution().executedPlan().toString();
    // With adaptive execution on, the string holds the initial plan once.
    assertThat(occurrences(plan, "Exchange hashpartitioning")).as(plan).isEqualTo(1);
    assertThat(occurrences(plan, "\\bSort \\[")).as(plan).isEqualTo(1);
    assertThat(occurrences(plan, "SortMergeJoin")).as(plan).isZero();
    assertThat(plan).contains("BroadcastHashJoin");
  }

  private static int occurrences(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }
}
