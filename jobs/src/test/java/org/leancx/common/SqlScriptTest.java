package org.leancx.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SqlScriptTest {
  @Test
  void splitsOnSemicolonsOutsideQuotesAndComments() {
    List<SqlScript.Statement> st =
        SqlScript.split("SELECT 'a;b' AS x;\n-- a comment; with a semicolon\nSELECT \"c;d\", `e;f` /* g; */ FROM t;\n");
    assertThat(st).extracting(SqlScript.Statement::sql)
        .containsExactly("SELECT 'a;b' AS x", "-- a comment; with a semicolon\nSELECT \"c;d\", `e;f` /* g; */ FROM t");
    assertThat(st).extracting(SqlScript.Statement::line).containsExactly(1, 2);
  }

  @Test
  void understandsDatabricksNotebookCells() {
    String nb =
        "-- Databricks notebook source\n"
            + "-- MAGIC %md\n"
            + "-- MAGIC # Title\n"
            + "\n"
            + "-- COMMAND ----------\n"
            + "\n"
            + "SELECT 1\n"
            + "\n"
            + "-- COMMAND ----------\n"
            + "-- only a comment\n"
            + "-- COMMAND ----------\n"
            + "SELECT 2;\n";
    List<SqlScript.Statement> st = SqlScript.split(nb);
    assertThat(st).extracting(SqlScript.Statement::sql).containsExactly("SELECT 1", "SELECT 2");
    assertThat(st).extracting(SqlScript.Statement::line).containsExactly(7, 12);
  }

  @Test
  void knowsWhenShellInputIsComplete() {
    assertThat(SqlScript.isComplete("SELECT 1\nFROM t")).isFalse();
    assertThat(SqlScript.isComplete("SELECT 1\nFROM t; -- done")).isTrue();
    assertThat(SqlScript.isComplete("SELECT ';'")).isFalse();
  }
}
