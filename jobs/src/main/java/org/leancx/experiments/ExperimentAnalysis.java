package org.leancx.experiments;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.mllib.linalg.Vectors;
import org.apache.spark.mllib.stat.Statistics;

/**
 * The comparison of an experiment's arms on the driver: each measure per arm, its difference to the control arm, and
 * the difference's interval from a bootstrap clustered by customer. Each resample weighs every customer with one
 * Poisson(1) draw (the Poisson bootstrap: a customer's needs stay together, as they are not independent), from a
 * seeded generator over the customers in key order, so the same data and seed give the same intervals.
 */
public final class ExperimentAnalysis {
  private ExperimentAnalysis() {}

  /**
   * One need of the experiment, as collected from the needs frame.
   *
   * @param arm its arm
   * @param cluster its customer (the bootstrap's cluster; the journey when it has no customer)
   * @param settled the journey is CLOSED: only settled needs enter the measures
   * @param contacts its contacts
   * @param failureContacts its contacts classed FAILURE
   * @param repeated it had at least one recontact
   * @param firstContactCost cost of its first contact (channel cost and handle time); NaN when it has no contact
   * @param fullCost its full cost
   * @param leadTimeHours its lead time in hours
   */
  public record Need(String arm, String cluster, boolean settled, long contacts, long failureContacts,
      boolean repeated, double firstContactCost, double fullCost, double leadTimeHours) {}

  /** The measures, each better when lower. */
  public enum Measure {
    CONTACTS_PER_NEED("contacts"),
    FIRST_CONTACT_COST("currency"),
    FULL_COST_PER_RESOLVED_NEED("currency"),
    FAILURE_DEMAND_SHARE("share"),
    REPEAT_RATE("share"),
    LEAD_TIME_P50_HOURS("hours"),
    LEAD_TIME_P85_HOURS("hours");

    private final String unit;

    Measure(String unit) {
      this.unit = unit;
    }

    /** The measure's name in experiment_results. */
    public String column() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** contacts, currency, share or hours. */
    public String unit() {
      return unit;
    }
  }

  /** Verdicts of experiment_results. */
  public static final String BETTER = "better";
  public static final String WORSE = "worse";
  public static final String NO_DIFFERENCE = "no difference";
  public static final String CONTROL = "control";

  /** One arm's counts. */
  public record ArmSize(String arm, long needs, long settledNeeds, long customers) {}

  /** One row of experiment_results, before the experiment's columns are added. */
  public record Outcome(String arm, boolean isControl, Measure measure, Double value, Double controlValue,
      Double difference, Double low, Double high, Double relativeDifference, String verdict) {}

  /** The comparison: arm sizes, the sample-ratio p-value (null when not tested), and the outcomes. */
  public record Comparison(List<ArmSize> arms, Double srmPValue, List<Outcome> outcomes) {}

  /**
   * Compares every arm with the control.
   *
   * @param split expected share of customers per arm for the sample-ratio check; empty = equal; null = no check
   */
  public static Comparison compare(List<Need> needs, String control, Map<String, Double> split, int resamples,
      long seed, double confidence) {
    TreeMap<String, Integer> clusterIndex = new TreeMap<>();
    TreeSet<String> armNames = new TreeSet<>();
    for (Need n : needs) {
      clusterIndex.putIfAbsent(n.cluster(), 0);
      armNames.add(n.arm());
    }
    if (!armNames.contains(control)) {
      throw new IllegalArgumentException("The control arm '" + control + "' has no needs; the arms found are "
          + armNames + ". Check the experiment's control value (and its attribute, list or dates).");
    }
    int i = 0;
    for (Map.Entry<String, Integer> e : clusterIndex.entrySet()) {
      e.setValue(i++);
    }
    Map<String, ArmData> data = new TreeMap<>();
    List<ArmSize> sizes = new ArrayList<>();
    for (String arm : armNames) {
      List<Need> of = needs.stream().filter(n -> n.arm().equals(arm)).toList();
      ArmData d = new ArmData(of.stream().filter(Need::settled).toList(), clusterIndex);
      data.put(arm, d);
      sizes.add(new ArmSize(arm, of.size(), d.size(), of.stream().map(Need::cluster).distinct().count()));
    }
    Double srm = split == null ? null : sampleRatioPValue(sizes, split);

    int customers = clusterIndex.size();
    double[] ones = new double[customers];
    Arrays.fill(ones, 1.0);
    Map<String, double[]> point = new TreeMap<>();
    for (String arm : armNames) {
      point.put(arm, data.get(arm).measures(ones));
    }
    int measures = Measure.values().length;
    Map<String, double[][]> differences = new TreeMap<>();
    for (String arm : armNames) {
      if (!arm.equals(control)) {
        differences.put(arm, new double[measures][resamples]);
      }
    }
    SplittableRandom random = new SplittableRandom(seed);
    double[] weights = new double[customers];
    for (int r = 0; r < resamples; r++) {
      for (int c = 0; c < customers; c++) {
        weights[c] = poisson(random);
      }
      double[] controlMeasures = data.get(control).measures(weights);
      for (Map.Entry<String, double[][]> e : differences.entrySet()) {
        double[] armMeasures = data.get(e.getKey()).measures(weights);
        for (int m = 0; m < measures; m++) {
          e.getValue()[m][r] = armMeasures[m] - controlMeasures[m];
        }
      }
    }

    double alpha = 1 - confidence;
    List<Outcome> outcomes = new ArrayList<>();
    double[] controlPoint = point.get(control);
    for (String arm : armNames) {
      boolean isControl = arm.equals(control);
      for (Measure m : Measure.values()) {
        Double value = finite(point.get(arm)[m.ordinal()]);
        Double controlValue = finite(controlPoint[m.ordinal()]);
        if (isControl) {
          outcomes.add(new Outcome(arm, true, m, value, controlValue, null, null, null, null, CONTROL));
          continue;
        }
        Double difference = value == null || controlValue == null ? null : value - controlValue;
        double[] sample = Arrays.stream(differences.get(arm)[m.ordinal()]).filter(Double::isFinite).sorted().toArray();
        Double low = null;
        Double high = null;
        // Fewer than half the resamples usable (an arm empty in most of them): no interval.
        if (difference != null && sample.length >= resamples / 2) {
          low = quantile(sample, alpha / 2);
          high = quantile(sample, 1 - alpha / 2);
        }
        String verdict = low == null ? NO_DIFFERENCE : high < 0 ? BETTER : low > 0 ? WORSE : NO_DIFFERENCE;
        Double relative = difference == null || controlValue == 0 ? null : difference / controlValue;
        outcomes.add(new Outcome(arm, false, m, value, controlValue, difference, low, high, relative, verdict));
      }
    }
    return new Comparison(List.copyOf(sizes), srm, List.copyOf(outcomes));
  }

  /**
   * The p-value of the chi-square goodness-of-fit test of the arms' customers against the expected shares (equal
   * when {@code split} is empty); null with fewer than two arms.
   */
  static Double sampleRatioPValue(List<ArmSize> sizes, Map<String, Double> split) {
    if (sizes.size() < 2) {
      return null;
    }
    double[] observed = new double[sizes.size()];
    double[] expected = new double[sizes.size()];
    for (int i = 0; i < sizes.size(); i++) {
      observed[i] = sizes.get(i).customers();
      expected[i] = split.isEmpty() ? 1.0 : split.getOrDefault(sizes.get(i).arm(), 0.0);
      if (expected[i] <= 0) {
        throw new IllegalArgumentException("The arm '" + sizes.get(i).arm() + "' has needs but no share in the"
            + " experiment's split " + split + ": add it, e.g. split { " + sizes.get(i).arm() + " = 0.5 }.");
      }
    }
    return Statistics.chiSqTest(Vectors.dense(observed), Vectors.dense(expected)).pValue();
  }

  /** A Poisson(1) draw (Knuth's method: about 2 uniform draws on average). */
  static int poisson(SplittableRandom random) {
    double limit = Math.exp(-1.0);
    int k = 0;
    double p = random.nextDouble();
    while (p > limit) {
      k++;
      p *= random.nextDouble();
    }
    return k;
  }

  /** The q-quantile of sorted values, interpolated linearly between order statistics. */
  static double quantile(double[] sorted, double q) {
    double h = (sorted.length - 1) * q;
    int lo = (int) Math.floor(h);
    int hi = Math.min(sorted.length - 1, lo + 1);
    return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
  }

  private static Double finite(double v) {
    return Double.isFinite(v) ? v : null;
  }

  /** The settled needs of one arm as arrays, lead times in ascending order for the weighted percentiles. */
  private static final class ArmData {
    private final int[] cluster;
    private final double[] contacts;
    private final double[] failures;
    private final double[] repeated;
    private final double[] firstCost;
    private final double[] fullCost;
    private final double[] leadTime;

    ArmData(List<Need> settled, Map<String, Integer> clusterIndex) {
      List<Need> byLeadTime = new ArrayList<>(settled);
      byLeadTime.sort(java.util.Comparator.comparingDouble(Need::leadTimeHours)
          .thenComparing(Need::cluster));
      int n = byLeadTime.size();
      cluster = new int[n];
      contacts = new double[n];
      failures = new double[n];
      repeated = new double[n];
      firstCost = new double[n];
      fullCost = new double[n];
      leadTime = new double[n];
      for (int i = 0; i < n; i++) {
        Need need = byLeadTime.get(i);
        cluster[i] = clusterIndex.get(need.cluster());
        contacts[i] = need.contacts();
        failures[i] = need.failureContacts();
        repeated[i] = need.repeated() ? 1 : 0;
        firstCost[i] = need.firstContactCost();
        fullCost[i] = need.fullCost();
        leadTime[i] = need.leadTimeHours();
      }
    }

    int size() {
      return cluster.length;
    }

    /** Every measure under the customers' weights, in {@link Measure} order; NaN where undefined. */
    double[] measures(double[] weights) {
      double w = 0;
      double contactSum = 0;
      double failureSum = 0;
      double repeatSum = 0;
      double firstSum = 0;
      double firstWeight = 0;
      double fullSum = 0;
      for (int i = 0; i < cluster.length; i++) {
        double wi = weights[cluster[i]];
        if (wi == 0) {
          continue;
        }
        w += wi;
        contactSum += wi * contacts[i];
        failureSum += wi * failures[i];
        repeatSum += wi * repeated[i];
        fullSum += wi * fullCost[i];
        if (!Double.isNaN(firstCost[i])) {
          firstSum += wi * firstCost[i];
          firstWeight += wi;
        }
      }
      double[] out = new double[Measure.values().length];
      out[Measure.CONTACTS_PER_NEED.ordinal()] = contactSum / w;
      out[Measure.FIRST_CONTACT_COST.ordinal()] = firstSum / firstWeight;
      out[Measure.FULL_COST_PER_RESOLVED_NEED.ordinal()] = fullSum / w;
      out[Measure.FAILURE_DEMAND_SHARE.ordinal()] = failureSum / contactSum;
      out[Measure.REPEAT_RATE.ordinal()] = repeatSum / w;
      out[Measure.LEAD_TIME_P50_HOURS.ordinal()] = weightedQuantile(weights, w, 0.50);
      out[Measure.LEAD_TIME_P85_HOURS.ordinal()] = weightedQuantile(weights, w, 0.85);
      return out;
    }

    /** The smallest lead time whose cumulative weight reaches q of the total (NaN when the total is 0). */
    private double weightedQuantile(double[] weights, double total, double q) {
      if (total == 0) {
        return Double.NaN;
      }
      double target = q * total;
      double cumulative = 0;
      for (int i = 0; i < leadTime.length; i++) {
        cumulative += weights[cluster[i]];
        if (cumulative >= target - 1e-9) {
          return leadTime[i];
        }
      }
      return leadTime[leadTime.length - 1];
    }
  }
}
