package org.leancx.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.parser.ParseException;
import org.leancx.common.SqlScript;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Runs SQL against the leancx tables by name: one query, a file of statements (notebooks too), or a shell. */
@Command(
    name = "sql",
    mixinStandardHelpOptions = true,
    description = {
      "Run SQL against the tables (registered as leancx.<table>).",
      "  leancx sql \"SELECT * FROM leancx.contact_demand LIMIT 5\"",
      "  leancx sql -f notebooks/02_failure_demand.sql",
      "  leancx sql                  (interactive shell; end statements with ;)"
    })
final class SqlCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Parameters(arity = "0..1", paramLabel = "SQL", description = "Statements to run, separated by ;")
  String sql;

  @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "Run the statements of FILE in order.")
  Path file;

  @Option(names = "--out", paramLabel = "FILE", description = "Write the last statement's result to FILE (.csv or"
      + " .parquet) instead of printing it.")
  Path out;

  @Option(names = "--max-rows", defaultValue = "50", description = "Rows printed per result (default 50).")
  int maxRows;

  @Override
  public Integer call() throws IOException {
    if (sql != null && file != null) {
      throw new IllegalArgumentException("Give either SQL text or -f FILE, not both.");
    }
    if (out != null) {
      String name = out.getFileName().toString().toLowerCase(Locale.ROOT);
      if (!name.endsWith(".csv") && !name.endsWith(".parquet")) {
        throw new IllegalArgumentException("--out " + out + ": the file name must end in .csv or .parquet.");
      }
    }
    String text = file != null ? readFile(file) : sql;
    if (text == null) {
      requireLineReader();
      SqlShell.run(Environment.open(config).spark(), this::print);
      return 0;
    }
    Environment env = Environment.open(config);
    List<SqlScript.Statement> statements = SqlScript.split(text);
    if (statements.isEmpty()) {
      throw new IllegalArgumentException("No SQL statement found in " + (file != null ? file : "the argument") + ".");
    }
    String origin = file != null ? file.toString() : "argument";
    for (int i = 0; i < statements.size(); i++) {
      SqlScript.Statement st = statements.get(i);
      Dataset<Row> result = execute(env.spark(), st, i + 1, statements.size(), origin);
      boolean last = i == statements.size() - 1;
      if (last && out != null) {
        write(result, out);
        System.out.println("Wrote " + out.toAbsolutePath());
      } else if (statements.size() > 1) {
        System.out.println("-- statement " + (i + 1) + "/" + statements.size() + " (line " + st.line() + "): "
            + st.firstLine());
        print(result, System.out);
      } else {
        print(result, System.out);
      }
    }
    return 0;
  }

  /**
   * Fails with the fix when jline is not on the classpath (the cluster jar), before a Spark session is opened. Here
   * and not in {@link SqlShell}: loading SqlShell without jline already fails.
   */
  static void requireLineReader() {
    try {
      Class.forName("org.jline.reader.LineReader", false, SqlCommand.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalArgumentException(
          "The interactive SQL shell needs jline, which the cluster jar leaves out: pass the SQL as an argument or"
              + " with -f FILE, or use the shell locally (./leancx sql).",
          e);
    }
  }

  private static String readFile(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("SQL file " + file + " does not exist.");
    }
    return Files.readString(file, StandardCharsets.UTF_8);
  }

  /** Runs one statement; a failure names the statement, its line in the file, and the position of the error. */
  static Dataset<Row> execute(SparkSession spark, SqlScript.Statement st, int index, int total, String origin) {
    try {
      return spark.sql(st.sql());
    } catch (Exception e) {
      // Spark's AnalysisException and ParseException are checked in Java terms but not declared by Scala.
      String position = "";
      if (e instanceof AnalysisException ae && ae.line().isDefined()) {
        position = " at line " + (st.line() + (Integer) ae.line().get() - 1) + ", position "
            + ae.startPosition().getOrElse(() -> 0);
      }
      String what = e instanceof ParseException ? "does not parse" : "failed";
      throw new IllegalArgumentException(
          "Statement " + index + "/" + total + " of " + origin + " (line " + st.line() + ": " + st.firstLine()
              + ") " + what + position + ": " + e.getMessage(), e);
    }
  }

  private void print(Dataset<Row> result, PrintStream stream) {
    if (result.columns().length == 0) {
      stream.println("OK");
      return;
    }
    List<Row> rows = result.limit(maxRows + 1).collectAsList();
    stream.print(format(result.columns(), rows.subList(0, Math.min(rows.size(), maxRows))));
    stream.println(rows.size() > maxRows ? "(first " + maxRows + " rows; --max-rows N for more)" : "(" + rows.size()
        + (rows.size() == 1 ? " row)" : " rows)"));
  }

  /** Formats rows as a plain text table with a header line; long values are cut at 60 characters. */
  static String format(String[] columns, List<Row> rows) {
    int[] width = new int[columns.length];
    String[][] cells = new String[rows.size()][columns.length];
    for (int c = 0; c < columns.length; c++) {
      width[c] = columns[c].length();
    }
    for (int r = 0; r < rows.size(); r++) {
      for (int c = 0; c < columns.length; c++) {
        Object v = rows.get(r).get(c);
        String text = v == null ? "NULL" : v instanceof scala.collection.Iterable<?> it ? it.mkString("[", ", ", "]")
            : String.valueOf(v);
        text = text.replace('\n', ' ');
        if (text.length() > 60) {
          text = text.substring(0, 57) + "...";
        }
        cells[r][c] = text;
        width[c] = Math.max(width[c], text.length());
      }
    }
    StringBuilder sb = new StringBuilder();
    for (int c = 0; c < columns.length; c++) {
      sb.append(c == 0 ? "" : " | ").append(pad(columns[c], width[c]));
    }
    sb.append('\n');
    for (int c = 0; c < columns.length; c++) {
      sb.append(c == 0 ? "" : "-+-").append("-".repeat(width[c]));
    }
    sb.append('\n');
    for (String[] row : cells) {
      for (int c = 0; c < columns.length; c++) {
        sb.append(c == 0 ? "" : " | ").append(pad(row[c], width[c]));
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  private static String pad(String s, int width) {
    return s + " ".repeat(Math.max(0, width - s.length()));
  }

  /** Writes one file (not a folder of parts): the result is small by nature of an analyst query. */
  static void write(Dataset<Row> result, Path target) throws IOException {
    String format = target.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv") ? "csv" : "parquet";
    Path tmp = Files.createTempDirectory("leancx-sql-out");
    Path parts = tmp.resolve("parts");
    result.coalesce(1).write().format(format).option("header", "true").save(parts.toString());
    try (var listing = Files.list(parts)) {
      Path part = listing.filter(p -> p.getFileName().toString().startsWith("part-")).findFirst().orElseThrow();
      Path parent = target.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.move(part, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } finally {
      try (var walk = Files.walk(tmp)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
