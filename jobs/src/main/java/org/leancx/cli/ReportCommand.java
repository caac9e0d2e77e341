package org.leancx.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.leancx.report.HtmlReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Writes the HTML report with the charts over the output tables. */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = {
      "Write one self-contained HTML file (inline SVG charts, no scripts, nothing fetched) over the output tables."
          + " A chart whose table is missing or empty says which command to run.",
      "  ./leancx report --out report/leancx-report.html"
    })
final class ReportCommand implements Callable<Integer> {
  /** Where the report goes unless --out says otherwise, relative to the working directory. */
  static final String DEFAULT_OUT = "report/leancx-report.html";

  @Mixin ConfigOptions config;

  @Option(names = "--out", paramLabel = "FILE", defaultValue = DEFAULT_OUT,
      description = "The HTML file to write (default ${DEFAULT-VALUE}).")
  Path out;

  @Override
  public Integer call() throws IOException {
    Environment env = Environment.open(config);
    HtmlReport.Result result = HtmlReport.write(env.warehouse(), out);
    System.out.println("report: " + result.summary());
    return 0;
  }
}
