package org.leancx.reliability;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Starts {@code leancx} (org.leancx.cli.Main) in a child JVM with the test classpath, its output in a log file. */
final class ChildJvm {
  private ChildJvm() {}

  /**
   * The test classpath as a list of entries. Surefire may run tests from a manifest-only jar, whose
   * {@code java.class.path} is that one jar: its real classpath is then in {@code surefire.test.class.path}.
   */
  static String classpath() {
    String surefire = System.getProperty("surefire.test.class.path");
    String cp = surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    if (!cp.contains(File.pathSeparator) && cp.endsWith(".jar")) {
      // A manifest-only jar: its Class-Path attribute lists the entries as URLs.
      try (java.util.jar.JarFile jar = new java.util.jar.JarFile(cp)) {
        String entries = jar.getManifest().getMainAttributes().getValue("Class-Path");
        if (entries != null) {
          List<String> paths = new ArrayList<>();
          for (String url : entries.trim().split("\\s+")) {
            paths.add(Path.of(java.net.URI.create(url).isAbsolute()
                ? java.net.URI.create(url) : Path.of(cp).getParent().toUri().resolve(url)).toString());
          }
          return String.join(File.pathSeparator, paths);
        }
      } catch (IOException e) {
        throw new java.io.UncheckedIOException("Cannot read the manifest of the test classpath jar " + cp, e);
      }
    }
    return cp;
  }

  /** Starts {@code leancx args...}; stdout and stderr go to {@code log}. */
  static Process start(Path log, List<String> args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx1g");
    cmd.addAll(StandaloneCluster.ADD_OPENS);
    cmd.add("-Dleancx.home=" + org.leancx.common.SparkTestBase.HOME);
    cmd.add("-cp");
    cmd.add(classpath());
    cmd.add("org.leancx.cli.Main");
    cmd.addAll(args);
    Files.createDirectories(log.getParent());
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.directory(org.leancx.common.SparkTestBase.HOME.toFile());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    return pb.start();
  }

  /** Waits until the log contains {@code text}, or the process ends, or the timeout passes; true when found. */
  static boolean awaitLog(Process p, Path log, String text, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(log) && Files.readString(log, StandardCharsets.UTF_8).contains(text)) {
        return true;
      }
      if (!p.isAlive()) {
        return false;
      }
      Thread.sleep(100);
    }
    return false;
  }

  static String tail(Path log) {
    try {
      String s = Files.readString(log, StandardCharsets.UTF_8);
      return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }
}
