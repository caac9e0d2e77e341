package org.leancx.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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

/**
 * Kills {@code leancx failure-demand} with SIGKILL while it writes, on a copy of the demo warehouse: every table reads
 * back at its last committed version with no partial rows, its history stays readable, and a rerun completes and
 * equals the clean run.
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

  @Test
  void sigkillWhileWritingLeavesCommittedTablesAndARerunEqualsACleanRun() throws Exception {
    Warehouse demo = DemoFixture.warehouse();
    // The demo ran failure-demand: its tables are a clean, complete run. A rerun rewrites them identically, so a
    // table killed mid-write must read back exactly as before (old version) or as after (new version): the same.
    Map<String, TableFingerprint> clean = fingerprints(demo);
    deleteRecursively(DIR);
    FileUtils.copyDirectory(Path.of(demo.settings().path()).toFile(), DIR.toFile());
    Warehouse copy = new Warehouse(spark, new WarehouseSettings(DIR.toString(), "crash"));
    assertThat(fingerprints(copy)).isEqualTo(clean);

    Path log = HOME.resolve("jobs/target/crash-mid-write/child.log");
    Files.deleteIfExists(log);
    Process child = ChildJvm.start(log, List.of("failure-demand", "--set", "warehouse.path=" + DIR, "--set", "warehouse.database=crash",
        "--set", "spark.shuffle-partitions=2"));
    boolean writing;
    try {
      // "tagging all dates ..." is logged as the job starts writing the tagged contacts.
      writing = ChildJvm.awaitLog(child, log, "tagging ", Duration.ofMinutes(4));
      Thread.sleep(1500);
    } finally {
      child.descendants().forEach(ProcessHandle::destroyForcibly);
      child.destroyForcibly();
      child.waitFor();
    }
    assertThat(writing).as("the child reached the write step; its log:%n%s", ChildJvm.tail(log)).isTrue();
    System.out.println("Crash test: child killed with SIGKILL (exit " + child.exitValue() + ") during:\n"
        + ChildJvm.tail(log).lines().filter(l -> l.contains(" ...") || l.contains("done in")).reduce("", (a, b) -> b));

    // Every table reads back whole at its last committed version, and its history is readable.
    Map<String, TableFingerprint> afterCrash = fingerprints(copy);
    assertThat(afterCrash).isEqualTo(clean);
    for (TableContract c : Contracts.all()) {
      if (copy.exists(c)) {
        assertThat(spark.sql("DESCRIBE HISTORY delta.`" + copy.location(c) + "`").count()).isPositive();
      }
    }

    // A rerun completes and equals the clean run.
    int code = Main.commandLine().execute("failure-demand", "--set", "warehouse.path=" + DIR, "--set", "warehouse.database=crash",
        "--set", "spark.shuffle-partitions=2");
    assertThat(code).isZero();
    assertThat(fingerprints(copy)).isEqualTo(clean);
    System.out.printf("Crash test: %d tables, %d rows checked after SIGKILL and after the rerun, 0 lost%n",
        clean.size(), clean.values().stream().mapToLong(TableFingerprint::rows).sum());
  }
}
