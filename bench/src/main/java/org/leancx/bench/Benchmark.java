package org.leancx.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The benchmark harness of issue 10: generates and ingests N contacts, times each job end to end and the recontact
 * step alone in fresh child JVMs (wall time, peak RSS, shuffle bytes), runs the DuckDB peer on the same Parquet
 * files, checks that both find the same recontacts, prints a table and records it in docs/BENCHMARKS.md.
 */
@Command(
    name = "bench/run",
    mixinStandardHelpOptions = true,
    description = "Benchmark leancx against DuckDB on synthetic data. See docs/BENCHMARKS.md.")
public final class Benchmark implements Callable<Integer> {
  static final String BEGIN = "<!-- bench-results:begin (bench/run inserts new runs below, newest first) -->";
  static final String END = "<!-- bench-results:end -->";
  static final List<String> PIPELINE_JOBS = List.of("failure-demand", "root-conditions", "journeys");

  @Option(
      names = "--contacts",
      split = ",",
      paramLabel = "N",
      description = "Target contact counts, comma separated (default 1000000). Customers = N / contacts-per-customer.")
  List<Long> contacts = List.of(1_000_000L);

  @Option(names = "--contacts-per-customer", description = "Generator's contacts per customer (default 2.65).")
  double contactsPerCustomer = 2.65;

  @Option(names = "--runs", description = "Timed runs of each measurement; the median is reported (default 3).")
  int runs = 3;

  @Option(
      names = "--jobs",
      split = ",",
      description = "Jobs timed end to end, in this order (default failure-demand,root-conditions,journeys; none: -).")
  List<String> jobs = PIPELINE_JOBS;

  @Option(names = "--master", description = "Spark master of every child (default local[2]).")
  String master = "local[2]";

  @Option(names = "--compare-local1", description = "Also time the recontact step with local[1].")
  boolean compareLocal1;

  @Option(names = "--heap", description = "-Xmx of each child JVM (default 6g, as ./leancx).")
  String heap = "6g";

  @Option(names = "--work", description = "Work folder for data, warehouses and logs (default bench/target/work).")
  Path work;

  @Option(names = "--reuse-data", description = "Keep generated and ingested data of the same size from a previous run.")
  boolean reuseData;

  @Option(
      names = "--daily",
      description = "Also measure a daily run (issue #22): the history (every day but the last) loaded and run with"
          + " `leancx daily --date` the day before the last on a fresh warehouse (the first run: every job over"
          + " everything), then the last day loaded incrementally and run with `leancx daily --date` the last day.")
  boolean daily;

  @Option(names = "--report", description = "Markdown file to record the run in (default docs/BENCHMARKS.md).")
  Path report;

  @Option(names = "--no-report", description = "Print the table only.")
  boolean noReport;

  private final Path home =
      Path.of(System.getProperty("leancx.home", System.getProperty("user.dir"))).toAbsolutePath().normalize();
  private final List<String> arguments = new ArrayList<>();
  /** Whether leancx and DuckDB wrote the same contact_demand fingerprint, by contacts. */
  private final Map<Long, Boolean> fingerprintAgrees = new LinkedHashMap<>();

  /** One timed run. */
  record Sample(double wallSeconds, long peakRssBytes, double innerSeconds, long shuffleWriteBytes, long recontacts) {}

  /** The runs of one measurement. */
  record Measurement(long contacts, String what, String master, List<Sample> samples) {
    double wall() {
      return median(samples.stream().map(Sample::wallSeconds).toList());
    }

    double inner() {
      List<Double> v = samples.stream().map(Sample::innerSeconds).filter(d -> !Double.isNaN(d)).toList();
      return v.isEmpty() ? Double.NaN : median(v);
    }

    long peakRss() {
      return samples.stream().mapToLong(Sample::peakRssBytes).max().orElse(-1);
    }

    long shuffleWriteBytes() {
      return samples.stream().mapToLong(Sample::shuffleWriteBytes).max().orElse(-1);
    }

    long recontacts() {
      return samples.get(0).recontacts();
    }
  }

  public static void main(String[] args) {
    Benchmark b = new Benchmark();
    b.arguments.addAll(List.of(args));
    System.exit(new CommandLine(b).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (runs < 1) {
      throw new CommandLine.ParameterException(new CommandLine(this), "--runs is " + runs + ": give 1 or more.");
    }
    if (jobs.size() == 1 && jobs.get(0).equals("-")) {
      jobs = List.of();
    }
    for (String j : jobs) {
      if (!PIPELINE_JOBS.contains(j)) {
        throw new CommandLine.ParameterException(
            new CommandLine(this), "--jobs has '" + j + "': choose among " + PIPELINE_JOBS + " (or - for none).");
      }
    }
    Path workDir = work != null ? work.toAbsolutePath() : home.resolve("bench/target/work");
    String loadBefore = uptime();
    String started = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_LOCAL_DATE_TIME).substring(0, 16);
    List<Measurement> all = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (long n : contacts) {
      measureSize(n, workDir.resolve(String.valueOf(n)), all, problems);
    }
    String loadAfter = uptime();
    String table = table(all);
    System.out.println(table);
    String section = section(started, loadBefore, loadAfter, all, problems, table);
    System.out.println(section);
    if (!noReport) {
      Path file = report != null ? report : home.resolve("docs/BENCHMARKS.md");
      record(file, section);
      System.out.println("Recorded in " + file);
    }
    if (!problems.isEmpty()) {
      System.err.println("bench: " + String.join("; ", problems));
      return 1;
    }
    return 0;
  }

  /** The settings of the generate and ingest children: the warehouse, the master and the Parquet source mappings. */
  private List<String> ingestArgs(Path dir, Path warehouse) {
    return List.of("--set", "warehouse.path=" + warehouse, "--set", "spark.master=" + master,
        "--set", "ingest.sources-dir=" + dir.resolve("sources"));
  }

  /** Ingests the generated case events (read by journeys only) in a child JVM, and measures it. */
  private Measurement ingestCaseEvents(long contactRows, Path dir, Path warehouse) throws IOException {
    System.out.println("bench: ingesting case events");
    ChildRun ie =
        child(dir, "ingest-case-events", "org.leancx.cli.Main",
            cli("ingest", ingestArgs(dir, warehouse), "--source", "synthetic_case_events", "--path",
                dir.resolve("raw").resolve("case_events").toString()));
    return single(contactRows, "ingest case events", ie, dir, "ingest-case-events");
  }

  private void measureSize(long target, Path dir, List<Measurement> all, List<String> problems) throws IOException {
    long customers = Math.max(100, Math.round(target / contactsPerCustomer));
    Path warehouse = dir.resolve("warehouse");
    Path marker = dir.resolve("customers");
    // Case events feed journeys only: ingesting them for the other jobs cost CI's smoke 44 s of its 246 (2026-12-07).
    boolean caseEvents = jobs.contains("journeys");
    long contactRows;
    String[] reused = reuseData && Files.exists(marker) ? Files.readString(marker).trim().split(" ") : new String[0];
    if (reused.length >= 2 && reused[0].equals(String.valueOf(customers))) {
      contactRows = Long.parseLong(reused[1]);
      System.out.printf("bench: reusing %,d contacts in %s%n", contactRows, dir);
      if (caseEvents && !(reused.length >= 3 && reused[2].equals("case_events"))) {
        all.add(ingestCaseEvents(contactRows, dir, warehouse));
        Files.writeString(marker, customers + " " + contactRows + " case_events\n");
      }
    } else {
      deleteRecursively(dir);
      Path raw = dir.resolve("raw");
      Path sources = dir.resolve("sources");
      Files.createDirectories(sources);
      for (String s : List.of("synthetic_contacts", "synthetic_case_events")) {
        // The generator writes Parquet here; the shipped mappings read its CSV.
        String conf = Files.readString(home.resolve("conf/sources/" + s + ".conf"));
        Files.writeString(sources.resolve(s + ".conf"), conf.replaceFirst("(?m)^format = csv$", "format = parquet"));
      }
      System.out.printf("bench: generating %,d customers (~%,d contacts)%n", customers, target);
      ChildRun g =
          child(dir, "generate", "org.leancx.cli.Main", cli("generate", ingestArgs(dir, warehouse), "--set",
              "generate.customers=" + customers, "--set", "generate.format=parquet", "--set", "generate.output=" + raw));
      System.out.println("bench: ingesting");
      ChildRun ic =
          child(dir, "ingest-contacts", "org.leancx.cli.Main",
              cli("ingest", ingestArgs(dir, warehouse), "--source", "synthetic_contacts", "--path",
                  raw.resolve("contacts").toString()));
      contactRows = parseLong(ic.stdout(), "([\\d,]+) accepted");
      all.add(single(contactRows, "generate (raw Parquet)", g, dir, "generate"));
      all.add(single(contactRows, "ingest contacts", ic, dir, "ingest-contacts"));
      if (caseEvents) {
        all.add(ingestCaseEvents(contactRows, dir, warehouse));
      }
      Files.writeString(marker, customers + " " + contactRows + (caseEvents ? " case_events" : "") + "\n");
    }
    if (daily) {
      measureDaily(contactRows, dir, all);
    }
    Path fileList = dir.resolve("contacts_files.txt");
    child(dir, "contact-files", ContactFiles.class.getName(),
        List.of(warehouse.resolve("contacts").toString(), fileList.toString()));

    for (String job : jobs) {
      List<Sample> samples = new ArrayList<>();
      for (int r = 1; r <= runs; r++) {
        System.out.printf("bench: %s run %d of %d (%,d contacts)%n", job, r, runs, contactRows);
        String name = job + "-" + r;
        ChildRun c =
            child(dir, name, "org.leancx.cli.Main",
                cli(job, List.of("--set", "warehouse.path=" + warehouse, "--set", "spark.master=" + master)));
        long recontacts = job.equals("failure-demand") ? parseLong(c.stdout(), "; ([\\d,]+) recontacts") : -1;
        samples.add(new Sample(c.wallSeconds(), c.peakRssBytes(), Double.NaN, shuffleBytes(dir, name), recontacts));
      }
      all.add(new Measurement(contactRows, job, master, samples));
    }

    // The step and the DuckDB peer alternate, run by run, so that both see the machine in the same state (a shared
    // machine drifts by 10-20% within minutes); local[1], when asked, runs after them.
    Map<String, String> fingerprints = new LinkedHashMap<>();
    int threads = threads(master);
    List<Sample> step = new ArrayList<>();
    List<Sample> duck = new ArrayList<>();
    for (int r = 1; r <= runs; r++) {
      step.add(stepRun(dir, warehouse, master, r, fingerprints));
      System.out.printf("bench: DuckDB peer (threads=%d) run %d of %d%n", threads, r, runs);
      ChildRun c =
          child(dir, "duckdb-" + r, DuckDbPeer.class.getName(),
              List.of(fileList.toString(), dir.resolve("duckdb-recontacts.parquet").toString(),
                  String.valueOf(threads)));
      duck.add(new Sample(c.wallSeconds(), c.peakRssBytes(), Double.parseDouble(c.results().get("seconds")), -1,
          Long.parseLong(c.results().get("recontacts"))));
      fingerprints.put("DuckDB run " + r, c.results().get("fingerprint"));
      System.out.printf(java.util.Locale.ROOT, "bench: run %d: step %.1f s, DuckDB %.1f s in process: %.2fx%n", r,
          step.get(r - 1).innerSeconds(), duck.get(r - 1).innerSeconds(),
          step.get(r - 1).innerSeconds() / duck.get(r - 1).innerSeconds());
    }
    all.add(new Measurement(contactRows, "recontact step (Delta in, Delta out)", master, step));
    if (compareLocal1 && !master.equals("local[1]")) {
      List<Sample> one = new ArrayList<>();
      for (int r = 1; r <= runs; r++) {
        one.add(stepRun(dir, warehouse, "local[1]", r, fingerprints));
      }
      all.add(new Measurement(contactRows, "recontact step (Delta in, Delta out)", "local[1]", one));
    }
    all.add(new Measurement(contactRows, "DuckDB peer (Parquet in, Parquet out)", "threads=" + threads, duck));

    // Every run of every engine must find the same recontacts.
    Map<String, Long> found = new LinkedHashMap<>();
    for (Measurement m : all) {
      if (m.contacts() == contactRows) {
        for (int i = 0; i < m.samples().size(); i++) {
          if (m.samples().get(i).recontacts() >= 0) {
            found.put(m.what() + " " + m.master() + " run " + (i + 1), m.samples().get(i).recontacts());
          }
        }
      }
    }
    if (found.values().stream().distinct().count() != 1) {
      problems.add("recontact counts differ at " + contactRows + " contacts: " + found);
    }
    // And the same contact_demand table: chains, FCR, classes, gaps and costs (Fingerprint).
    boolean agree = fingerprints.values().stream().distinct().count() == 1 && !fingerprints.containsValue(null);
    fingerprintAgrees.put(contactRows, agree);
    System.out.println("bench: contact_demand fingerprint " + (agree ? "identical: " : "MISMATCH: ")
        + (agree ? fingerprints.values().iterator().next() : fingerprints));
    if (!agree) {
      problems.add("contact_demand fingerprints differ at " + contactRows + " contacts: " + fingerprints);
    }
  }

  /** Labels of the daily measurement's rows, in order. */
  static final String DAILY_HISTORY_LOAD = "daily: load the history (all days but the last)";
  static final String DAILY_HISTORY_RUN = "daily: `leancx daily` over the history (first run, every job in full)";
  static final String DAILY_DAY_LOAD = "daily: load the last day (incremental)";
  static final String DAILY_DAY_RUN = "daily: `leancx daily --date` the last day";

  /**
   * The daily measurement (--daily): the generated exports cut into the history and the last day (DaySplit), the
   * history loaded into a fresh warehouse and run as of the day before the last, then the last day loaded
   * incrementally and run. One run each: a daily run changes the warehouse it measures.
   */
  private void measureDaily(long contactRows, Path dir, List<Measurement> all) throws IOException {
    Path split = dir.resolve("daily-split");
    Path warehouse = dir.resolve("daily-warehouse");
    deleteRecursively(split);
    deleteRecursively(warehouse);
    System.out.println("bench: daily: cutting the exports into the history and the last day");
    ChildRun cut = child(dir, "daily-split", DaySplit.class.getName(),
        List.of(dir.resolve("raw").toString(), split.toString()));
    LocalDate last = LocalDate.parse(cut.results().get("last_day"));
    long dayContacts = Long.parseLong(cut.results().get("day_contacts"));
    dailyLastDay = last + " (" + String.format(Locale.ROOT, "%,d", dayContacts) + " contacts of "
        + String.format(Locale.ROOT, "%,d", contactRows) + ")";
    List<String> settings = List.of("--set", "warehouse.path=" + warehouse, "--set", "spark.master=" + master);
    List<ChildRun> historyLoad = new ArrayList<>();
    List<ChildRun> dayLoad = new ArrayList<>();
    for (String export : List.of("contacts", "case_events")) {
      String source = "synthetic_" + export;
      System.out.println("bench: daily: loading the history of " + export);
      historyLoad.add(child(dir, "daily-load-history-" + export, "org.leancx.cli.Main",
          cli("ingest", ingestArgs(dir, warehouse), "--source", source, "--path",
              split.resolve("history").resolve(export).toString())));
    }
    System.out.println("bench: daily: leancx daily --date " + last.minusDays(1) + " (the history)");
    ChildRun history = child(dir, "daily-history", "org.leancx.cli.Main",
        cli("daily", settings, "--date", last.minusDays(1).toString(), "--no-report"));
    for (String export : List.of("contacts", "case_events")) {
      System.out.println("bench: daily: loading the last day of " + export);
      dayLoad.add(child(dir, "daily-load-day-" + export, "org.leancx.cli.Main",
          cli("ingest", ingestArgs(dir, warehouse), "--source", "synthetic_" + export, "--path",
              split.resolve("day").resolve(export).toString(), "--load", "incremental")));
    }
    System.out.println("bench: daily: leancx daily --date " + last + " (one more day)");
    ChildRun day = child(dir, "daily-day", "org.leancx.cli.Main",
        cli("daily", settings, "--date", last.toString(), "--no-report"));
    all.add(summed(contactRows, DAILY_HISTORY_LOAD, historyLoad));
    all.add(single(contactRows, DAILY_HISTORY_RUN, history, dir, "daily-history"));
    all.add(summed(contactRows, DAILY_DAY_LOAD, dayLoad));
    all.add(single(contactRows, DAILY_DAY_RUN, day, dir, "daily-day"));
    dailyJobs = jobTimes(history.stdout(), day.stdout());
  }

  /** The last day of the daily measurement, e.g. "2026-06-30 (6,120 contacts of 1,104,512)". */
  private String dailyLastDay;

  /** The per-job seconds of the two daily runs, e.g. "failure-demand 120.3 s → 20.1 s; ...". */
  private String dailyJobs;

  /** Several children as one measurement: wall seconds summed, the largest peak RSS. */
  private Measurement summed(long contacts, String what, List<ChildRun> runs) {
    return new Measurement(contacts, what, master, List.of(new Sample(
        runs.stream().mapToDouble(ChildRun::wallSeconds).sum(),
        runs.stream().mapToLong(ChildRun::peakRssBytes).max().orElse(-1), Double.NaN, -1, -1)));
  }

  /** Pairs the "job (N s)" lines of two `leancx daily` outputs: "job A s → B s". */
  static String jobTimes(String first, String second) {
    Map<String, String> a = jobSeconds(first);
    Map<String, String> b = jobSeconds(second);
    List<String> parts = new ArrayList<>();
    for (Map.Entry<String, String> e : a.entrySet()) {
      parts.add(e.getKey() + " " + e.getValue() + " → " + b.getOrDefault(e.getKey(), "?") + " s");
    }
    return String.join("; ", parts);
  }

  private static Map<String, String> jobSeconds(String stdout) {
    Map<String, String> seconds = new LinkedHashMap<>();
    Matcher m = Pattern.compile("(?m)^ *([a-z][a-z -]*) \\(([\\d.]+) s\\): ").matcher(stdout);
    while (m.find()) {
      seconds.put(m.group(1), m.group(2));
    }
    return seconds;
  }

  /** One run of the recontact step in a child JVM, into a fresh output warehouse. */
  private Sample stepRun(Path dir, Path warehouse, String m, int r, Map<String, String> fingerprints)
      throws IOException {
    System.out.printf("bench: recontact step (%s) run %d of %d%n", m, r, runs);
    Path out = dir.resolve("step-warehouse");
    deleteRecursively(out);
    String name = "recontact-step-" + m.replaceAll("[^a-z0-9]", "") + "-" + r;
    ChildRun c =
        child(dir, name, RecontactStep.class.getName(),
            List.of(warehouse.toString(), out.toString(), "--set", "spark.master=" + m));
    fingerprints.put("leancx " + m + " run " + r, c.results().get("fingerprint"));
    return new Sample(c.wallSeconds(), c.peakRssBytes(), Double.parseDouble(c.results().get("seconds")),
        shuffleBytes(dir, name), Long.parseLong(c.results().get("recontacts")));
  }

  private Measurement single(long contacts, String what, ChildRun c, Path dir, String name) {
    return new Measurement(
        contacts, what, master, List.of(new Sample(c.wallSeconds(), c.peakRssBytes(), Double.NaN,
            shuffleBytes(dir, name), -1)));
  }

  private static List<String> cli(String command, List<String> common, String... more) {
    List<String> args = new ArrayList<>(List.of(command));
    args.addAll(common);
    args.addAll(List.of(more));
    return args;
  }

  /** Runs one child JVM with the launcher's flags, the shuffle listener and this process's class path. */
  private ChildRun child(Path dir, String name, String mainClass, List<String> args) {
    Path metrics = dir.resolve("metrics").resolve(name + ".properties");
    try {
      Files.createDirectories(metrics.getParent());
      Files.deleteIfExists(metrics);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx" + heap);
    // The launcher's collector (./leancx: LEANCX_GC, default the throughput collector).
    command.add(System.getenv().getOrDefault("LEANCX_GC", "-XX:+UseParallelGC"));
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("--add-opens") || a.startsWith("--add-modules") || a.startsWith("-XX:+IgnoreUnrecognized")
          || a.startsWith("-Djdk.reflect") || a.startsWith("-Dio.netty")) {
        command.add(a);
      }
    }
    command.add("-Dleancx.home=" + home);
    command.add("-Dspark.extraListeners=" + ShuffleMetricsListener.class.getName());
    command.add("-D" + ShuffleMetricsListener.METRICS_FILE + "=" + metrics);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass);
    command.addAll(args);
    return ChildRun.run(command, Map.of("SPARK_LOCAL_IP", "127.0.0.1"), dir.resolve("logs").resolve(name + ".log"));
  }

  private static long shuffleBytes(Path dir, String name) {
    Path f = dir.resolve("metrics").resolve(name + ".properties");
    try {
      if (!Files.exists(f)) {
        return -1;
      }
      for (String line : Files.readAllLines(f)) {
        if (line.startsWith("shuffle_write_bytes=")) {
          return Long.parseLong(line.substring("shuffle_write_bytes=".length()));
        }
      }
      return -1;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long parseLong(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    if (!m.find()) {
      throw new IllegalStateException("Expected /" + regex + "/ in the child's output, got:\n" + text);
    }
    return Long.parseLong(m.group(1).replace(",", ""));
  }

  static int threads(String master) {
    Matcher m = Pattern.compile("local\\[(\\d+)]").matcher(master);
    return m.matches() ? Integer.parseInt(m.group(1)) : Runtime.getRuntime().availableProcessors();
  }

  static double median(List<Double> values) {
    List<Double> v = values.stream().sorted().toList();
    int n = v.size();
    return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
  }

  static String table(List<Measurement> all) {
    StringBuilder sb = new StringBuilder();
    sb.append("| contacts | what | master | runs | wall s (median) | in-process s (median) | contacts/s (wall) |"
        + " peak RSS MiB (max) | shuffle write MiB | shuffle B/contact | recontacts |\n");
    sb.append("|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Measurement m : all) {
      long sw = m.shuffleWriteBytes();
      sb.append(String.format(Locale.ROOT, "| %,d | %s | %s | %d | %.1f | %s | %,.0f | %s | %s | %s | %s |%n",
          m.contacts(), m.what(), m.master(), m.samples().size(), m.wall(),
          Double.isNaN(m.inner()) ? "" : String.format(Locale.ROOT, "%.1f", m.inner()),
          m.contacts() / m.wall(),
          m.peakRss() < 0 ? "?" : String.format(Locale.ROOT, "%,d", m.peakRss() >> 20),
          sw < 0 ? "" : String.format(Locale.ROOT, "%.1f", sw / 1048576.0),
          sw < 0 ? "" : String.format(Locale.ROOT, "%.0f", (double) sw / m.contacts()),
          m.recontacts() < 0 ? "" : String.format(Locale.ROOT, "%,d", m.recontacts())));
    }
    return sb.toString();
  }

  private String section(
      String started, String loadBefore, String loadAfter, List<Measurement> all, List<String> problems,
      String table) {
    StringBuilder sb = new StringBuilder();
    sb.append("### ").append(started).append(" UTC: ")
        .append(contacts.stream().map(n -> String.format(Locale.ROOT, "~%,d", n)).toList())
        .append(" contacts, ").append(master).append(", ").append(runs).append(" run(s)\n\n");
    sb.append("- Command: `bench/run ").append(String.join(" ", arguments)).append("`\n");
    sb.append("- Commit: ").append(gitCommit()).append("\n");
    sb.append("- Machine: nproc ").append(Runtime.getRuntime().availableProcessors()).append(", memory ")
        .append(memTotalGib()).append(" GiB, Java ").append(System.getProperty("java.version"))
        .append(", child heap -Xmx").append(heap).append(", ")
        .append(System.getenv().getOrDefault("LEANCX_GC", "-XX:+UseParallelGC")).append("\n");
    sb.append("- `uptime` before: `").append(loadBefore).append("`; after: `").append(loadAfter).append("`\n\n");
    sb.append(table).append("\n");
    List<Long> sizes = all.stream().map(Measurement::contacts).distinct().sorted().toList();
    for (long n : sizes) {
      List<Measurement> at = all.stream().filter(m -> m.contacts() == n).toList();
      Measurement step = find(at, "recontact step", master);
      Measurement duck = find(at, "DuckDB peer", null);
      Measurement one = find(at, "recontact step", "local[1]");
      if (step != null && duck != null) {
        sb.append(String.format(Locale.ROOT,
            "- %,d contacts: recontacts leancx %,d, DuckDB %,d: %s; contact_demand fingerprint (%d measures): %s."
                + " Ratio leancx/DuckDB, recontact step: %.1f× in"
                + " process (%.1f s / %.1f s), %.1f× wall with JVM start (%.1f s / %.1f s).%n",
            step.contacts(), step.recontacts(), duck.recontacts(),
            step.recontacts() == duck.recontacts() ? "identical" : "MISMATCH",
            Fingerprint.MEASURES.size(),
            Boolean.TRUE.equals(fingerprintAgrees.get(n)) ? "identical" : "MISMATCH",
            step.inner() / duck.inner(), step.inner(), duck.inner(), step.wall() / duck.wall(), step.wall(),
            duck.wall()));
      }
      if (step != null && one != null) {
        sb.append(String.format(Locale.ROOT,
            "- %,d contacts, local[1] vs %s, recontact step in process: %.1f s vs %.1f s (speed-up %.2f×).%n",
            n, master, one.inner(), step.inner(), one.inner() / step.inner()));
      }
      List<Measurement> pipeline =
          at.stream().filter(m -> m.what().startsWith("ingest ") || PIPELINE_JOBS.contains(m.what())).toList();
      if (!pipeline.isEmpty()) {
        double total = pipeline.stream().mapToDouble(Measurement::wall).sum();
        sb.append(String.format(Locale.ROOT,
            "- %,d contacts, whole pipeline (%s; one fresh JVM each, medians summed): %.0f s (%.1f min).%n",
            n, String.join(" + ", pipeline.stream().map(Measurement::what).toList()), total, total / 60));
      }
    }
    for (int i = 1; i < sizes.size(); i++) {
      long small = sizes.get(i - 1);
      long large = sizes.get(i);
      List<String> growth = new ArrayList<>();
      for (Measurement a : all) {
        if (a.contacts() != small) {
          continue;
        }
        for (Measurement b : all) {
          if (b.contacts() == large && b.what().equals(a.what()) && b.master().equals(a.master())) {
            growth.add(String.format(Locale.ROOT, "%s %s %.1f×", a.what(), a.master(), b.wall() / a.wall()));
          }
        }
      }
      sb.append(String.format(Locale.ROOT, "- Growth %,d → %,d contacts (%.1f× the rows), wall time: %s.%n",
          small, large, (double) large / small, String.join("; ", growth)));
    }
    for (long n : sizes) {
      List<Measurement> at = all.stream().filter(m -> m.contacts() == n).toList();
      Measurement hl = find(at, DAILY_HISTORY_LOAD, null);
      Measurement hr = find(at, DAILY_HISTORY_RUN, null);
      Measurement dl = find(at, DAILY_DAY_LOAD, null);
      Measurement dr = find(at, DAILY_DAY_RUN, null);
      if (hl != null && hr != null && dl != null && dr != null) {
        sb.append(String.format(Locale.ROOT,
            "- %,d contacts, daily run of the last day %s: `leancx daily` %.1f s against %.1f s for the history's"
                + " first run, **%.0f%%** (target 10%%); with the loads %.1f s against %.1f s, **%.0f%%**. Peak RSS"
                + " %,d MiB (day) and %,d MiB (history). Per job, history → day: %s.%n",
            n, dailyLastDay, dr.wall(), hr.wall(), 100 * dr.wall() / hr.wall(), dl.wall() + dr.wall(),
            hl.wall() + hr.wall(), 100 * (dl.wall() + dr.wall()) / (hl.wall() + hr.wall()), dr.peakRss() >> 20,
            hr.peakRss() >> 20, dailyJobs));
      }
    }
    Measurement largestStep = find(all, "recontact step", master);
    if (largestStep != null) {
      sb.append(estimate(all, largestStep));
    }
    for (String p : problems) {
      sb.append("- **FAILED: ").append(p).append("**\n");
    }
    return sb.toString();
  }

  /** The 100-node, 10-billion-contact estimate from the measured shuffle bytes and throughput. */
  private static String estimate(List<Measurement> all, Measurement step) {
    Measurement job = find(all, "failure-demand", null);
    Measurement source = job != null && job.shuffleWriteBytes() > 0 ? job : step;
    double bytesPerContact = (double) source.shuffleWriteBytes() / source.contacts();
    double contacts = 1e10;
    int nodes = 100;
    int coresPerNode = 16;
    double nicBytesPerSecond = 10e9 / 8 * 0.6; // 10 Gbit/s at 60% of line rate
    double totalShuffle = contacts * bytesPerContact;
    double networkSeconds = totalShuffle / nodes / nicBytesPerSecond;
    double perCore = step.contacts() / step.inner() / threads(step.master());
    double computeSeconds = contacts / (perCore * nodes * coresPerNode);
    return String.format(Locale.ROOT,
        "- **Estimate, not a measurement** (method in \"Scale-out estimate\" below): %s writes %.0f shuffle bytes per"
            + " contact, so 10 billion contacts shuffle %.1f TB, %.0f GB per node on 100 nodes: %.0f s of network"
            + " at 10 Gbit/s and 60%% efficiency. At the recontact step's measured %,.0f contacts/s per core"
            + " (in process, fixed costs included), 100 nodes × 16 cores need %.0f s of compute. Estimate: %.1f to"
            + " %.1f min for the recontact step on 10 billion contacts, if it scaled linearly (unmeasured).%n",
        source.what(), bytesPerContact, totalShuffle / 1e12, totalShuffle / nodes / 1e9, networkSeconds, perCore,
        computeSeconds, Math.max(networkSeconds, computeSeconds) / 60, (networkSeconds + computeSeconds) / 60);
  }

  private static Measurement find(List<Measurement> all, String prefix, String master) {
    return all.stream()
        .filter(m -> m.what().startsWith(prefix) && (master == null || m.master().equals(master)))
        .max(Comparator.comparingLong(Measurement::contacts))
        .orElse(null);
  }

  /** Inserts the section after the begin marker of the results block (creating the file or block if needed). */
  static void record(Path file, String section) throws IOException {
    String text = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "# Benchmarks\n\n";
    if (!text.contains(BEGIN)) {
      text = text + "\n## Results\n\n" + BEGIN + "\n" + END + "\n";
    }
    int at = text.indexOf(BEGIN) + BEGIN.length();
    text = text.substring(0, at) + "\n\n" + section.strip() + "\n" + text.substring(at);
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }

  private String gitCommit() {
    String head = run("git", "-C", home.toString(), "rev-parse", "--short", "HEAD");
    String dirty = run("git", "-C", home.toString(), "status", "--porcelain", "--untracked-files=no");
    return "`" + head + "`" + (dirty.isBlank() ? "" : " (with uncommitted changes)");
  }

  private static String uptime() {
    return run("uptime").strip();
  }

  private static long memTotalGib() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          return Math.round(Long.parseLong(line.replaceAll("[^0-9]", "")) / 1048576.0);
        }
      }
    } catch (IOException e) {
      // not Linux: unknown
    }
    return -1;
  }

  private static String run(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      p.waitFor();
      return out;
    } catch (IOException e) {
      return "?";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "?";
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
