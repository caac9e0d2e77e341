package org.leancx.demand;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.leancx.common.SparkTestBase;
import org.leancx.common.Warehouse;
import org.leancx.ingest.CanonicalTables;
import org.leancx.ingest.CustomerClustering;
import org.leancx.ingest.IngestJob;

/**
 * The customer-clustered contacts layout: ingest writes it, the one-pass check recognises it and nothing else, its
 * service accounts equal the shuffled aggregation, and the per-customer tagging refuses rows that are not clustered.
 */
class CustomerClusteringTest extends SparkTestBase {
  private static final Path DIR = HOME.resolve("jobs/target/customer-clustering");
  private static final String HEADER =
      "contact_ref,customer_number,channel_name,direction,start_time,end_time,wait_sec,reason_code,disposition,"
          + "team_name,agent_id,case_ref,bot_flow,product,segment,region,vulnerability_flag,handling_variant\n";

  @Test
  void ingestWritesContactsClusteredByCustomerAndThePassRecognisesIt() throws IOException {
    // 60 customers with 1 to 6 contacts in random order over two files, and one service account whose two busiest
    // days tie (25 contacts each): the busiest date is the later one.
    List<String> lines = new ArrayList<>();
    Random random = new Random(11);
    int id = 0;
    for (int c = 0; c < 60; c++) {
      for (int k = 0, n = 1 + random.nextInt(6); k < n; k++) {
        lines.add(line(id++, "C" + c, "2026-02-%02d %02d:%02d:00".formatted(1 + random.nextInt(27), 8 + k, c % 60)));
      }
    }
    for (int day : new int[] {3, 9}) {
      for (int k = 0; k < 25; k++) {
        lines.add(line(id++, "SERVICE", "2026-02-%02d 10:%02d:00".formatted(day, k)));
      }
    }
    lines.add(line(id++, "SERVICE", "2026-02-20 10:00:00"));
    Collections.shuffle(lines, random);
    Path contacts = DIR.resolve("contacts");
    deleteRecursively(DIR);
    Files.createDirectories(contacts);
    int half = lines.size() / 2;
    Files.writeString(contacts.resolve("part-00000.csv"), HEADER + String.join("", lines.subList(0, half)));
    Files.writeString(contacts.resolve("part-00001.csv"), HEADER + String.join("", lines.subList(half, lines.size())));

    Warehouse warehouse = warehouse("customer-clustering");
    IngestJob.Result r =
        IngestJob.run(
            warehouse, settings("ingest.contacts-rows-per-file=50"), "synthetic_contacts", contacts.toString());
    assertThat(r.accepted()).isEqualTo(id);
    Dataset<Row> table = warehouse.read(CanonicalTables.CONTACTS);
    String[] files = table.inputFiles();
    int expectedFiles = CustomerClustering.files(id, 50, spark.sparkContext().defaultParallelism());
    assertThat(expectedFiles).isGreaterThanOrEqualTo(6);
    assertThat(files).hasSize(expectedFiles);

    // Each file read on its own: customers ascend and each customer's contacts are in start order; no two files
    // share a customer.
    List<String> seen = new ArrayList<>();
    for (String file : files) {
      List<Row> rows = spark.read().parquet(file).select("customer_key", "started_at", "contact_id").collectAsList();
      List<Row> sorted = new ArrayList<>(rows);
      sorted.sort(
          (a, b) -> {
            int c = CustomerClustering.compareCodePoints(a.getString(0), b.getString(0));
            c = c != 0 ? c : a.getTimestamp(1).compareTo(b.getTimestamp(1));
            return c != 0 ? c : CustomerClustering.compareCodePoints(a.getString(2), b.getString(2));
          });
      assertThat(rows).as("file %s in (customer, start, id) order", file).isEqualTo(sorted);
      rows.stream().map(x -> x.getString(0)).distinct().forEach(seen::add);
    }
    assertThat(seen).doesNotHaveDuplicates().hasSize(61);

    DemandSettings demand = DemandSettings.from(settings());
    CustomerPass.Result pass = CustomerPass.run(spark, table, demand.recontact());
    assertThat(pass.clustered()).isTrue();
    assertThat(pass.files()).isEqualTo(expectedFiles);
    assertThat(Timestamp.from(pass.latestStart()))
        .isEqualTo(table.agg(max("started_at")).first().getTimestamp(0));
    List<Row> accounts = pass.serviceAccounts().collectAsList();
    assertThat(accounts)
        .containsExactlyInAnyOrderElementsOf(Recontacts.serviceAccounts(table, demand.recontact()).collectAsList());
    assertThat(accounts).hasSize(1);
    assertThat(accounts.get(0).getAs("busiest_date").toString()).isEqualTo("2026-02-09");
    assertThat(accounts.get(0).<Long>getAs("contacts")).isEqualTo(51L);
  }

  @Test
  void thePassRejectsOverlappingFilesAndFilesWhoseCustomersDoNotAscend() {
    DemandTestData d = new DemandTestData();
    for (int i = 0; i < 40; i++) {
      d.add("c" + i, "cust-" + (i % 9), "phone", "2026-01-%02d 09:00".formatted(1 + i % 28), "billing_question");
    }
    Dataset<Row> contacts = d.toDataFrame(spark);
    RecontactRules rules = DemandSettings.from(settings()).recontact();

    Warehouse clustered = warehouse("clustering-yes");
    clustered.replaceAll(CanonicalTables.CONTACTS, CustomerClustering.cluster(contacts, 3), "test");
    assertThat(CustomerPass.run(spark, clustered.read(CanonicalTables.CONTACTS), rules).clustered()).isTrue();

    // Round-robin: every file holds most customers.
    Warehouse overlapping = warehouse("clustering-overlap");
    overlapping.replaceAll(CanonicalTables.CONTACTS, contacts.repartition(3), "test");
    assertThat(CustomerPass.run(spark, overlapping.read(CanonicalTables.CONTACTS), rules).clustered()).isFalse();

    // One file, customers grouped by a key that is not the customer: cust-0, cust-1, ..., cust-0 again.
    Warehouse unsorted = warehouse("clustering-unsorted");
    unsorted.replaceAll(
        CanonicalTables.CONTACTS, contacts.coalesce(1).sortWithinPartitions("contact_date", "customer_key"), "test");
    CustomerPass.Result pass = CustomerPass.run(spark, unsorted.read(CanonicalTables.CONTACTS), rules);
    assertThat(pass.files()).isEqualTo(1);
    assertThat(pass.clustered()).isFalse();
  }

  @Test
  void perCustomerTaggingFailsOnRowsThatAreNotClusteredInsteadOfSplittingACustomer() {
    DemandTestData d = new DemandTestData();
    d.add("c1", "b", "phone", "2026-01-02 09:00", "billing_question");
    d.add("c2", "a", "phone", "2026-01-03 09:00", "billing_question");
    d.add("c3", "b", "phone", "2026-01-04 09:00", "billing_question");
    DemandSettings demand = DemandSettings.from(settings());
    Dataset<Row> tagged =
        Recontacts.tag(
            Recontacts.withNeed(
                d.toDataFrame(spark).coalesce(1), Taxonomy.read(demand.taxonomy()).toDataFrame(spark),
                demand.recontact()),
            spark.createDataFrame(List.of(), DemandTables.CONTACT_DEMAND.schema()),
            demand.recontact(),
            Timestamp.valueOf("2026-01-31 00:00:00"),
            demand.channelCost(),
            demand.defaultChannelCost(),
            true);
    assertThatThrownBy(tagged::collectAsList)
        .satisfies(e -> assertThat(CustomerClustering.isNotClustered(e)).as(e.toString()).isTrue());
  }

  @Test
  void stringsCompareInSparksOrderAndFilesRoundUpToTheCores() {
    List<String> values =
        Arrays.asList("b", "a", "ab", "", "Z", "\u00e9", "\uffff", "\ud83d\ude00", "\ud83d\ude01", "\ue000", "a\u0000");
    List<String> bySpark =
        spark.createDataset(values, Encoders.STRING()).orderBy(col("value")).as(Encoders.STRING()).collectAsList();
    List<String> byJava = new ArrayList<>(values);
    byJava.sort(CustomerClustering::compareCodePoints);
    assertThat(byJava).isEqualTo(bySpark);
    assertThat(CustomerClustering.compareCodePoints(null, "a")).isNegative();

    assertThat(CustomerClustering.files(0, 1_000_000, 2)).isEqualTo(2);
    assertThat(CustomerClustering.files(253_913, 1_000_000, 2)).isEqualTo(2);
    assertThat(CustomerClustering.files(10_039_674, 1_000_000, 2)).isEqualTo(12);
    assertThat(CustomerClustering.files(10_039_674, 1_000_000, 16)).isEqualTo(16);
    assertThat(CustomerClustering.disjoint(List.of(new String[] {"c", "d"}, new String[] {"a", "b"}))).isTrue();
    assertThat(CustomerClustering.disjoint(List.of(new String[] {"a", "c"}, new String[] {"c", "d"}))).isFalse();
  }

  private static String line(int id, String customer, String start) {
    return "k%05d,%s,Phone,inbound,%s,,,billing_question,resolved,billing_team,a1,,,mortgage,retail,north,N,\n"
        .formatted(id, customer, start);
  }
}
