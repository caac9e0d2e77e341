package org.leancx.reliability;

import static org.apache.spark.sql.functions.max;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.commons.io.FileUtils;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.leancx.cli.Contracts;
import org.leancx.cli.DemoFixture;
import org.leancx.cli.Main;
import org.leancx.common.RunLog;
import org.leancx.common.SparkTestBase;
import org.leancx.common.TableContract;
import org.leancx.common.TableFingerprint;
import org.leancx.common.Warehouse;
import org.leancx.common.WarehouseSettings;
import org.leancx.ingest.CanonicalTables;

/**
 * Kills {@code leancx failure-demand --date <last day>} with SIGKILL while it writes, on a copy of the demo
 * warehouse: the demo's last write of those tables, by its nightly stage, so that a rerun leaves them as the demo did. The child is
 * caught with a table's data files on disk and not yet committed (stopped there with SIGSTOP, so the kill lands
 * mid-write for sure); meanwhile a reader sees the previous version; the child dies with status 137; every table
 * reads back at its last committed version with no partial rows, its history stays readable, and a rerun completes
 * and equals the clean run.
 */
@Tag("e2e")
class CrashMidWriteTest extends SparkTestBase {
  private static final Path DIR = HOME.resolve("jobs/target/test-warehouse/crash-mid-write");

  /** Fingerprints of every table but the run log (which records the crashed run). */
  private static Map<String, TableFingerprint> fingerprints(Warehouse w) {
    Map<String, TableFingerprint> out = new TreeMap<>();
    for (TableContract c : Contracts.all()) {
      if (!c.name().equals(RunLog.PIPELINE_RUNS.name()) && w.exists(c)) {
        out.put(c.name(), TableFingerprint.of(w.read(c)));
      }
    }
    return out;
  }

  /** The data files (not the log) under a table folder. */
  private static Set<String> dataFiles(Path table) throws IOException {
    if (!Files.isDirectory(table)) {
      return Set.of();
    }
    try (Stream<Path> walk = Files.walk(table)) {
      return walk.filter(p -> !p.toString().contains("_delta_log"))
          .map(p -> table.relativize(p).toString())
          .filter(n -> n.endsWith(".parquet") && !n.startsWith(".") && !n.contains("/."))
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  /** The latest committed version of a table folder: its highest commit file in _delta_log, or -1. */
  private static long committedVersion(Path table) throws IOException {
    Path log = table.resolve("_delta_log");
    if (!Files.isDirectory(log)) {
      return -1;
    }
    try (Stream<Path> files = Files.list(log)) {
      return files.map(p -> p.getFileName().toString())
          .filter(n -> n.matches("\\d{20}\\.json"))
          .mapToLong(n -> Long.parseLong(n.substring(0, 20)))
          .max()
          .orElse(-1);
    }
  }

  private static void signal(Process p, String signal) throws Exception {
    int rc = new ProcessBuilder("kill", "-" + signal, String.valueOf(p.pid())).inheritIO().start().waitFor();
    assertThat(rc).as("kill -%s %d", signal, p.pid()).isZero();
  }

  /** A table caught with data files written and not committed: the files, and the version still committed. */
  private record MidWrite(TableContract table, Set<String> uncommitted, long committedVersion) {}

  /**
   * Watches the tables' folders while the child runs; when a table has data files that its log does not commit yet
   * (a write in progress), stops the child (SIGSTOP) and checks again that the commit has not landed. Returns null
   * when the child finished without being caught mid-write.
   */
  private static MidWrite stopMidWrite(Process child, List<TableContract> tables, Path dir) throws Exception {
    Map<String, Set<String>> before = new TreeMap<>();
    Map<String, Long> versions = new TreeMap<>();
    for (TableContract c : tables) {
      before.put(c.name(), dataFiles(dir.resolve(c.name())));
      versions.put(c.name(), committedVersion(dir.resolve(c.name())));
    }
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (child.isAlive() && System.nanoTime() < deadline) {
      for (TableContract c : tables) {
        Path table = dir.resolve(c.name());
        Set<String> added = new TreeSet<>(dataFiles(table));
        added.removeAll(before.get(c.name()));
        long version = committedVersion(table);
        if (version != versions.get(c.name())) {
          // This table committed since the last look: its new files are committed ones.
          versions.put(c.name(), version);
          before.put(c.name(), dataFiles(table));
          continue;
        }
        if (!added.isEmpty()) {
          signal(child, "STOP");
          if (committedVersion(table) == version) {
            return new MidWrite(c, added, version);
          }
          signal(child, "CONT"); // the commit landed between the two looks: watch on
        }
      }
      Thread.sleep(2);
    }
    return null;
  }

  @Test
  void sigkillWhileWritingLeavesCommittedTablesAndARerunEqualsACleanRun() throws Exception {
    Warehouse demo = DemoFixture.warehouse();
    // The demo's last stage ran failure-demand for the data's last day (daily --date): its tables are a clean,
    // complete run. A rerun for that date rewrites them identically, so a table killed mid-write must read back as
    // before: its last committed version.
    Map<String, TableFingerprint> clean = fingerprints(demo);
    String lastDay = demo.read(CanonicalTables.CONTACTS).agg(max("contact_date")).first().getDate(0).toString();
    List<String> failureDemand = List.of("failure-demand", "--date", lastDay, "--set", "warehouse.path=" + DIR,
        "--set", "warehouse.database=crash", "--set", "spark.shuffle-partitions=2");
    List<TableContract> written = Contracts.all().stream()
        .filter(c -> List.of("contact_demand", "recontact_chains", "demand_daily").contains(c.name()))
        .toList();
    assertThat(written).hasSize(3);

    MidWrite caught = null;
    Process child = null;
    Warehouse copy = null;
    Path log = HOME.resolve("jobs/target/crash-mid-write/child.log");
    // The write of a small table lasts a fraction of a second: a child that finishes before it is caught is run again.
    for (int attempt = 1; attempt <= 3 && caught == null; attempt++) {
      deleteRecursively(DIR);
      FileUtils.copyDirectory(Path.of(demo.settings().path()).toFile(), DIR.toFile());
      copy = new Warehouse(spark, new WarehouseSettings(DIR.toString(), "crash"));
      assertThat(fingerprints(copy)).isEqualTo(clean);
      Files.deleteIfExists(log);
      child = ChildJvm.start(log, failureDemand);
      try {
        caught = stopMidWrite(child, written, DIR);
        if (caught == null) {
          child.waitFor(5, TimeUnit.MINUTES);
          System.out.printf("Crash test: attempt %d finished (exit %d) before a write was caught; again%n", attempt,
              child.exitValue());
        }
      } catch (Exception | Error e) {
        child.destroyForcibly();
        throw e;
      }
    }
    assertThat(caught).as("a table caught with uncommitted data files; the child's log:%n%s", ChildJvm.tail(log))
        .isNotNull();

    // Meanwhile, with the writer stopped mid-write, a reader sees the last committed version of every table.
    Path table = DIR.resolve(caught.table().name());
    assertThat(dataFiles(table)).as("the uncommitted files are on disk").containsAll(caught.uncommitted());
    assertThat(fingerprints(copy)).as("what a reader sees during the write").isEqualTo(clean);

    // SIGKILL: the child dies by the signal (128 + 9), and the write it was doing never commits.
    child.descendants().forEach(ProcessHandle::destroyForcibly);
    child.destroyForcibly();
    assertThat(child.waitFor(1, TimeUnit.MINUTES)).isTrue();
    assertThat(child.exitValue()).as("exit status of the killed child").isEqualTo(137);
    assertThat(committedVersion(table)).as("%s's log after the kill", caught.table().name())
        .isEqualTo(caught.committedVersion());
    System.out.printf("Crash test: SIGKILL (exit %d) while %s had %d data files written and not committed "
        + "(version %d stayed the latest)%n", child.exitValue(), caught.table().name(), caught.uncommitted().size(),
        caught.committedVersion());

    // Every table reads back whole at its last committed version, and its history is readable.
    assertThat(fingerprints(copy)).isEqualTo(clean);
    for (TableContract c : Contracts.all()) {
      if (copy.exists(c)) {
        assertThat(spark.sql("DESCRIBE HISTORY delta.`" + copy.location(c) + "`").count()).isPositive();
      }
    }

    // A rerun completes and equals the clean run.
    int code = Main.commandLine().execute(failureDemand.toArray(String[]::new));
    assertThat(code).isZero();
    assertThat(committedVersion(table)).isGreaterThan(caught.committedVersion());
    assertThat(fingerprints(copy)).isEqualTo(clean);
    System.out.printf("Crash test: %d tables, %d rows checked during the write, after SIGKILL and after the rerun,"
        + " 0 lost%n", clean.size(), clean.values().stream().mapToLong(TableFingerprint::rows).sum());
  }
}
