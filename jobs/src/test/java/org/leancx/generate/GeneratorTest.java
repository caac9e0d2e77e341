package org.leancx.generate;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.leancx.common.SparkTestBase;
import org.leancx.demand.Taxonomy;

/** The synthetic generator: layout, determinism, dirty rows, the planted effect and the truth's consistency. */
class GeneratorTest extends SparkTestBase {
  private static final Path OUT = HOME.resolve("jobs/target/test-generate");
  private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
  private static GenerateSettings settings;
  private static Generator.Result result;

  @BeforeAll
  static void generate() {
    settings =
        GenerateSettings.from(
            settings("generate.customers=2500", "generate.dirty-rate=0.04", "generate.output=" + OUT.resolve("main")));
    result = Generator.run(spark, settings);
  }

  @Test
  void writesTheAgreedLayout() throws IOException {
    assertThat(header("contacts")).isEqualTo(String.join(",", Generator.CONTACT_COLUMNS));
    assertThat(header("case_events")).isEqualTo(String.join(",", Generator.CASE_EVENT_COLUMNS));
    assertThat(spark.read().parquet(OUT.resolve("main/truth/contacts").toString()).columns())
        .containsExactlyElementsOf(Generator.TRUTH_COLUMNS);
    assertThat(spark.read().parquet(OUT.resolve("main/truth/dirty").toString()).columns())
        .containsExactly("contact_ref", "kind");
    List<Row> planted =
        spark.read().parquet(OUT.resolve("main/truth/planted_conditions").toString()).orderBy("set_name").collectAsList();
    assertThat(planted).hasSize(3);
    assertThat(planted.stream().map(r -> r.getList(1).size()).sorted().toList()).containsExactly(1, 2, 3);

    Dataset<Row> contacts = Generator.readBack(spark, settings, "contacts");
    assertThat(distinct(contacts, "channel_name"))
        .containsExactlyInAnyOrder("Phone", "Chat", "Email", "Web", "Bot", "Branch", "Letter");
    assertThat(distinct(contacts, "direction")).containsExactlyInAnyOrder("inbound", "outbound");
    assertThat(distinct(contacts, "disposition"))
        .containsExactlyInAnyOrder("resolved", "not_resolved", "transferred", "callback_scheduled", "information_given");
    Set<String> known = new HashSet<>();
    Taxonomy.read(Path.of(settings.taxonomy())).entries().forEach(e -> known.add(e.reason()));
    assertThat(distinct(contacts, "reason_code")).isSubsetOf(known);
    Set<String> clean = truthRefs();
    for (Row r : contacts.where(col("contact_ref").isin(clean.toArray())).limit(2000).collectAsList()) {
      LocalDateTime start = LocalDateTime.parse(r.getAs("start_time"), TS);
      LocalDateTime end = LocalDateTime.parse(r.getAs("end_time"), TS);
      assertThat(end).as("contact %s", (Object) r.getAs("contact_ref")).isAfterOrEqualTo(start);
      assertThat(start.toLocalDate()).isBetween(settings.startDate(), settings.endDate());
    }
    assertThat(result.caseEvents()).isPositive();
    assertThat(distinct(Generator.readBack(spark, settings, "case_events"), "activity"))
        .contains("received", "assessed", "decided", "closed");
  }

  @Test
  @Tag("e2e") // three more generator runs: heavy run
  void sameSeedGivesTheSameFilesWhateverThePartitioningAndParquetTheSameRows() throws IOException {
    String previous = spark.conf().get("spark.sql.shuffle.partitions");
    try {
      Map<String, String> first = files(run("a", "3"));
      Map<String, String> second = files(run("b", "7"));
      assertThat(first).isNotEmpty().isEqualTo(second);
      assertThat(first.keySet()).anyMatch(k -> k.startsWith("contacts")).anyMatch(k -> k.startsWith("case_events"));
      GenerateSettings parquet = GenerateSettings.from(settings(small("c", "generate.format=parquet")));
      Generator.run(spark, parquet);
      GenerateSettings csv = GenerateSettings.from(settings(small("a")));
      for (String name : List.of("contacts", "case_events")) {
        Dataset<Row> fromParquet = Generator.readBack(spark, parquet, name);
        assertThat(fromParquet.columns()).containsExactlyElementsOf(
            name.equals("contacts") ? Generator.CONTACT_COLUMNS : Generator.CASE_EVENT_COLUMNS);
        Dataset<Row> asText = fromParquet.select(
            Stream.of(fromParquet.columns()).map(c -> col(c).cast("string").as(c)).toArray(org.apache.spark.sql.Column[]::new));
        Dataset<Row> fromCsv = Generator.readBack(spark, csv, name);
        assertThat(asText.exceptAll(fromCsv).count()).as(name + " parquet minus csv").isZero();
        assertThat(fromCsv.exceptAll(asText).count()).as(name + " csv minus parquet").isZero();
      }
    } finally {
      spark.conf().set("spark.sql.shuffle.partitions", previous);
    }
    // Another seed draws other values.
    Draws one = new Draws(1);
    Draws two = new Draws(2);
    Row r = spark.range(1).select(one.uniform("x", col("id")), two.uniform("x", col("id"))).first();
    assertThat(r.getDouble(0)).isNotEqualTo(r.getDouble(1)).isBetween(0.0, 1.0);
  }

  @Test
  void dirtyRowsAreExtraRowsOfEveryKind() {
    Dataset<Row> dirty = spark.read().parquet(OUT.resolve("main/truth/dirty").toString());
    long clean = result.contacts();
    double rate = (double) result.dirtyRows() / clean;
    assertThat(rate).as("dirty rate").isBetween(0.03, 0.05);
    assertThat(distinct(dirty, "kind")).containsExactlyInAnyOrderElementsOf(Generator.DIRTY_KINDS);
    Dataset<Row> raw = Generator.readBack(spark, settings, "contacts");
    assertThat(raw.count()).isEqualTo(clean + result.dirtyRows());
    // Clean rows are untouched: every truth contact appears once, or twice as identical rows when duplicated.
    Set<String> truth = truthRefs();
    Set<String> duplicated = new HashSet<>(refs(dirty.where(col("kind").equalTo("DUPLICATE_EXACT"))));
    assertThat(truth).containsAll(duplicated);
    List<Row> perRef =
        raw.where(col("contact_ref").isin(truth.toArray())).groupBy("contact_ref").count().collectAsList();
    assertThat(perRef).hasSize(truth.size());
    for (Row r : perRef) {
      long expected = duplicated.contains(r.getString(0)) ? 2 : 1;
      assertThat(r.getLong(1)).as("copies of %s", r.getString(0)).isEqualTo(expected);
    }
    assertThat(raw.where(col("contact_ref").isin(duplicated.toArray())).distinct().count()).isEqualTo(duplicated.size());
    // New dirty rows have new references, and are broken the way their kind says.
    for (String kind : List.of("MISSING_CUSTOMER", "BAD_TIMESTAMP", "ENDED_BEFORE_STARTED")) {
      List<String> newRefs = refs(dirty.where(col("kind").equalTo(kind)));
      assertThat(newRefs).doesNotContainAnyElementsOf(truth);
      for (Row r : raw.where(col("contact_ref").isin(newRefs.toArray())).collectAsList()) {
        switch (kind) {
          case "MISSING_CUSTOMER" -> assertThat((String) r.getAs("customer_number")).isNull();
          case "BAD_TIMESTAMP" -> assertThat((String) r.getAs("start_time")).doesNotMatch("\\d{4}-\\d\\d-\\d\\d .*");
          default ->
              assertThat(LocalDateTime.parse(r.getAs("end_time"), TS))
                  .isBefore(LocalDateTime.parse(r.getAs("start_time"), TS));
        }
      }
    }
    assertThat(raw.where(col("contact_ref").isNull()).count())
        .isEqualTo(dirty.where(col("kind").equalTo("MISSING_ID")).count());
  }

  @Test
  void plantedSetsFailAtLeastTwiceAsOftenAsTheBaseline() {
    // Touches without transfer, first in their episode or not: failed when a recontact names them as prior.
    Dataset<Row> truth = spark.read().parquet(OUT.resolve("main/truth/contacts").toString());
    Dataset<Row> priors =
        truth.where(col("planted_prior_contact_ref").isNotNull()).select(col("planted_prior_contact_ref").as("p"));
    Dataset<Row> raw = Generator.readBack(spark, settings, "contacts").dropDuplicates("contact_ref");
    Dataset<Row> touches =
        truth
            .where(col("service_account").equalTo(false))
            .join(raw, "contact_ref")
            .where(col("direction").equalTo("inbound").and(col("disposition").notEqual("transferred")))
            .join(priors, col("contact_ref").equalTo(col("p")), "left")
            .withColumn("failed", col("p").isNotNull())
            .withColumn("channel", org.apache.spark.sql.functions.lower(col("channel_name")));
    Map<String, double[]> rates = new TreeMap<>();
    org.apache.spark.sql.Column none = org.apache.spark.sql.functions.lit(true);
    for (GenerateSettings.PlantedSet set : settings.planted()) {
      org.apache.spark.sql.Column meets = org.apache.spark.sql.functions.lit(true);
      for (int i = 0; i < set.conditions().size(); i++) {
        String attribute = set.attribute(i).equals("team") ? "team_name"
            : set.attribute(i).equals("automation_flow") ? "bot_flow" : set.attribute(i);
        meets = meets.and(org.apache.spark.sql.functions.coalesce(col(attribute).equalTo(set.value(i)),
            org.apache.spark.sql.functions.lit(false)));
      }
      none = none.and(org.apache.spark.sql.functions.not(meets));
      rates.put(set.name(), rate(touches.where(meets)));
    }
    double[] baseline = rate(touches.where(none));
    assertThat(baseline[0]).isBetween(0.06, 0.2);
    rates.forEach(
        (name, r) ->
            assertThat(r[0])
                .as("failure rate of %s (%.0f touches) vs baseline %.3f", name, r[1], baseline[0])
                .isGreaterThanOrEqualTo(2 * baseline[0]));
  }

  @Test
  void truthMatchesTheRecontactRulesRecomputedInPlainJava() {
    Map<String, String> family = new HashMap<>();
    Taxonomy.read(Path.of(settings.taxonomy())).entries().forEach(e -> family.put(e.reason(), e.needFamily()));
    Map<String, Row> truth = new HashMap<>();
    for (Row r : spark.read().parquet(OUT.resolve("main/truth/contacts").toString()).collectAsList()) {
      truth.put(r.getString(0), r);
    }
    List<Contact> contacts = new ArrayList<>();
    for (Row r : Generator.readBack(spark, settings, "contacts").distinct().collectAsList()) {
      String ref = r.getAs("contact_ref");
      if (ref != null && truth.containsKey(ref)) {
        contacts.add(
            new Contact(
                ref,
                r.getAs("customer_number"),
                family.get((String) r.getAs("reason_code")),
                seconds(r.getAs("start_time")),
                seconds(r.getAs("end_time")),
                r.getAs("direction"),
                r.getAs("disposition"),
                r.getAs("case_ref")));
      }
    }
    assertThat(contacts).hasSize(truth.size());
    Map<String, Expected> expected = RecontactRules.apply(contacts);
    long recontacts = 0;
    for (Contact c : contacts) {
      Row t = truth.get(c.ref());
      Expected e = expected.get(c.ref());
      String what = "contact " + c.ref() + " of " + c.customer() + " " + c.family();
      assertThat((Boolean) t.getAs("service_account")).as(what + ": service account").isEqualTo(e.serviceAccount());
      assertThat((Boolean) t.getAs("planted_recontact")).as(what + ": recontact").isEqualTo(e.recontact());
      assertThat((String) t.getAs("planted_prior_contact_ref")).as(what + ": prior").isEqualTo(e.prior());
      assertThat((String) t.getAs("planted_chain_id")).as(what + ": chain").isEqualTo(e.chain());
      assertThat((Integer) t.getAs("planted_chain_position")).as(what + ": position").isEqualTo(e.position());
      assertThat((String) t.getAs("need_family")).as(what + ": need").isEqualTo(c.family());
      recontacts += e.recontact() ? 1 : 0;
    }
    assertThat(recontacts).isEqualTo(result.recontacts()).isPositive();
    assertThat(expected.values().stream().filter(Expected::serviceAccount).map(e -> e.customer()).distinct().count())
        .isEqualTo(result.serviceAccounts())
        .isGreaterThanOrEqualTo(settings.serviceAccounts());

    // Journeys: contacts and case events of one customer and need with no gap above 14 days.
    Map<String, String> caseFamily = new HashMap<>();
    contacts.stream().filter(c -> c.caseRef() != null).forEach(c -> caseFamily.put(c.caseRef(), c.family()));
    List<Contact> events = new ArrayList<>(contacts);
    for (Row r : Generator.readBack(spark, settings, "case_events").collectAsList()) {
      long at = seconds(r.getAs("event_time"));
      events.add(new Contact(null, r.getAs("customer_number"), caseFamily.get((String) r.getAs("case_ref")), at, at,
          "case", null, r.getAs("case_ref")));
    }
    assertThat(events.stream().filter(e -> e.family() == null)).as("case events without contacts").isEmpty();
    Map<String, String> journeyOf = RecontactRules.journeys(events, 14 * 86_400L);
    Map<String, String> plantedToComputed = new HashMap<>();
    Map<String, String> computedToPlanted = new HashMap<>();
    for (Contact c : contacts) {
      String planted = truth.get(c.ref()).getAs("planted_journey_id");
      String computed = journeyOf.get(c.ref());
      assertThat(Objects.requireNonNullElse(plantedToComputed.putIfAbsent(planted, computed), computed))
          .as("journey of %s", c.ref()).isEqualTo(computed);
      assertThat(Objects.requireNonNullElse(computedToPlanted.putIfAbsent(computed, planted), planted))
          .as("journey of %s", c.ref()).isEqualTo(planted);
    }
  }

  // ------------------------------------------------------------------------------------------------------------

  /** One clean contact (or a case event: ref null) as the rules see it. */
  record Contact(String ref, String customer, String family, long start, long end, String direction,
      String disposition, String caseRef) {}

  /** What the rules say about one contact. */
  record Expected(String customer, boolean serviceAccount, boolean recontact, String prior, String chain,
      Integer position) {}

  /** An independent plain-Java implementation of the recontact rules of the failure-demand job's defaults. */
  static final class RecontactRules {
    static Map<String, Expected> apply(List<Contact> contacts) {
      Map<String, Map<Long, Integer>> perDay = new HashMap<>();
      for (Contact c : contacts) {
        perDay.computeIfAbsent(c.customer(), x -> new HashMap<>()).merge(Math.floorDiv(c.start(), 86_400L), 1, Integer::sum);
      }
      Set<String> serviceAccounts = new HashSet<>();
      perDay.forEach((customer, days) -> {
        if (days.values().stream().anyMatch(n -> n > 20)) {
          serviceAccounts.add(customer);
        }
      });
      Map<String, Expected> out = new HashMap<>();
      Map<String, List<Contact>> byNeed =
          contacts.stream().collect(Collectors.groupingBy(c -> c.customer() + "|" + c.family()));
      for (List<Contact> list : byNeed.values()) {
        list.sort(Comparator.comparingLong(Contact::start).thenComparing(Contact::ref));
        boolean sa = serviceAccounts.contains(list.get(0).customer());
        String[] anchor = new String[list.size()];
        int[] position = new int[list.size()];
        boolean[] recontact = new boolean[list.size()];
        Set<String> failedChains = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
          Contact c = list.get(i);
          Contact p = i == 0 ? null : list.get(i - 1);
          boolean transfer = p != null && "transferred".equals(p.disposition()) && c.start() <= p.end() + 15 * 60;
          recontact[i] = p != null && !transfer && c.direction().equals("inbound") && c.start() - p.start() <= 7 * 86_400L;
          if (p != null && (transfer || recontact[i])) {
            anchor[i] = anchor[i - 1];
            position[i] = position[i - 1] + 1;
          } else {
            anchor[i] = c.ref();
            position[i] = 1;
          }
          if (recontact[i]) {
            failedChains.add(anchor[i]);
          }
        }
        for (int i = 0; i < list.size(); i++) {
          boolean chained = !sa && failedChains.contains(anchor[i]);
          out.put(list.get(i).ref(), new Expected(list.get(i).customer(), sa, !sa && recontact[i],
              !sa && recontact[i] ? list.get(i - 1).ref() : null, chained ? anchor[i] : null,
              chained ? position[i] : null));
        }
      }
      return out;
    }

    /** Journey key of each contact: a new journey after a gap above {@code gap} seconds in its customer and need. */
    static Map<String, String> journeys(List<Contact> events, long gap) {
      Map<String, String> out = new HashMap<>();
      Map<String, List<Contact>> byNeed =
          events.stream().collect(Collectors.groupingBy(c -> c.customer() + "|" + c.family()));
      byNeed.forEach((key, list) -> {
        list.sort(Comparator.comparingLong(Contact::start));
        int journey = 0;
        for (int i = 0; i < list.size(); i++) {
          if (i > 0 && list.get(i).start() - list.get(i - 1).start() > gap) {
            journey++;
          }
          if (list.get(i).ref() != null) {
            out.put(list.get(i).ref(), key + "#" + journey);
          }
        }
      });
      return out;
    }
  }

  private static long seconds(String timestamp) {
    return LocalDateTime.parse(timestamp, TS).toEpochSecond(ZoneOffset.UTC);
  }

  private static double[] rate(Dataset<Row> touches) {
    Row r = touches.agg(org.apache.spark.sql.functions.avg(col("failed").cast("double")),
        org.apache.spark.sql.functions.count(org.apache.spark.sql.functions.lit(1))).first();
    return new double[] {r.isNullAt(0) ? 0 : r.getDouble(0), r.getLong(1)};
  }

  private static Path run(String name, String partitions) {
    spark.conf().set("spark.sql.shuffle.partitions", partitions);
    Generator.run(spark, GenerateSettings.from(settings(small(name))));
    return OUT.resolve(name);
  }

  private static String[] small(String name, String... extra) {
    List<String> overrides = new ArrayList<>(List.of("generate.customers=200", "generate.output=" + OUT.resolve(name)));
    overrides.addAll(List.of(extra));
    return overrides.toArray(String[]::new);
  }

  /** Every data file under the folder by relative path (part file names carry a random id: numbered instead). */
  private static Map<String, String> files(Path dir) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      Map<Path, List<Path>> byFolder =
          walk.filter(p -> p.getFileName().toString().startsWith("part-"))
              .sorted()
              .collect(Collectors.groupingBy(Path::getParent, TreeMap::new, Collectors.toList()));
      for (var e : byFolder.entrySet()) {
        List<Path> parts = e.getValue();
        parts.sort(Comparator.comparing(p -> p.getFileName().toString().substring(0, 10)));
        for (int i = 0; i < parts.size(); i++) {
          byte[] bytes = Files.readAllBytes(parts.get(i));
          out.put(dir.relativize(e.getKey()) + "#" + i,
              parts.get(i).toString().endsWith(".csv") ? new String(bytes, StandardCharsets.UTF_8)
                  : java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes)));
        }
      }
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

  private static String header(String name) throws IOException {
    try (Stream<Path> walk = Files.list(OUT.resolve("main").resolve(name))) {
      Path part = walk.filter(p -> p.getFileName().toString().startsWith("part-")).findFirst().orElseThrow();
      return Files.readAllLines(part, StandardCharsets.UTF_8).get(0);
    }
  }

  private static List<String> distinct(Dataset<Row> rows, String column) {
    return rows.select(column).distinct().collectAsList().stream().map(r -> r.getString(0)).toList();
  }

  private static Set<String> truthRefs() {
    return new HashSet<>(refs(spark.read().parquet(OUT.resolve("main/truth/contacts").toString())));
  }

  private static List<String> refs(Dataset<Row> rows) {
    return rows.select("contact_ref").collectAsList().stream().map(r -> r.getString(0)).toList();
  }
}
