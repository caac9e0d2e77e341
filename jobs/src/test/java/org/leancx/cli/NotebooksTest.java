package org.leancx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.leancx.common.SparkTestBase;
import org.leancx.common.SqlScript;

/** Runs every statement of every notebook against the tables of the demo fixture: a notebook that drifts fails. */
@Tag("e2e")
class NotebooksTest extends SparkTestBase {
  static final Path NOTEBOOKS = HOME.resolve("notebooks");

  static List<Path> notebooks() throws IOException {
    try (Stream<Path> files = Files.list(NOTEBOOKS)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".sql")).sorted().toList();
    }
  }

  @Test
  void everyNotebookStatementRunsAndReturnsRows() throws IOException {
    DemoFixture.warehouse();
    List<Path> notebooks = notebooks();
    assertThat(notebooks).as("notebooks in " + NOTEBOOKS).hasSizeGreaterThanOrEqualTo(5);
    List<String> failures = new ArrayList<>();
    int statements = 0;
    for (Path notebook : notebooks) {
      String text = Files.readString(notebook, StandardCharsets.UTF_8);
      assertThat(text).as(notebook + ": Databricks source format").startsWith("-- Databricks notebook source\n");
      List<SqlScript.Statement> parts = SqlScript.split(text);
      assertThat(parts).as(notebook + " has statements").isNotEmpty();
      for (int i = 0; i < parts.size(); i++) {
        SqlScript.Statement st = parts.get(i);
        statements++;
        String where = notebook.getFileName() + " statement " + (i + 1) + "/" + parts.size() + " (line " + st.line()
            + ": " + st.firstLine() + ")";
        try {
          Dataset<Row> result = session().sql(st.sql());
          if (result.columns().length > 0 && result.limit(1).collectAsList().isEmpty()) {
            failures.add(where + " returned no rows");
          }
        } catch (Exception e) {
          failures.add(where + " failed: " + e.getMessage().lines().findFirst().orElse(""));
        }
      }
    }
    assertThat(failures).as("notebook statements that failed or returned nothing, of " + statements).isEmpty();
  }
}
