package org.leancx.generate;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.cos;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.hex;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.lpad;
import static org.apache.spark.sql.functions.shiftright;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import java.util.List;
import org.apache.spark.sql.Column;

/**
 * Seeded random draws as built-in Spark expressions: every draw is a hash of the seed, the row's keys and a salt, so
 * that the same seed gives the same data however Spark partitions the work (no {@code rand()}, no UDF).
 */
final class Draws {
  private static final long MASK_53 = (1L << 53) - 1;
  private static final double TWO_POW_53 = (double) (1L << 53);
  private static final long MASK_48 = (1L << 48) - 1;
  private static final long MASK_24 = (1L << 24) - 1;

  private final long seed;

  Draws(long seed) {
    this.seed = seed;
  }

  /** A uniform draw in [0, 1) from the seed, the salt and the keys. */
  Column uniform(String salt, Column... keys) {
    Column[] parts = new Column[keys.length + 2];
    parts[0] = lit(seed);
    System.arraycopy(keys, 0, parts, 1, keys.length);
    parts[keys.length + 1] = lit(salt);
    return xxhash64(parts).bitwiseAND(lit(MASK_53)).cast("double").divide(lit(TWO_POW_53));
  }

  /** True with probability {@code p} (a column or literal). */
  Column chance(Column p, String salt, Column... keys) {
    return uniform(salt, keys).lt(p);
  }

  /** One of {@code values}, chosen with the given relative weights by the uniform draw {@code u}. */
  static Column pick(Column u, List<String> values, double... weights) {
    if (values.size() != weights.length || values.isEmpty()) {
      throw new IllegalArgumentException(values.size() + " values but " + weights.length + " weights");
    }
    Column[] literals = values.stream().map(org.apache.spark.sql.functions::lit).toArray(Column[]::new);
    return element_at(array(literals), pickIndex(u, weights).plus(1));
  }

  /** Resolution of the lookup tables of {@link #pickIndex}: weights are honoured to 1/4096. */
  private static final int TABLE_SIZE = 4096;

  /**
   * An integer 0..weights.length-1 chosen with the given relative weights by the uniform draw {@code u}: a lookup
   * in a literal table indexed by u, so that u appears once in the expression and the whole stays compiled code.
   */
  static Column pickIndex(Column u, double... weights) {
    return pickIndex(u, table(weights));
  }

  /** The index for a precomputed table (a literal array column, see {@link #table}). */
  static Column pickIndex(Column u, Column table) {
    return element_at(table, floor(u.multiply(TABLE_SIZE)).cast("int").plus(1));
  }

  /** The lookup table of the weights: entry i is the index whose cumulative range holds (i + 0.5) / size. */
  static Column table(double... weights) {
    double total = 0;
    for (double w : weights) {
      total += w;
    }
    int[] entries = new int[TABLE_SIZE];
    int index = 0;
    double cumulative = weights[0] / total;
    for (int i = 0; i < TABLE_SIZE; i++) {
      double x = (i + 0.5) / TABLE_SIZE;
      while (x >= cumulative && index < weights.length - 1) {
        index++;
        cumulative += weights[index] / total;
      }
      entries[i] = index;
    }
    return lit(entries);
  }

  /** A standard normal draw (Box-Muller over two uniforms). */
  Column normal(String salt, Column... keys) {
    Column u1 = greatest(uniform(salt + ".1", keys), lit(1e-12));
    Column u2 = uniform(salt + ".2", keys);
    return sqrt(log(u1).multiply(-2.0)).multiply(cos(u2.multiply(2 * Math.PI)));
  }

  /** A log-normal duration in whole seconds with the given median and spread, clipped to [min, max]. */
  Column logNormalSeconds(Column median, double sigma, long min, long max, String salt, Column... keys) {
    Column x = median.multiply(exp(normal(salt, keys).multiply(sigma)));
    return least(greatest(x, lit((double) min)), lit((double) max)).cast("long");
  }

  /** An exponential duration in whole seconds with the given mean. */
  Column exponentialSeconds(Column mean, String salt, Column... keys) {
    return log(lit(1.0).minus(uniform(salt, keys))).multiply(-1.0).multiply(mean).cast("long");
  }

  /**
   * A reference {@code prefix} + 12 hex digits that is unique for each distinct {@code key} in [0, 2^48): a seeded
   * bijection of 48 bits (xor with the seed's hash, then multiply-xorshift rounds modulo 2^48, in exact decimal
   * arithmetic), so that references look random but never collide.
   */
  Column reference(String prefix, Column key) {
    long seedMask = new java.util.SplittableRandom(seed).nextLong() & MASK_48;
    Column x = key.bitwiseXOR(lit(seedMask));
    x = multiplyModulo(x, 0x9E3779B97F4BL);
    x = x.bitwiseXOR(shiftright(x, 23));
    x = multiplyModulo(x, 0xC2B2AE3D27D5L);
    x = x.bitwiseXOR(shiftright(x, 25));
    return concat(lit(prefix), lpad(hex(x), 12, "0"));
  }

  /** (x * odd) mod 2^48 for x below 2^48, in 24-bit halves so that no product overflows: a bijection. */
  private static Column multiplyModulo(Column x, long odd) {
    long a = odd | 1;
    Column high = shiftright(x, 24);
    Column low = x.bitwiseAND(lit(MASK_24));
    Column lowProduct = low.multiply(lit(a & MASK_24));
    Column middle = high.multiply(lit(a & MASK_24)).plus(low.multiply(lit(a >>> 24))).bitwiseAND(lit(MASK_24));
    return lowProduct.plus(middle.multiply(lit(1L << 24))).bitwiseAND(lit(MASK_48));
  }
}
