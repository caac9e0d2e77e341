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
import org.leancx.common.Warehouse;
import org.leancx.ingest.CanonicalTables;

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
            monotonically_increasing_id().plus(1).as("source_record"));
  }

  private static Settings settings(int days) {
    return SparkTestBase.settings(
        "demand.recontact.need-key=columns",
        "demand.recontact.need-columns=[\"attributes.theme\"]",
        "demand.recontact.window=" + days + "d");
  }

  @Test
  void thirtyDayWindowCountsEqualTheOracle() throws IOException {
    Warehouse warehouse = warehouse("demand-bpic2016");
    warehouse.replaceAll(CanonicalTables.CONTACTS, contacts, "test");
    FailureDemand.Result r = FailureDemand.run(warehouse, settings(30), FailureDemand.Slice.full());
    Oracle o = Oracle.over(FILE, 30);
    assertThat(r.contacts()).isEqualTo(o.contacts);
    assertThat(r.excludedContacts()).isEqualTo(o.excludedContacts);
    assertThat(r.recontacts()).as("recontacts").isEqualTo(o.recontacts);
    assertThat(r.pending()).as("pending").isEqualTo(o.pending);
    assertThat(r.chains()).as("chains").isEqualTo(o.chains);
    Row statuses =
        warehouse
            .read(DemandTables.CONTACT_DEMAND)
            .selectExpr("count_if(fcr_status = 'REPEATED')", "count_if(fcr_status = 'RESOLVED_FIRST_TIME')")
            .first();
    assertThat(statuses.getLong(0)).as("repeated").isEqualTo(o.repeated);
    assertThat(statuses.getLong(1)).as("resolved first time").isEqualTo(o.resolved);
    assertThat(o.recontacts).as("the real data has recontacts at 30 days").isPositive();
  }

  @Test
  void ninetyDayWindowCountsEqualTheOracle() throws IOException {
    // The pure transforms, without Delta: the same code path as the job.
    Settings s = settings(90);
    DemandSettings demand = DemandSettings.from(s);
    Timestamp asOf = contacts.agg(org.apache.spark.sql.functions.max("started_at")).first().getTimestamp(0);
    Dataset<Row> tagged =
        Recontacts.tag(
            Recontacts.withNeed(contacts, Taxonomy.read(demand.taxonomy()).toDataFrame(spark), demand.recontact()),
            spark.createDataFrame(List.of(), DemandTables.CONTACT_DEMAND.schema()),
            demand.recontact(),
            asOf,
            demand.channelCost(),
            demand.defaultChannelCost());
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
    Oracle o = Oracle.over(FILE, 90);
    assertThat(o.excludedContacts).as("no service accounts in BPIC 2016").isZero();
    assertThat(r.getLong(0)).isEqualTo(o.contacts);
    assertThat(r.getLong(1)).as("recontacts").isEqualTo(o.recontacts);
    assertThat(r.getLong(2)).as("pending").isEqualTo(o.pending);
    assertThat(r.getLong(3)).as("repeated").isEqualTo(o.repeated);
    assertThat(r.getLong(4)).as("resolved first time").isEqualTo(o.resolved);
    assertThat(r.getLong(5)).as("chains").isEqualTo(o.chains);
    assertThat(o.recontacts).as("a wider window finds more recontacts").isGreaterThan(Oracle.over(FILE, 30).recontacts);
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
  }
}
