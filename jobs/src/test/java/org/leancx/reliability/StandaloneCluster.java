package org.leancx.reliability;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A real Spark standalone cluster on 127.0.0.1 for tests: one Master and N Workers started as child JVMs from
 * spark-core's own classes (no Spark distribution), with a fake SPARK_HOME whose jars/ links the test classpath.
 * Every process it starts is stopped by {@link #close()}.
 */
public final class StandaloneCluster implements AutoCloseable {
  /** Spark's JavaModuleOptions, for every JVM we start. */
  public static final List<String> ADD_OPENS =
      List.of(
          "-XX:+IgnoreUnrecognizedVMOptions",
          "--add-opens=java.base/java.lang=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
          "--add-opens=java.base/java.io=ALL-UNNAMED",
          "--add-opens=java.base/java.net=ALL-UNNAMED",
          "--add-opens=java.base/java.nio=ALL-UNNAMED",
          "--add-opens=java.base/java.util=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
          "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
          "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
          "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
          "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
          "-Djdk.reflect.useDirectMethodHandle=false",
          "-Dio.netty.tryReflectionSetAccessible=true");

  private final Path dir;
  private final String classpath;
  private final Path sparkHome;
  private final int masterPort;
  private Process master;
  private final List<Process> workers = new ArrayList<>();

  private StandaloneCluster(Path dir, String classpath) throws IOException {
    this.dir = dir;
    this.classpath = classpath;
    this.sparkHome = dir.resolve("spark-home");
    this.masterPort = freePort();
    Files.createDirectories(sparkHome.resolve("jars"));
    // Without RELEASE the launcher looks for Spark build directories instead of jars/.
    Files.writeString(sparkHome.resolve("RELEASE"), "Spark 4.1.0 (fake home for leancx tests)\n");
    for (String entry : classpath.split(File.pathSeparator)) {
      Path p = Path.of(entry);
      if (entry.endsWith(".jar") && Files.exists(p)) {
        Path link = sparkHome.resolve("jars").resolve(p.getFileName());
        if (!Files.exists(link)) {
          Files.createSymbolicLink(link, p.toAbsolutePath());
        }
      }
    }
  }

  /** Starts a master and {@code workers} workers of one core and {@code memory} each, and waits until they listen. */
  public static StandaloneCluster start(Path dir, String classpath, int workers, String memory) throws Exception {
    StandaloneCluster c = new StandaloneCluster(dir, classpath);
    c.master =
        c.java(
            "master",
            List.of(
                "org.apache.spark.deploy.master.Master",
                "--host", "127.0.0.1", "--port", String.valueOf(c.masterPort),
                "--webui-port", String.valueOf(freePort())),
            Map.of());
    waitForPort(c.masterPort, Duration.ofSeconds(60));
    for (int i = 0; i < workers; i++) {
      c.addWorker(memory);
    }
    return c;
  }

  /** Starts one more worker. */
  public Process addWorker(String memory) throws IOException {
    int n = workers.size();
    Path work = Files.createDirectories(dir.resolve("worker-" + n));
    Process p =
        java(
            "worker-" + n,
            List.of(
                "org.apache.spark.deploy.worker.Worker",
                "--host", "127.0.0.1", "--cores", "1", "--memory", memory,
                "--webui-port", String.valueOf(freePort()), "--work-dir", work.toString(),
                masterUrl()),
            Map.of("SPARK_HOME", sparkHome.toString(), "SPARK_SCALA_VERSION", "2.13"));
    workers.add(p);
    return p;
  }

  public String masterUrl() {
    return "spark://127.0.0.1:" + masterPort;
  }

  public List<Process> workers() {
    return List.copyOf(workers);
  }

  /** Kills a worker with SIGKILL, as a lost machine would disappear. */
  public void killWorker(int index) {
    workers.get(index).destroyForcibly();
  }

  /** The Spark settings a driver needs to run on this cluster with our classes. */
  public Map<String, String> driverSettings() {
    return Map.of(
        "spark.master", masterUrl(),
        "spark.executor.extraClassPath", classpath,
        "spark.executor.extraJavaOptions", String.join(" ", ADD_OPENS),
        "spark.executor.memory", "1g",
        "spark.driver.host", "127.0.0.1");
  }

  public Path logOf(String name) {
    return dir.resolve(name + ".log");
  }

  private Process java(String name, List<String> args, Map<String, String> env) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx1g");
    cmd.addAll(ADD_OPENS);
    cmd.add("-cp");
    cmd.add(classpath);
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(logOf(name).toFile());
    pb.environment().putAll(env);
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    return pb.start();
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static void waitForPort(int port, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        return;
      } catch (IOException e) {
        Thread.sleep(200);
      }
    }
    throw new IllegalStateException("Nothing listens on 127.0.0.1:" + port + " after " + timeout);
  }

  @Override
  public void close() {
    for (Process w : workers) {
      stop(w);
    }
    if (master != null) {
      stop(master);
    }
  }

  private static void stop(Process p) {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
    try {
      p.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
