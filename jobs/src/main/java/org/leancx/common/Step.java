package org.leancx.common;

import java.util.function.Supplier;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One named step of a job: it shows as the Spark job description while it runs, logs its duration, and restores
 * the previous description afterwards, so that progress is visible in the Spark UI and the console.
 */
public final class Step {
  /**
   * The local property that holds the running step's description for {@link Progress}: Delta replaces the job
   * description with its own ("MERGE operation - ...") for the jobs it runs inside a step.
   */
  static final String STEP_PROPERTY = "leancx.step";

  private static final Logger LOG = LoggerFactory.getLogger(Step.class);

  private Step() {}

  /** Runs {@code body} under the description {@code "<job>: <what>"} and returns its value. */
  public static <T> T run(SparkSession spark, String job, String what, Supplier<T> body) {
    SparkContext sc = spark.sparkContext();
    String previous = sc.getLocalProperty("spark.job.description");
    String previousStep = sc.getLocalProperty(STEP_PROPERTY);
    String description = job + ": " + what;
    sc.setJobDescription(description);
    sc.setLocalProperty(STEP_PROPERTY, description);
    long t0 = System.nanoTime();
    LOG.info("{} ...", description);
    try {
      T value = body.get();
      LOG.info("{} done in {} ms{}", description, (System.nanoTime() - t0) / 1_000_000, summary(value));
      return value;
    } finally {
      sc.setJobDescription(previous);
      sc.setLocalProperty(STEP_PROPERTY, previousStep);
    }
  }

  /** Runs a step that returns nothing. */
  public static void run(SparkSession spark, String job, String what, Runnable body) {
    run(
        spark,
        job,
        what,
        () -> {
          body.run();
          return null;
        });
  }

  private static String summary(Object value) {
    if (value instanceof Number n) {
      return " (" + n + " rows)";
    }
    return "";
  }
}
