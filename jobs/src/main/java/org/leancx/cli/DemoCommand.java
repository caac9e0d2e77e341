package org.leancx.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.leancx.common.RunLog;
import org.leancx.common.Summarised;
import org.leancx.common.TableContract;
import org.leancx.common.TableFingerprint;
import org.leancx.common.Warehouse;
import org.leancx.demand.FailureDemand;
import org.leancx.generate.Generator;
import org.leancx.ingest.IngestJob;
import org.leancx.journeys.Journeys;
import org.leancx.leadtime.LeadTimeForecast;
import org.leancx.daily.DailyRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The whole pipeline on synthetic data: generate, ingest, every job, then the list of tables written. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Generate a synthetic data set (generate.customers, default ~280k contacts over 180 days), ingest it, run every"
          + " job, and print the tables written with their row counts. A rerun leaves identical tables.",
      "  ./leancx demo --set generate.customers=2000     (a small, fast run)"
    })
final class DemoCommand implements Callable<Integer> {
  /** Where the demo keeps the fingerprints of its last run, inside the warehouse folder. */
  static final String FINGERPRINT_FILE = "_demo_fingerprints.properties";
  /** The lead-time model version the demo trains and predicts with. */
  static final String DEMO_MODEL_VERSION = "demo";

  @Mixin ConfigOptions config;

  @Option(
      names = "--check-identical",
      description = "After the run, compare every table with the fingerprints of the previous demo run and fail if"
          + " any differs (proves that a rerun replaces, never duplicates).")
  boolean checkIdentical;

  /** One step of the demo. */
  record Stage(String name, Supplier<Object> body) {}

  @Override
  public Integer call() throws IOException {
    long t0 = System.nanoTime();
    Environment env = Environment.open(config);
    Warehouse w = env.warehouse();
    var s = env.settings();
    String raw = s.path("generate.output");
    List<Stage> stages =
        List.of(
            new Stage("generate synthetic raw exports", () -> Generator.run(w, s)),
            new Stage("ingest contacts", () -> IngestJob.run(w, s, "synthetic_contacts", raw + "/contacts")),
            new Stage("ingest case events", () -> IngestJob.run(w, s, "synthetic_case_events", raw + "/case_events")),
            new Stage("ingest surveys", () -> IngestJob.run(w, s, "synthetic_surveys", raw + "/surveys")),
            new Stage("failure-demand", () -> FailureDemand.run(w, s, FailureDemand.Slice.full())),
            // Journeys before the model (it trains on closed journeys); root-conditions runs in the nightly step,
            // which recomputes it over the whole history anyway (docs/DAILY.md): a run of its own here was 40 s of
            // the small demo for tables the nightly run then replaced.
            new Stage("journeys", () -> Journeys.run(w, s, "demo")),
            // A fixed version name, so that a rerun replaces the demo model instead of adding one.
            new Stage("lead-time-model train", () -> LeadTimeForecast.train(w, s, DEMO_MODEL_VERSION)),
            new Stage("daily --date <last day> (one more night)", () -> daily(w, s)));
    for (int i = 0; i < stages.size(); i++) {
      Stage stage = stages.get(i);
      long t = System.nanoTime();
      System.out.printf("[%d/%d] %s ...%n", i + 1, stages.size(), stage.name());
      Object result = stage.body().get();
      String summary = result instanceof Summarised summarised ? summarised.summary() : String.valueOf(result);
      System.out.printf(
          Locale.ROOT, "[%d/%d] %s done in %.1f s: %s%n", i + 1, stages.size(), stage.name(), seconds(t), summary);
    }

    Map<String, TableFingerprint> fingerprints = new LinkedHashMap<>();
    System.out.println();
    System.out.println("Tables written (Delta, query them as " + w.settings().database() + ".<table>, e.g. ./leancx sql"
        + " \"SELECT * FROM " + w.settings().database() + ".demand_daily LIMIT 10\"):");
    // As wide as the longest table name (root_conditions_explained is 25 characters).
    String line = "  %-" + Contracts.all().stream().mapToInt(c -> c.name().length()).max().orElse(5) + "s %12s  %s%n";
    System.out.printf(line, "table", "rows", "location");
    for (TableContract c : Contracts.all()) {
      if (!w.exists(c)) {
        continue;
      }
      // run_id differs between runs by design; every other column must be identical on a rerun.
      var table = w.read(c);
      TableFingerprint f = TableFingerprint.of(c.columnNames().contains("run_id") ? table.drop("run_id") : table);
      if (!c.name().equals(RunLog.PIPELINE_RUNS.name())) {
        fingerprints.put(c.name(), f);
      }
      System.out.printf(Locale.ROOT, line, c.name(), String.format(Locale.ROOT, "%,d", f.rows()),
          w.location(c));
    }
    Path fingerprintFile = Path.of(w.settings().path(), FINGERPRINT_FILE);
    List<String> differing = compare(fingerprintFile, fingerprints);
    save(fingerprintFile, fingerprints);
    System.out.printf("%nDemo finished in %.1f s. Raw exports: %s. Run log: ./leancx runs%n", seconds(t0), raw);
    if (checkIdentical) {
      if (differing == null) {
        throw new IllegalStateException(
            "--check-identical: no fingerprints of a previous demo run in " + fingerprintFile + ". Run the demo once"
                + " without it first.");
      }
      if (!differing.isEmpty()) {
        throw new IllegalStateException("--check-identical: these tables differ from the previous run: " + differing);
      }
      System.out.println("--check-identical: all " + fingerprints.size() + " tables are identical to the previous run.");
    }
    return 0;
  }

  /** {@code leancx daily} for the last contact date, with the report; its jobs print indented lines. */
  private static Object daily(Warehouse w, org.leancx.common.Settings s) {
    java.sql.Date last =
        w.read(org.leancx.ingest.CanonicalTables.CONTACTS).agg(org.apache.spark.sql.functions.max("contact_date"))
            .first().getDate(0);
    return DailyRun.run(w, s, last.toLocalDate(), last.toLocalDate(), reportFile(w),
        line -> System.out.println("      " + line));
  }

  /**
   * Where the last stage writes the HTML report: report/leancx-report.html beside the warehouse folder (./report/ for the
   * default ./warehouse), so that a demo into a scratch warehouse does not overwrite the project's report.
   */
  private static Path reportFile(Warehouse w) {
    Path base = Path.of(w.settings().path()).toAbsolutePath().normalize().getParent();
    return base.resolve(ReportCommand.DEFAULT_OUT);
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  /** The tables whose fingerprint differs from the saved one, or null when nothing was saved. */
  private static List<String> compare(Path file, Map<String, TableFingerprint> now) throws IOException {
    if (!Files.exists(file)) {
      return null;
    }
    Properties before = new Properties();
    try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      before.load(in);
    }
    List<String> differing = new ArrayList<>();
    for (Map.Entry<String, TableFingerprint> e : now.entrySet()) {
      if (!format(e.getValue()).equals(before.getProperty(e.getKey()))) {
        differing.add(e.getKey() + " (was " + before.getProperty(e.getKey()) + ", now " + format(e.getValue()) + ")");
      }
    }
    return differing;
  }

  private static void save(Path file, Map<String, TableFingerprint> fingerprints) throws IOException {
    Properties p = new Properties();
    fingerprints.forEach((k, v) -> p.setProperty(k, format(v)));
    Files.createDirectories(file.getParent());
    try (var out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      p.store(out, "leancx demo: rows:hash of every table after the last demo run");
    }
  }

  private static String format(TableFingerprint f) {
    return f.rows() + ":" + Long.toHexString(f.hashSum());
  }
}
