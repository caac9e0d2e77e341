package org.leancx.common;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;

/**
 * The one shared local SparkSession of the test JVM: local[2], 2 shuffle partitions, UI off, UTC, Delta configured,
 * warehouse under target/. Each test class gets its own warehouse folder.
 */
public abstract class SparkTestBase {
  /** The project root (holds conf/ and ../shared). */
  public static final Path HOME =
      Path.of(System.getProperty("leancx.home", Path.of("").toAbsolutePath().getParent().toString()))
          .toAbsolutePath()
          .normalize();

  /** The real public event logs, beside the project. */
  public static final Path REAL_DATA = HOME.resolve("../shared/data/real").normalize();

  /**
   * The session catalog's warehouse (managed tables of the catalog-mode tests): one per surefire fork, since the suite
   * runs in two JVMs at once.
   */
  public static final Path CATALOG_DIR =
      HOME.resolve("jobs/target/test-warehouse/_catalog-" + System.getProperty("leancx.test.fork", "1"));

  protected static SparkSession spark;

  @BeforeAll
  static void openSession() {
    spark = session();
  }

  /** The shared session, opened on first use. */
  public static synchronized SparkSession session() {
    if (spark == null) {
      SparkSettings settings =
          new SparkSettings(
              "local[2]",
              "leancx-test",
              2,
              false,
              Map.of(
                  "spark.sql.adaptive.coalescePartitions.enabled", "true",
                  "spark.driver.host", "127.0.0.1",
                  // Test data is a few rows: compiling Java code, for a whole stage or for one projection, costs
                  // more than it saves, so expressions are interpreted. The demo and benchmark runs of .ci/run and
                  // the cluster test run in their own JVMs with codegen on (docs/DECISIONS.md).
                  "spark.sql.codegen.wholeStage", "false",
                  "spark.sql.codegen.factoryMode", "NO_CODEGEN"));
      spark = SparkSessions.open(settings, CATALOG_DIR.toString());
    }
    return spark;
  }

  /** A warehouse of its own for one test class (or one test), under target/, emptied first. */
  protected static Warehouse warehouse(String name) {
    Path dir = HOME.resolve("jobs/target/test-warehouse").resolve(name);
    deleteRecursively(dir);
    return new Warehouse(session(), new WarehouseSettings(dir.toString(), "leancx"));
  }

  /** Settings as a user would have them, with test overrides on top. */
  protected static Settings settings(String... overrides) {
    return Settings.load(HOME, HOME.resolve("conf/local.conf"), List.of(overrides));
  }

  /** Builds a DataFrame from inline rows. */
  protected static Dataset<Row> rows(StructType schema, Object[]... values) {
    List<Row> list = new ArrayList<>();
    for (Object[] v : values) {
      list.add(RowFactory.create(v));
    }
    return session().createDataFrame(list, schema);
  }

  protected static void deleteRecursively(Path dir) {
    if (!java.nio.file.Files.exists(dir)) {
      return;
    }
    try (var walk = java.nio.file.Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
