package org.leancx.surveys;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The pure transforms of the surveys job: link each survey to the journey it is about, then NPS and CSAT with their
 * intervals per dimension and segment, and the least-squares slopes of the NPS score on repeats and lead time.
 */
public final class SurveyOutcomes {
  // Input columns (surveys, journeys, journey_steps, the vulnerable customers).
  static final String SURVEY_ID = "survey_id";
  static final String CUSTOMER_KEY = "customer_key";
  static final String CONTACT_ID = "contact_id";
  static final String CASE_ID = "case_id";
  static final String NPS_SCORE = "nps";
  static final String CSAT_SCORE = "csat";
  static final String JOURNEY_ID = "journey_id";
  static final String STEP_ID = "step_id";
  static final String KIND = "kind";
  static final String REPEATS = "repeats";
  static final String LEAD_TIME_SECONDS = "lead_time_seconds";

  // Columns of the linked surveys.
  /** The journey's lead time in days (lead_time_seconds / 86,400). */
  public static final String LEAD_TIME_DAYS = "lead_time_days";
  /** yes or no: the survey's customer is vulnerable. */
  public static final String VULNERABLE = "vulnerable";

  // Output columns (survey_outcomes).
  static final String DIMENSION = "dimension";
  static final String SEGMENT = "segment";
  static final String RESPONSES = "responses";
  static final String NPS_RESPONSES = "nps_responses";
  static final String PROMOTERS = "promoters";
  static final String PASSIVES = "passives";
  static final String DETRACTORS = "detractors";
  static final String NPS = "nps";
  static final String NPS_CI_LOW = "nps_ci_low";
  static final String NPS_CI_HIGH = "nps_ci_high";
  static final String NPS_SCORE_MEAN = "nps_score_mean";
  static final String CSAT_RESPONSES = "csat_responses";
  static final String CSAT_MEAN = "csat_mean";
  static final String CSAT_CI_LOW = "csat_ci_low";
  static final String CSAT_CI_HIGH = "csat_ci_high";
  static final String COEFFICIENT = "coefficient";
  static final String COEFFICIENT_STANDARD_ERROR = "coefficient_standard_error";
  static final String COEFFICIENT_CI_LOW = "coefficient_ci_low";
  static final String COEFFICIENT_CI_HIGH = "coefficient_ci_high";

  /** The dimensions and their segments. */
  public static final String ALL = "all";
  public static final String JOURNEY_OUTCOME = "journey_outcome";
  public static final String LEAD_TIME_BAND = "lead_time_band";
  public static final String SLOPE = "slope";
  public static final String RESOLVED_FIRST_TIME = "resolved_first_time";
  public static final String REPEATED = "repeated";
  public static final String UNKNOWN = "unknown";
  public static final String PER_REPEAT = "per_repeat";
  public static final String PER_LEAD_TIME_DAY = "per_lead_time_day";
  /** Lead-time bands: label and lower bound in days (inclusive); each ends where the next begins. */
  static final List<String> BAND_LABELS = List.of("0-1d", "1-3d", "3-7d", "7-14d", "14d+");
  static final double[] BAND_LOWER_DAYS = {0, 1, 3, 7, 14};

  /** The normal quantile of a two-sided 95% interval. */
  static final double Z95 = 1.959963984540054;

  private static final double DAY_SECONDS = 86_400.0;
  private static final String CONTACT_JOURNEY = "_contact_journey";
  private static final String CASE_JOURNEY = "_case_journey";
  private static final String LINK_CONTACT = "_link_contact";
  private static final String LINK_CASE = "_link_case";
  private static final String LINK_JOURNEY = "_link_journey";
  private static final String LINK_CUSTOMER = "_link_customer";
  private static final String IS_VULNERABLE = "_is_vulnerable";
  private static final String ENTRY = "_entry";

  private SurveyOutcomes() {}

  /**
   * One row per survey (survey_id, customer_key, nps, csat) with the journey it is about: journey_id through its
   * contact_id (journey_steps.step_id of kind CONTACT), else its case_id (journeys.case_id), null when neither links;
   * the journey's repeats, lead_time_seconds and lead_time_days; and vulnerable (yes or no) from the vulnerable customers
   * (customer_key). A step or case in more than one journey takes the least journey_id, so no survey is counted twice.
   */
  public static Dataset<Row> linked(
      Dataset<Row> surveys, Dataset<Row> journeys, Dataset<Row> steps, Dataset<Row> vulnerable) {
    Dataset<Row> byContact =
        steps.where(col(KIND).equalTo("CONTACT"))
            .groupBy(col(STEP_ID).as(LINK_CONTACT))
            .agg(min(col(JOURNEY_ID)).as(CONTACT_JOURNEY));
    Dataset<Row> byCase =
        journeys.where(col(CASE_ID).isNotNull())
            .groupBy(col(CASE_ID).as(LINK_CASE))
            .agg(min(col(JOURNEY_ID)).as(CASE_JOURNEY));
    Dataset<Row> facts =
        journeys.select(col(JOURNEY_ID).as(LINK_JOURNEY), col(REPEATS), col(LEAD_TIME_SECONDS),
            col(LEAD_TIME_SECONDS).divide(DAY_SECONDS).as(LEAD_TIME_DAYS));
    Dataset<Row> flagged =
        vulnerable.select(col(CUSTOMER_KEY).as(LINK_CUSTOMER)).distinct().withColumn(IS_VULNERABLE, lit(true));
    return surveys
        .select(col(SURVEY_ID), col(CUSTOMER_KEY), col(CONTACT_ID), col(CASE_ID), col(NPS_SCORE), col(CSAT_SCORE))
        .join(byContact, col(CONTACT_ID).equalTo(col(LINK_CONTACT)), "left")
        .join(byCase, col(CASE_ID).equalTo(col(LINK_CASE)), "left")
        .withColumn(JOURNEY_ID, coalesce(col(CONTACT_JOURNEY), col(CASE_JOURNEY)))
        .join(facts, col(JOURNEY_ID).equalTo(col(LINK_JOURNEY)), "left")
        .join(flagged, col(CUSTOMER_KEY).equalTo(col(LINK_CUSTOMER)), "left")
        .withColumn(VULNERABLE, when(coalesce(col(IS_VULNERABLE), lit(false)), lit("yes")).otherwise(lit("no")))
        .select(col(SURVEY_ID), col(CUSTOMER_KEY), col(NPS_SCORE), col(CSAT_SCORE), col(JOURNEY_ID), col(REPEATS),
            col(LEAD_TIME_SECONDS), col(LEAD_TIME_DAYS), col(VULNERABLE));
  }

  /** The lead-time band of a lead time in days (BAND_LABELS); null for a null lead time. */
  static Column leadTimeBand(Column days) {
    Column band = lit(BAND_LABELS.get(BAND_LABELS.size() - 1));
    for (int i = BAND_LABELS.size() - 2; i >= 0; i--) {
      band = when(days.lt(BAND_LOWER_DAYS[i + 1]), lit(BAND_LABELS.get(i))).otherwise(band);
    }
    return when(days.isNotNull(), band);
  }

  /**
   * The survey_outcomes rows of every dimension but slope, from {@link #linked} rows: dimension all over every survey,
   * the others over the linked ones. NPS with its interval, CSAT mean with its interval; coefficient columns null.
   */
  public static Dataset<Row> segments(Dataset<Row> linked) {
    Column outcome =
        when(col(REPEATS).isNull(), lit(UNKNOWN))
            .when(col(REPEATS).equalTo(0), lit(RESOLVED_FIRST_TIME))
            .otherwise(lit(REPEATED));
    Column all = struct(lit(ALL).as(DIMENSION), lit(ALL).as(SEGMENT));
    Column entries =
        when(col(JOURNEY_ID).isNotNull(),
            array(all,
                struct(lit(JOURNEY_OUTCOME).as(DIMENSION), outcome.as(SEGMENT)),
                struct(lit(LEAD_TIME_BAND).as(DIMENSION), coalesce(leadTimeBand(col(LEAD_TIME_DAYS)), lit(UNKNOWN))
                    .as(SEGMENT)),
                struct(lit(VULNERABLE).as(DIMENSION), col(VULNERABLE).as(SEGMENT))))
            .otherwise(array(all));
    Column nps = col(NPS_SCORE);
    Dataset<Row> counts =
        linked
            .withColumn(ENTRY, explode(entries))
            .groupBy(col(ENTRY + "." + DIMENSION).as(DIMENSION), col(ENTRY + "." + SEGMENT).as(SEGMENT))
            .agg(
                count(lit(1)).as(RESPONSES),
                count(nps).as(NPS_RESPONSES),
                sum(when(nps.geq(9), 1L).otherwise(0L)).as(PROMOTERS),
                sum(when(nps.between(7, 8), 1L).otherwise(0L)).as(PASSIVES),
                sum(when(nps.leq(6), 1L).otherwise(0L)).as(DETRACTORS),
                sum(nps.cast("long")).as("_nps_sum"),
                count(col(CSAT_SCORE)).as(CSAT_RESPONSES),
                sum(col(CSAT_SCORE).cast("long")).as("_csat_sum"),
                sum(col(CSAT_SCORE).cast("long").multiply(col(CSAT_SCORE).cast("long"))).as("_csat_squares"));
    Column n = col(NPS_RESPONSES);
    Column promoterShare = col(PROMOTERS).divide(n);
    Column detractorShare = col(DETRACTORS).divide(n);
    Column difference = promoterShare.minus(detractorShare);
    Column halfWidth =
        sqrt(greatest(lit(0.0), promoterShare.plus(detractorShare).minus(difference.multiply(difference))).divide(n))
            .multiply(100 * Z95);
    // Means and the sample variance from exact integer sums: Spark adds doubles in the order tasks arrive, and a
    // rerun must give identical tables (docs/DECISIONS.md).
    Column m = col(CSAT_RESPONSES);
    Column csatVariance =
        greatest(lit(0.0), col("_csat_squares").minus(col("_csat_sum").multiply(col("_csat_sum")).divide(m))
            .divide(m.minus(1)));
    Column csatHalfWidth = sqrt(csatVariance).divide(sqrt(m)).multiply(Z95);
    Column hasCsatInterval = m.geq(2);
    return counts
        .withColumn(NPS_SCORE_MEAN, when(n.gt(0), col("_nps_sum").divide(n)))
        .withColumn(CSAT_MEAN, when(m.gt(0), col("_csat_sum").divide(m)))
        .withColumn(NPS, when(n.gt(0), difference.multiply(100.0)))
        .withColumn(NPS_CI_LOW, when(n.gt(0), greatest(lit(-100.0), col(NPS).minus(halfWidth))))
        .withColumn(NPS_CI_HIGH, when(n.gt(0), least(lit(100.0), col(NPS).plus(halfWidth))))
        .withColumn(CSAT_CI_LOW, when(hasCsatInterval, col(CSAT_MEAN).minus(csatHalfWidth)))
        .withColumn(CSAT_CI_HIGH, when(hasCsatInterval, col(CSAT_MEAN).plus(csatHalfWidth)))
        .withColumn(COEFFICIENT, lit(null).cast(DataTypes.DoubleType))
        .withColumn(COEFFICIENT_STANDARD_ERROR, lit(null).cast(DataTypes.DoubleType))
        .withColumn(COEFFICIENT_CI_LOW, lit(null).cast(DataTypes.DoubleType))
        .withColumn(COEFFICIENT_CI_HIGH, lit(null).cast(DataTypes.DoubleType))
        .drop("_nps_sum", "_csat_sum", "_csat_squares");
  }

  /** The names of the sums of {@link #regressionSums}, in order: n, then the sums of x1, x2, y and their products. */
  static final List<String> SUMS =
      List.of("_n", "_x1", "_x2", "_y", "_x1x1", "_x1x2", "_x2x2", "_x1y", "_x2y", "_yy");

  /**
   * The sums for the least squares fit of the NPS score (y) on the journey's repeats (x1) and lead time (x2, in
   * seconds here), over the linked surveys with an NPS score and known repeats: aggregate expressions for one Spark
   * aggregation, exact DECIMAL(38, 0) sums of whole numbers, so that their order cannot change a bit of the result.
   * {@link #sumsInDays} turns them into the sums of {@link #regression}.
   */
  public static List<Column> regressionSums() {
    Column in = col(JOURNEY_ID).isNotNull().and(col(NPS_SCORE).isNotNull()).and(col(REPEATS).isNotNull())
        .and(col(LEAD_TIME_SECONDS).isNotNull());
    String exact = "decimal(38,0)";
    Column x1 = when(in, col(REPEATS).cast(exact));
    Column x2 = when(in, col(LEAD_TIME_SECONDS).cast(exact));
    Column y = when(in, col(NPS_SCORE).cast(exact));
    Column[] terms = {
      when(in, lit(1).cast(exact)), x1, x2, y, x1.multiply(x1), x1.multiply(x2), x2.multiply(x2), x1.multiply(y),
      x2.multiply(y), y.multiply(y)
    };
    List<Column> out = new ArrayList<>();
    for (int i = 0; i < terms.length; i++) {
      out.add(coalesce(sum(terms[i]).cast(exact), lit(0).cast(exact)).as(SUMS.get(i)));
    }
    return out;
  }

  /**
   * The sums of {@link #regressionSums}, read from {@code row} at {@code offset} onwards, with the lead time in days:
   * the sums holding x2 once are divided by 86,400, x2 squared by 86,400 squared.
   */
  public static double[] sumsInDays(Row row, int offset) {
    double[] perSecond = {1, 1, DAY_SECONDS, 1, 1, DAY_SECONDS, DAY_SECONDS * DAY_SECONDS, 1, DAY_SECONDS, 1};
    double[] out = new double[SUMS.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = row.getDecimal(offset + i).doubleValue() / perSecond[i];
    }
    return out;
  }

  /**
   * A least squares fit y = b0 + b1 x1 + b2 x2.
   *
   * @param n the observations
   * @param coefficients b0, b1, b2; null when there are at most 3 observations or X'X is singular
   * @param standardErrors their standard errors, sqrt of the diagonal of s^2 (X'X)^-1; null with the coefficients
   */
  public record Regression(long n, double[] coefficients, double[] standardErrors) {
    /** Whether the fit has coefficients. */
    public boolean solved() {
      return coefficients != null;
    }

    /** The 95% interval of coefficient {@code i}: {low, high}. */
    public double[] interval(int i) {
      return new double[] {coefficients[i] - Z95 * standardErrors[i], coefficients[i] + Z95 * standardErrors[i]};
    }
  }

  /**
   * Solves the 3x3 normal equations X'X b = X'y from the sums of {@link #regressionSums} (in that order) by
   * Gauss-Jordan elimination with partial pivoting, on the driver: b, and s^2 (X'X)^-1 with s^2 = (y'y - b'X'y) / (n -
   * 3).
   */
  public static Regression regression(double[] sums) {
    long n = Math.round(sums[0]);
    double[][] xtx = {
      {sums[0], sums[1], sums[2]},
      {sums[1], sums[4], sums[5]},
      {sums[2], sums[5], sums[6]}
    };
    double[] xty = {sums[3], sums[7], sums[8]};
    double[][] inverse = n > 3 ? invert(xtx) : null;
    if (inverse == null) {
      return new Regression(n, null, null);
    }
    double[] b = new double[3];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        b[i] += inverse[i][j] * xty[j];
      }
    }
    double residual = sums[9] - (b[0] * xty[0] + b[1] * xty[1] + b[2] * xty[2]);
    double variance = Math.max(0.0, residual) / (n - 3);
    double[] se = new double[3];
    for (int i = 0; i < 3; i++) {
      se[i] = Math.sqrt(Math.max(0.0, variance * inverse[i][i]));
    }
    return new Regression(n, b, se);
  }

  /** The inverse of a symmetric 3x3 matrix, or null when it is singular (a pivot below 1e-10 of its scale). */
  static double[][] invert(double[][] m) {
    int size = m.length;
    double[][] a = new double[size][2 * size];
    double scale = 0;
    for (int i = 0; i < size; i++) {
      for (int j = 0; j < size; j++) {
        a[i][j] = m[i][j];
        scale = Math.max(scale, Math.abs(m[i][j]));
      }
      a[i][size + i] = 1;
    }
    if (scale == 0) {
      return null;
    }
    for (int c = 0; c < size; c++) {
      int pivot = c;
      for (int r = c + 1; r < size; r++) {
        if (Math.abs(a[r][c]) > Math.abs(a[pivot][c])) {
          pivot = r;
        }
      }
      if (Math.abs(a[pivot][c]) < 1e-10 * scale) {
        return null;
      }
      double[] swap = a[c];
      a[c] = a[pivot];
      a[pivot] = swap;
      double p = a[c][c];
      for (int j = 0; j < 2 * size; j++) {
        a[c][j] /= p;
      }
      for (int r = 0; r < size; r++) {
        if (r != c && a[r][c] != 0) {
          double f = a[r][c];
          for (int j = 0; j < 2 * size; j++) {
            a[r][j] -= f * a[c][j];
          }
        }
      }
    }
    double[][] inverse = new double[size][size];
    for (int i = 0; i < size; i++) {
      System.arraycopy(a[i], size, inverse[i], 0, size);
    }
    return inverse;
  }

  /**
   * The two slope rows of survey_outcomes (per_repeat, per_lead_time_day) from a fit: responses = its observations,
   * the NPS and CSAT columns null, the coefficient with its standard error and 95% interval (null when unsolved).
   */
  public static Dataset<Row> slopeRows(SparkSession spark, Regression fit) {
    StructType schema =
        new StructType()
            .add(DIMENSION, DataTypes.StringType, false)
            .add(SEGMENT, DataTypes.StringType, false)
            .add(RESPONSES, DataTypes.LongType, false)
            .add(COEFFICIENT, DataTypes.DoubleType, true)
            .add(COEFFICIENT_STANDARD_ERROR, DataTypes.DoubleType, true)
            .add(COEFFICIENT_CI_LOW, DataTypes.DoubleType, true)
            .add(COEFFICIENT_CI_HIGH, DataTypes.DoubleType, true);
    List<Row> rows = new ArrayList<>();
    String[] names = {PER_REPEAT, PER_LEAD_TIME_DAY};
    for (int i = 1; i <= 2; i++) {
      if (fit.solved()) {
        double[] ci = fit.interval(i);
        rows.add(RowFactory.create(SLOPE, names[i - 1], fit.n(), fit.coefficients()[i], fit.standardErrors()[i],
            ci[0], ci[1]));
      } else {
        rows.add(RowFactory.create(SLOPE, names[i - 1], fit.n(), null, null, null, null));
      }
    }
    Column zero = lit(0L);
    Column none = lit(null).cast(DataTypes.DoubleType);
    return spark.createDataFrame(rows, schema)
        .withColumn(NPS_RESPONSES, zero)
        .withColumn(PROMOTERS, zero)
        .withColumn(PASSIVES, zero)
        .withColumn(DETRACTORS, zero)
        .withColumn(NPS, none)
        .withColumn(NPS_CI_LOW, none)
        .withColumn(NPS_CI_HIGH, none)
        .withColumn(NPS_SCORE_MEAN, none)
        .withColumn(CSAT_RESPONSES, zero)
        .withColumn(CSAT_MEAN, none)
        .withColumn(CSAT_CI_LOW, none)
        .withColumn(CSAT_CI_HIGH, none);
  }
}
