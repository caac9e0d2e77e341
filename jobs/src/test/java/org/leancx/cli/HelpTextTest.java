package org.leancx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * `--help` on every command, subcommands of subcommands included, prints its usage and nothing on the error stream:
 * picocli reports a description it cannot format (an unescaped {@code %}) as a {@code [picocli WARN]} line on
 * System.err, which a new user sees before the help.
 */
class HelpTextTest {
  @Test
  void everyCommandPrintsItsHelpWithoutAWarning() {
    List<List<String>> commands = new ArrayList<>();
    commands.add(List.of());
    collect(Main.commandLine(), List.of(), commands);
    assertThat(commands).as("the root and its subcommands").hasSizeGreaterThan(10);

    PrintStream systemErr = System.err;
    for (List<String> command : commands) {
      ByteArrayOutputStream stderr = new ByteArrayOutputStream();
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int code;
      // picocli's tracer takes System.err when the command line is built, so the stream is swapped before that.
      System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
      try {
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        List<String> args = new ArrayList<>(command);
        args.add("--help");
        code = cl.execute(args.toArray(String[]::new));
      } finally {
        System.setErr(systemErr);
      }
      String name = String.join(" ", List.of("leancx", String.join(" ", command))).trim();
      assertThat(code).as("exit code of `%s --help`", name).isZero();
      assertThat(out.toString()).as("usage of `%s --help`", name).contains("Usage: " + name);
      assertThat(stderr.toString(StandardCharsets.UTF_8) + err)
          .as("error stream of `%s --help`", name)
          .isEmpty();
    }
  }

  private static void collect(CommandLine parent, List<String> path, List<List<String>> into) {
    for (var e : parent.getSubcommands().entrySet()) {
      if (!e.getValue().getCommandName().equals(e.getKey())) {
        continue; // an alias
      }
      List<String> command = new ArrayList<>(path);
      command.add(e.getKey());
      into.add(List.copyOf(command));
      collect(e.getValue(), command, into);
    }
  }
}
