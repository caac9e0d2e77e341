package org.leancx.demand;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.try_to_timestamp;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.leancx.common.Settings;
import org.leancx.common.SparkTestBase;

/**
 * The BPIC 2016 complaints (UWV): recontacts by customer and complaint theme with windows of 30 and 90 days, against
 * an independent oracle in plain Java over the same CSV.
 */
class FailureDemandRealDataTest extends SparkTestBase {
  private static final Path FILE = REAL_DATA.resolve("bpic2016_complaints.csv");

  private static Dataset<Row> contacts;

  @BeforeAll
  static void read() {
    Assumptions.assumeTrue(Files.exists(FILE), "skipped: " + FILE + " is absent (the shared real data sets)");
    Dataset<Row> raw =
        spark
            .read()
            .option("sep", ";")
            .option("header", true)
            .option("encoding", "ISO-8859-1")
            .csv(FILE.toString());
    Column started = try_to_timestamp(col("ContactDate"), lit("yyyy-MM-dd"));
    contacts =
        raw.select(
            col("ComplaintID").as("contact_id"),
            col("CustomerID").as("customer_key"),
            concat(lit("channel_"), col("ContactChannelID")).as("channel"),
            lit("INBOUND").as("direction"),
            started.as("started_at"),
            lit(null).cast("timestamp").as("ended_at"),
            lit(null).cast("long").as("handle_seconds"),
            lit(null).cast("long").as("wait_seconds"),
            col("ComplaintTopic_EN").as("reason"),
            lit(null).cast("string").as("outcome"),
            col("Office_U").as("team"),
            lit(null).cast("string").as("agent_key"),
            col("ComplaintDossierID").as("case_id"),
            lit(null).cast("string").as("automation_flow"),
            map(lit("theme"), col("ComplaintTheme_EN")).as("attributes"),
            to_date(started).as("contact_date"),
            lit("bpic2016").as("source"),
            input_file_name().as("source_file"),
            monotonically_increasing_id().plus(1).as("source_record"),
            lit(null).cast("decimal(38,6)").as("source_version"));
  }

  private static Settings settings(int days) {
    return SparkTestBase.settings(
        "demand.recontact.need-key=columns",
        "demand.recontact.need-columns=[\"attributes.theme\"]",
        "demand.recontact.window=" + days + "d");
  }

  @Test
  void thirtyDayWindowCountsEqualTheOracle() throws IOException {
    Oracle o = Oracle.over(FILE, 30);
    assertThat(counts(30)).isEqualTo(o.counts());
    assertThat(o.recontacts).as("the real data has recontacts at 30 days, ties on one day among them").isEqualTo(42);
  }

  @Test
  void ninetyDayWindowCountsEqualTheOracle() throws IOException {
    Oracle o = Oracle.over(FILE, 90);
    assertThat(o.excludedContacts).as("no service accounts in BPIC 2016").isZero();
    assertThat(counts(90)).isEqualTo(o.counts());
    assertThat(o.recontacts).as("a wider window finds more recontacts").isGreaterThan(Oracle.over(FILE, 30).recontacts);
  }

  /**
   * The job's transforms over the CSV (service accounts, need key, tagging), without Delta: the job's writes are
   * covered by the other tests, and this keeps the test fast.
   */
  private static Map<String, Long> counts(int days) {
    DemandSettings demand = DemandSettings.from(settings(days));
    RecontactRules rules = demand.recontact();
    Timestamp asOf = contacts.agg(org.apache.spark.sql.functions.max("started_at")).first().getTimestamp(0);
    Dataset<Row> excluded = Recontacts.serviceAccounts(contacts, rules);
    Dataset<Row> tagged =
        Recontacts.tag(
            Recontacts.withNeed(
                contacts.join(excluded.select("customer_key"), "customer_key", "left_anti"),
                Taxonomy.read(demand.taxonomy()).toDataFrame(spark),
                rules),
            spark.createDataFrame(List.of(), DemandTables.CONTACT_DEMAND.schema()),
            rules,
            asOf,
            demand.channelCost(),
            demand.defaultChannelCost(),
            false);
    Row r =
        tagged
            .selectExpr(
                "count(*)",
                "count_if(is_recontact)",
                "count_if(fcr_status = 'PENDING')",
                "count_if(fcr_status = 'REPEATED')",
                "count_if(fcr_status = 'RESOLVED_FIRST_TIME')",
                "count_if(chain_position = 1 AND fcr_status = 'REPEATED')")
            .first();
    Row e = excluded.selectExpr("coalesce(sum(contacts), 0)").first();
    Map<String, Long> out = new TreeMap<>();
    out.put("contacts", r.getLong(0));
    out.put("recontacts", r.getLong(1));
    out.put("pending", r.getLong(2));
    out.put("repeated", r.getLong(3));
    out.put("resolved_first_time", r.getLong(4));
    out.put("chains", r.getLong(5));
    out.put("excluded_contacts", e.getLong(0));
    return out;
  }

  /** The recontact rules in plain Java, without Spark, for one window in days (no transfers, all inbound). */
  static final class Oracle {
    long contacts;
    long excludedContacts;
    long recontacts;
    long pending;
    long repeated;
    long resolved;
    long chains;

    static Oracle over(Path file, int windowDays) throws IOException {
      String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
      String[] lines = text.split("\r\n");
      List<String> header = List.of(lines[0].split(";", -1));
      int customerAt = header.indexOf("CustomerID");
      int idAt = header.indexOf("ComplaintID");
      int dateAt = header.indexOf("ContactDate");
      int themeAt = header.indexOf("ComplaintTheme_EN");
      record Complaint(String id, String customer, LocalDate date, String theme) {}
      List<Complaint> all = new ArrayList<>();
      for (int i = 1; i < lines.length; i++) {
        if (lines[i].isEmpty()) {
          continue;
        }
        String[] f = lines[i].split(";", -1);
        all.add(new Complaint(f[idAt], f[customerAt], LocalDate.parse(f[dateAt]), f[themeAt]));
      }
      Map<String, Integer> perCustomerDay = new HashMap<>();
      for (Complaint c : all) {
        perCustomerDay.merge(c.customer + "/" + c.date, 1, Integer::sum);
      }
      Set<String> service = new HashSet<>();
      perCustomerDay.forEach((k, n) -> {
        if (n > 20) {
          service.add(k.substring(0, k.indexOf('/')));
        }
      });
      Oracle o = new Oracle();
      LocalDate asOf = all.stream().map(Complaint::date).max(Comparator.naturalOrder()).orElseThrow();
      Map<String, List<Complaint>> groups = new TreeMap<>();
      for (Complaint c : all) {
        if (service.contains(c.customer)) {
          o.excludedContacts++;
          continue;
        }
        groups.computeIfAbsent(c.customer + "\u0000" + c.theme, k -> new ArrayList<>()).add(c);
      }
      for (List<Complaint> g : groups.values()) {
        g.sort(Comparator.comparing(Complaint::date).thenComparing(Complaint::id));
        for (int i = 0; i < g.size(); i++) {
          o.contacts++;
          boolean isRecontact = i > 0 && !g.get(i).date.isAfter(g.get(i - 1).date.plusDays(windowDays));
          boolean followed = i + 1 < g.size() && !g.get(i + 1).date.isAfter(g.get(i).date.plusDays(windowDays));
          if (isRecontact) {
            o.recontacts++;
          }
          if (followed) {
            o.repeated++;
            if (!isRecontact) {
              o.chains++;
            }
          } else if (g.get(i).date.plusDays(windowDays).isAfter(asOf)) {
            o.pending++;
          } else {
            o.resolved++;
          }
        }
      }
      return o;
    }

    Map<String, Long> counts() {
      Map<String, Long> out = new TreeMap<>();
      out.put("contacts", contacts);
      out.put("recontacts", recontacts);
      out.put("pending", pending);
      out.put("repeated", repeated);
      out.put("resolved_first_time", resolved);
      out.put("chains", chains);
      out.put("excluded_contacts", excludedContacts);
      return out;
    }
  }
}
