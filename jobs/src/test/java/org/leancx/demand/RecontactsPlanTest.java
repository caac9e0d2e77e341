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

/** The tagging input has one shuffle and one sort (none when clustered) before its single pass; service accounts. */
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
    Dataset<Row> input =
        Recontacts.ordered(
            Recontacts.union(
                Recontacts.withNeed(
                    contacts, Taxonomy.read(demand.taxonomy()).toDataFrame(spark), demand.recontact()),
                context.where("contact_date > DATE'2026-01-01'")),
            false);
    String plan = input.queryExecution().executedPlan().toString();
    // With adaptive execution on, the string holds the initial plan once.
    assertThat(occurrences(plan, "Exchange hashpartitioning")).as(plan).isEqualTo(1);
    assertThat(occurrences(plan, "\\bSort \\[")).as(plan).isEqualTo(1);
    assertThat(occurrences(plan, "SortMergeJoin")).as(plan).isZero();
    assertThat(plan).contains("BroadcastHashJoin");
  }

  @Test
  void taggingCustomerClusteredContactsHasNeitherShuffleNorSort() {
    DemandSettings demand = DemandSettings.from(settings());
    Dataset<Row> contacts =
        new DemandTestData().add("a", "c", "phone", "2026-01-02 09:00", "billing_question").toDataFrame(spark);
    Dataset<Row> excluded = org.apache.spark.sql.functions.broadcast(
        Recontacts.serviceAccounts(contacts, demand.recontact()).select("customer_key"));
    Dataset<Row> withNeed =
        Recontacts.withNeed(
            contacts.join(excluded, "customer_key", "left_anti"),
            Taxonomy.read(demand.taxonomy()).toDataFrame(spark),
            demand.recontact());
    Dataset<Row> noContext = spark.createDataFrame(List.of(), DemandTables.CONTACT_DEMAND.schema());
    String plan =
        Recontacts.ordered(Recontacts.union(withNeed, noContext), true).queryExecution().executedPlan().toString();
    // The only shuffle and sort are the service accounts' own aggregate's, on the broadcast side of the anti-join.
    String streamed = plan.substring(0, plan.indexOf("BroadcastExchange"));
    assertThat(streamed).as(plan).contains("LocalTableScan");
    assertThat(occurrences(streamed, "Exchange")).as(plan).isZero();
    assertThat(occurrences(streamed, "\\bSort \\[")).as(plan).isZero();
    assertThat(occurrences(plan, "SortMergeJoin")).as(plan).isZero();
    Dataset<Row> tagged =
        Recontacts.tag(
            withNeed,
            noContext,
            demand.recontact(),
            Timestamp.valueOf("2026-01-31 00:00:00"),
            demand.channelCost(),
            demand.defaultChannelCost(),
            true);
    assertThat(tagged.collectAsList()).hasSize(1);
  }

  @Test
  void theBusiestDateOfAServiceAccountIsTheLaterOneOnATie() {
    DemandSettings demand = DemandSettings.from(settings());
    int threshold = demand.recontact().serviceAccountContactsPerDay();
    DemandTestData data = new DemandTestData();
    // Two days with the same, highest count (one before 1970, which must survive the day-number encoding), and a
    // quieter day in between; a second customer stays under the threshold.
    for (String day : List.of("1969-12-30", "2026-01-05")) {
      for (int i = 0; i <= threshold; i++) {
        data.add("s-" + day + "-" + i, "service", "phone", day + String.format(" 09:%02d", i), "billing_question");
      }
    }
    data.add("s-mid", "service", "phone", "2000-06-01 09:00", "billing_question");
    data.add("q-1", "quiet", "phone", "2026-01-05 09:00", "billing_question");
    Dataset<Row> accounts = Recontacts.serviceAccounts(data.toDataFrame(spark), demand.recontact());
    List<Row> rows = accounts.collectAsList();
    assertThat(rows).hasSize(1);
    Row s = rows.get(0);
    assertThat((String) s.getAs("customer_key")).isEqualTo("service");
    assertThat((Long) s.getAs("contacts")).isEqualTo(2L * (threshold + 1) + 1);
    assertThat((Long) s.getAs("days_over_threshold")).isEqualTo(2L);
    assertThat((Long) s.getAs("max_contacts_per_day")).isEqualTo(threshold + 1L);
    assertThat(s.getAs("busiest_date").toString()).isEqualTo("2026-01-05");
    assertThat(s.getAs("first_date").toString()).isEqualTo("1969-12-30");
    assertThat(s.getAs("last_date").toString()).isEqualTo("2026-01-05");
    assertThat(Recontacts.serviceAccounts(
                data.add("s-early", "service", "phone", "1969-12-30 10:00", "billing_question").toDataFrame(spark),
                demand.recontact())
            .first().getAs("busiest_date").toString())
        .as("one more contact on the earlier day makes it the busiest")
        .isEqualTo("1969-12-30");
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
