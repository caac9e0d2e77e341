package org.leancx.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Encoders;
import org.junit.jupiter.api.Test;

class ProgressTest extends SparkTestBase {
  /** A clock the test moves by hand. */
  private static final class FakeClock {
    long nanos = 1_000_000_000_000L;

    long now() {
      return nanos;
    }

    void advance(long seconds) {
      nanos += TimeUnit.SECONDS.toNanos(seconds);
    }
  }

  private final FakeClock clock = new FakeClock();
  private final List<String> lines = new ArrayList<>();

  @Test
  void terminalPrintsNothingBefore15SecondsThenALineEvery15Seconds() {
    Progress p = Progress.of(Progress.Mode.TERMINAL, clock::now, lines::add);
    p.stageSubmitted(7, "journeys: writing journey_steps", 200);
    clock.advance(14);
    p.tick();
    assertThat(lines).as("a stage shorter than 15 s prints nothing").isEmpty();

    clock.advance(1);
    p.tick();
    assertThat(lines).hasSize(1);
    clock.advance(14);
    p.tick();
    assertThat(lines).as("14 s after the first line").hasSize(1);
    clock.advance(1);
    p.tick();
    assertThat(lines).as("15 s after the first line").hasSize(2);
  }

  @Test
  void logPrintsAtMostOneLineEvery30Seconds() {
    Progress p = Progress.of(Progress.Mode.LOG, clock::now, lines::add);
    p.stageSubmitted(3, "ingest: validating", 8);
    for (int second = 1; second <= 120; second++) {
      clock.advance(1);
      p.tick();
    }
    // At 15 s, 45 s, 75 s, 105 s.
    assertThat(lines).hasSize(4);
  }

  @Test
  void aLineNamesTheStepTheStageTheTasksAndTheRowsRead() {
    Progress p = Progress.of(Progress.Mode.TERMINAL, clock::now, lines::add);
    p.stageSubmitted(12, "journeys: writing journey_steps", 2_000);
    p.taskEnded(12, true, 1_000_000);
    p.taskEnded(12, true, 234_567);
    p.taskEnded(12, false, 999);
    p.taskEnded(99, true, 5);
    clock.advance(45);
    p.tick();
    assertThat(lines)
        .containsExactly(
            "journeys: writing journey_steps: stage 12 running for 45 s: 2/2,000 tasks done, 1,234,567 rows read");
  }

  @Test
  void aSequenceOfShortStagesStillReportsButAFinishedStepDoesNot() {
    Progress p = Progress.of(Progress.Mode.TERMINAL, clock::now, lines::add);
    for (int stage = 0; stage < 5; stage++) {
      p.stageSubmitted(stage, "demand: tagging", 2);
      clock.advance(4);
      p.tick();
      p.stageCompleted(stage);
      clock.advance(1);
    }
    assertThat(lines).as("stages of 4 s with 1 s pauses, 25 s of work in all").hasSize(1);
    assertThat(lines.get(0)).startsWith("demand: tagging: stage 3 running for 4 s");

    lines.clear();
    clock.advance(60);
    p.tick();
    assertThat(lines).as("nothing runs").isEmpty();
    p.stageSubmitted(9, "capacity: summary", 1);
    clock.advance(10);
    p.tick();
    assertThat(lines).as("after a long pause, the wait for the first line starts again").isEmpty();
  }

  @Test
  void shortStepsOneAfterTheOtherPrintNothing() {
    Progress p = Progress.of(Progress.Mode.TERMINAL, clock::now, lines::add);
    for (int step = 0; step < 10; step++) {
      p.stageSubmitted(step, "generate: step " + step, "MERGE operation - writing new files", 2);
      clock.advance(10);
      p.tick();
      p.stageCompleted(step);
    }
    assertThat(lines).as("100 s of work in steps of 10 s").isEmpty();
  }

  @Test
  void aStageJustStartedWaitsForTheNextTick() {
    Progress p = Progress.of(Progress.Mode.LOG, clock::now, lines::add);
    String step = "journeys: writing journeys";
    p.stageSubmitted(1, step, step + " (MERGE operation - scanning files for matches)", 2);
    clock.advance(14);
    p.stageCompleted(1);
    clock.advance(1);
    p.stageSubmitted(2, step, step + " (MERGE operation - writing new files)", 2);
    p.tick();
    assertThat(lines).as("stage 2 is 0 s old").isEmpty();
    clock.advance(1);
    p.tick();
    assertThat(lines).containsExactly(
        "journeys: writing journeys (MERGE operation - writing new files): stage 2 running for 1 s: 0/2 tasks done,"
            + " 0 rows read");
  }

  @Test
  void theDescriptionIsTheStepWithTheJobsOwnWhenDeltaSetAnother() {
    assertThat(Progress.description("journeys: writing journey_steps", "MERGE operation - writing new files", "x"))
        .isEqualTo("journeys: writing journey_steps (MERGE operation - writing new files)");
    assertThat(Progress.description("demand: tagging", "demand: tagging", "x")).isEqualTo("demand: tagging");
    assertThat(Progress.description(null, "a description", "x")).isEqualTo("a description");
    assertThat(Progress.description(null, null, "count at Demo.java:12")).isEqualTo("count at Demo.java:12");
  }

  @Test
  void concurrentStagesGetALineEachPerInterval() {
    Progress p = Progress.of(Progress.Mode.LOG, clock::now, lines::add);
    p.stageSubmitted(2, "root-conditions: mining", 4);
    p.stageSubmitted(1, "root-conditions: mining", 4);
    clock.advance(15);
    p.tick();
    clock.advance(10);
    p.tick();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).contains("stage 1 ");
    assertThat(lines.get(1)).contains("stage 2 ");
  }

  @Test
  void theModeIsParsedWithAMessageThatNamesTheKey() {
    assertThat(Progress.Mode.parse("spark.progress", "Log")).isEqualTo(Progress.Mode.LOG);
    assertThatThrownBy(() -> Progress.Mode.parse("spark.progress", "sometimes"))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("spark.progress is \"sometimes\"")
        .hasMessageContaining("auto, terminal, log or off");
    assertThat(SparkSettings.from(settings("spark.progress=off").config()).progress()).isEqualTo(Progress.Mode.OFF);
  }

  @Test
  void aRealJobProducesALineNamingItsDescription() {
    SparkContext sc = session().sparkContext();
    List<String> seen = Collections.synchronizedList(new ArrayList<>());
    Progress p = new Progress(Duration.ZERO, Duration.ZERO, System::nanoTime, seen::add);
    sc.addSparkListener(p);
    p.start();
    try {
      // Tasks of 2 s, so that the timer (every 20 ms at a zero interval) sees the stage running.
      long rows =
          Step.run(session(), "progress-test", "sleeping", () ->
              session()
                  .range(0, 4, 1, 2)
                  .as(Encoders.LONG())
                  .mapPartitions(
                      (MapPartitionsFunction<Long, Long>)
                          it -> {
                            Thread.sleep(2_000);
                            return it;
                          },
                      Encoders.LONG())
                  .count());
      assertThat(rows).isEqualTo(4);
    } finally {
      sc.removeSparkListener(p);
      p.close();
    }
    assertThat(seen).anySatisfy(line -> assertThat(line).startsWith("progress-test: sleeping: stage "));
  }
}
