package org.leancx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.leancx.common.SparkTestBase;
import picocli.CommandLine;

/** `leancx ingest` parses its options and fails with the fix when the source is unknown. */
class IngestCommandTest extends SparkTestBase {
  @Test
  void helpListsTheOptions() {
    StringWriter out = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out));
    assertThat(cl.execute("ingest", "--help")).isZero();
    assertThat(out.toString()).contains("--source=NAME", "--path=FILE_OR_DIR", "--set=KEY=VALUE");
  }

  @Test
  void unknownSourceFailsWithTheNearestKnownOne() {
    StringWriter err = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setErr(new PrintWriter(err));
    int code = cl.execute("ingest", "--source", "helpdesks",
        "--set", "warehouse.path=" + HOME.resolve("jobs/target/test-warehouse/ingest-command"));
    assertThat(code).isEqualTo(1);
    assertThat(err.toString()).contains("No source mapping", "did you mean --source helpdesk?");
  }
}
