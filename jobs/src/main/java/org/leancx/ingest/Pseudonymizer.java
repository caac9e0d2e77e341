package org.leancx.ingest;

import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.encode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.unhex;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.apache.spark.sql.Column;
import org.leancx.common.Settings;
import org.leancx.common.SettingsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pseudonymises raw customer ids into {@code customer_key}: the first 32 hex digits of HMAC-SHA-256(key, id), computed
 * with built-in Spark expressions (no UDF) from the key's inner and outer pads, which are derived on the driver.
 */
public final class Pseudonymizer {
  private static final Logger LOG = LoggerFactory.getLogger(Pseudonymizer.class);
  /** The public demo key of application.conf: a warning is logged when it is used. */
  static final String DEMO_KEY = "leancx-demo-key-not-secret";
  private static final int BLOCK = 64;

  private final byte[] innerPad;
  private final byte[] outerPad;

  /** A pseudonymiser for a key (its UTF-8 bytes, hashed first when longer than 64 bytes, as HMAC specifies). */
  public Pseudonymizer(String key) {
    if (key == null || key.isEmpty()) {
      throw new SettingsException("The pseudonymisation key is empty: set the variable named by privacy.key-env.");
    }
    byte[] k = key.getBytes(StandardCharsets.UTF_8);
    if (k.length > BLOCK) {
      try {
        k = MessageDigest.getInstance("SHA-256").digest(k);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
    innerPad = new byte[BLOCK];
    outerPad = new byte[BLOCK];
    for (int i = 0; i < BLOCK; i++) {
      byte b = i < k.length ? k[i] : 0;
      innerPad[i] = (byte) (b ^ 0x36);
      outerPad[i] = (byte) (b ^ 0x5c);
    }
  }

  /**
   * The key from the environment variable named by {@code privacy.key-env}, else {@code privacy.key}; logs a warning
   * (never the key) when that is the public demo key.
   */
  public static Pseudonymizer from(Settings settings) {
    String env = settings.config().getString("privacy.key-env");
    String key = env.isBlank() ? null : System.getenv(env);
    if (key == null || key.isEmpty()) {
      key = settings.config().getString("privacy.key");
      if (DEMO_KEY.equals(key)) {
        LOG.warn(
            "Customer ids are pseudonymised with the public demo key: anyone can re-identify them. Set the environment"
                + " variable {} (or privacy.key in a private conf file) to a secret key for real data.",
            env);
      }
    }
    return new Pseudonymizer(key);
  }

  /** The customer key of a raw id column: null when the id is null. */
  public Column customerKey(Column rawId) {
    Column inner = unhex(sha2(concat(lit(innerPad), encode(rawId, "UTF-8")), 256));
    return substring(sha2(concat(lit(outerPad), inner), 256), 1, 32);
  }

  @Override
  public String toString() {
    return "Pseudonymizer[key=****]";
  }
}
