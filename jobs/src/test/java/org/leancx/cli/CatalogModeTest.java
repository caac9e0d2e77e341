package org.leancx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.leancx.common.RunLog;
import org.leancx.common.SparkTestBase;
import org.leancx.common.SqlScript;
import org.leancx.common.TableContract;
import org.leancx.common.TableFingerprint;
import org.leancx.common.Warehouse;
import org.leancx.common.WarehouseSettings;

/**
 * The same demo in path mode (the shared fixture) and in catalog mode (managed tables in the session's in-memory
 * catalog with Delta's catalog), through the real CLI: every table is equal, every notebook statement resolves and
 * gives the same answer in both modes, and `leancx tables` reports what Delta reports.
 *
 * <p>Catalog mode uses the default database, leancx, so that the notebooks' names resolve unchanged: the fixture's
 * path-mode names (external tables, data untouched) are dropped first and registered again at the end.
 */
@Tag("e2e")
class CatalogModeTest extends SparkTestBase {
  static final Path CATALOG_DIR = SparkTestBase.CATALOG_DIR;

  record Outcome(int code, String out, String err) {}

  static Outcome leancx(String... args) {
    PrintStream saved = System.out;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    StringWriter err = new StringWriter();
    try {
      System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
      picocli.CommandLine cl = Main.commandLine();
      cl.setErr(new PrintWriter(err));
      int code = cl.execute(args);
      return new Outcome(code, buffer.toString(StandardCharsets.UTF_8), err.toString());
    } finally {
      System.setOut(saved);
    }
  }

  /** Every notebook statement's result, rows as sorted strings, by "notebook statement n (line: text)". */
  static Map<String, List<String>> notebookAnswers(List<String> failures) throws IOException {
    Map<String, List<String>> answers = new LinkedHashMap<>();
    for (Path notebook : NotebooksTest.notebooks()) {
      List<SqlScript.Statement> parts = SqlScript.split(Files.readString(notebook, StandardCharsets.UTF_8));
      for (int i = 0; i < parts.size(); i++) {
        SqlScript.Statement st = parts.get(i);
        String where = notebook.getFileName() + " statement " + (i + 1) + " (line " + st.line() + ": "
            + st.firstLine() + ")";
        try {
          var result = session().sql(st.sql());
          List<String> rows = new ArrayList<>();
          if (result.columns().length > 0) {
            for (Row r : result.collectAsList()) {
              rows.add(r.toString());
            }
            if (rows.isEmpty()) {
              failures.add(where + " returned no rows");
            }
          }
          rows.sort(null);
          // The run log differs between runs by design (run ids, times): it must resolve, not be equal.
          answers.put(where, st.sql().contains("pipeline_runs") ? List.of() : rows);
        } catch (Exception e) {
          failures.add(where + " failed: " + e.getMessage().lines().findFirst().orElse(""));
        }
      }
    }
    return answers;
  }

  /** Fingerprints of every written table but the run log, run_id dropped (it differs per run by design). */
  static Map<String, TableFingerprint> fingerprints(Warehouse w) {
    Map<String, TableFingerprint> out = new LinkedHashMap<>();
    for (TableContract c : Contracts.all()) {
      if (c.name().equals(RunLog.PIPELINE_RUNS.name()) || !w.exists(c)) {
        continue;
      }
      var table = w.read(c);
      out.put(c.name(), TableFingerprint.of(c.columnNames().contains("run_id") ? table.drop("run_id") : table));
    }
    return out;
  }

  /** Checks `leancx tables` output (rows and version per table) against count(*) and DESCRIBE HISTORY by name. */
  static void assertTablesListing(Warehouse w, String... settings) {
    List<String> args = new ArrayList<>(List.of("tables"));
    args.addAll(List.of(settings));
    Outcome tables = leancx(args.toArray(String[]::new));
    assertThat(tables.code()).as(tables.err()).isZero();
    assertThat(tables.out()).contains("Warehouse in " + w.describe());
    Map<String, String[]> listed = new LinkedHashMap<>();
    for (String line : tables.out().lines().toList()) {
      String[] cells = line.trim().split("\\s+");
      listed.put(cells[0], cells);
    }
    int written = 0;
    for (TableContract c : Contracts.all()) {
      String[] cells = listed.get(c.name());
      assertThat(cells).as("`leancx tables` lists " + c.name() + ":\n" + tables.out()).isNotNull();
      if (!w.exists(c)) {
        assertThat(cells[1]).as(c.name() + " rows").isEqualTo("-");
        continue;
      }
      written++;
      String name = w.qualifiedName(c);
      long rows = session().sql("SELECT count(*) FROM " + name).first().getLong(0);
      long version = session().sql("DESCRIBE HISTORY " + name + " LIMIT 1").first().<Long>getAs("version");
      assertThat(cells[1]).as(c.name() + " rows as count(*)").isEqualTo(String.valueOf(rows));
      assertThat(cells[2]).as(c.name() + " version as DESCRIBE HISTORY").isEqualTo(String.valueOf(version));
    }
    assertThat(written).as("tables written by the demo").isGreaterThanOrEqualTo(18);
  }

  @Test
  void theDemoGivesTheSameTablesAndNotebookAnswersInPathAndCatalogMode() throws IOException {
    // Path mode: the shared fixture.
    Warehouse pathMode = DemoFixture.warehouse();
    assertTablesListing(pathMode, DemoFixture.warehouseOverride());
    List<String> pathFailures = new ArrayList<>();
    Map<String, List<String>> pathAnswers = notebookAnswers(pathFailures);
    assertThat(pathFailures).as("notebook statements in path mode").isEmpty();
    Map<String, TableFingerprint> pathTables = fingerprints(pathMode);

    Path raw = DemoFixture.rawExports(); // before the names are dropped: any use of the fixture registers them again
    Path dir = HOME.resolve("jobs/target/test-warehouse/catalog-mode");
    String[] catalogSettings = {"--set", "warehouse.mode=catalog", "--set", "warehouse.path=" + dir};
    Warehouse catalogMode = new Warehouse(session(), new WarehouseSettings(dir.toString(), "leancx",
        WarehouseSettings.Mode.CATALOG, WarehouseSettings.SESSION_CATALOG, ""));
    try {
      for (TableContract c : Contracts.all()) {
        session().sql("DROP TABLE IF EXISTS leancx." + c.name()); // external: the fixture's folders stay
      }
      deleteRecursively(dir);
      deleteRecursively(CATALOG_DIR.resolve("leancx.db")); // managed tables of an earlier test JVM
      List<String> demoArgs = new ArrayList<>(List.of("demo"));
      demoArgs.addAll(List.of(catalogSettings));
      demoArgs.addAll(List.of("--set", "generate.output=" + raw));
      demoArgs.addAll(DemoFixture.SETTINGS);
      Outcome demo = leancx(demoArgs.toArray(String[]::new));
      assertThat(demo.code()).as(demo.err()).isZero();
      for (TableContract c : Contracts.all()) {
        if (catalogMode.exists(c)) {
          String type = session().sql("DESCRIBE TABLE EXTENDED spark_catalog.leancx." + c.name())
              .where("col_name = 'Type'").first().getString(1).trim();
          assertThat(type).as(c.name() + " is managed by the catalog").isEqualTo("MANAGED");
        }
      }
      assertThat(Files.exists(dir.resolve("contacts"))).as("no table folder under warehouse.path").isFalse();

      Map<String, TableFingerprint> catalogTables = fingerprints(catalogMode);
      assertThat(catalogTables).as("every table, catalog mode vs path mode").isEqualTo(pathTables);

      List<String> catalogFailures = new ArrayList<>();
      Map<String, List<String>> catalogAnswers = notebookAnswers(catalogFailures);
      assertThat(catalogFailures).as("notebook statements in catalog mode").isEmpty();
      assertThat(catalogAnswers.keySet()).containsExactlyElementsOf(pathAnswers.keySet());
      for (String statement : pathAnswers.keySet()) {
        assertThat(catalogAnswers.get(statement)).as(statement + ": catalog mode vs path mode")
            .isEqualTo(pathAnswers.get(statement));
      }

      assertTablesListing(catalogMode, catalogSettings);

      Outcome sql = leancx("sql", catalogSettings[0], catalogSettings[1], catalogSettings[2], catalogSettings[3],
          "SELECT count(*) AS n FROM leancx.contact_demand");
      assertThat(sql.code()).as(sql.err()).isZero();
      assertThat(sql.out()).contains(String.valueOf(pathTables.get("contact_demand").rows()));
      Outcome bad = leancx("sql", catalogSettings[0], catalogSettings[1], catalogSettings[2], catalogSettings[3],
          "SELECT count(*) FROM leancx.contact_demand;\nSELECT contact_id\n  FROM leancx.contact_demand WHERE contact_id = = 'x'");
      assertThat(bad.code()).isEqualTo(1);
      assertThat(bad.err()).contains("Statement 2/2", "line 2: SELECT contact_id", "does not parse at line 3",
          "position", "PARSE_SYNTAX_ERROR");
    } finally {
      session().sql("DROP SCHEMA IF EXISTS spark_catalog.leancx CASCADE"); // managed: drops the data too
      DemoFixture.warehouse(); // names back at the fixture's folders, for the tests that follow
    }
  }
}
