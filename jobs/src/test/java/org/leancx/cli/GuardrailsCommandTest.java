package org.leancx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.io.FileUtils;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.leancx.common.SparkTestBase;
import org.leancx.common.Warehouse;

/**
 * `leancx guardrails --fail-on-exhausted` on a copy of the demo fixture's warehouse: an objective that the data
 * cannot meet stops the line with exit status 3 naming the flows and the SLO; without objectives the run exits 0.
 */
@Tag("e2e")
class GuardrailsCommandTest extends SparkTestBase {
  private static final Path DIR = HOME.resolve("jobs/target/test-warehouse/guardrails-command");

  @Test
  void anExhaustedBudgetInTheLatestPeriodStopsTheLine() throws IOException {
    Warehouse demo = DemoFixture.warehouse();
    deleteRecursively(DIR);
    FileUtils.copyDirectory(Path.of(demo.settings().path()).toFile(), DIR.resolve("warehouse").toFile());
    // Every flow must contain 99% of its contacts: the IVR flows, which route every call to a person, cannot.
    Path strict = DIR.resolve("strict.conf");
    Files.writeString(strict, "warehouse.path = \"" + DIR.resolve("warehouse") + "\"\nwarehouse.database = gc\n"
        + "guardrails.automation.objectives = [ { flow = \"*\", containment = 0.99 } ]\n");
    CatalogModeTest.Outcome stopped = CatalogModeTest.leancx("guardrails", "--fail-on-exhausted", "--conf",
        strict.toString());
    assertThat(stopped.code()).as(stopped.out() + stopped.err()).isEqualTo(GuardrailsCommand.EXHAUSTED_EXIT);
    assertThat(stopped.err()).contains("stopping the line (--fail-on-exhausted)", "ivr_main_v4 containment",
        "against 0.990");
    assertThat(stopped.out()).contains("automation_slo", "error budget exhausted in its latest assessed period");

    Path none = DIR.resolve("none.conf");
    Files.writeString(none, "warehouse.path = \"" + DIR.resolve("warehouse") + "\"\nwarehouse.database = gc\n"
        + "guardrails.automation.objectives = []\n");
    CatalogModeTest.Outcome passed = CatalogModeTest.leancx("guardrails", "--fail-on-exhausted", "--conf",
        none.toString());
    assertThat(passed.code()).as(passed.out() + passed.err()).isZero();
    assertThat(passed.out()).contains("no error budget exhausted in its latest assessed period");
  }
}
