package org.leancx.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Line charts draw partial periods as light points off the line, so that a short last week does not read as a drop. */
class SvgTest {
  private static final LocalDate W1 = LocalDate.parse("2026-06-01");
  private static final LocalDate W2 = LocalDate.parse("2026-06-08");
  private static final LocalDate W3 = LocalDate.parse("2026-06-15");
  private static final LocalDate W4 = LocalDate.parse("2026-06-22");

  @Test
  void partialPeriodsAreLightPointsOffTheLine() {
    Svg.Series hours = new Svg.Series("all demand", List.of(W1, W2, W3, W4), List.of(900.0, 2800.0, 2750.0, 500.0));
    String svg = Svg.lines("capacity", "t", "agent-hours", List.of(hours), Double.NaN, false, Set.of(W4, W1));

    assertThat(svg).contains("data-partial-periods=\"2026-06-01,2026-06-22\"", ">partial period</text>");
    Matcher line = Pattern.compile("<polyline[^>]* points=\"([^\"]*)\"").matcher(svg);
    assertThat(line.find()).isTrue();
    assertThat(line.group(1).split(" ")).as("the line joins the two complete weeks only").hasSize(2);
    List<String> partial = Pattern.compile("<circle[^>]*class=\"partial\"><title>([^<]*)</title>").matcher(svg)
        .results().map(m -> m.group(1)).toList();
    assertThat(partial)
        .containsExactly(
            "all demand, 2026-06-01: 900 (partial period: the data covers only part of it)",
            "all demand, 2026-06-22: 500 (partial period: the data covers only part of it)");
  }

  @Test
  void withoutPartialPeriodsTheChartIsAsBefore() {
    Svg.Series s = new Svg.Series("x", List.of(W1, W2), List.of(1.0, 2.0));
    String svg = Svg.lines("c", "t", "y", List.of(s), Double.NaN, false);
    assertThat(svg).doesNotContain("partial").startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\" data-chart=\"c\""
        + " role=\"img\"");
  }
}
