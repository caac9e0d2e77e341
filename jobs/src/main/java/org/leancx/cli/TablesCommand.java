package org.leancx.cli;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Row;
import org.leancx.common.TableContract;
import org.leancx.common.TableDocs;
import org.leancx.common.Warehouse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Lists every table with its grain, row count, latest version and the run that last wrote it. */
@Command(
    name = "tables",
    mixinStandardHelpOptions = true,
    description = "List every leancx table: name, rows, latest Delta version and time, last run, grain.")
final class TablesCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Option(names = "--docs", paramLabel = "FILE", description = "Write the table documentation (Markdown) to FILE "
      + "instead, e.g. docs/tables.md. Needs no Spark.")
  Path docs;

  @Override
  public Integer call() throws IOException {
    if (docs != null) {
      Files.writeString(docs, TableDocs.markdown(Contracts.all()), StandardCharsets.UTF_8);
      System.out.println("Wrote " + docs.toAbsolutePath());
      return 0;
    }
    Environment env = Environment.open(config);
    Warehouse w = env.warehouse();
    System.out.println("Warehouse in " + w.describe());
    // As wide as the longest table name (root_conditions_explained is 25 characters).
    String line = "%-" + Contracts.all().stream().mapToInt(c -> c.name().length()).max().orElse(5)
        + "s %12s %8s  %-20s %-42s %s%n";
    System.out.printf(line, "table", "rows", "version", "written at", "by run", "grain");
    for (TableContract c : Contracts.all()) {
      if (!w.exists(c)) {
        System.out.printf(line, c.name(), "-", "-", "-", "(not written yet)", c.grain());
        continue;
      }
      Row last =
          w.deltaTable(c)
              .history(1)
              .select(col("version"), col("timestamp"), col("userMetadata"))
              .first();
      long rows = w.read(c).count();
      String at = String.valueOf(last.get(1)).replaceAll("\\.\\d+$", "");
      System.out.printf(
          line, c.name(), String.valueOf(rows), String.valueOf(last.getLong(0)), at,
          last.isNullAt(2) ? "-" : last.getString(2), firstSentence(c.grain()));
    }
    return 0;
  }

  private static String firstSentence(String grain) {
    int dot = grain.indexOf(". ");
    return dot < 0 ? grain : grain.substring(0, dot + 1);
  }
}
