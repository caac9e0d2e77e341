package org.leancx.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.leancx.capacity.CapacityTables;
import org.leancx.common.ReportingPeriod;
import org.leancx.common.Step;
import org.leancx.common.Summarised;
import org.leancx.common.TableContract;
import org.leancx.common.Warehouse;
import org.leancx.conditions.ConditionTables;
import org.leancx.demand.DemandTables;
import org.leancx.guardrails.GuardrailTables;
import org.leancx.journeys.JourneyTables;
import org.leancx.leadtime.LeadTimeTables;

/**
 * Writes the leancx report: one self-contained HTML file with inline SVG charts over the output tables. Every query
 * aggregates on the cluster and collects only a small result (a few hundred rows at most) to the driver.
 */
public final class HtmlReport {
  /** The charts of the report, by their data-chart name, in order. */
  public static final List<String> CHARTS =
      List.of("failure-share", "root-conditions", "lead-time", "lead-time-forecast", "flow-efficiency",
          "wip-littles-law", "slo-burn", "capacity", "efficiency-twins", "automation-burn", "vulnerable-outcomes",
          "experiments", "survey-outcomes");

  /** What one report run wrote: the file, and the charts drawn and the ones without data. */
  public record Result(Path file, List<String> drawn, List<String> noData) implements Summarised {
    public Result {
      drawn = List.copyOf(drawn);
      noData = List.copyOf(noData);
    }

    /** E.g. {@code report/leancx-report.html: 6 charts; no data for lead-time}. */
    @Override
    public String summary() {
      return file + ": " + drawn.size() + " charts"
          + (noData.isEmpty() ? "" : "; no data for " + String.join(", ", noData));
    }
  }

  private record Chart(String name, String heading, String explanation, String command, List<TableContract> tables,
      Supplier<String> svg) {}

  private final Warehouse warehouse;
  private final SparkSession spark;

  private HtmlReport(Warehouse warehouse) {
    this.warehouse = warehouse;
    this.spark = warehouse.spark();
  }

  /** Queries the tables of the warehouse and writes the report to file (parent folders created). */
  public static Result write(Warehouse warehouse, Path file) throws IOException {
    return new HtmlReport(warehouse).writeTo(file);
  }

  private Result writeTo(Path file) throws IOException {
    List<Chart> charts =
        List.of(
            new Chart("failure-share", "Failure demand share by subtype",
                "Weekly FAILURE contacts of each subtype as a share of all contacts (demand_daily). Light points: weeks"
                    + " the data covers only in part.",
                "./leancx failure-demand", List.of(DemandTables.DEMAND_DAILY), this::failureShare),
            new Chart("root-conditions", "Top root-condition sets by excess cost",
                "The condition sets whose failures exceed the baseline the most, priced (root_conditions).",
                "./leancx root-conditions", List.of(ConditionTables.ROOT_CONDITIONS), this::rootConditions),
            new Chart("lead-time", "Lead-time distribution of closed journeys",
                "Histogram of the lead time of closed journeys in days, with the 50th, 85th and 95th percentiles"
                    + " (journeys).",
                "./leancx journeys", List.of(JourneyTables.JOURNEYS), this::leadTime),
            new Chart("lead-time-forecast", "Remaining lead time: predicted against actual, by events seen",
                "Held-out journeys of the cross-validation that lead-time-model train runs on the warehouse's"
                    + " journeys (model_evaluation_by_prefix, dataset warehouse, all folds): per prefix-length band,"
                    + " the mean true remaining time, the mean GBT forecast (the one in lead_time_forecast) and the"
                    + " baseline's, and the band from the mean P10 to the mean P90 of the AFT interval. The title"
                    + " gives the MAE and the interval's coverage (about 80% when it is calibrated).",
                "./leancx lead-time-model train", List.of(LeadTimeTables.MODEL_EVALUATION_BY_PREFIX),
                this::leadTimeForecast),
            new Chart("flow-efficiency", "Flow efficiency by week",
                "Mean touch time / lead time of the journeys closed in each week, for all journeys and the three largest"
                    + " journey types (journeys). Light points: weeks the journeys cover only in part.",
                "./leancx journeys", List.of(JourneyTables.JOURNEYS), this::flowEfficiency),
            new Chart("wip-littles-law", "Measured WIP against Little's Law",
                "Open journeys at the end of each day against λ·W, the arrival rate times the mean lead time over"
                    + " the trailing window (flow_daily). A ratio far from 1 means the flow is not stable.",
                "./leancx journeys", List.of(JourneyTables.FLOW_DAILY), this::wip),
            new Chart("slo-burn", "SLO error-budget burn rate",
                "Breaches / allowed breaches per SLO period and journey type (journey_slo); above the dashed line"
                    + " (1.0) the error budget is spent.",
                "./leancx journeys", List.of(JourneyTables.JOURNEY_SLO, JourneyTables.JOURNEYS), this::sloBurn),
            new Chart("capacity", "Agent-hours with and without failure demand",
                "Scheduled agent-hours per period for all demand, for value demand only, and at the peak"
                    + " (capacity_summary): the gap is the capacity failure demand consumes. Light points: periods"
                    + " the data covers only in part (complete_period = false), whose sums are lower for that reason.",
                "./leancx capacity", List.of(CapacityTables.CAPACITY_SUMMARY), this::capacity),
            new Chart("efficiency-twins", "Handle time against the repeats it causes, per team",
                "Per team, over the settled contacts of every period (efficiency_twins): the repeats its contacts"
                    + " caused per 100 contacts, with the mean handle time and the full cost per need beside it."
                    + " [flag]: in its latest complete period the team's handle time fell while its repeats rose.",
                "./leancx guardrails", List.of(GuardrailTables.EFFICIENCY_TWINS), this::efficiencyTwins),
            new Chart("automation-burn", "Automation SLOs: error-budget burn per flow",
                "Breaches / allowed breaches per period for each automation flow's containment and safe hand-off"
                    + " objective (automation_slo); above the dashed line (1.0) the budget is spent, and"
                    + " leancx guardrails --fail-on-exhausted stops the line when that happens in the latest complete"
                    + " assessed period.",
                "./leancx guardrails", List.of(GuardrailTables.AUTOMATION_SLO), this::automationBurn),
            new Chart("vulnerable-outcomes", "Vulnerable customers against everyone else",
                "Per period (protected_outcomes, all journey types pooled): the share of settled contacts not"
                    + " resolved first time, for customers in vulnerable circumstances (guardrails.vulnerable) and for"
                    + " the others. A persistent gap is a harm the averages hide; the table holds the intervals and"
                    + " the measures worse beyond them.",
                "./leancx guardrails", List.of(GuardrailTables.PROTECTED_OUTCOMES), this::vulnerableOutcomes),
            new Chart("experiments", "Experiments: each arm against its control, per need",
                "Per experiment and arm (experiment_results): the difference to the control arm in percent of the"
                    + " control's value, with its 95% interval from a bootstrap clustered by customer. Every measure"
                    + " is better lower: green where the whole interval is below 0, red where it is above. A change"
                    + " can be cheaper per first contact and dearer per resolved need. [SRM]: the arms' sizes do not"
                    + " match the planned split; do not trust that experiment.",
                "./leancx experiment", List.of(org.leancx.experiments.ExperimentTables.EXPERIMENT_RESULTS),
                this::experiments),
            new Chart("survey-outcomes", "NPS by how the journey went",
                "Net promoter score (-100..100) of the surveys linked to the journey they are about (survey_outcomes),"
                    + " by journey outcome, lead-time band and vulnerable customers, with 95% intervals: the link"
                    + " from operations to loyalty. The NPS score's fall per repeat and per lead-time day, from one"
                    + " regression, is in the table's slope rows.",
                "./leancx surveys", List.of(org.leancx.surveys.SurveyTables.SURVEY_OUTCOMES), this::surveyOutcomes));
    Map<String, String> sections = new LinkedHashMap<>();
    List<String> drawn = new ArrayList<>();
    List<String> noData = new ArrayList<>();
    for (Chart chart : charts) {
      String svg = null;
      if (chart.tables().stream().allMatch(warehouse::exists)) {
        chart.tables().forEach(t -> warehouse.read(t).createOrReplaceTempView("report_" + t.name()));
        svg = Step.run(spark, "report", "chart " + chart.name(), chart.svg());
      }
      StringBuilder section = new StringBuilder();
      section.append("<section id=\"").append(chart.name()).append("\"><h2>").append(Svg.escape(chart.heading()))
          .append("</h2><p>").append(Svg.escape(chart.explanation())).append("</p>");
      if (svg == null) {
        noData.add(chart.name());
        section.append("<p class=\"nodata\" data-no-data=\"").append(chart.name()).append("\">no data: run <code>")
            .append(Svg.escape(chart.command())).append("</code> (table ")
            .append(chart.tables().stream().map(TableContract::name).reduce((a, b) -> a + ", " + b).orElse(""))
            .append(" is missing or empty)</p>");
      } else {
        drawn.add(chart.name());
        section.append(svg);
      }
      sections.put(chart.name(), section.append("</section>").toString());
    }
    String html = page(sections);
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(file, html, StandardCharsets.UTF_8);
    return new Result(file.toAbsolutePath(), drawn, noData);
  }

  private String page(Map<String, String> sections) {
    StringBuilder sb = new StringBuilder();
    sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>leancx report</title>")
        .append("<style>")
        .append("body{font-family:system-ui,-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;margin:24px auto;")
        .append("max-width:1000px;color:#222;background:#fff}h1{margin-bottom:4px}h2{margin:28px 0 4px;font-size:20px}")
        .append("p{margin:4px 0 8px;color:#444}.meta{color:#666;font-size:13px}nav a{margin-right:12px}")
        .append("section{border-top:1px solid #ddd;padding-top:8px}svg{display:block;max-width:100%;height:auto}")
        .append("svg text{font-size:12px;fill:#333}svg .t{font-size:14px;font-weight:600}")
        .append("svg .xl{text-anchor:middle}svg .yl{text-anchor:end}svg .bl{text-anchor:end}svg .lg{fill:#222}")
        .append("svg .g{stroke:#e4e4e4}svg .ref{stroke:#555;stroke-dasharray:4 4}")
        .append(".nodata{padding:24px;background:#f6f6f6;border:1px dashed #aaa;color:#555}")
        .append("</style></head><body>\n<h1>leancx report</h1>\n<p class=\"meta\">Generated ")
        .append(Instant.now().toString(), 0, 19).append(" UTC from warehouse ")
        .append(Svg.escape(warehouse.settings().path()))
        .append(". Self-contained: inline SVG, no scripts, nothing fetched.</p>\n<nav>");
    sections.keySet().forEach(n -> sb.append("<a href=\"#").append(n).append("\">").append(n).append("</a>"));
    sb.append("</nav>\n");
    sections.values().forEach(s -> sb.append(s).append('\n'));
    return sb.append("</body></html>\n").toString();
  }

  private List<Row> query(String sql) {
    return spark.sql(sql).collectAsList();
  }

  /** Groups rows (key, date, value) into series by key, in order of first appearance. */
  private static List<Svg.Series> series(List<Row> rows) {
    Map<String, List<LocalDate>> dates = new LinkedHashMap<>();
    Map<String, List<Double>> values = new LinkedHashMap<>();
    for (Row r : rows) {
      String key = String.valueOf(r.get(0));
      dates.computeIfAbsent(key, k -> new ArrayList<>()).add(r.getDate(1).toLocalDate());
      values.computeIfAbsent(key, k -> new ArrayList<>()).add(r.isNullAt(2) ? null : ((Number) r.get(2)).doubleValue());
    }
    List<Svg.Series> out = new ArrayList<>();
    dates.forEach((k, d) -> out.add(new Svg.Series(k, d, values.get(k))));
    return out;
  }

  /**
   * The weeks among the points of {@code rows} (column 1 a week's Monday) that the covered days {@code coverage}
   * (one row: first day, last day) hold only in part; the same rule as the tables' complete_period.
   */
  private static Set<LocalDate> partialWeeks(List<Row> rows, List<Row> coverage) {
    LocalDate first = coverage.isEmpty() || coverage.get(0).isNullAt(0) ? null : coverage.get(0).getDate(0).toLocalDate();
    LocalDate last = coverage.isEmpty() || coverage.get(0).isNullAt(1) ? null : coverage.get(0).getDate(1).toLocalDate();
    Set<LocalDate> partial = new TreeSet<>();
    for (Row r : rows) {
      LocalDate week = r.getDate(1).toLocalDate();
      if (!ReportingPeriod.WEEK.isComplete(week, first, last)) {
        partial.add(week);
      }
    }
    return partial;
  }

  private String failureShare() {
    List<Row> rows =
        query("WITH w AS (SELECT CAST(date_trunc('WEEK', contact_date) AS DATE) AS week, failure_by_subtype, contacts"
            + " FROM report_demand_daily), total AS (SELECT week, sum(contacts) AS contacts FROM w GROUP BY week),"
            + " sub AS (SELECT week, s.subtype, sum(s.n) AS n FROM w LATERAL VIEW explode(failure_by_subtype) s AS"
            + " subtype, n GROUP BY week, s.subtype), rank AS (SELECT subtype, sum(n) AS n FROM sub GROUP BY subtype"
            + " ORDER BY n DESC, subtype LIMIT 8)"
            + " SELECT r.subtype, t.week, coalesce(s.n, 0) / t.contacts AS share FROM total t CROSS JOIN rank r"
            + " LEFT JOIN sub s ON s.week = t.week AND s.subtype = r.subtype WHERE t.contacts > 0"
            + " ORDER BY r.n DESC, r.subtype, t.week");
    if (rows.isEmpty()) {
      return null;
    }
    Set<LocalDate> partial =
        partialWeeks(rows, query("SELECT min(contact_date), max(contact_date) FROM report_demand_daily"));
    return Svg.lines("failure-share", "Failure demand share of all contacts, by subtype (weekly)", "share of contacts",
        series(rows), Double.NaN, true, partial);
  }

  private String rootConditions() {
    List<Row> rows =
        query("SELECT outcome, array_join(conditions, ' AND ') AS c, excess_cost FROM report_root_conditions"
            + " ORDER BY excess_cost DESC, rank LIMIT 12");
    if (rows.isEmpty()) {
      return null;
    }
    List<Svg.Bar> bars = new ArrayList<>();
    boolean several = rows.stream().map(r -> r.getString(0)).distinct().count() > 1;
    for (Row r : rows) {
      bars.add(new Svg.Bar((several ? r.getString(0) + ": " : "") + r.getString(1), r.getDouble(2)));
    }
    return Svg.bars("root-conditions", "Top condition sets by excess cost of failure", bars, "");
  }

  private String leadTime() {
    List<Row> p =
        query("SELECT count(*), percentile(lead_time_seconds, 0.5), percentile(lead_time_seconds, 0.85),"
            + " percentile(lead_time_seconds, 0.95), percentile(lead_time_seconds, 0.99)"
            + " FROM report_journeys WHERE status = 'CLOSED'");
    if (p.isEmpty() || p.get(0).getLong(0) == 0) {
      return null;
    }
    double day = 86400;
    double p50 = p.get(0).getDouble(1) / day;
    double p85 = p.get(0).getDouble(2) / day;
    double p95 = p.get(0).getDouble(3) / day;
    // Bins up to the 99th percentile; the long tail goes into the last bin.
    double top = Math.max(p.get(0).getDouble(4) / day, 1.0 / 24);
    int bins = 40;
    double width = top / bins;
    long[] counts = new long[bins];
    for (Row r : query("SELECT least(CAST(floor(lead_time_seconds / 86400.0 / " + width + ") AS INT), " + (bins - 1)
        + ") AS b, count(*) FROM report_journeys WHERE status = 'CLOSED' GROUP BY 1")) {
      counts[r.getInt(0)] = r.getLong(1);
    }
    double[] edges = new double[bins + 1];
    for (int i = 0; i <= bins; i++) {
      edges[i] = i * width;
    }
    return Svg.histogram("lead-time", "Lead time of closed journeys (days; last bin holds the tail beyond p99)",
        "lead time, days", edges, counts,
        List.of(new Svg.Marker("p50 " + Svg.number(p50) + " d", p50), new Svg.Marker("p85 " + Svg.number(p85) + " d",
            p85), new Svg.Marker("p95 " + Svg.number(p95) + " d", p95)));
  }

  private String flowEfficiency() {
    List<Row> rows =
        query("WITH c AS (SELECT journey_type, CAST(date_trunc('WEEK', ended_at) AS DATE) AS week, flow_efficiency"
            + " FROM report_journeys WHERE status = 'CLOSED' AND flow_efficiency IS NOT NULL),"
            + " top AS (SELECT journey_type, count(*) AS n FROM c GROUP BY journey_type ORDER BY n DESC,"
            + " journey_type LIMIT 3)"
            + " SELECT 'all journeys' AS k, week, avg(flow_efficiency), 0 AS o, 0 AS n FROM c GROUP BY week"
            + " UNION ALL SELECT c.journey_type, week, avg(flow_efficiency), 1, first(top.n) FROM c JOIN top USING"
            + " (journey_type) GROUP BY c.journey_type, week ORDER BY o, n DESC, k, week");
    if (rows.isEmpty()) {
      return null;
    }
    // The journeys cover the days from the first start to the last event; a week beyond either end is partial.
    Set<LocalDate> partial = partialWeeks(rows,
        query("SELECT to_date(min(started_at)), to_date(max(last_event_at)) FROM report_journeys"));
    return Svg.lines("flow-efficiency", "Flow efficiency (touch time / lead time) of journeys closed each week",
        "flow efficiency", series(rows), Double.NaN, true, partial);
  }

  private String wip() {
    List<Row> rows =
        query("SELECT flow_date, sum(wip) AS wip, sum(littles_law_wip) AS ll FROM report_flow_daily"
            + " GROUP BY flow_date ORDER BY flow_date");
    if (rows.isEmpty()) {
      return null;
    }
    List<LocalDate> dates = new ArrayList<>();
    List<Double> wip = new ArrayList<>();
    List<Double> ll = new ArrayList<>();
    for (Row r : rows) {
      dates.add(r.getDate(0).toLocalDate());
      wip.add((double) r.getLong(1));
      ll.add(r.isNullAt(2) ? null : r.getDouble(2));
    }
    return Svg.lines("wip-littles-law", "Work in progress: measured against λ·W (all journey types)", "journeys",
        List.of(new Svg.Series("measured WIP", dates, wip), new Svg.Series("λ·W (Little's Law)", dates, ll, "6 3")),
        Double.NaN, false);
  }

  private String sloBurn() {
    List<Row> rows =
        query("SELECT journey_type, period_start, burn_rate, period_end FROM report_journey_slo"
            + " WHERE burn_rate IS NOT NULL ORDER BY journey_type, period_start");
    if (rows.isEmpty()) {
      return null;
    }
    // A period the journeys cover only in part (before the first start or after the last event, usually the first
    // and the current period) is drawn as a light point: its burn rate is of a part of the period.
    List<Row> coverage = query("SELECT to_date(min(started_at)), to_date(max(last_event_at)) FROM report_journeys");
    LocalDate first = coverage.isEmpty() || coverage.get(0).isNullAt(0) ? null : coverage.get(0).getDate(0).toLocalDate();
    LocalDate last = coverage.isEmpty() || coverage.get(0).isNullAt(1) ? null : coverage.get(0).getDate(1).toLocalDate();
    Set<LocalDate> partial = new TreeSet<>();
    for (Row r : rows) {
      LocalDate start = r.getDate(1).toLocalDate();
      LocalDate end = r.getDate(3).toLocalDate();
      if (first == null || last == null || start.isBefore(first) || end.isAfter(last)) {
        partial.add(start);
      }
    }
    return Svg.lines("slo-burn", "Error-budget burn rate per SLO period (dashed: 1.0 = budget spent)", "burn rate",
        series(rows), 1.0, false, partial);
  }

  /** The period_start values of a view's rows with complete_period false: drawn as light points. */
  private Set<LocalDate> partialPeriods(String view) {
    Set<LocalDate> partial = new TreeSet<>();
    for (Row r : query("SELECT DISTINCT period_start FROM " + view + " WHERE NOT complete_period")) {
      partial.add(r.getDate(0).toLocalDate());
    }
    return partial;
  }

  private String automationBurn() {
    List<Row> rows =
        query("SELECT concat(automation_flow, ' containment'), period_start, containment_burn_rate"
            + " FROM report_automation_slo WHERE containment_burn_rate IS NOT NULL"
            + " UNION ALL SELECT concat(automation_flow, ' safe hand-off'), period_start, safe_hand_off_burn_rate"
            + " FROM report_automation_slo WHERE safe_hand_off_burn_rate IS NOT NULL ORDER BY 1, 2");
    if (rows.isEmpty()) {
      return null;
    }
    Set<LocalDate> partial = partialPeriods("report_automation_slo");
    return Svg.lines("automation-burn", "Error-budget burn rate per flow and SLO (dashed: 1.0 = budget spent)",
        "burn rate", series(rows), 1.0, false, partial);
  }

  private String leadTimeForecast() {
    // Pooled over folds: each fold's band means weighted by its predictions.
    List<Row> rows =
        query("SELECT prefix_band, band_min_length, model, sum(predictions),"
            + " sum(mean_actual_days * predictions) / sum(predictions),"
            + " sum(mean_predicted_days * predictions) / sum(predictions),"
            + " sum(mean_lower_days * predictions) / sum(predictions),"
            + " sum(mean_upper_days * predictions) / sum(predictions),"
            + " sum(mae_days * predictions) / sum(predictions),"
            + " sum(interval_coverage * predictions) / sum(predictions)"
            + " FROM report_model_evaluation_by_prefix WHERE dataset = 'warehouse'"
            + " GROUP BY prefix_band, band_min_length, model ORDER BY band_min_length, model");
    if (rows.isEmpty()) {
      return null;
    }
    List<String> bands = new ArrayList<>();
    Map<String, Map<String, Row>> byModel = new LinkedHashMap<>();
    for (Row r : rows) {
      if (!bands.contains(r.getString(0))) {
        bands.add(r.getString(0));
      }
      byModel.computeIfAbsent(r.getString(2), m -> new LinkedHashMap<>()).put(r.getString(0), r);
    }
    java.util.function.BiFunction<String, Integer, List<Double>> column = (model, index) -> {
      List<Double> out = new ArrayList<>();
      for (String b : bands) {
        Row r = byModel.getOrDefault(model, Map.of()).get(b);
        out.add(r == null || r.isNullAt(index) ? null : r.getDouble(index));
      }
      return out;
    };
    String anyModel = byModel.containsKey("gbt") ? "gbt" : byModel.keySet().iterator().next();
    List<Svg.CategorySeries> series = new ArrayList<>();
    series.add(new Svg.CategorySeries("actual (mean)", column.apply(anyModel, 4), null));
    series.add(new Svg.CategorySeries("gbt forecast (mean)", column.apply("gbt", 5), null));
    series.add(new Svg.CategorySeries("baseline (mean)", column.apply("baseline", 5), "6 3"));
    StringBuilder title = new StringBuilder("Remaining days by events seen (held-out journeys)");
    double mae = weighted(byModel.get("gbt"), 8);
    if (!Double.isNaN(mae)) {
      title.append(String.format(java.util.Locale.ROOT, "; gbt MAE %.2f d against baseline %.2f d", mae,
          weighted(byModel.get("baseline"), 8)));
    }
    double coverage = weighted(byModel.get("aft"), 9);
    if (!Double.isNaN(coverage)) {
      title.append(String.format(java.util.Locale.ROOT, "; P10-P90 holds %.0f%%", coverage * 100));
    }
    return Svg.bandLines("lead-time-forecast", title.toString(), "remaining days", "events seen so far (prefix length)",
        bands, series, "aft P10-P90 (mean)", column.apply("aft", 6), column.apply("aft", 7));
  }

  /** The prediction-weighted mean of column {@code index} over a model's band rows, or NaN. */
  private static double weighted(Map<String, Row> bands, int index) {
    if (bands == null) {
      return Double.NaN;
    }
    double sum = 0;
    long n = 0;
    for (Row r : bands.values()) {
      if (!r.isNullAt(index)) {
        sum += r.getDouble(index) * r.getLong(3);
        n += r.getLong(3);
      }
    }
    return n == 0 ? Double.NaN : sum / n;
  }

  private String vulnerableOutcomes() {
    List<Row> rows =
        query("SELECT segment, period_start,"
            + " 1.0D - CAST(sum(resolved_first_time) AS DOUBLE) / sum(settled_contacts)"
            + " FROM report_protected_outcomes WHERE segment IN ('vulnerable', 'other')"
            + " GROUP BY segment, period_start HAVING sum(settled_contacts) > 0 ORDER BY segment DESC, period_start");
    if (rows.isEmpty()) {
      return null;
    }
    Set<LocalDate> partial = partialPeriods("report_protected_outcomes");
    return Svg.lines("vulnerable-outcomes", "Not resolved first time: vulnerable customers and the others",
        "share of settled contacts", series(rows), Double.NaN, true, partial);
  }

  private String efficiencyTwins() {
    List<Row> rows =
        query("SELECT team, CAST(sum(repeats_caused) * 100 AS DOUBLE) / sum(settled_contacts),"
            + " sum(handle_mean_seconds * contacts)"
            + " / sum(CASE WHEN handle_mean_seconds IS NOT NULL THEN contacts END),"
            + " (sum(contact_cost) + sum(caused_cost)) / sum(settled_contacts),"
            + " max_by(goodhart_flag, struct(complete_period, period_start))"
            + " FROM report_efficiency_twins GROUP BY team HAVING sum(settled_contacts) > 0"
            + " ORDER BY 2 DESC, team LIMIT 16");
    if (rows.isEmpty()) {
      return null;
    }
    List<Svg.Bar> bars = new ArrayList<>();
    for (Row r : rows) {
      String handle = r.isNullAt(2) ? "handle n/a" : String.format(java.util.Locale.ROOT, "handle %.1f min",
          r.getDouble(2) / 60);
      bars.add(new Svg.Bar(String.format(java.util.Locale.ROOT, "%s (%s, full cost %.2f)%s", r.getString(0), handle,
          r.getDouble(3), !r.isNullAt(4) && r.getBoolean(4) ? " [flag]" : ""), r.getDouble(1)));
    }
    return Svg.bars("efficiency-twins", "Repeats caused per 100 settled contacts, by team", bars, "");
  }

  private String experiments() {
    List<Row> rows =
        query("SELECT experiment, arm, control_arm, measure, 100 * difference / abs(control_value),"
            + " 100 * difference_low / abs(control_value), 100 * difference_high / abs(control_value), verdict,"
            + " sample_ratio_mismatch FROM report_experiment_results"
            + " WHERE NOT is_control AND difference_low IS NOT NULL AND control_value <> 0"
            + " ORDER BY experiment, arm, measure LIMIT 40");
    if (rows.isEmpty()) {
      return null;
    }
    List<Svg.Estimate> estimates = new ArrayList<>();
    for (Row r : rows) {
      estimates.add(new Svg.Estimate(String.format(java.util.Locale.ROOT, "%s %s vs %s: %s%s", r.getString(0),
          r.getString(1), r.getString(2), r.getString(3).replace('_', ' '), r.getBoolean(8) ? " [SRM]" : ""),
          r.getDouble(4), r.getDouble(5), r.getDouble(6), r.getString(7)));
    }
    return Svg.forest("experiments", "Difference to the control arm, % of the control's value", estimates, "%");
  }

  private String surveyOutcomes() {
    List<Row> rows =
        query("SELECT dimension, segment, nps, nps_ci_low, nps_ci_high, nps_responses FROM report_survey_outcomes"
            + " WHERE dimension <> 'slope' AND nps IS NOT NULL ORDER BY CASE dimension WHEN 'all' THEN 0"
            + " WHEN 'journey_outcome' THEN 1 WHEN 'lead_time_band' THEN 2 ELSE 3 END, segment");
    if (rows.isEmpty()) {
      return null;
    }
    List<Svg.Estimate> estimates = new ArrayList<>();
    for (Row r : rows) {
      estimates.add(new Svg.Estimate(String.format(java.util.Locale.ROOT, "%s: %s (%,d answers)",
          r.getString(0).replace('_', ' '), r.getString(1).replace('_', ' '), r.getLong(5)), r.getDouble(2),
          r.getDouble(3), r.getDouble(4), ""));
    }
    return Svg.forest("survey-outcomes", "Net promoter score with its 95% interval", estimates, "");
  }

  private String capacity() {
    List<Row> rows =
        query("SELECT period_start, sum(agent_hours_scheduled), sum(value_agent_hours_scheduled),"
            + " sum(peak_agent_hours_scheduled), bool_and(coalesce(complete_period, false))"
            + " FROM report_capacity_summary GROUP BY period_start ORDER BY period_start");
    if (rows.isEmpty()) {
      return null;
    }
    List<LocalDate> dates = new ArrayList<>();
    List<Double> all = new ArrayList<>();
    List<Double> value = new ArrayList<>();
    List<Double> peak = new ArrayList<>();
    Set<LocalDate> partial = new TreeSet<>();
    for (Row r : rows) {
      dates.add(r.getDate(0).toLocalDate());
      all.add(r.getDouble(1));
      value.add(r.getDouble(2));
      peak.add(r.getDouble(3));
      if (!r.getBoolean(4)) {
        partial.add(r.getDate(0).toLocalDate());
      }
    }
    return Svg.lines("capacity", "Scheduled agent-hours per period: all demand against value demand only",
        "agent-hours", List.of(new Svg.Series("all demand", dates, all), new Svg.Series("value demand only", dates,
            value), new Svg.Series("peak staffing", dates, peak, "6 3")), Double.NaN, false, partial);
  }
}
