package org.leancx.common;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits SQL text into statements: on semicolons outside quotes and comments, and on the cell separators of
 * Databricks source notebooks ({@code -- COMMAND ----------}). Markdown cells ({@code -- MAGIC}) and comment-only
 * pieces are dropped.
 */
public final class SqlScript {
  /** One statement with the 1-based line of the text where it starts. */
  public record Statement(String sql, int line) {
    /** The first line of the statement, for error messages. */
    public String firstLine() {
      String trimmed = sql.strip();
      int nl = trimmed.indexOf('\n');
      return nl < 0 ? trimmed : trimmed.substring(0, nl) + " ...";
    }
  }

  private SqlScript() {}

  public static List<Statement> split(String text) {
    List<Statement> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    int line = 1;
    int startLine = 1;
    boolean inSingle = false;
    boolean inDouble = false;
    boolean inBacktick = false;
    boolean inBlockComment = false;
    String[] lines = text.split("\n", -1);
    for (int li = 0; li < lines.length; li++) {
      String l = lines[li];
      String stripped = l.strip();
      boolean inQuote = inSingle || inDouble || inBacktick || inBlockComment;
      if (!inQuote && (stripped.startsWith("-- COMMAND ---") || stripped.equals("-- Databricks notebook source"))) {
        flush(out, cur, startLine);
        startLine = line + 1;
        line++;
        continue;
      }
      if (!inQuote && stripped.startsWith("-- MAGIC")) {
        line++;
        continue;
      }
      for (int i = 0; i < l.length(); i++) {
        char c = l.charAt(i);
        char next = i + 1 < l.length() ? l.charAt(i + 1) : 0;
        if (inBlockComment) {
          cur.append(c);
          if (c == '*' && next == '/') {
            cur.append(next);
            i++;
            inBlockComment = false;
          }
          continue;
        }
        if (!inSingle && !inDouble && !inBacktick) {
          if (c == '-' && next == '-') {
            cur.append(l, i, l.length());
            break;
          }
          if (c == '/' && next == '*') {
            inBlockComment = true;
            cur.append(c);
            continue;
          }
          if (c == ';') {
            flush(out, cur, startLine);
            startLine = line;
            continue;
          }
        }
        if (c == '\\' && (inSingle || inDouble) && next != 0) {
          cur.append(c).append(next);
          i++;
          continue;
        }
        if (c == '\'' && !inDouble && !inBacktick) {
          inSingle = !inSingle;
        } else if (c == '"' && !inSingle && !inBacktick) {
          inDouble = !inDouble;
        } else if (c == '`' && !inSingle && !inDouble) {
          inBacktick = !inBacktick;
        }
        cur.append(c);
      }
      if (li < lines.length - 1) {
        cur.append('\n');
      }
      line++;
    }
    flush(out, cur, startLine);
    return out;
  }

  private static void flush(List<Statement> out, StringBuilder cur, int startLine) {
    String sql = cur.toString();
    cur.setLength(0);
    if (!stripComments(sql).isBlank()) {
      // Report the line of the first non-blank text.
      int lead = 0;
      for (String l : sql.split("\n", -1)) {
        if (!l.isBlank()) {
          break;
        }
        lead++;
      }
      out.add(new Statement(sql.strip(), startLine + lead));
    }
  }

  private static String stripComments(String sql) {
    return sql.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("(?m)--.*$", " ");
  }

  /** Whether the text ends a statement (a semicolon outside quotes and comments): for multi-line shell input. */
  public static boolean isComplete(String text) {
    String t = stripComments(text).strip();
    return t.endsWith(";");
  }
}
