package org.leancx.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A fingerprint of a contact_demand table that both engines compute with the same SQL: row, recontact and transfer
 * counts, FCR statuses, demand classes, chains, gaps and costs. Equal fingerprints from leancx's Delta table and the
 * DuckDB peer's Parquet file mean the two agree on every rule, not only on the recontact count.
 */
public final class Fingerprint {
  /** Name and SQL expression (valid in Spark SQL and DuckDB) of each measure, in order. */
  static final Map<String, String> MEASURES = measures();

  private Fingerprint() {}

  private static Map<String, String> measures() {
    var m = new java.util.LinkedHashMap<String, String>();
    m.put("contacts", "count(*)");
    m.put("recontacts", "count_if(is_recontact)");
    m.put("transfers", "count_if(is_transfer)");
    m.put("priors", "count(prior_contact_id)");
    m.put("gap_seconds", "sum(gap_seconds)");
    m.put("chains", "count(DISTINCT chain_id)");
    m.put("chain_positions", "sum(chain_position)");
    m.put("repeated", "count_if(fcr_status = 'REPEATED')");
    m.put("pending", "count_if(fcr_status = 'PENDING')");
    m.put("failure", "count_if(demand_class = 'FAILURE')");
    m.put("value", "count_if(demand_class = 'VALUE')");
    m.put("automation_induced", "count_if(failure_subtype = 'automation_induced')");
    m.put("subtypes", "count(failure_subtype)");
    m.put("need_families", "count(need_family)");
    m.put("needs", "count(DISTINCT need_key)");
    m.put("cost_cents", "sum(CAST(round(cost * 100) AS BIGINT))");
    return java.util.Collections.unmodifiableMap(m);
  }

  /** The SELECT list of the measures. */
  static String selectList() {
    List<String> parts = new ArrayList<>();
    MEASURES.forEach((name, expr) -> parts.add(expr + " AS " + name));
    return String.join(", ", parts);
  }

  /** {@code name=value,...} of a table that Spark can read as {@code table} (a view name or delta.`path`). */
  public static String ofSpark(SparkSession spark, String table) {
    Row r = spark.sql("SELECT " + selectList() + " FROM " + table).first();
    List<String> parts = new ArrayList<>();
    int i = 0;
    for (String name : MEASURES.keySet()) {
      parts.add(name + "=" + (r.isNullAt(i) ? "null" : String.valueOf(r.get(i))));
      i++;
    }
    return String.join(",", parts);
  }

  /** {@code name=value,...} of a Parquet file read by DuckDB. */
  public static String ofDuckDb(Connection c, String parquetFile) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT " + selectList() + " FROM read_parquet(" + DuckDbRecontacts.quote(parquetFile) + ")")) {
      r.next();
      List<String> parts = new ArrayList<>();
      int i = 1;
      for (String name : MEASURES.keySet()) {
        String v = r.getString(i++);
        parts.add(name + "=" + (v == null ? "null" : v));
      }
      return String.join(",", parts);
    }
  }
}
