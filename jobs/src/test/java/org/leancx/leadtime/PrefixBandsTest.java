package org.leancx.leadtime;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.leancx.common.SparkTestBase;

/** The prefix-length bands of model_evaluation_by_prefix: every length falls in exactly one, labelled by its range. */
class PrefixBandsTest extends SparkTestBase {
  @Test
  void lengthsFallInTheirBand() {
    Object[][] lengths = IntStream.of(1, 2, 3, 4, 5, 6, 9, 10, 19, 20, 250).mapToObj(i -> new Object[] {i})
        .toArray(Object[][]::new);
    List<Row> out = rows(new StructType().add("prefix_length", IntegerType), lengths)
        .select(col("prefix_length"), LeadTimeEvaluation.bandMinLength(col("prefix_length")))
        .orderBy("prefix_length").collectAsList();
    assertThat(out).extracting(r -> LeadTimeEvaluation.bandLabel(r.getInt(1)))
        .containsExactly("1", "2", "3", "4-5", "4-5", "6-9", "6-9", "10-19", "10-19", "20+", "20+");
  }
}
