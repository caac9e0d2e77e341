package org.leancx.daily;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.leancx.capacity.CapacitySettings;
import org.leancx.capacity.CapacityWhatIf;
import org.leancx.capacity.LeanScorecard;
import org.leancx.capacity.ScorecardSettings;
import org.leancx.common.JobRunner;
import org.leancx.common.Settings;
import org.leancx.common.Summarised;
import org.leancx.common.Warehouse;
import org.leancx.conditions.ConditionSettings;
import org.leancx.conditions.RootConditions;
import org.leancx.demand.DemandTables;
import org.leancx.demand.FailureDemand;
import org.leancx.experiments.ExperimentSettings;
import org.leancx.experiments.Experiments;
import org.leancx.guardrails.Guardrails;
import org.leancx.ingest.CanonicalTables;
import org.leancx.surveys.Surveys;
import org.leancx.guardrails.GuardrailSettings;
import org.leancx.demand.DemandSettings;
import org.leancx.journeys.Journeys;
import org.leancx.leadtime.LeadTimeForecast;
import org.leancx.report.HtmlReport;

/**
 * {@code leancx daily}: every job after ingest, for a logical date, in one session. The jobs see the warehouse as
 * known at the end of the date (contacts, case events and contact_demand of later dates are not read), so a rerun of
 * the date, today or after later dates have been loaded, writes what the date's own run wrote. Semantics per job:
 * docs/DAILY.md.
 */
public final class DailyRun {
  public static final String JOB = "daily";

  /**
   * The tables read as of the logical date, each with the column that dates its rows. The other inputs of the jobs
   * (journeys, journey_steps, ...) are written earlier in the same run from these.
   */
  public static final Map<String, String> DATED_INPUTS =
      Map.of(
          CanonicalTables.CONTACTS.name(), "contact_date",
          CanonicalTables.CASE_EVENTS.name(), "event_date",
          DemandTables.CONTACT_DEMAND.name(), "contact_date");

  private DailyRun() {}

  /** One job of a daily run: its name, its time and its summary line. */
  public record JobTime(String job, double seconds, String summary) {}

  /**
   * The jobs of one run.
   *
   * @param from first logical date
   * @param to last logical date
   * @param asOf the end of {@code to}: what the jobs were run as of
   * @param jobs the jobs run, in order
   * @param seconds the whole run's time
   */
  public record Result(LocalDate from, LocalDate to, Instant asOf, List<JobTime> jobs, double seconds)
      implements Summarised {
    public Result {
      jobs = List.copyOf(jobs);
    }

    /** E.g. {@code 2026-06-01 (as of 2026-06-02T00:00:00Z): 7 jobs in 63.2 s}. */
    @Override
    public String summary() {
      String dates = from.equals(to) ? from.toString() : from + ".." + to;
      return String.format(Locale.ROOT, "%s (as of %s): %d jobs in %.1f s", dates, asOf, jobs.size(), seconds);
    }
  }

  /** The end of a logical date, the instant its jobs run as of: the next day's midnight, UTC. */
  public static Instant endOf(LocalDate date) {
    return date.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
  }

  /**
   * What a job sees when it runs for a logical date: the end of the date, the warehouse reading the dated inputs
   * ({@link #DATED_INPUTS}) up to it, and the settings with open journeys aged to it. The one place that says so, for
   * {@code daily} and for every job's {@code --date}.
   */
  public record AsOf(Instant end, Settings settings, Warehouse warehouse) {
    public static AsOf endOf(LocalDate date, Settings settings, Warehouse warehouse) {
      Instant end = DailyRun.endOf(date);
      return new AsOf(end, settings.with("journeys.as-of", end.toString()), warehouse.readingUntil(end, DATED_INPUTS));
    }
  }

  /**
   * Runs every job for the dates {@code from..to} as one slice: failure-demand tags the contacts of those dates (and
   * re-tags its look-back), the other jobs run as of the end of {@code to}. A backfill day by day calls this once per
   * date.
   *
   * @param reportFile where the HTML report goes, or null for none
   * @param out one line per job as it ends
   */
  public static Result run(
      Warehouse warehouse, Settings settings, LocalDate from, LocalDate to, Path reportFile, Consumer<String> out) {
    if (to.isBefore(from)) {
      throw new IllegalArgumentException("--to " + to + " is before --from " + from + ": give --from <= --to.");
    }
    // Journeys open at the end of the date are aged to it, not to the latest event of the data.
    AsOf at = AsOf.endOf(to, settings, warehouse);
    Instant asOf = at.end();
    Warehouse w = at.warehouse();
    Settings s = at.settings();
    String arguments = "--from " + from + " --to " + to;
    return JobRunner.run(w, s, JOB, arguments, run -> {
      long t0 = System.nanoTime();
      List<JobTime> jobs = new ArrayList<>();
      String dated = from.equals(to) ? "--date " + to : arguments;
      FailureDemand.Slice slice = failureDemandSlice(w, from, to);
      timed(jobs, out, "failure-demand", () -> FailureDemand.run(w, s, slice));
      timed(jobs, out, "journeys", () -> Journeys.run(w, s, changedFrom(s, from), "journeys " + dated));
      timed(jobs, out, "root-conditions", () -> RootConditions.run(w, s, ConditionSettings.from(s).outcome()));
      String root = LeadTimeForecast.modelsRoot(w);
      if (LeadTimeForecast.newestVersion(w.spark(), root).isPresent()) {
        timed(jobs, out, "lead-time-model predict", () -> LeadTimeForecast.predict(w, s, null));
      } else {
        out.accept("lead-time-model predict: skipped, no model under " + root
            + " (train one with `leancx lead-time-model train`; daily runs then forecast with the newest)");
      }
      timed(jobs, out, "capacity", () -> CapacityWhatIf.run(w, s, CapacitySettings.from(s)));
      // Guardrails before the scorecard, which reads their tables for its protective columns.
      timed(jobs, out, "guardrails", () -> Guardrails.run(w, s, GuardrailSettings.from(s)));
      ExperimentSettings experiments = ExperimentSettings.from(s);
      if (experiments.names().isEmpty()) {
        out.accept("experiments: skipped, none configured (experiments.NAME in conf)");
      } else {
        timed(jobs, out, "experiments", () -> experiments.names().stream()
            .map(n -> Experiments.run(w, s, experiments, n).summary())
            .collect(java.util.stream.Collectors.joining("; ")));
      }
      // Surveys after journeys (each survey is linked to the journey of its contact or case); only where surveys are
      // loaded: most warehouses start without a survey source.
      if (w.exists(CanonicalTables.SURVEYS)) {
        timed(jobs, out, "surveys", () -> Surveys.run(w, s));
      } else {
        out.accept("surveys: skipped, no surveys table (load a survey export with leancx ingest --source NAME, a"
            + " mapping with target = surveys)");
      }
      timed(jobs, out, "scorecard", () -> LeanScorecard.run(w, s, ScorecardSettings.from(s)));
      if (reportFile != null) {
        timed(jobs, out, "report", () -> {
          try {
            return HtmlReport.write(w, reportFile);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
      }
      for (JobTime j : jobs) {
        run.count(j.job().replace(' ', '_').replace('-', '_') + "_ms", Math.round(j.seconds() * 1000));
      }
      return new Result(from, to, asOf, jobs, (System.nanoTime() - t0) / 1e9);
    });
  }

  /**
   * The failure-demand slice of the dates {@code from..to}, as of the end of {@code to}. The first run on a
   * warehouse without contact_demand tags the whole history up to {@code to}, so that the contacts before
   * {@code from} are there as prior contacts; later runs tag their dates and the look-back before them.
   */
  public static FailureDemand.Slice failureDemandSlice(Warehouse warehouse, LocalDate from, LocalDate to) {
    return new FailureDemand.Slice(warehouse.exists(DemandTables.CONTACT_DEMAND) ? from : null, to, endOf(to));
  }

  /**
   * The first date whose journeys a run for {@code from..} recomputes: {@code from} less the recontact look-back,
   * which failure-demand re-tags (a contact's is_recontact and need can change there, and records of those dates that
   * arrived late are read), docs/DAILY.md.
   */
  public static LocalDate changedFrom(Settings settings, LocalDate from) {
    return from.minusDays(DemandSettings.from(settings).recontact().lookBackDays());
  }

  private static void timed(List<JobTime> jobs, Consumer<String> out, String job, Supplier<Object> body) {
    long t = System.nanoTime();
    Object result = body.get();
    double seconds = (System.nanoTime() - t) / 1e9;
    String summary = result instanceof Summarised s ? s.summary() : String.valueOf(result);
    jobs.add(new JobTime(job, seconds, summary));
    out.accept(String.format(Locale.ROOT, "%s (%.1f s): %s", job, seconds, summary));
  }
}
