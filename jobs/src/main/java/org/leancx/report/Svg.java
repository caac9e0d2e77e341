package org.leancx.report;

import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Inline SVG charts drawn in Java: line charts over dates, horizontal bars and a histogram with marker lines. No
 * JavaScript, so the report renders anywhere (browsers, CI screenshots, mail clients) with nothing to fetch.
 */
final class Svg {
  static final int WIDTH = 960;
  static final int HEIGHT = 340;
  private static final int LEFT = 70;
  private static final int RIGHT = 190;
  private static final int TOP = 40;
  private static final int BOTTOM = 44;
  static final String[] PALETTE = {
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"
  };

  /** One named line of (date, value) points. */
  record Series(String name, List<LocalDate> dates, List<Double> values, String dash) {
    Series(String name, List<LocalDate> dates, List<Double> values) {
      this(name, dates, values, null);
    }
  }

  /** One labelled bar. */
  record Bar(String label, double value) {}

  /** One labelled estimate with its interval and verdict (better, worse, no difference), for a forest plot. */
  record Estimate(String label, double value, double low, double high, String verdict) {}

  /** A vertical marker line on a histogram, e.g. a percentile. */
  record Marker(String label, double x) {}

  private Svg() {}

  private static StringBuilder open(String chart, String title) {
    return open(chart, title, "");
  }

  private static StringBuilder open(String chart, String title, String attributes) {
    StringBuilder sb = new StringBuilder();
    sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" data-chart=\"").append(escape(chart)).append('"')
        .append(attributes).append(" role=\"img\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT)
        .append("\" width=\"").append(WIDTH).append("\" height=\"").append(HEIGHT).append("\">");
    sb.append("<title>").append(escape(title)).append("</title>");
    sb.append("<text x=\"").append(LEFT).append("\" y=\"22\" class=\"t\">").append(escape(title)).append("</text>");
    return sb;
  }

  /** The opening of a chart of labelled rows (bars, a forest plot): as tall as its rows, the title at the left edge. */
  private static StringBuilder openRows(String chart, String title, int height) {
    StringBuilder sb = new StringBuilder();
    sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" data-chart=\"").append(escape(chart))
        .append("\" role=\"img\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(height)
        .append("\" width=\"").append(WIDTH).append("\" height=\"").append(height).append("\">");
    sb.append("<title>").append(escape(title)).append("</title>");
    sb.append("<text x=\"10\" y=\"22\" class=\"t\">").append(escape(title)).append("</text>");
    return sb;
  }

  /** A line chart of several series over dates; yLine draws a dashed reference line (NaN for none). */
  static String lines(String chart, String title, String yLabel, List<Series> series, double yLine, boolean percent) {
    return lines(chart, title, yLabel, series, yLine, percent, Set.of());
  }

  /**
   * A line chart whose points on the {@code partial} dates (periods the data covers only in part, usually the first
   * and the last) are drawn as light points off the line, so that their lower sums do not read as a drop. The svg
   * element lists them in {@code data-partial-periods}.
   */
  static String lines(String chart, String title, String yLabel, List<Series> series, double yLine, boolean percent,
      Set<LocalDate> partial) {
    String attributes = partial.isEmpty() ? ""
        : " data-partial-periods=\"" + partial.stream().sorted().map(LocalDate::toString).collect(Collectors.joining(","))
            + "\"";
    StringBuilder sb = open(chart, title, attributes);
    LocalDate min = null;
    LocalDate max = null;
    double yMax = Double.isNaN(yLine) ? 0 : yLine;
    for (Series s : series) {
      for (int i = 0; i < s.dates().size(); i++) {
        LocalDate d = s.dates().get(i);
        min = min == null || d.isBefore(min) ? d : min;
        max = max == null || d.isAfter(max) ? d : max;
        Double v = s.values().get(i);
        if (v != null && !v.isNaN()) {
          yMax = Math.max(yMax, v);
        }
      }
    }
    yMax = nice(yMax);
    double x0 = min.toEpochDay();
    double xSpan = Math.max(1, max.toEpochDay() - x0);
    int plotW = WIDTH - LEFT - RIGHT;
    int plotH = HEIGHT - TOP - BOTTOM;
    yAxis(sb, yMax, yLabel, percent);
    // x ticks: about six dates
    int ticks = 6;
    for (int i = 0; i <= ticks; i++) {
      long day = Math.round(x0 + xSpan * i / ticks);
      double x = LEFT + plotW * (day - x0) / xSpan;
      sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" class=\"xl\">%s</text>", x, HEIGHT - BOTTOM + 18,
          LocalDate.ofEpochDay(day)));
    }
    if (!Double.isNaN(yLine)) {
      double y = TOP + plotH * (1 - yLine / yMax);
      sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" class=\"ref\"/>", LEFT,
          LEFT + plotW, y, y));
    }
    for (int k = 0; k < series.size(); k++) {
      Series s = series.get(k);
      String color = PALETTE[k % PALETTE.length];
      StringBuilder pts = new StringBuilder();
      StringBuilder partialPoints = new StringBuilder();
      for (int i = 0; i < s.dates().size(); i++) {
        Double v = s.values().get(i);
        if (v == null || v.isNaN()) {
          continue;
        }
        LocalDate d = s.dates().get(i);
        double x = LEFT + plotW * (d.toEpochDay() - x0) / xSpan;
        double y = TOP + plotH * (1 - v / yMax);
        if (partial.contains(d)) {
          partialPoints.append(String.format(Locale.ROOT,
              "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\" fill-opacity=\"0.3\" stroke=\"%s\""
                  + " stroke-opacity=\"0.5\" class=\"partial\"><title>%s, %s: %s (partial period: the data covers only"
                  + " part of it)</title></circle>",
              x, y, color, color, escape(s.name()), d, number(v)));
        } else {
          pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
        }
      }
      sb.append("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"").append(color).append('"')
          .append(s.dash() == null ? "" : " stroke-dasharray=\"" + s.dash() + "\"")
          .append(" points=\"").append(pts.toString().strip()).append("\"><title>").append(escape(s.name()))
          .append("</title></polyline>");
      sb.append(partialPoints);
      legend(sb, k, s.name(), color, s.dash());
    }
    if (!partial.isEmpty()) {
      int x = WIDTH - RIGHT + 16;
      int y = TOP + 8 + series.size() * 20 + 6;
      sb.append(String.format(Locale.ROOT,
          "<circle cx=\"%d\" cy=\"%d\" r=\"4\" fill=\"#555\" fill-opacity=\"0.3\" stroke=\"#555\""
              + " stroke-opacity=\"0.5\"/><text x=\"%d\" y=\"%d\" class=\"lg\">partial period</text>",
          x + 11, y, x + 28, y + 4));
    }
    return sb.append("</svg>").toString();
  }

  /** One named line over the categories of {@link #bandLines}; a null value leaves a gap. */
  record CategorySeries(String name, List<Double> values, String dash) {}

  /**
   * Lines over ordered categories (e.g. prefix-length bands) with a shaded band from {@code lower} to {@code upper}
   * (null entries: no band there), named {@code bandName} in the legend.
   */
  static String bandLines(String chart, String title, String yLabel, String xLabel, List<String> categories,
      List<CategorySeries> series, String bandName, List<Double> lower, List<Double> upper) {
    StringBuilder sb = open(chart, title);
    double yMax = 0;
    for (CategorySeries s : series) {
      for (Double v : s.values()) {
        yMax = v == null || v.isNaN() ? yMax : Math.max(yMax, v);
      }
    }
    for (Double v : upper) {
      yMax = v == null || v.isNaN() ? yMax : Math.max(yMax, v);
    }
    yMax = nice(yMax);
    int plotW = WIDTH - LEFT - RIGHT;
    int plotH = HEIGHT - TOP - BOTTOM;
    int n = categories.size();
    java.util.function.IntToDoubleFunction x = i -> LEFT + plotW * (i + 0.5) / n;
    final double top = yMax;
    java.util.function.DoubleUnaryOperator y = v -> TOP + plotH * (1 - v / top);
    yAxis(sb, yMax, yLabel, false);
    for (int i = 0; i < n; i++) {
      sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" class=\"xl\">%s</text>", x.applyAsDouble(i),
          HEIGHT - BOTTOM + 18, escape(categories.get(i))));
    }
    sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" class=\"xl\">%s</text>", LEFT + plotW / 2,
        HEIGHT - 6, escape(xLabel)));
    // The band: a polygon along the upper values left to right, back along the lower ones.
    StringBuilder upperPts = new StringBuilder();
    StringBuilder lowerPts = new StringBuilder();
    for (int i = 0; i < n; i++) {
      if (lower.get(i) != null && upper.get(i) != null) {
        upperPts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x.applyAsDouble(i), y.applyAsDouble(upper.get(i))));
        lowerPts.insert(0, String.format(Locale.ROOT, "%.1f,%.1f ", x.applyAsDouble(i),
            y.applyAsDouble(lower.get(i))));
      }
    }
    String bandColor = "#9ecae1";
    if (upperPts.length() > 0) {
      sb.append("<polygon class=\"band\" fill=\"").append(bandColor).append("\" fill-opacity=\"0.45\" stroke=\"none\""
          + " points=\"").append((upperPts.toString() + lowerPts).strip()).append("\"><title>")
          .append(escape(bandName)).append("</title></polygon>");
    }
    for (int k = 0; k < series.size(); k++) {
      CategorySeries s = series.get(k);
      String color = PALETTE[k % PALETTE.length];
      StringBuilder pts = new StringBuilder();
      for (int i = 0; i < n; i++) {
        Double v = s.values().get(i);
        if (v == null || v.isNaN()) {
          continue;
        }
        pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x.applyAsDouble(i), y.applyAsDouble(v)));
        sb.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"><title>%s, %s: %s"
            + "</title></circle>", x.applyAsDouble(i), y.applyAsDouble(v), color, escape(s.name()),
            escape(categories.get(i)), number(v)));
      }
      sb.append("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"").append(color).append('"')
          .append(s.dash() == null ? "" : " stroke-dasharray=\"" + s.dash() + "\"")
          .append(" points=\"").append(pts.toString().strip()).append("\"><title>").append(escape(s.name()))
          .append("</title></polyline>");
      legend(sb, k, s.name(), color, s.dash());
    }
    if (upperPts.length() > 0) {
      int lx = WIDTH - RIGHT + 16;
      int ly = TOP + 8 + series.size() * 20;
      sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"22\" height=\"10\" fill=\"%s\""
          + " fill-opacity=\"0.45\"/><text x=\"%d\" y=\"%d\" class=\"lg\">%s</text>", lx, ly - 5, bandColor,
          lx + 28, ly + 4, escape(bandName.length() > 22 ? bandName.substring(0, 21) + "..." : bandName)));
    }
    return sb.append("</svg>").toString();
  }

  /** Horizontal bars, largest first as given, with the value printed at the end of each bar. */
  static String bars(String chart, String title, List<Bar> bars, String unit) {
    int rowH = 26;
    int labelW = 440;
    int height = TOP + rowH * bars.size() + 20;
    StringBuilder sb = openRows(chart, title, height);
    double max = bars.stream().mapToDouble(Bar::value).max().orElse(1);
    max = max <= 0 ? 1 : max;
    int plotW = WIDTH - labelW - 110;
    for (int i = 0; i < bars.size(); i++) {
      Bar b = bars.get(i);
      double y = TOP + i * rowH;
      double w = Math.max(1, plotW * Math.max(0, b.value()) / max);
      String label = b.label().length() > 60 ? b.label().substring(0, 57) + "..." : b.label();
      sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" class=\"bl\">%s</text>", labelW - 8,
          y + rowH * 0.62, escape(label)));
      sb.append(String.format(Locale.ROOT,
          "<rect x=\"%d\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" fill=\"%s\"><title>%s: %s</title></rect>", labelW,
          y + 3, w, rowH - 6, PALETTE[0], escape(b.label()), number(b.value())));
      sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" class=\"v\">%s%s</text>", labelW + w + 6,
          y + rowH * 0.62, number(b.value()), escape(unit)));
    }
    return sb.append("</svg>").toString();
  }

  /**
   * A forest plot: one row per estimate, a point at its value and a whisker over its interval, on a shared axis with
   * a line at 0; green when the verdict is better, red when worse, grey otherwise.
   */
  static String forest(String chart, String title, List<Estimate> rows, String unit) {
    int rowH = 26;
    int labelW = 430;
    int plotW = WIDTH - labelW - 120;
    int height = TOP + rowH * rows.size() + 34;
    double extent = 0;
    for (Estimate e : rows) {
      extent = Math.max(extent, Math.max(Math.abs(e.low()), Math.abs(e.high())));
    }
    extent = nice(extent);
    double scale = plotW / (2 * extent);
    double zero = labelW + plotW / 2.0;
    StringBuilder sb = openRows(chart, title, height);
    int bottom = TOP + rowH * rows.size();
    sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" class=\"ref\"/>", zero,
        TOP - 4, zero, bottom));
    for (double tick : new double[] {-extent, -extent / 2, extent / 2, extent}) {
      double x = zero + tick * scale;
      sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" class=\"xl\">%s%s</text>", x, bottom + 16,
          number(tick), escape(unit)));
    }
    sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" class=\"xl\">0</text>", zero, bottom + 16));
    for (int i = 0; i < rows.size(); i++) {
      Estimate e = rows.get(i);
      double y = TOP + i * rowH + rowH / 2.0;
      String color = "better".equals(e.verdict()) ? PALETTE[2] : "worse".equals(e.verdict()) ? PALETTE[1] : PALETTE[7];
      String label = e.label().length() > 62 ? e.label().substring(0, 59) + "..." : e.label();
      sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" class=\"bl\">%s</text>", labelW - 8, y + 4,
          escape(label)));
      sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\""
          + " stroke-width=\"2\"/>", zero + e.low() * scale, y, zero + e.high() * scale, y, color));
      sb.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"%s\"><title>%s: %s%s"
          + " [%s, %s] %s</title></circle>", zero + e.value() * scale, y, color, escape(e.label()), number(e.value()),
          escape(unit), number(e.low()), number(e.high()), escape(e.verdict())));
      sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" class=\"v\">%s%s %s</text>",
          labelW + plotW + 10, y + 4, e.value() > 0 ? "+" : "", number(e.value()) + escape(unit), escape(e.verdict())));
    }
    return sb.append("</svg>").toString();
  }

  /** A histogram of counts per bin [edges[i], edges[i+1]) with labelled vertical markers. */
  static String histogram(String chart, String title, String xLabel, double[] edges, long[] counts,
      List<Marker> markers) {
    StringBuilder sb = open(chart, title);
    double yMax = 0;
    for (long c : counts) {
      yMax = Math.max(yMax, c);
    }
    yMax = nice(yMax);
    int plotW = WIDTH - LEFT - RIGHT;
    int plotH = HEIGHT - TOP - BOTTOM;
    double x0 = edges[0];
    double span = Math.max(1e-9, edges[edges.length - 1] - x0);
    yAxis(sb, yMax, "journeys", false);
    for (int i = 0; i < counts.length; i++) {
      double xa = LEFT + plotW * (edges[i] - x0) / span;
      double xb = LEFT + plotW * (edges[i + 1] - x0) / span;
      double h = plotH * counts[i] / yMax;
      sb.append(String.format(Locale.ROOT,
          "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s-%s: %d</title></rect>",
          xa + 0.5, TOP + plotH - h, Math.max(0.5, xb - xa - 1), h, PALETTE[0], number(edges[i]),
          number(edges[i + 1]), counts[i]));
    }
    for (int i = 0; i <= 6; i++) {
      double v = x0 + span * i / 6;
      sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" class=\"xl\">%s</text>", LEFT + plotW * i / 6.0,
          HEIGHT - BOTTOM + 18, number(v)));
    }
    sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" class=\"xl\">%s</text>", LEFT + plotW / 2,
        HEIGHT - 6, escape(xLabel)));
    for (int k = 0; k < markers.size(); k++) {
      Marker m = markers.get(k);
      double x = LEFT + plotW * (Math.min(m.x(), edges[edges.length - 1]) - x0) / span;
      String color = PALETTE[(k + 1) % PALETTE.length];
      sb.append(String.format(Locale.ROOT,
          "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\" stroke-dasharray=\"6 3\"/>",
          x, x, TOP, TOP + plotH, color));
      legend(sb, k, m.label(), color, "6 3");
    }
    return sb.append("</svg>").toString();
  }

  private static void yAxis(StringBuilder sb, double yMax, String yLabel, boolean percent) {
    int plotW = WIDTH - LEFT - RIGHT;
    int plotH = HEIGHT - TOP - BOTTOM;
    for (int i = 0; i <= 5; i++) {
      double v = yMax * i / 5;
      double y = TOP + plotH * (1 - i / 5.0);
      sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" class=\"g\"/>", LEFT,
          LEFT + plotW, y, y));
      sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" class=\"yl\">%s</text>", LEFT - 6, y + 4,
          percent ? String.format(Locale.ROOT, "%.0f%%", v * 100) : number(v)));
    }
    sb.append(String.format(Locale.ROOT,
        "<text transform=\"translate(14 %d) rotate(-90)\" class=\"xl\">%s</text>", TOP + plotH / 2, escape(yLabel)));
  }

  private static void legend(StringBuilder sb, int k, String name, String color, String dash) {
    int x = WIDTH - RIGHT + 16;
    int y = TOP + 8 + k * 20;
    sb.append(String.format(Locale.ROOT,
        "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"3\"%s/>", x, x + 22, y, y, color,
        dash == null ? "" : " stroke-dasharray=\"" + dash + "\""));
    String label = name.length() > 22 ? name.substring(0, 21) + "..." : name;
    sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" class=\"lg\">%s</text>", x + 28, y + 4,
        escape(label)));
  }

  /** The smallest 1, 2 or 5 times a power of ten at or above v (1 for v <= 0). */
  static double nice(double v) {
    if (v <= 0 || Double.isNaN(v)) {
      return 1;
    }
    double p = Math.pow(10, Math.floor(Math.log10(v)));
    for (double m : new double[] {1, 2, 5, 10}) {
      if (m * p >= v - 1e-12) {
        return m * p;
      }
    }
    return 10 * p;
  }

  static String number(double v) {
    double a = Math.abs(v);
    if (a >= 1000) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    if (a >= 10 || v == Math.rint(v)) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    return String.format(Locale.ROOT, a >= 1 ? "%.1f" : "%.2f", v);
  }

  static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
