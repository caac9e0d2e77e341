package org.leancx.cli;

import java.nio.file.Path;
import org.leancx.common.SparkTestBase;
import org.leancx.common.Warehouse;
import org.leancx.common.WarehouseSettings;

/**
 * One small demo run per test JVM (every job, real Delta tables), shared by the tests that read the output tables:
 * notebooks, report, privacy scan, tables listing. Running the pipeline once keeps the suite fast.
 */
public final class DemoFixture {
  /** Customers of the fixture's synthetic data: about 6 contacts each. */
  public static final int CUSTOMERS = 300;

  private static Warehouse warehouse;
  private static Path raw;

  private DemoFixture() {}

  /** The warehouse of the demo run, running the demo on first use. */
  public static synchronized Warehouse warehouse() {
    if (warehouse == null) {
      Path dir = SparkTestBase.HOME.resolve("jobs/target/test-warehouse/demo-fixture");
      raw = SparkTestBase.HOME.resolve("jobs/target/test-raw/demo-fixture");
      deleteRecursively(dir);
      deleteRecursively(raw);
      int code =
          Main.commandLine()
              .execute(
                  "demo",
                  "--set", "warehouse.path=" + dir,
                  "--set", "generate.output=" + raw,
                  "--set", "generate.customers=" + CUSTOMERS,
                  "--set", "spark.shuffle-partitions=2");
      if (code != 0) {
        throw new IllegalStateException("The demo fixture failed with exit code " + code + ": see the test output.");
      }
      warehouse = new Warehouse(SparkTestBase.session(), new WarehouseSettings(dir.toString(), "leancx"));
    }
    // Other test classes share the session and point leancx.<table> at their own warehouses: point the names back
    // at the fixture's tables on every use.
    warehouse.registerExisting(Contracts.all());
    return warehouse;
  }

  private static void deleteRecursively(Path dir) {
    if (!java.nio.file.Files.exists(dir)) {
      return;
    }
    try (var walk = java.nio.file.Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The folder of the raw synthetic exports the fixture ingested (contacts/, case_events/, truth/). */
  public static synchronized Path rawExports() {
    warehouse();
    return raw;
  }

  /** Settings pointing at the fixture's warehouse, for commands run in-process. */
  public static String[] warehouseOverride() {
    return new String[] {"--set", "warehouse.path=" + warehouse().settings().path()};
  }
}
