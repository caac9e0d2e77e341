package org.leancx.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkConf;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerApplicationEnd;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Sums the task metrics of a whole Spark application (shuffle bytes, spill) and writes them to the file named by
 * {@code spark.leancx.bench.metrics} when the application ends. The harness installs it in a child JVM with
 * {@code -Dspark.extraListeners}, so the jobs run unchanged.
 */
public final class ShuffleMetricsListener extends SparkListener {
  /** The Spark setting that names the output file. */
  public static final String METRICS_FILE = "spark.leancx.bench.metrics";

  /**
   * A local property ({@code SparkContext.setLocalProperty}) that, set to {@code true}, leaves the jobs it covers out
   * of the sums: checks the harness runs after the timing, such as the fingerprint.
   */
  public static final String UNTIMED = "leancx.bench.untimed";

  private final Set<Integer> untimedStages = ConcurrentHashMap.newKeySet();

  private final String file;
  private final AtomicLong tasks = new AtomicLong();
  private final AtomicLong shuffleWriteBytes = new AtomicLong();
  private final AtomicLong shuffleWriteRecords = new AtomicLong();
  private final AtomicLong shuffleReadBytes = new AtomicLong();
  private final AtomicLong memorySpilledBytes = new AtomicLong();
  private final AtomicLong diskSpilledBytes = new AtomicLong();

  public ShuffleMetricsListener(SparkConf conf) {
    this.file = conf.get(METRICS_FILE, null);
  }

  @Override
  public void onStageSubmitted(SparkListenerStageSubmitted submitted) {
    Properties p = submitted.properties();
    if (p != null && "true".equals(p.getProperty(UNTIMED))) {
      untimedStages.add(submitted.stageInfo().stageId());
    }
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
    TaskMetrics m = taskEnd.taskMetrics();
    if (m == null || untimedStages.contains(taskEnd.stageId())) {
      return;
    }
    tasks.incrementAndGet();
    shuffleWriteBytes.addAndGet(m.shuffleWriteMetrics().bytesWritten());
    shuffleWriteRecords.addAndGet(m.shuffleWriteMetrics().recordsWritten());
    shuffleReadBytes.addAndGet(m.shuffleReadMetrics().totalBytesRead());
    memorySpilledBytes.addAndGet(m.memoryBytesSpilled());
    diskSpilledBytes.addAndGet(m.diskBytesSpilled());
  }

  @Override
  public void onApplicationEnd(SparkListenerApplicationEnd end) {
    if (file == null) {
      return;
    }
    String text =
        "tasks=" + tasks.get() + "\n"
            + "shuffle_write_bytes=" + shuffleWriteBytes.get() + "\n"
            + "shuffle_write_records=" + shuffleWriteRecords.get() + "\n"
            + "shuffle_read_bytes=" + shuffleReadBytes.get() + "\n"
            + "memory_spilled_bytes=" + memorySpilledBytes.get() + "\n"
            + "disk_spilled_bytes=" + diskSpilledBytes.get() + "\n";
    try {
      Files.writeString(Path.of(file), text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the benchmark metrics to " + file, e);
    }
  }
}
