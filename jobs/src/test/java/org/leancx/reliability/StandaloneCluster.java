package org.leancx.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real Spark standalone cluster on 127.0.0.1 for tests: one Master and N Workers started as child JVMs from
 * spark-core's own classes (no Spark distribution), with a fake SPARK_HOME whose jars/ links the jars of the test
 * classpath (Spark, Delta and their dependencies, as a cluster with Delta installed would have). Ports are chosen at
 * run time; every log is written under the cluster's folder. {@link #close()} (and a JVM shutdown hook, for a test
 * JVM stopped by a CI timeout) stops every process it started, with their descendants (the executors).
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

  private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One worker: its process, its web UI port and its work folder (which holds one folder per executor). */
  public record Worker(String name, Process process, int webUiPort, Path workDir) {}

  private final Path dir;
  private final String jarClasspath;
  private final Path sparkHome;
  private final int masterPort;
  private final int masterWebUiPort;
  private final Thread shutdownHook = new Thread(this::close, "standalone-cluster-stop");
  private final List<Process> started = new ArrayList<>();
  private final List<Worker> workers = new ArrayList<>();

  private StandaloneCluster(Path dir, String classpath) throws IOException {
    this.dir = dir;
    this.sparkHome = dir.resolve("spark-home");
    this.masterPort = freePort();
    this.masterWebUiPort = freePort();
    Files.createDirectories(sparkHome.resolve("jars"));
    // Without RELEASE the launcher looks for Spark build directories instead of jars/.
    Files.writeString(sparkHome.resolve("RELEASE"), "Spark 4.1.0 (fake home for leancx tests)\n");
    List<String> jars = new ArrayList<>();
    for (String entry : classpath.split(File.pathSeparator)) {
      Path p = Path.of(entry);
      if (entry.endsWith(".jar") && Files.isRegularFile(p)) {
        jars.add(p.toAbsolutePath().toString());
        Path link = sparkHome.resolve("jars").resolve(p.getFileName());
        if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          Files.createSymbolicLink(link, p.toAbsolutePath());
        }
      }
    }
    // Only jars: the project's own classes reach the executors the way they do on a real cluster, through the
    // application jar that spark-submit ships.
    this.jarClasspath = String.join(File.pathSeparator, jars);
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * Starts a master and {@code workers} workers of one core and {@code memory} each under {@code dir} (emptied
   * first), and waits until the master reports every worker alive.
   */
  public static StandaloneCluster start(Path dir, String classpath, int workers, String memory) throws Exception {
    deleteRecursively(dir);
    Files.createDirectories(dir);
    StandaloneCluster c = new StandaloneCluster(dir, classpath);
    try {
      c.started.add(
          c.java(
              "master",
              List.of(
                  "org.apache.spark.deploy.master.Master",
                  "--host", "127.0.0.1", "--port", String.valueOf(c.masterPort),
                  "--webui-port", String.valueOf(c.masterWebUiPort)),
              Map.of()));
      c.awaitMaster(m -> "ALIVE".equals(m.path("status").asText()), "the master to be ALIVE");
      for (int i = 0; i < workers; i++) {
        c.addWorker(memory);
      }
      c.awaitMaster(m -> m.path("aliveworkers").asInt() == workers, workers + " alive workers");
      return c;
    } catch (Exception | Error e) {
      String logs = c.logTails();
      c.close();
      throw new IllegalStateException("The standalone cluster did not start: " + e.getMessage() + "\n" + logs, e);
    }
  }

  private void addWorker(String memory) throws IOException {
    String name = "worker-" + workers.size();
    Path work = Files.createDirectories(dir.resolve(name + "-work"));
    int webUi = freePort();
    Process p =
        java(
            name,
            List.of(
                "org.apache.spark.deploy.worker.Worker",
                "--host", "127.0.0.1", "--cores", "1", "--memory", memory,
                "--webui-port", String.valueOf(webUi), "--work-dir", work.toString(),
                masterUrl()),
            // The worker builds each executor's command from SPARK_HOME/jars; without SPARK_SCALA_VERSION the
            // executors fail with "Cannot find any build directories".
            Map.of("SPARK_HOME", sparkHome.toString(), "SPARK_SCALA_VERSION", "2.13"));
    started.add(p);
    workers.add(new Worker(name, p, webUi, work));
  }

  public String masterUrl() {
    return "spark://127.0.0.1:" + masterPort;
  }

  /** The jars of the classpath given at start, for a driver JVM: Spark, Delta and the rest, not our classes. */
  public String jarClasspath() {
    return jarClasspath;
  }

  public List<Worker> workers() {
    return List.copyOf(workers);
  }

  /** The master's state as its web UI serves it at {@code /json/}: workers, alive workers, applications. */
  public JsonNode masterState() throws IOException, InterruptedException {
    return getJson("http://127.0.0.1:" + masterWebUiPort + "/json/");
  }

  /** The worker that runs executor {@code executorId} of application {@code appId}: its work folder holds it. */
  public Optional<Worker> workerOf(String appId, String executorId) {
    return workers.stream().filter(w -> Files.isDirectory(w.workDir().resolve(appId).resolve(executorId))).findFirst();
  }

  /**
   * Kills a worker and its executors with SIGKILL, as a lost machine would disappear, and waits until they are gone.
   * Returns the pids killed, the worker's first.
   */
  public List<Long> kill(Worker worker) throws InterruptedException {
    // Collect the executors before the worker dies: afterwards they are orphans and no longer its descendants.
    List<ProcessHandle> victims = new ArrayList<>();
    victims.add(worker.process().toHandle());
    worker.process().descendants().forEach(victims::add);
    victims.forEach(ProcessHandle::destroyForcibly);
    for (ProcessHandle h : victims) {
      try {
        h.onExit().get(30, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        throw new IllegalStateException("Process " + h.pid() + " of " + worker.name() + " survived SIGKILL for 30 s", e);
      }
    }
    return victims.stream().map(ProcessHandle::pid).toList();
  }

  /**
   * Runs {@code spark-submit} (spark-core's {@code SparkSubmit}, no distribution needed) in client mode in a child JVM
   * whose classpath is the cluster's jars: the driver. Its output goes to {@code <name>.log}; it is stopped with the
   * cluster.
   *
   * @param javaOptions options of the driver JVM (heap, system properties), after the add-opens flags
   * @param submitArguments everything after {@code spark-submit}: options, the application jar, its arguments
   */
  public Process submit(String name, List<String> javaOptions, List<String> submitArguments, Path workingDir)
      throws IOException {
    List<String> args = new ArrayList<>(javaOptions);
    args.add("-cp");
    args.add(jarClasspath);
    args.add("org.apache.spark.deploy.SparkSubmit");
    args.add("--master");
    args.add(masterUrl());
    args.add("--deploy-mode");
    args.add("client");
    args.addAll(submitArguments);
    ProcessBuilder pb = processBuilder(name, args, Map.of());
    pb.directory(workingDir.toFile());
    Process p = pb.start();
    started.add(p);
    return p;
  }

  public Path logOf(String name) {
    return dir.resolve(name + ".log");
  }

  /** The last lines of the master's and workers' logs and of every executor's stderr, for a failure message. */
  public String logTails() {
    StringBuilder out = new StringBuilder();
    List<Path> logs = new ArrayList<>();
    logs.add(logOf("master"));
    for (Worker w : workers) {
      logs.add(logOf(w.name()));
      try (var walk = Files.walk(w.workDir())) {
        walk.filter(p -> p.getFileName().toString().equals("stderr")).sorted().forEach(logs::add);
      } catch (IOException e) {
        out.append("(cannot list ").append(w.workDir()).append(": ").append(e).append(")\n");
      }
    }
    for (Path log : logs) {
      out.append("---- ").append(log).append(" (last lines)\n").append(tail(log, 40)).append('\n');
    }
    return out.toString();
  }

  /** The last {@code lines} lines of a log file. */
  static String tail(Path log, int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(no log: " + e + ")";
    }
  }

  private void awaitMaster(java.util.function.Predicate<JsonNode> condition, String what) throws Exception {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    String last = "no answer";
    while (System.nanoTime() < deadline) {
      for (Process p : started) {
        if (!p.isAlive()) {
          throw new IllegalStateException("A cluster process exited with code " + p.exitValue() + " while waiting for "
              + what);
        }
      }
      try {
        JsonNode m = masterState();
        if (condition.test(m)) {
          return;
        }
        last = "status " + m.path("status").asText() + ", alive workers " + m.path("aliveworkers").asInt();
      } catch (IOException e) {
        last = e.toString();
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException("Timed out after " + START_TIMEOUT + " waiting for " + what + " (last: " + last + ")");
  }

  static JsonNode getJson(String url) throws IOException, InterruptedException {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("GET " + url + " answered " + r.statusCode());
    }
    return JSON.readTree(r.body());
  }

  /** Starts a master or worker JVM. */
  private Process java(String name, List<String> args, Map<String, String> env) throws IOException {
    List<String> all = new ArrayList<>(List.of("-Xmx512m", "-cp", jarClasspath));
    all.addAll(args);
    return processBuilder(name, all, env).start();
  }

  private ProcessBuilder processBuilder(String name, List<String> args, Map<String, String> env) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(ADD_OPENS);
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(logOf(name).toFile());
    pb.environment().putAll(env);
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    return pb;
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Stops every process started, with its descendants (executors), by pid: SIGKILL, then waits for each. */
  @Override
  public synchronized void close() {
    // The driver and the workers first, the master last.
    for (int i = started.size() - 1; i >= 0; i--) {
      stop(started.get(i));
    }
    started.clear();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException alreadyShuttingDown) {
      // close() is running as the hook itself.
    }
  }

  /** Kills a process and its descendants, and waits up to 30 s for each to be gone. */
  static void stop(Process p) {
    List<ProcessHandle> all = new ArrayList<>();
    all.add(p.toHandle());
    p.descendants().forEach(all::add);
    all.forEach(ProcessHandle::destroyForcibly);
    for (ProcessHandle h : all) {
      try {
        h.onExit().get(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        System.err.println("Process " + h.pid() + " did not stop within 30 s of SIGKILL: " + e);
      }
    }
  }

  static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      // Files.walk does not follow links: the SPARK_HOME links are deleted, never their targets.
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
