package org.leancx.ingest;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.leancx.common.SparkTestBase;

/** The built-in-expression HMAC equals javax.crypto's HMAC-SHA-256, cut to 32 hex digits. */
class PseudonymizerTest extends SparkTestBase {
  private static String reference(String key, String id) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(id.getBytes(StandardCharsets.UTF_8))).substring(0, 32);
  }

  @Test
  void matchesJavaxCryptoForShortAndLongKeys() throws Exception {
    List<String> ids = List.of("1945807", "customer-42", "", "Zoë Ünïcode ✓", "x".repeat(500));
    StructType schema = new StructType().add("id", DataTypes.StringType);
    Object[][] values = ids.stream().map(i -> new Object[] {i}).toArray(Object[][]::new);
    for (String key : List.of(Pseudonymizer.DEMO_KEY, "k", "a-key-longer-than-one-sha256-block-".repeat(3))) {
      List<Row> got =
          rows(schema, values).select(col("id"), new Pseudonymizer(key).customerKey(col("id")).as("key")).collectAsList();
      List<String> expected = new ArrayList<>();
      List<String> actual = new ArrayList<>();
      for (Row r : got) {
        expected.add(r.getString(0) + " -> " + reference(key, r.getString(0)));
        actual.add(r.getString(0) + " -> " + r.getString(1));
      }
      assertThat(actual).as("key of length %d", key.length()).containsExactlyInAnyOrderElementsOf(expected);
    }
  }

  @Test
  void nullIdGivesNullKeyAndTheKeyIsNeverPrinted() {
    Pseudonymizer p = new Pseudonymizer("secret-value");
    Row r = rows(new StructType().add("id", DataTypes.StringType), new Object[] {null})
        .select(p.customerKey(col("id"))).first();
    assertThat(r.isNullAt(0)).isTrue();
    assertThat(p.toString()).doesNotContain("secret");
  }
}
