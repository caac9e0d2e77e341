package org.leancx.generate;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.try_element_at;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lpad;
import static org.apache.spark.sql.functions.map;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.leancx.demand.Taxonomy;
import org.leancx.common.SettingsException;

/**
 * The synthetic company: channels, products, regions and sites, teams and their routing, automation flows, need
 * families with their reasons, and the daily profiles. Plain values on the driver, turned into literal expressions.
 */
final class World {
  static final List<String> CHANNELS = List.of("phone", "chat", "email", "web", "bot", "branch", "letter");
  static final List<String> SEGMENTS = List.of("consumer", "business", "premium");
  static final List<String> PRODUCTS =
      List.of("fibre_broadband", "copper_broadband", "mobile", "tv_bundle", "home_insurance");
  static final List<String> REGIONS = List.of("north", "south", "scotland", "wales");
  /** The contact-centre site of each region (same order as REGIONS): a decoy, region correlates with team. */
  static final List<String> SITES = List.of("leeds", "bristol", "glasgow", "cardiff");
  /** Skill groups of the contact centre; a team is a group at a site, e.g. service-leeds. */
  static final List<String> GROUPS = List.of("billing", "service", "operations");
  static final List<String> IVR_FLOWS = List.of("ivr_main_v4", "ivr_self_serve_v3");
  static final String IVR_PRIORITY = "ivr_priority";
  static final List<String> BOT_FLOWS = List.of("bot_faq_v1", "bot_guided_v2");
  static final String WEB_TEAM = "digital";
  static final String MAIL_TEAM = "mailroom";
  static final int AGENTS_PER_TEAM = 30;
  /** Need families with back-office cases, the share of their episodes that open a case, and the case team. */
  static final Map<String, Double> CASE_SHARE = Map.of("claims", 1.0, "technical", 0.5, "delivery", 0.4);
  static final Map<String, String> CASE_TEAM =
      Map.of("claims", "claims-backoffice", "technical", "field-engineering", "delivery", "logistics-backoffice");
  static final List<String> CASE_ACTIVITIES = List.of("received", "assessed", "waiting_for_customer", "decided",
      "closed");

  /** Relative weight of each known need family among episodes; other families of the taxonomy weigh 5. */
  private static final Map<String, Double> FAMILY_WEIGHT =
      Map.of(
          "billing", 20.0, "payment", 10.0, "delivery", 9.0, "account", 12.0, "technical", 18.0, "contract", 7.0,
          "claims", 0.0, "sales", 8.0);
  /** Claims come from insurance customers only, for whom they are a quarter of the needs. */
  private static final double INSURANCE_CLAIMS_WEIGHT = 30.0;
  private static final Map<String, String> FAMILY_GROUP =
      Map.of(
          "billing", "billing", "payment", "billing", "contract", "billing", "account", "service", "technical",
          "service", "sales", "service", "delivery", "operations", "claims", "operations");

  final List<String> families;
  final Map<String, List<String>> valueReasons = new TreeMap<>();
  final Map<String, List<String>> failureReasons = new TreeMap<>();
  final List<String> reasons = new ArrayList<>();

  World(Taxonomy taxonomy) {
    TreeSet<String> fams = new TreeSet<>();
    for (Taxonomy.Entry e : taxonomy.entries()) {
      fams.add(e.needFamily());
      reasons.add(e.reason());
      boolean value = e.demandClass().equals("VALUE");
      (value ? valueReasons : failureReasons).computeIfAbsent(e.needFamily(), f -> new ArrayList<>()).add(e.reason());
      // Progress chasing is the typical reason of a customer coming back: twice as likely as the others.
      if (!value && "progress_chasing".equals(e.failureSubtype())) {
        failureReasons.get(e.needFamily()).add(e.reason());
      }
    }
    families = List.copyOf(fams);
    if (families.isEmpty() || families.size() > 32) {
      throw new SettingsException(
          "The taxonomy has " + families.size() + " need families: the generator needs 1 to 32.");
    }
    for (String f : families) {
      if (!valueReasons.containsKey(f)) {
        throw new SettingsException(
            "Need family " + f + " has no VALUE reason in the taxonomy: the generator needs one for first contacts.");
      }
    }
  }

  /** Every team name contacts can carry. */
  List<String> teams() {
    List<String> out = new ArrayList<>();
    for (String g : GROUPS) {
      for (String s : SITES) {
        out.add(g + "-" + s);
      }
    }
    for (String r : REGIONS) {
      out.add("branch-" + r);
    }
    out.add(WEB_TEAM);
    out.add(MAIL_TEAM);
    return out;
  }

  /** Every automation flow contacts can carry. */
  static List<String> flows() {
    List<String> out = new ArrayList<>(IVR_FLOWS);
    out.add(IVR_PRIORITY);
    out.addAll(BOT_FLOWS);
    return out;
  }

  /** The values a planted condition on {@code attribute} may take, to reject typos in conf. */
  List<String> domain(String attribute) {
    return switch (attribute) {
      case "channel" -> CHANNELS;
      case "need_family" -> families;
      case "reason" -> reasons;
      case "team" -> teams();
      case "product" -> PRODUCTS;
      case "segment" -> SEGMENTS;
      case "region" -> REGIONS;
      case "automation_flow" -> flows();
      default -> throw new IllegalArgumentException(attribute);
    };
  }

  /** The need family of an episode: claims only for insurance customers. */
  Column family(Column product, Column u) {
    double[] others = new double[families.size()];
    double[] insurance = new double[families.size()];
    for (int i = 0; i < families.size(); i++) {
      String f = families.get(i);
      others[i] = FAMILY_WEIGHT.getOrDefault(f, 5.0);
      insurance[i] = f.equals("claims") ? INSURANCE_CLAIMS_WEIGHT : others[i];
    }
    if (sum(others) == 0) {
      others = insurance;
    }
    return when(product.equalTo("home_insurance"), Draws.pick(u, families, insurance))
        .otherwise(Draws.pick(u, families, others));
  }

  /** The index of the family in the sorted family list. */
  Column familyIndex(Column family) {
    List<Column> kv = new ArrayList<>();
    for (int i = 0; i < families.size(); i++) {
      kv.add(lit(families.get(i)));
      kv.add(lit(i));
    }
    return try_element_at(map(kv.toArray(Column[]::new)), family);
  }

  /** The skill group that handles a family. */
  Column group(Column family) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String f : families) {
      m.put(f, FAMILY_GROUP.getOrDefault(f, "service"));
    }
    return try_element_at(literalMap(m), family);
  }

  /** A reason of the family: a failure reason when {@code failure} (when the family has one), else a value one. */
  Column reason(Column family, Column failure, Column u) {
    Column value = try_element_at(literalListMap(valueReasons), family);
    Column fail = try_element_at(literalListMap(failureReasons), family);
    Column list = when(failure.and(fail.isNotNull()), fail).otherwise(value);
    return element_at(list, floor(u.multiply(size(list))).cast("int").plus(1));
  }

  /** The home site of a region. */
  static Column homeSite(Column region) {
    List<Column> kv = new ArrayList<>();
    for (int i = 0; i < REGIONS.size(); i++) {
      kv.add(lit(REGIONS.get(i)));
      kv.add(lit(SITES.get(i)));
    }
    return try_element_at(map(kv.toArray(Column[]::new)), region);
  }

  /** An agent id of a team: the team's initials and a number, e.g. SL-017 for service-leeds. */
  static Column agent(Column team, Column u) {
    Column initials =
        concat(
            org.apache.spark.sql.functions.upper(org.apache.spark.sql.functions.substring(team, 1, 1)),
            org.apache.spark.sql.functions.upper(
                org.apache.spark.sql.functions.substring(
                    org.apache.spark.sql.functions.substring_index(team, "-", -1), 1, 3)));
    Column n = floor(u.multiply(AGENTS_PER_TEAM)).plus(1).cast("string");
    return concat(initials, lit("-"), lpad(n, 3, "0"));
  }

  /** Hour-of-day weights (0..23) of a channel: when its contacts start. */
  static double[] hourProfile(String channel) {
    return switch (channel) {
      case "phone", "chat" ->
          new double[] {0, 0, 0, 0, 0, 0, 0, 0, 5, 9, 11, 10, 7, 8, 9, 8, 7, 5, 3, 2, 0, 0, 0, 0};
      case "branch" -> new double[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 6, 9, 10, 10, 9, 8, 8, 6, 0, 0, 0, 0, 0, 0, 0};
      case "letter" -> new double[] {0, 0, 0, 0, 0, 0, 0, 0, 8, 8, 8, 8, 6, 8, 8, 8, 0, 0, 0, 0, 0, 0, 0, 0};
      default -> new double[] {1, 0.5, 0.3, 0.3, 0.3, 0.5, 1, 2, 4, 5, 6, 6, 6, 6, 6, 6, 6, 6, 6, 7, 8, 7, 5, 2};
    };
  }

  private static double sum(double[] a) {
    double s = 0;
    for (double x : a) {
      s += x;
    }
    return s;
  }

  static Column literalMap(Map<String, String> m) {
    List<Column> kv = new ArrayList<>();
    m.forEach(
        (k, v) -> {
          kv.add(lit(k));
          kv.add(lit(v));
        });
    return map(kv.toArray(Column[]::new));
  }

  private static Column literalListMap(Map<String, List<String>> m) {
    List<Column> kv = new ArrayList<>();
    m.forEach(
        (k, v) -> {
          kv.add(lit(k));
          kv.add(array(v.stream().map(org.apache.spark.sql.functions::lit).toArray(Column[]::new)));
        });
    return map(kv.toArray(Column[]::new));
  }
}
