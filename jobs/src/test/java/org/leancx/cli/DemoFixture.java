package org.leancx.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
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

  /**
   * The demo's settings for the fixture, and for every test that compares its own demo run with it: small data, and a
   * lead-time model of 10 trees of depth 4 (the tests read its forecasts, they do not judge its accuracy: that is
   * LeadTimeForecastTest's and the evaluation profile's job). 60 trees took 40 of the fixture's 200 s. The AFT model
   * stops after 20 L-BFGS iterations (one Spark job each): WorkerLossTest runs these settings on a standalone cluster,
   * where every job costs more; for the same reason train cross-validates with 2 folds (each one more fit), enough for
   * the report's predicted-against-actual chart and the notebooks' evaluation cells. At 300 customers (about 80 failed first touches) no condition set reaches the default
   * floor of 10 excess failures, so root_conditions would be empty; the fixture lowers the floor to 3 so that the
   * tables the notebooks and the report read have rows (the floor itself is RootConditionsTest's subject).
   */
  public static final java.util.List<String> SETTINGS =
      java.util.List.of(
          "--set", "generate.customers=" + CUSTOMERS,
          "--set", "spark.shuffle-partitions=2",
          "--set", "lead-time-model.gbt.max-iter=10",
          "--set", "lead-time-model.gbt.max-depth=4",
          "--set", "lead-time-model.aft.max-iter=20",
          "--set", "lead-time-model.train-folds=2",
          "--set", "conditions.min-excess-failures=3");

  private static Warehouse warehouse;
  private static Path raw;

  private DemoFixture() {}

  /**
   * The warehouse of the demo run, running the demo on first use. Surefire runs the suite in two JVMs at once; the
   * first to get here runs the demo under a file lock and marks it done with the {@link #key() key} of what it ran,
   * and the other reuses it (the fixture is only read afterwards). The key is a digest of the compiled code, the
   * configuration and the fixture's settings, so a later Maven run on the same build (CI's heavy run after
   * {@code mvn test}) reuses the fixture and any change to the code builds it again.
   */
  public static synchronized Warehouse warehouse() {
    if (warehouse == null) {
      Path dir = SparkTestBase.HOME.resolve("jobs/target/test-warehouse/demo-fixture");
      raw = SparkTestBase.HOME.resolve("jobs/target/test-raw/demo-fixture");
      Path marker = SparkTestBase.HOME.resolve("jobs/target/test-warehouse/demo-fixture.done");
      try {
        String build = key();
        Files.createDirectories(marker.getParent());
        try (FileChannel channel = FileChannel.open(marker.resolveSibling("demo-fixture.lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.lock()) {
          boolean done = Files.isDirectory(dir) && Files.exists(marker)
              && Files.readString(marker, StandardCharsets.UTF_8).equals(build);
          if (!done) {
            Files.deleteIfExists(marker);
            deleteRecursively(dir);
            deleteRecursively(raw);
            java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of(
                "demo", "--set", "warehouse.path=" + dir, "--set", "generate.output=" + raw));
            args.addAll(SETTINGS);
            int code = Main.commandLine().execute(args.toArray(String[]::new));
            if (code != 0) {
              throw new IllegalStateException(
                  "The demo fixture failed with exit code " + code + ": see the test output.");
            }
            Files.writeString(marker, build, StandardCharsets.UTF_8);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("The demo fixture's lock or marker under " + marker.getParent(), e);
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

  /**
   * What the fixture's tables depend on, as a SHA-256 in hex: every file under jobs/target/classes (the code and its
   * resources) and under conf/ (the defaults the demo reads), by relative path and content, and {@link #SETTINGS}.
   */
  static String key() throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    for (Path root : java.util.List.of(
        SparkTestBase.HOME.resolve("jobs/target/classes"), SparkTestBase.HOME.resolve("conf"))) {
      if (!Files.isDirectory(root)) {
        continue;
      }
      try (var walk = Files.walk(root)) {
        for (Path f : walk.filter(Files::isRegularFile).sorted().toList()) {
          digest.update(root.relativize(f).toString().getBytes(StandardCharsets.UTF_8));
          digest.update((byte) 0);
          digest.update(Files.readAllBytes(f));
        }
      }
    }
    digest.update(String.join(" ", SETTINGS).getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(digest.digest());
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
