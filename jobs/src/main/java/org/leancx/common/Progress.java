package org.leancx.common;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.apache.spark.SparkContext;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerApplicationEnd;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.StageInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports the running Spark stages in the log while a long step runs: its description, stage, tasks done and rows
 * read, once the step has run for {@link #FIRST_AFTER}, then every 15 s (terminal) or 30 s (log files).
 *
 * <p>Spark's events only update the state; a daemon timer calls {@link #tick()}, which decides whether to print.
 * Both take the time from one {@code nanoTime} supplier, so that a test can drive them with a fake clock.
 */
public final class Progress extends SparkListener implements AutoCloseable {
  /** Where the lines go, from the key {@code spark.progress}. */
  public enum Mode {
    /** {@link #TERMINAL} when the process has a console, else {@link #LOG}. */
    AUTO,
    /** A line every 15 s while a stage runs. */
    TERMINAL,
    /** At most one line every 30 s, for log files. */
    LOG,
    /** No lines. */
    OFF;

    /** Parses the value of {@code key} (case-insensitive). */
    public static Mode parse(String key, String value) {
      for (Mode m : values()) {
        if (m.name().equalsIgnoreCase(value.trim())) {
          return m;
        }
      }
      throw new SettingsException(
          key + " is \"" + value + "\": use auto, terminal, log or off (default auto).");
    }

    /** This mode with AUTO decided by whether the process runs on a terminal. */
    Mode resolved() {
      if (this != AUTO) {
        return this;
      }
      return System.console() != null ? TERMINAL : LOG;
    }
  }

  /** How long the work must have gone on before the first line: short steps print nothing. */
  static final Duration FIRST_AFTER = Duration.ofSeconds(15);
  /** The interval between lines on a terminal. */
  static final Duration TERMINAL_EVERY = Duration.ofSeconds(15);
  /** The interval between lines in a log. */
  static final Duration LOG_EVERY = Duration.ofSeconds(30);

  private static final Logger LOG = LoggerFactory.getLogger(Progress.class);
  private static SparkContext attachedTo;

  /** One running stage attempt. */
  private static final class Stage {
    final int id;
    final String description;
    final int tasks;
    final long startedAt;
    int tasksDone;
    long rowsRead;

    Stage(int id, String description, int tasks, long startedAt) {
      this.id = id;
      this.description = description;
      this.tasks = tasks;
      this.startedAt = startedAt;
    }
  }

  private final long firstAfterNanos;
  private final long everyNanos;
  private final LongSupplier nanoTime;
  private final Consumer<String> sink;
  private final Map<Integer, Stage> running = new TreeMap<>();
  private long nextLineAt;
  private String work;
  private long idleSince;
  private boolean everBusy;
  private ScheduledExecutorService timer;

  /**
   * @param firstAfter how long stages must have run (with idle gaps shorter than that) before the first line
   * @param every the least time between two lines; each line lists every running stage
   * @param nanoTime the clock, {@code System::nanoTime} outside tests
   * @param sink where each line goes
   */
  Progress(Duration firstAfter, Duration every, LongSupplier nanoTime, Consumer<String> sink) {
    this.firstAfterNanos = firstAfter.toNanos();
    this.everyNanos = every.toNanos();
    this.nanoTime = nanoTime;
    this.sink = sink;
  }

  /** The reporter of a resolved mode (TERMINAL or LOG) on a given clock and sink. */
  static Progress of(Mode mode, LongSupplier nanoTime, Consumer<String> sink) {
    return switch (mode) {
      case TERMINAL -> new Progress(FIRST_AFTER, TERMINAL_EVERY, nanoTime, sink);
      case LOG -> new Progress(FIRST_AFTER, LOG_EVERY, nanoTime, sink);
      default -> throw new IllegalArgumentException("No progress lines in mode " + mode);
    };
  }

  /**
   * Registers a reporter on {@code context} and starts its timer, unless {@code mode} is OFF or the context already
   * has one (the first session opened in a process decides).
   */
  static synchronized void attach(SparkContext context, Mode mode) {
    Mode resolved = mode.resolved();
    if (resolved == Mode.OFF || context == attachedTo) {
      return;
    }
    Progress progress = of(resolved, System::nanoTime, LOG::info);
    context.addSparkListener(progress);
    progress.start();
    attachedTo = context;
  }

  /** Starts the daemon timer that calls {@link #tick()}: every second, or more often for shorter intervals. */
  synchronized void start() {
    if (timer != null) {
      return;
    }
    long period = Math.max(TimeUnit.MILLISECONDS.toNanos(20), Math.min(everyNanos, TimeUnit.SECONDS.toNanos(1)));
    timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "leancx-progress");
              t.setDaemon(true);
              return t;
            });
    timer.scheduleWithFixedDelay(this::tickQuietly, period, period, TimeUnit.NANOSECONDS);
  }

  @Override
  public synchronized void close() {
    if (timer != null) {
      timer.shutdownNow();
      timer = null;
    }
  }

  // Spark's events, on the listener bus thread.

  @Override
  public void onStageSubmitted(SparkListenerStageSubmitted event) {
    StageInfo info = event.stageInfo();
    Properties properties = event.properties();
    String step = properties == null ? null : properties.getProperty(Step.STEP_PROPERTY);
    String job = properties == null ? null : properties.getProperty("spark.job.description");
    String work = step != null ? step : job != null ? job : info.name();
    stageSubmitted(info.stageId(), work, description(step, job, info.name()), info.numTasks());
  }

  /** The step, with the job's own description when Delta (or Spark) set another one inside the step. */
  static String description(String step, String job, String stageName) {
    if (step == null) {
      return job == null ? stageName : job;
    }
    return job == null || job.equals(step) ? step : step + " (" + job + ")";
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd event) {
    TaskMetrics metrics = event.taskMetrics();
    long rows = metrics == null ? 0 : metrics.inputMetrics().recordsRead() + metrics.shuffleReadMetrics().recordsRead();
    taskEnded(event.stageId(), event.taskInfo() != null && event.taskInfo().successful(), rows);
  }

  @Override
  public void onStageCompleted(SparkListenerStageCompleted event) {
    stageCompleted(event.stageInfo().stageId());
  }

  @Override
  public void onApplicationEnd(SparkListenerApplicationEnd event) {
    close();
  }

  // The state, fed by the events above or by a test.

  /** A stage of the work (step) of the same name. */
  synchronized void stageSubmitted(int stageId, String description, int tasks) {
    stageSubmitted(stageId, description, description, tasks);
  }

  /**
   * A stage of {@code work}: the step (or, outside a step, the job) that the user waits for. Its stages may carry
   * other descriptions, e.g. Delta's.
   */
  synchronized void stageSubmitted(int stageId, String work, String description, int tasks) {
    long now = nanoTime.getAsLong();
    // Other work, or the same after a long pause, starts the wait for the first line: a step shorter than that has
    // its own start and end lines. A short pause between two stages of the same step does not.
    boolean longPause = running.isEmpty() && now - idleSince >= firstAfterNanos;
    if (!everBusy || !work.equals(this.work) || longPause) {
      nextLineAt = now + firstAfterNanos;
      this.work = work;
    }
    everBusy = true;
    running.put(stageId, new Stage(stageId, description, tasks, now));
  }

  synchronized void taskEnded(int stageId, boolean successful, long rowsRead) {
    Stage stage = running.get(stageId);
    if (stage == null) {
      return;
    }
    if (successful) {
      stage.tasksDone++;
      stage.rowsRead += rowsRead;
    }
  }

  synchronized void stageCompleted(int stageId) {
    if (running.remove(stageId) != null && running.isEmpty()) {
      idleSince = nanoTime.getAsLong();
    }
  }

  /**
   * Prints a line per running stage when the interval is up. A stage that started less than a second ago waits for
   * the next tick: "running for 0 s, 0 tasks done" says nothing.
   */
  synchronized void tick() {
    long now = nanoTime.getAsLong();
    if (running.isEmpty() || now - nextLineAt < 0) {
      return;
    }
    long minimumAge = Math.min(everyNanos, TimeUnit.SECONDS.toNanos(1));
    boolean printed = false;
    for (Stage s : running.values()) {
      if (now - s.startedAt >= minimumAge) {
        sink.accept(line(s, now));
        printed = true;
      }
    }
    if (printed) {
      nextLineAt = now + everyNanos;
    }
  }

  private void tickQuietly() {
    try {
      tick();
    } catch (RuntimeException e) {
      // A failing progress line must not stop the timer, nor the job.
      LOG.debug("Progress line failed", e);
    }
  }

  private static String line(Stage s, long now) {
    return String.format(
        Locale.ROOT, "%s: stage %d running for %d s: %,d/%,d tasks done, %,d rows read", s.description, s.id,
        TimeUnit.NANOSECONDS.toSeconds(now - s.startedAt), s.tasksDone, s.tasks, s.rowsRead);
  }
}
