package org.leancx.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.leancx.common.SparkTestBase;
import org.leancx.experiments.ExperimentSettings.Design;
import org.leancx.experiments.ExperimentSettings.Experiment;

/** The needs frame (full cost of a journey) and the arms of each design, on a few inline journeys. */
class NeedsAndArmsTest extends SparkTestBase {
  private static final StructType JOURNEYS = new StructType()
      .add("journey_id", DataTypes.StringType)
      .add("customer_key", DataTypes.StringType)
      .add("started_at", DataTypes.TimestampType)
      .add("status", DataTypes.StringType)
      .add("lead_time_seconds", DataTypes.LongType)
      .add("repeats", DataTypes.IntegerType)
      .add("as_of", DataTypes.TimestampType);
  private static final StructType STEPS = new StructType()
      .add("journey_id", DataTypes.StringType)
      .add("seq", DataTypes.IntegerType)
      .add("step_id", DataTypes.StringType)
      .add("kind", DataTypes.StringType)
      .add("touch_seconds", DataTypes.LongType);
  private static final StructType DEMAND = new StructType()
      .add("contact_id", DataTypes.StringType)
      .add("cost", DataTypes.DoubleType)
      .add("demand_class", DataTypes.StringType)
      .add("failure_subtype", DataTypes.StringType);
  private static final StructType CONTACTS = new StructType()
      .add("contact_id", DataTypes.StringType)
      .add("attributes", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType));
  private static final StructType LISTS = new StructType()
      .add("source", DataTypes.StringType)
      .add("customer_key", DataTypes.StringType)
      .add("listed_at", DataTypes.TimestampType)
      .add("attributes", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType));
  private static final Timestamp AS_OF = Timestamp.valueOf("2026-07-01 00:00:00");
  /** 30 per hour of handle time, 40 per complaint, 3 per case event. */
  private static final ExperimentSettings COSTS =
      new ExperimentSettings(1000, 1, 0.95, 0.001, 30.0, 40.0, 3.0, Map.of());

  private static Timestamp at(String day) {
    return Timestamp.valueOf(day + " 09:00:00");
  }

  private Dataset<Row> needs() {
    Dataset<Row> journeys = rows(JOURNEYS,
        new Object[] {"j1", "c1", at("2026-06-01"), "CLOSED", 7200L, 1, AS_OF},
        new Object[] {"j2", "c2", at("2026-06-10"), "OPEN", 3600L, 0, AS_OF},
        new Object[] {"j3", "c3", at("2026-06-20"), "CLOSED", 60L, 0, AS_OF},
        new Object[] {"j4", "sa", at("2026-06-20"), "CLOSED", 60L, 0, AS_OF});
    Dataset<Row> steps = rows(STEPS,
        // j1: a phone contact of 12 min, a case event, a recontact that is a complaint of 6 min.
        new Object[] {"j1", 1, "k1", "CONTACT", 720L},
        new Object[] {"j1", 2, "e1", "EVENT", 0L},
        new Object[] {"j1", 3, "k2", "CONTACT", 360L},
        new Object[] {"j2", 1, "k3", "CONTACT", 120L},
        new Object[] {"j3", 1, "e2", "EVENT", 600L},
        new Object[] {"j4", 1, "k9", "CONTACT", 60L});
    Dataset<Row> demand = rows(DEMAND,
        new Object[] {"k1", 6.0, "VALUE", null},
        new Object[] {"k2", 6.0, "FAILURE", "complaint"},
        new Object[] {"k3", 4.0, "VALUE", null});
    return Needs.needs(journeys, steps, demand, COSTS);
  }

  private static Map<String, Row> byJourney(Dataset<Row> needs) {
    Map<String, Row> out = new TreeMap<>();
    for (Row r : needs.collectAsList()) {
      out.put(r.getAs(Needs.JOURNEY_ID), r);
    }
    return out;
  }

  @Test
  void aNeedCostsItsContactsHandleTimeComplaintsAndCaseWork() {
    Map<String, Row> n = byJourney(needs());
    Row j1 = n.get("j1");
    assertThat((long) j1.getAs(Needs.CONTACTS)).isEqualTo(2);
    assertThat((long) j1.getAs(Needs.FAILURE_CONTACTS)).isEqualTo(1);
    assertThat((long) j1.getAs(Needs.COMPLAINTS)).isEqualTo(1);
    assertThat((long) j1.getAs(Needs.CASE_EVENTS)).isEqualTo(1);
    assertThat((boolean) j1.getAs(Needs.REPEATED)).isTrue();
    assertThat((boolean) j1.getAs(Needs.SETTLED)).isTrue();
    assertThat((String) j1.getAs(Needs.FIRST_CONTACT_ID)).isEqualTo("k1");
    // First contact: 6.0 + 0.2 h x 30 = 12.0. Full: 12.0 + (6.0 + 0.1 h x 30) + 40 complaint + 3 case event = 64.0.
    assertThat((double) j1.getAs(Needs.FIRST_CONTACT_COST)).isCloseTo(12.0, within(1e-9));
    assertThat((double) j1.getAs(Needs.FULL_COST)).isCloseTo(64.0, within(1e-9));
    assertThat((double) j1.getAs(Needs.LEAD_TIME_HOURS)).isEqualTo(2.0);
    assertThat((boolean) n.get("j2").getAs(Needs.SETTLED)).isFalse();
    // A journey of case events only: no first contact, its case work is its cost.
    Row j3 = n.get("j3");
    assertThat(j3.isNullAt(j3.fieldIndex(Needs.FIRST_CONTACT_COST))).isTrue();
    assertThat((double) j3.getAs(Needs.FULL_COST)).isEqualTo(3.0);
    // A contact contact_demand does not hold (an excluded service account's): marked for the job to leave out.
    assertThat((long) n.get("j4").getAs(Needs.UNTAGGED_CONTACTS)).isEqualTo(1);
    assertThat((long) j1.getAs(Needs.UNTAGGED_CONTACTS)).isZero();
  }

  private static Experiment experiment(Design design, String attribute, String list, LocalDate from, LocalDate to,
      LocalDate change) {
    return new Experiment("t", "", design, attribute, list, "arm", design == Design.BEFORE_AFTER ? "before" : "A",
        from, to, Map.of(), change, 5);
  }

  private static Map<String, String> arms(Dataset<Row> armed) {
    Map<String, String> out = new TreeMap<>();
    for (Row r : armed.collectAsList()) {
      out.put(r.getAs(Needs.JOURNEY_ID), r.getAs(Arms.ARM));
    }
    return out;
  }

  @Test
  void theArmOfAnAttributeTestIsTheFirstContactsAttribute() {
    Dataset<Row> contacts = rows(CONTACTS,
        new Object[] {"k1", Map.of("ivr_variant", "B")},
        new Object[] {"k2", Map.of("ivr_variant", "A")}, // a later contact's arm does not count
        new Object[] {"k3", Map.of("segment", "retail")});
    assertThat(arms(Arms.assign(needs(), contacts, null, experiment(Design.ATTRIBUTE, "ivr_variant", null, null,
        null, null)))).isEqualTo(Map.of("j1", "B"));
    // A period leaves out the needs started outside it.
    assertThat(arms(Arms.assign(needs(), contacts, null, experiment(Design.ATTRIBUTE, "ivr_variant", null,
        LocalDate.parse("2026-06-02"), null, null)))).isEmpty();
  }

  @Test
  void theArmOfAListTestComesFromTheListFromTheDayTheCustomerWasListed() {
    Dataset<Row> lists = rows(LISTS,
        new Object[] {"ivr_assignment", "c1", null, Map.of("arm", "A")},
        new Object[] {"ivr_assignment", "c2", Timestamp.valueOf("2026-06-15 00:00:00"), Map.of("arm", "B")},
        new Object[] {"ivr_assignment", "c3", Timestamp.valueOf("2026-06-15 00:00:00"), Map.of("arm", "B")},
        new Object[] {"vulnerable_customers", "c2", null, Map.of("arm", "X")});
    // c2's need started before c2 was listed, and the customer sa is on no list: neither is in the test.
    assertThat(arms(Arms.assign(needs(), null, lists, experiment(Design.LIST, null, "ivr_assignment", null, null,
        null)))).isEqualTo(Map.of("j1", "A", "j3", "B"));
  }

  @Test
  void aBeforeAfterTestLeavesTheWashoutOut() {
    // Change on 2026-06-08, 5 washout days: before = 2026-05-11..06-07, after = 06-13..; j2 (06-10) is in the washout.
    Experiment e = experiment(Design.BEFORE_AFTER, null, null, LocalDate.parse("2026-05-11"),
        LocalDate.parse("2026-07-10"), LocalDate.parse("2026-06-08"));
    assertThat(arms(Arms.assign(needs(), null, null, e)))
        .isEqualTo(Map.of("j1", "before", "j3", "after", "j4", "after"));
  }

  @Test
  void settingsNameTheBadKeyAndTheFix() {
    var bad = com.typesafe.config.ConfigFactory.parseString("design = attribute, atribute = x, control = A");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ExperimentSettings.experiment("ivr", bad))
        .hasMessageContaining("Unknown key experiments.ivr.atribute: did you mean experiments.ivr.attribute?");
    var noControl = com.typesafe.config.ConfigFactory.parseString("design = attribute, attribute = x");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ExperimentSettings.experiment("ivr", noControl))
        .hasMessageContaining("experiments.ivr has no control");
    var dates = com.typesafe.config.ConfigFactory.parseString(
        "design = before-after, change-date = \"2026-06-08\", washout-days = 5, before-days = 28, after-days = 28");
    Experiment e = ExperimentSettings.experiment("menu", dates);
    assertThat(e.from()).isEqualTo(LocalDate.parse("2026-05-11"));
    assertThat(e.to()).isEqualTo(LocalDate.parse("2026-07-10"));
    assertThat(e.control()).isEqualTo("before");
    assertThat(ExperimentSettings.from(settings()).experiment("short_handling").attribute())
        .isEqualTo("handling_variant");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ExperimentSettings.from(settings()).experiment("nope"))
        .hasMessageContaining("No experiment 'nope'").hasMessageContaining("short_handling");
    assertThat(List.of(Design.values())).hasSize(3);
  }
}
