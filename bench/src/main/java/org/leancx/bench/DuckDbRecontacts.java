package org.leancx.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.leancx.demand.DemandSettings;
import org.leancx.demand.RecontactRules;
import org.leancx.demand.Taxonomy;

/**
 * The DuckDB peer of the recontact step: the contact_demand rules of failure-demand (same need key, window, tie-break,
 * transfers, outbound rule, service-account exclusion, chains, first-contact resolution, demand class and cost) as
 * one SQL statement over the contacts table's Parquet files, writing the same columns.
 */
public final class DuckDbRecontacts {
  private static final String SQL_RESOURCE = "duckdb_recontacts.sql";

  /**
   * What one peer run found and how long it took.
   *
   * @param contacts rows written (contacts of customers that are not service accounts)
   * @param recontacts of which recontacts
   * @param transfers of which transfers
   * @param seconds wall time of the query and the count, connection and rule tables excluded
   * @param fingerprint the output's {@link Fingerprint}, computed after the timing
   */
  public record Result(long contacts, long recontacts, long transfers, double seconds, String fingerprint) {}

  private DuckDbRecontacts() {}

  /**
   * Tags the contacts in {@code contactFiles} and writes contact_demand's columns to {@code output} (one Parquet
   * file).
   *
   * @param threads DuckDB's thread count (the benchmark uses the cores Spark gets)
   */
  public static Result run(
      List<String> contactFiles, Taxonomy taxonomy, DemandSettings demand, Path output, int threads) {
    RecontactRules rules = demand.recontact();
    if (rules.needKey() == RecontactRules.NeedKey.COLUMNS) {
      throw new IllegalArgumentException(
          "The DuckDB peer supports demand.recontact.need-key = need_family or case_id, not columns: benchmark with"
              + " the default need key.");
    }
    if (contactFiles.isEmpty()) {
      throw new IllegalArgumentException("No Parquet files of the contacts table were given: ingest contacts first.");
    }
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:")) {
      try (Statement s = c.createStatement()) {
        s.execute("SET threads = " + threads);
      }
      loadRules(c, taxonomy, demand.recontact(), demand.channelCost(), demand.defaultChannelCost());
      Files.deleteIfExists(output);
      long t0 = System.nanoTime();
      try (Statement s = c.createStatement()) {
        // DuckDB binds no parameters in a view's table function or in COPY's target: the file names are quoted here.
        s.execute(
            "CREATE TEMP VIEW contacts AS SELECT * FROM read_parquet(["
                + contactFiles.stream().map(DuckDbRecontacts::quote).collect(Collectors.joining(", "))
                + "])");
        // The as-of time, as leancx's: the latest started_at read, service accounts included.
        s.execute("UPDATE params SET as_of_seconds = (SELECT epoch_us(max(started_at)) // 1000000 FROM contacts)");
        s.execute(sql().replace("${output}", quote(output.toString())));
      }
      long recontacts;
      long transfers;
      long contacts;
      try (Statement s = c.createStatement();
          ResultSet r =
              s.executeQuery(
                  "SELECT count(*), count(*) FILTER (WHERE is_recontact), count(*) FILTER (WHERE is_transfer)"
                      + " FROM read_parquet(" + quote(output.toString()) + ")")) {
        r.next();
        contacts = r.getLong(1);
        recontacts = r.getLong(2);
        transfers = r.getLong(3);
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      return new Result(contacts, recontacts, transfers, seconds, Fingerprint.ofDuckDb(c, output.toString()));
    } catch (SQLException e) {
      throw new IllegalStateException("The DuckDB recontact query failed: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot replace the DuckDB output " + output, e);
    }
  }

  /** The rule tables the SQL joins, filled with bound values. */
  private static void loadRules(
      Connection c, Taxonomy taxonomy, RecontactRules rules, Map<String, Double> channelCost, double defaultChannelCost)
      throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(
          "CREATE TEMP TABLE params (window_seconds BIGINT, transfer_gap_seconds BIGINT,"
              + " service_account_contacts_per_day BIGINT, outbound_can_recontact BOOLEAN, need_key_is_case_id BOOLEAN,"
              + " max_channel_window_seconds BIGINT, automation_induced BOOLEAN, default_channel_cost DOUBLE,"
              + " as_of_seconds BIGINT)");
      s.execute(
          "CREATE TEMP TABLE taxonomy (reason VARCHAR, need_family VARCHAR, demand_class VARCHAR,"
              + " failure_subtype VARCHAR)");
      s.execute("CREATE TEMP TABLE channel_cost (channel VARCHAR, cost DOUBLE)");
      s.execute("CREATE TEMP TABLE transfer_outcomes (outcome VARCHAR)");
      s.execute("CREATE TEMP TABLE window_by_channel (channel VARCHAR, window_seconds BIGINT)");
      s.execute("CREATE TEMP TABLE window_by_need (need_key VARCHAR, window_seconds BIGINT)");
    }
    try (PreparedStatement p = c.prepareStatement("INSERT INTO params VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL)")) {
      p.setLong(1, rules.window().getSeconds());
      p.setLong(2, rules.transferGap().getSeconds());
      p.setLong(3, rules.serviceAccountContactsPerDay());
      p.setBoolean(4, rules.outbound() == RecontactRules.Outbound.CAN_RECONTACT);
      p.setBoolean(5, rules.needKey() == RecontactRules.NeedKey.CASE_ID);
      p.setLong(6, rules.maxChannelWindow().getSeconds());
      p.setBoolean(7, rules.automation() == RecontactRules.Automation.AUTOMATION_INDUCED);
      p.setDouble(8, defaultChannelCost);
      p.executeUpdate();
    }
    try (PreparedStatement p = c.prepareStatement("INSERT INTO taxonomy VALUES (?, ?, ?, ?)")) {
      for (Taxonomy.Entry e : taxonomy.entries()) {
        p.setString(1, e.reason());
        p.setString(2, e.needFamily());
        p.setString(3, e.demandClass());
        p.setString(4, e.failureSubtype());
        p.executeUpdate();
      }
    }
    try (PreparedStatement p = c.prepareStatement("INSERT INTO channel_cost VALUES (?, ?)")) {
      for (Map.Entry<String, Double> e : channelCost.entrySet()) {
        p.setString(1, e.getKey());
        p.setDouble(2, e.getValue());
        p.executeUpdate();
      }
    }
    try (PreparedStatement p = c.prepareStatement("INSERT INTO transfer_outcomes VALUES (?)")) {
      for (String o : rules.transferOutcomes()) {
        p.setString(1, o);
        p.executeUpdate();
      }
    }
    insertWindows(c, "window_by_channel", rules.windowByChannel());
    insertWindows(c, "window_by_need", rules.windowByNeed());
  }

  private static void insertWindows(Connection c, String table, Map<String, Duration> windows) throws SQLException {
    // The table name is one of two constants above, never input.
    try (PreparedStatement p = c.prepareStatement("INSERT INTO " + table + " VALUES (?, ?)")) {
      for (Map.Entry<String, Duration> e : windows.entrySet()) {
        p.setString(1, e.getKey());
        p.setLong(2, e.getValue().getSeconds());
        p.executeUpdate();
      }
    }
  }

  /** A SQL string literal. */
  static String quote(String value) {
    return "'" + value.replace("'", "''") + "'";
  }

  static String sql() {
    try (InputStream in = DuckDbRecontacts.class.getResourceAsStream(SQL_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("Resource " + SQL_RESOURCE + " is missing from the bench jar: rebuild it.");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
