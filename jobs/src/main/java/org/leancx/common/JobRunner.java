package org.leancx.common;

import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs one job inside a recorded run: RUNNING at start, SUCCEEDED or FAILED at the end, and rethrows failures. */
public final class JobRunner {
  private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);

  private JobRunner() {}

  /** Runs {@code body} as job {@code job}; the body records inputs, outputs and counts on the run it is given. */
  public static <R> R run(
      Warehouse warehouse, Settings settings, String job, String arguments, Function<RunLog.Run, R> body) {
    RunLog.Run run = RunLog.start(warehouse, job, settings, arguments);
    LOG.info("Run {} started ({})", run.id(), arguments);
    try {
      R result = body.apply(run);
      RunLog.succeed(run);
      LOG.info("Run {} succeeded: {}", run.id(), result instanceof Summarised s ? s.summary() : result);
      return result;
    } catch (RuntimeException | Error e) {
      try {
        RunLog.fail(run, e);
      } catch (RuntimeException logError) {
        e.addSuppressed(logError);
      }
      throw e;
    }
  }
}
