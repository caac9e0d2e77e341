package org.leancx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.leancx.common.SparkTestBase;
import org.leancx.report.HtmlReport;

/** Opens the report of the demo fixture in headless Chromium: a screenshot, every chart drawn, no console error. */
class ReportBrowserTest extends SparkTestBase {
  private static final Pattern SVG = Pattern.compile("<svg[^>]*data-chart=\"([^\"]+)\"[^>]*>(.*?)</svg>", Pattern.DOTALL);
  private static final Pattern DRAWN = Pattern.compile("<(path|rect|circle|polyline)\\b");

  static String chromium() {
    for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
      for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
        Path p = Path.of(dir, name);
        if (Files.isExecutable(p)) {
          return p.toString();
        }
      }
    }
    return null;
  }

  record Browser(int code, String out, String err) {}

  static Browser run(Path dir, List<String> args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(chromium(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--enable-logging=stderr", "--v=0",
        "--user-data-dir=" + Files.createTempDirectory(dir, "profile")));
    command.addAll(args);
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(90, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("chromium did not finish in 90 s: " + command);
    }
    return new Browser(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  @Test
  @Tag("e2e") // reads the demo fixture's report: a whole pipeline run
  void everyChartRendersInHeadlessChromium(@TempDir Path dir) throws Exception {
    Assumptions.assumeTrue(chromium() != null,
        "No chromium binary on PATH: install it (apt-get install -y chromium) to run the browser test.");
    Path file = dir.resolve("report/leancx-report.html");
    HtmlReport.Result result = HtmlReport.write(DemoFixture.warehouse(), file);
    assertThat(result.noData()).as("charts without data on the demo fixture").isEmpty();
    String url = file.toUri().toString();

    Path png = dir.resolve("report.png");
    Browser shot = run(dir, List.of("--screenshot=" + png, "--window-size=1400,4000", url));
    assertThat(shot.code()).as("chromium --screenshot: " + shot.err()).isZero();
    assertThat(png).exists();
    assertThat(Files.size(png)).as("screenshot size").isGreaterThan(20_000);

    Browser dom = run(dir, List.of("--dump-dom", url));
    assertThat(dom.code()).as("chromium --dump-dom: " + dom.err()).isZero();
    List<String> consoleErrors = dom.err().lines().filter(l -> l.contains("Uncaught") || l.contains("CONSOLE")
        && l.toLowerCase(java.util.Locale.ROOT).contains("error")).toList();
    consoleErrors = new ArrayList<>(consoleErrors);
    shot.err().lines().filter(l -> l.contains("Uncaught") || l.contains("CONSOLE")
        && l.toLowerCase(java.util.Locale.ROOT).contains("error")).forEach(consoleErrors::add);
    assertThat(consoleErrors).as("console errors").isEmpty();

    Matcher m = SVG.matcher(dom.out());
    List<String> drawn = new ArrayList<>();
    while (m.find()) {
      assertThat(m.group(2)).as("chart " + m.group(1) + " has a title").contains("<title>");
      if (DRAWN.matcher(m.group(2)).find()) {
        drawn.add(m.group(1));
      }
    }
    assertThat(drawn).as("charts with at least one drawn element in the DOM").containsExactlyElementsOf(
        HtmlReport.CHARTS);
  }

  @Test
  void chartsWithoutTablesSayWhichCommandToRun(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("empty.html");
    HtmlReport.Result result = HtmlReport.write(warehouse("report-empty"), file);
    assertThat(result.drawn()).isEmpty();
    assertThat(result.noData()).containsExactlyElementsOf(HtmlReport.CHARTS);
    assertThat(Files.readString(file)).contains("no data: run <code>./leancx failure-demand</code>",
        "no data: run <code>./leancx capacity</code>").doesNotContain("<script");
  }
}
