package org.leancx.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One child process of the benchmark, timed from start to exit, with its peak resident memory: from GNU time's
 * {@code %M} when /usr/bin/time exists, else from the last VmHWM read in /proc/PID/status while it ran.
 *
 * @param wallSeconds start to exit, JVM start included
 * @param peakRssBytes the child's maximum resident set size, or -1 when unknown
 * @param stdout what it printed on standard output
 * @param results the {@code key=value} pairs of its {@code BENCH_RESULT} line, if any
 */
public record ChildRun(double wallSeconds, long peakRssBytes, String stdout, Map<String, String> results) {
  private static final Path GNU_TIME = Path.of("/usr/bin/time");
  private static final String RSS_MARK = "LEANCX_BENCH_MAXRSS_KB=";
  private static final Pattern RSS = Pattern.compile(RSS_MARK + "(\\d+)");

  /** Runs {@code command}, logging both streams to {@code log}; fails with the log's tail on a non-zero exit. */
  public static ChildRun run(List<String> command, Map<String, String> environment, Path log) {
    List<String> full = new ArrayList<>();
    boolean gnuTime = Files.isExecutable(GNU_TIME);
    if (gnuTime) {
      full.addAll(List.of(GNU_TIME.toString(), "-f", RSS_MARK + "%M"));
    }
    full.addAll(command);
    Path out = log.resolveSibling(log.getFileName() + ".out");
    try {
      Files.createDirectories(log.getParent());
      ProcessBuilder pb = new ProcessBuilder(full).redirectOutput(out.toFile()).redirectError(log.toFile());
      pb.environment().putAll(environment);
      long t0 = System.nanoTime();
      Process p = pb.start();
      long hwmKb = -1;
      while (!p.waitFor(200, java.util.concurrent.TimeUnit.MILLISECONDS)) {
        if (!gnuTime) {
          hwmKb = Math.max(hwmKb, vmHwmKb(p.pid()));
        }
      }
      double wall = (System.nanoTime() - t0) / 1e9;
      String stdout = Files.readString(out, StandardCharsets.UTF_8);
      String stderr = Files.readString(log, StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        String tail = stderr.length() > 4000 ? stderr.substring(stderr.length() - 4000) : stderr;
        throw new IllegalStateException(
            "Child exited with " + p.exitValue() + ": " + String.join(" ", command) + "\n" + tail + "\n(full log: "
                + log + ")");
      }
      if (gnuTime) {
        Matcher m = RSS.matcher(stderr);
        while (m.find()) {
          hwmKb = Long.parseLong(m.group(1));
        }
      }
      return new ChildRun(wall, hwmKb < 0 ? -1 : hwmKb * 1024, stdout, results(stdout));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot run " + full + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while running " + full, e);
    }
  }

  private static long vmHwmKb(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | NumberFormatException e) {
      // the process has just exited: keep the last value read
    }
    return -1;
  }

  private static Map<String, String> results(String stdout) {
    Map<String, String> map = new HashMap<>();
    for (String line : stdout.split("\n")) {
      if (line.startsWith("BENCH_RESULT ")) {
        for (String pair : line.substring("BENCH_RESULT ".length()).trim().split(" ")) {
          int eq = pair.indexOf('=');
          map.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
      }
    }
    return map;
  }
}
