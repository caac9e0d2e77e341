package org.leancx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** `leancx daily` checks its dates before it opens Spark, and says what to give. */
class DailyCommandTest {
  private static String errorOf(String... args) {
    StringWriter err = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setErr(new PrintWriter(err));
    assertThat(cl.execute(args)).as("exit code of %s", String.join(" ", args)).isEqualTo(2);
    return err.toString();
  }

  @Test
  void aDateOrARangeIsNeededAndTheyAreChecked() {
    assertThat(errorOf("daily")).contains("Give either --date D or --from D1 --to D2");
    assertThat(errorOf("daily", "--date", "2026-06-01", "--from", "2026-05-01", "--to", "2026-05-31"))
        .contains("Give either --date D or --from D1 --to D2");
    assertThat(errorOf("daily", "--from", "2026-05-01")).contains("needs both --from and --to");
    assertThat(errorOf("daily", "--from", "2026-05-31", "--to", "2026-05-01"))
        .contains("--to 2026-05-01 is before --from 2026-05-31");
    assertThat(errorOf("daily", "--date", "2026-06-01", "--one-slice")).contains("--one-slice is for a backfill");
    assertThat(errorOf("daily", "--date", "2026-06-31")).contains("'2026-06-31' is not a date");
  }

  @Test
  void failureDemandTakesEitherADateOrItsSlice() {
    assertThat(errorOf("failure-demand", "--date", "2026-06-01", "--from", "2026-06-01"))
        .contains("--date D stands for --from D --to D");
  }

  @Test
  void todayAndYesterdayAreUtcDates() {
    java.time.Clock lateOnJune1 =
        java.time.Clock.fixed(java.time.Instant.parse("2026-06-01T23:30:00Z"), java.time.ZoneOffset.ofHours(2));
    LogicalDateConverter c = new LogicalDateConverter(lateOnJune1);
    assertThat(c.convert("today")).isEqualTo(java.time.LocalDate.parse("2026-06-01"));
    assertThat(c.convert("Yesterday")).isEqualTo(java.time.LocalDate.parse("2026-05-31"));
    assertThat(c.convert("2026-05-07")).isEqualTo(java.time.LocalDate.parse("2026-05-07"));
    assertThat(errorOf("daily", "--date", "last-week")).contains("'last-week' is not a date", "yesterday");
  }
}
