package org.leancx.reliability;

import static org.apache.spark.sql.functions.callUDF;
import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.leancx.common.SparkTestBase;
import org.leancx.common.TableContract;
import org.leancx.common.TableFingerprint;
import org.leancx.common.Warehouse;

/**
 * Two runs writing one table at once, with a conflict forced: both writers are held inside their write (after Delta
 * read the table's snapshot, before either commits) until both have arrived, so the second commit always conflicts.
 * The loser retries once and commits; the table ends equal to one clean run, with no duplicated rows.
 */
@Tag("e2e") // a fault test (two writers held until both commit): heavy run
class ConcurrentRunsTest extends SparkTestBase {
  private static final TableContract TABLE =
      new TableContract(
          "concurrent_writes",
          1,
          "one row per id",
          TableContract.schema(
              TableContract.required("id", DataTypes.IntegerType, "the key"),
              TableContract.required("value", DataTypes.StringType, "a value")),
          List.of(),
          List.of("id"),
          Map.of());

  /** Opened by a test before its two writers start: each writer's task counts down on arrival, then waits. */
  private static volatile CountDownLatch gate;

  /** The write tasks that have passed the gate (each is counted once, however many rows it holds). */
  private static final Set<Long> ARRIVED = ConcurrentHashMap.newKeySet();

  @BeforeAll
  static void registerGate() {
    UserDefinedFunction hold =
        functions.udf(
                (UDF1<String, String>) v -> {
                  CountDownLatch g = gate;
                  if (g != null && ARRIVED.add(TaskContext.get().taskAttemptId())) {
                    g.countDown();
                    if (!g.await(2, TimeUnit.MINUTES)) {
                      StringBuilder dump = new StringBuilder();
                      Thread.getAllStackTraces().forEach((t, st) -> {
                        if (t.getName().startsWith("pool-")) {
                          dump.append(t.getName()).append('\n');
                          for (StackTraceElement e : st) {
                            dump.append("  ").append(e).append('\n');
                          }
                        }
                      });
                      throw new IllegalStateException("the other writer never reached the gate; writers:\n" + dump);
                    }
                  }
                  return v;
                },
                DataTypes.StringType)
            .asNondeterministic();
    spark.udf().register("hold_until_both_writers_arrive", hold);
  }

  private static Dataset<Row> data(int from, int to, String value) {
    List<Object[]> rows = new ArrayList<>();
    for (int i = from; i < to; i++) {
      rows.add(new Object[] {i, value + i});
    }
    // One partition, so one task per writer reaches the gate.
    return rows(TABLE.schema(), rows.toArray(Object[][]::new)).coalesce(1);
  }

  private static Dataset<Row> held(Dataset<Row> data) {
    return data.withColumn("value", callUDF("hold_until_both_writers_arrive", col("value")));
  }

  /** Runs {@code write} in two threads at once, both held at the gate, and returns the retries the warehouse saw. */
  private static int twoWritersAtOnce(Warehouse warehouse, BiConsumer<Warehouse, String> write) throws Exception {
    int retriesBefore = warehouse.commitRetries();
    ARRIVED.clear();
    gate = new CountDownLatch(2);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<?>> runs = new ArrayList<>();
      for (String run : List.of("run-a", "run-b")) {
        runs.add(pool.submit(() -> write.accept(warehouse, run)));
      }
      for (Future<?> f : runs) {
        f.get(5, TimeUnit.MINUTES); // both succeed: the conflict is retried, not reported
      }
    } finally {
      gate = null;
      pool.shutdownNow();
    }
    assertThat(ARRIVED).as("both writers' tasks reached the gate").hasSizeGreaterThanOrEqualTo(2);
    return warehouse.commitRetries() - retriesBefore;
  }

  /** A warehouse for the one-writer reference run, under a database of its own so the table names do not clash. */
  private static Warehouse cleanRun(String name) {
    java.nio.file.Path dir = HOME.resolve("jobs/target/test-warehouse").resolve(name);
    deleteRecursively(dir);
    return new Warehouse(spark, new org.leancx.common.WarehouseSettings(dir.toString(), "clean_run"));
  }

  @Test
  void twoFullRewritesAtOnceConflictOneRetriesAndTheTableEqualsOneRun() throws Exception {
    Warehouse warehouse = warehouse("concurrent-rewrites");
    warehouse.replaceAll(TABLE, data(0, 5, "old-"), "seed");
    long versionBefore = warehouse.version(TABLE);
    Warehouse clean = cleanRun("concurrent-rewrites-clean");
    clean.replaceAll(TABLE, data(0, 20, "v"), "clean");

    int retries = twoWritersAtOnce(warehouse, (w, run) -> w.replaceAll(TABLE, held(data(0, 20, "v")), run));

    assertThat(retries).as("commits retried after a conflict").isEqualTo(1);
    // Two commits landed (the winner's, then the loser's retry), and the content is that of one clean run.
    assertThat(warehouse.version(TABLE)).isEqualTo(versionBefore + 2);
    assertThat(TableFingerprint.of(warehouse.read(TABLE))).isEqualTo(TableFingerprint.of(clean.read(TABLE)));
    System.out.printf("Concurrent rewrites: conflict forced, %d retried, table equal to one run%n", retries);
  }

  @Test
  void twoMergesAtOnceConflictOneRetriesAndNoRowIsDuplicated() throws Exception {
    Warehouse warehouse = warehouse("concurrent-merges");
    warehouse.replaceAll(TABLE, data(0, 10, "v"), "seed");
    Warehouse clean = cleanRun("concurrent-merges-clean");
    clean.replaceAll(TABLE, data(0, 10, "v"), "seed");
    clean.merge(TABLE, data(5, 15, "w"), "clean");

    int retries = twoWritersAtOnce(warehouse, (w, run) -> w.merge(TABLE, held(data(5, 15, "w")), run));

    assertThat(retries).as("merges retried after a conflict").isEqualTo(1);
    assertThat(warehouse.read(TABLE).count()).isEqualTo(15);
    assertThat(TableFingerprint.of(warehouse.read(TABLE))).isEqualTo(TableFingerprint.of(clean.read(TABLE)));
    System.out.printf("Concurrent merges: conflict forced, %d retried, 15 rows, equal to one run%n", retries);
  }
}
