package org.leancx.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.BiConsumer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.leancx.common.SqlScript;

/**
 * The interactive SQL shell of {@code leancx sql}: the only class that uses jline. It is kept apart from
 * {@link SqlCommand} because the cluster jar leaves jline out: picocli inspects every command class at start-up, and
 * the JVM loads jline's exception classes as soon as it verifies a class that catches them, so a command class that
 * mentions jline failed every command with NoClassDefFoundError. Call {@link SqlCommand#requireLineReader} first.
 */
final class SqlShell {
  private SqlShell() {}

  /** Reads statements until Ctrl-D, running each complete one and printing its result with {@code print}. */
  static void run(SparkSession spark, BiConsumer<Dataset<Row>, PrintStream> print) throws IOException {
    try (Terminal terminal = TerminalBuilder.builder().system(true).build()) {
      LineReader reader =
          LineReaderBuilder.builder()
              .terminal(terminal)
              .appName("leancx")
              .variable(LineReader.HISTORY_FILE, Path.of(System.getProperty("user.home"), ".leancx_history"))
              .build();
      PrintStream outStream = new PrintStream(terminal.output(), true, StandardCharsets.UTF_8);
      outStream.println("leancx SQL shell: tables are leancx.<name> (SHOW TABLES IN leancx). End statements with ;"
          + " and quit with Ctrl-D.");
      StringBuilder buffer = new StringBuilder();
      int count = 0;
      while (true) {
        String line;
        try {
          line = reader.readLine(buffer.length() == 0 ? "leancx> " : "     -> ");
        } catch (UserInterruptException e) {
          buffer.setLength(0);
          continue;
        } catch (EndOfFileException e) {
          return;
        }
        buffer.append(line).append('\n');
        if (!SqlScript.isComplete(buffer.toString())) {
          continue;
        }
        for (SqlScript.Statement st : SqlScript.split(buffer.toString())) {
          count++;
          try {
            print.accept(SqlCommand.execute(spark, st, count, count, "shell"), outStream);
          } catch (RuntimeException e) {
            outStream.println("Error: " + e.getMessage());
          }
        }
        buffer.setLength(0);
      }
    }
  }
}
