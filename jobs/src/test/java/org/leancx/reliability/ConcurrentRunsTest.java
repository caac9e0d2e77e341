package org.leancx.reliability;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.leancx.common.RunLog;
import org.leancx.common.Settings;
import org.leancx.common.SparkTestBase;
import org.leancx.common.TableFingerprint;
import org.leancx.common.Warehouse;
import org.leancx.ingest.CanonicalTables;
import org.leancx.ingest.IngestJob;

/**
 * Two runs of one job on one warehouse at once: each either succeeds (a conflicting commit is retried) or fails with
 * a message naming the table and saying to rerun; the tables end equal to one clean run, with no duplicated rows.
 */
@Tag("e2e")
class ConcurrentRunsTest extends SparkTestBase {
  private static final Path DIR = HOME.resolve("jobs/target/concurrent-runs");

  @Test
  void twoIngestRunsAtOnceLeaveTheTablesEqualToOneRun() throws Exception {
    Warehouse warehouse = warehouse("concurrent-runs");
    deleteRecursively(DIR);
    Path sources = Files.createDirectories(DIR.resolve("sources"));
    StringBuilder csv = new StringBuilder("id,customer,channel,start,wait\n");
    for (int i = 0; i < 200; i++) {
      csv.append("c").append(i).append(",cust").append(i % 50).append(",phone,2024-03-0").append(1 + i % 9)
          .append(" 10:00:00,").append(i % 17 == 0 ? "-1" : String.valueOf(i)).append('\n');
    }
    Path input = Files.writeString(DIR.resolve("contacts.csv"), csv.toString());
    Files.writeString(sources.resolve("concurrent.conf"), """
        target = contacts
        path = "%s"
        columns { contact_id = id, customer_id = customer, channel = channel, started_at = start, wait_seconds = wait }
        """.formatted(input));
    Settings settings = settings("ingest.sources-dir=" + sources, "ingest.max-reject-rate=1.0");

    IngestJob.Result first = IngestJob.run(warehouse, settings, "concurrent", null);
    TableFingerprint contacts = TableFingerprint.of(warehouse.read(CanonicalTables.CONTACTS));
    TableFingerprint quarantine = TableFingerprint.of(warehouse.read(CanonicalTables.QUARANTINE));
    assertThat(first.accepted()).isEqualTo(188);
    assertThat(first.quarantined()).isEqualTo(12);

    int rounds = 2;
    int succeeded = 0;
    List<String> failures = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < rounds; round++) {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<IngestJob.Result>> runs = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
          runs.add(pool.submit(() -> {
            start.await();
            return IngestJob.run(warehouse, settings, "concurrent", null);
          }));
        }
        start.countDown();
        for (Future<IngestJob.Result> f : runs) {
          try {
            assertThat(f.get(5, TimeUnit.MINUTES).accepted()).isEqualTo(188);
            succeeded++;
          } catch (java.util.concurrent.ExecutionException e) {
            String message = String.valueOf(e.getCause().getMessage());
            failures.add(message);
            assertThat(message).as("the losing run's message").contains("leancx.contacts", "another run", "rerun");
          }
        }
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(succeeded + failures.size()).isEqualTo(2 * rounds);
    assertThat(succeeded).as("at least one run of each pair commits").isGreaterThanOrEqualTo(rounds);
    // Consistent: equal to one clean run, no duplicated rows.
    assertThat(TableFingerprint.of(warehouse.read(CanonicalTables.CONTACTS))).isEqualTo(contacts);
    assertThat(TableFingerprint.of(warehouse.read(CanonicalTables.QUARANTINE))).isEqualTo(quarantine);
    assertThat(warehouse.read(CanonicalTables.CONTACTS).select("contact_id").distinct().count()).isEqualTo(188);
    assertThat(warehouse.read(RunLog.PIPELINE_RUNS).where(col("job").equalTo("ingest")).count())
        .isEqualTo(1 + 2L * rounds);
    System.out.printf("Concurrent runs: %d pairs, %d runs committed, %d failed with a clear conflict message%n",
        rounds, succeeded, failures.size());
  }
}
