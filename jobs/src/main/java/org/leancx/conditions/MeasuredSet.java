package org.leancx.conditions;

import java.util.List;

/**
 * One condition set as measured over all touches: how many touches meet it, how many of them failed, and what their
 * failures cost. The empty set is every touch (the baseline).
 *
 * @param conditions the sorted items, e.g. [channel=bot, need_family=billing]
 * @param support touches meeting every condition
 * @param failures of which failed
 * @param failureCost summed cost of those failures
 */
public record MeasuredSet(List<String> conditions, long support, long failures, double failureCost) {
  /** z of a two-sided 95% interval. */
  public static final double Z95 = 1.959963984540054;

  public MeasuredSet {
    conditions = conditions.stream().sorted().toList();
    if (failures < 0 || failures > support) {
      throw new IllegalArgumentException(
          "Set " + conditions + " has " + failures + " failures of " + support + " touches.");
    }
  }

  public int size() {
    return conditions.size();
  }

  /** failures / support (0 for an empty set). */
  public double failureRate() {
    return support == 0 ? 0.0 : (double) failures / support;
  }

  /** failure_rate / baseline_rate. */
  public double lift(double baselineRate) {
    return baselineRate == 0 ? 0.0 : failureRate() / baselineRate;
  }

  /** failures - support x baseline_rate: the failures beyond what the baseline rate predicts. */
  public double excessFailures(double baselineRate) {
    return failures - support * baselineRate;
  }

  /** Mean cost of one failure in the set (0 without failures). */
  public double costPerFailure() {
    return failures == 0 ? 0.0 : failureCost / failures;
  }

  /** excess_failures x the set's mean cost of a failure. */
  public double excessCost(double baselineRate) {
    return excessFailures(baselineRate) * costPerFailure();
  }

  /** The Wilson score interval {low, high} of the failure rate at the given z (1.96 for 95%). */
  public static double[] wilson(long failures, long n, double z) {
    if (n == 0) {
      return new double[] {0.0, 1.0};
    }
    double p = (double) failures / n;
    double z2 = z * z;
    double denominator = 1 + z2 / n;
    double centre = (p + z2 / (2.0 * n)) / denominator;
    double half = z / denominator * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
    return new double[] {Math.max(0.0, centre - half), Math.min(1.0, centre + half)};
  }

  /** The 95% Wilson interval of this set's failure rate. */
  public double[] interval() {
    return wilson(failures, support, Z95);
  }
}
