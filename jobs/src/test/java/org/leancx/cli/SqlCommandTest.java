package org.leancx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.leancx.common.RunLog;
import org.leancx.common.SparkTestBase;
import org.leancx.common.Warehouse;
import picocli.CommandLine;

class SqlCommandTest extends SparkTestBase {
  record Outcome(int code, String out, String err) {}

  private static Outcome leancx(String... args) {
    PrintStream saved = System.out;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    StringWriter err = new StringWriter();
    try {
      System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
      CommandLine cl = Main.commandLine();
      cl.setErr(new PrintWriter(err));
      int code = cl.execute(args);
      return new Outcome(code, buffer.toString(StandardCharsets.UTF_8), err.toString());
    } finally {
      System.setOut(saved);
    }
  }

  @Test
  void queriesTablesByNameAndWritesFilesAndReportsErrors(@TempDir Path dir) throws Exception {
    Warehouse w = warehouse("sql-command");
    // A table written by a real run: the run log itself.
    org.leancx.common.JobRunner.run(w, settings(), "sql-test", "", run -> 1);
    String set = "warehouse.path=" + w.settings().path();

    Outcome ok = leancx("sql", "--set", set, "SELECT job, status FROM leancx.pipeline_runs");
    assertThat(ok.code()).as(ok.err()).isZero();
    assertThat(ok.out()).contains("job", "sql-test", "SUCCEEDED", "(1 row)");

    Path file = dir.resolve("q.sql");
    Files.writeString(file, "-- Databricks notebook source\nSELECT 1 AS one\n-- COMMAND ----------\nSELECT count(*) AS n"
        + " FROM leancx." + RunLog.PIPELINE_RUNS.name() + "\n");
    Path csv = dir.resolve("out.csv");
    Outcome written = leancx("sql", "--set", set, "-f", file.toString(), "--out", csv.toString());
    assertThat(written.code()).as(written.err()).isZero();
    assertThat(Files.readAllLines(csv)).containsExactly("n", "1");

    Outcome bad = leancx("sql", "--set", set, "SELECT 1; SELEC 2");
    assertThat(bad.code()).isEqualTo(1);
    assertThat(bad.err()).contains("Statement 2/2", "SELEC 2", "does not parse", "PARSE_SYNTAX_ERROR");

    Path badFile = dir.resolve("bad.sql");
    Files.writeString(badFile, "SELECT 1;\n\n-- the second statement\nSELECT job\n  FROM leancx.pipeline_runs WHERE job = = 'x'\n");
    Outcome badInFile = leancx("sql", "--set", set, "-f", badFile.toString());
    assertThat(badInFile.code()).isEqualTo(1);
    assertThat(badInFile.err())
        .contains("Statement 2/2 of " + badFile, "(line 3: ", "does not parse at line 5, position", "PARSE_SYNTAX_ERROR");

    Outcome missing = leancx("sql", "--set", set, "SELECT * FROM leancx.no_such_table");
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.err()).contains("Statement 1/1", "position 14", "no_such_table");
  }
}
