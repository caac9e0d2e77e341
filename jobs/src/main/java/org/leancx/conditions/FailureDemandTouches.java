package org.leancx.conditions;

import static org.apache.spark.sql.functions.*;
import static org.apache.spark.sql.types.DataTypes.BooleanType;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.leancx.common.Settings;
import org.leancx.common.TableContract;
import org.leancx.common.Warehouse;
import org.leancx.demand.DemandTables;
import org.leancx.demand.Taxonomy;
import org.leancx.ingest.CanonicalTables;

/**
 * The touches of the failure-demand outcome: the first contact of every chain in {@code contact_demand}, FAILED
 * when a recontact followed it (fcr_status REPEATED) and RESOLVED when none did (RESOLVED_FIRST_TIME), joined with
 * its canonical contact and the taxonomy's need family. PENDING contacts are left out.
 *
 * @param taxonomy the reason taxonomy file (demand.taxonomy)
 * @param transferOutcomes outcomes that mean a hand-off (demand.recontact.transfer-outcomes), lower case
 */
public record FailureDemandTouches(Path taxonomy, List<String> transferOutcomes) implements TouchSource {

  /** The input table, declared by the failure-demand job. */
  public static final TableContract CONTACT_DEMAND = DemandTables.CONTACT_DEMAND;

  public static final String REPEATED = "REPEATED";
  public static final String RESOLVED_FIRST_TIME = "RESOLVED_FIRST_TIME";

  public FailureDemandTouches {
    transferOutcomes = transferOutcomes.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
  }

  static FailureDemandTouches from(Settings settings) {
    return new FailureDemandTouches(
        Path.of(settings.path("demand.taxonomy")),
        settings.config().getStringList("demand.recontact.transfer-outcomes"));
  }

  @Override
  public List<TableContract> inputs() {
    return List.of(CONTACT_DEMAND, CanonicalTables.CONTACTS);
  }

  @Override
  public Dataset<Row> touches(Warehouse warehouse, ConditionSettings settings) {
    return touches(
        warehouse.read(CONTACT_DEMAND),
        warehouse.read(CanonicalTables.CONTACTS),
        Taxonomy.read(taxonomy).toDataFrame(warehouse.spark()),
        transferOutcomes,
        settings);
  }

  /**
   * The touches: first contacts of chains that are REPEATED (failed) or RESOLVED_FIRST_TIME (resolved), with the
   * contact's team, automation flow, handle and wait seconds, hand-off flag and attributes map, the reason's need
   * family, and the failure's cost: the cost of the chain's repeat contacts (channel cost + handle hours x
   * handle-hour cost each).
   */
  public static Dataset<Row> touches(
      Dataset<Row> contactDemand,
      Dataset<Row> contacts,
      Dataset<Row> taxonomy,
      List<String> transferOutcomes,
      ConditionSettings settings) {
    Dataset<Row> contact =
        contacts.select(
            col("contact_id"),
            col("team"),
            col("automation_flow"),
            col(Touches.HANDLE_SECONDS),
            col(Touches.WAIT_SECONDS),
            col("outcome"),
            col(Touches.ATTRIBUTES));
    // The taxonomy's reason column would clash with the contact's: rename before the join.
    Dataset<Row> joined =
        contactDemand
            .select("contact_id", "started_at", "contact_date", "channel", "reason", "chain_id", "chain_position",
                "fcr_status")
            .join(contact, "contact_id")
            .join(
                broadcast(taxonomy.select(col("reason").as("tx_reason"), col("need_family"))),
                col("reason").equalTo(col("tx_reason")),
                "left")
            .drop("tx_reason");
    Column contactCost =
        coalesce(try_element_at(costMap(settings), lower(col("channel"))), lit(settings.defaultChannelCost()))
            .plus(coalesce(col(Touches.HANDLE_SECONDS), lit(0L)).divide(3600.0).multiply(settings.handleHourCost()));
    Dataset<Row> repeats =
        joined
            .where(col("chain_position").gt(1))
            .groupBy("chain_id")
            .agg(count(lit(1)).as("_repeats"), sum(contactCost).as("_repeat_cost"));
    Column failed = col("fcr_status").equalTo(lit(REPEATED));
    Column handoff =
        when(col("outcome").isNull(), lit(null).cast(BooleanType))
            .otherwise(lower(col("outcome")).isin(transferOutcomes.toArray()));
    return joined
        .where(col("chain_position").equalTo(1).and(col("fcr_status").isin(REPEATED, RESOLVED_FIRST_TIME)))
        .join(repeats, "chain_id", "left")
        .select(
            col("contact_id").as(Touches.TOUCH_ID),
            col("contact_date").as(Touches.PERIOD_DATE),
            failed.as(Touches.FAILED),
            when(failed, coalesce(col("_repeat_cost"), lit(0.0))).otherwise(lit(0.0)).as(Touches.FAILURE_COST),
            when(failed, coalesce(col("_repeats"), lit(0L))).otherwise(lit(0L)).as(Touches.FAILURE_CONTACTS),
            col(Touches.STARTED_AT),
            col(Touches.HANDLE_SECONDS),
            col(Touches.WAIT_SECONDS),
            handoff.as(Touches.HANDOFF),
            col("channel"),
            col("need_family"),
            col("reason"),
            col("team"),
            col("automation_flow"),
            col(Touches.ATTRIBUTES));
  }

  private static Column costMap(ConditionSettings settings) {
    List<Column> kv = new ArrayList<>();
    settings.channelCost().forEach((k, v) -> {
      kv.add(lit(k));
      kv.add(lit(v));
    });
    return kv.isEmpty() ? map().cast("map<string,double>") : map(kv.toArray(Column[]::new));
  }
}
