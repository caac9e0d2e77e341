package org.leancx.capacity;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.leancx.common.TableContract;
import org.leancx.common.Warehouse;
import org.leancx.ingest.CanonicalTables;

/** Inline rows of contacts and contact_demand for the capacity and scorecard tests. */
final class CapacityFixtures {
  private CapacityFixtures() {}

  static final StructType CONTACTS = CanonicalTables.CONTACTS.schema();
  /** The columns of contact_demand that capacity and the scorecard read. */
  static final StructType DEMAND =
      new StructType()
          .add(Inputs.ContactDemand.CONTACT_DATE, DataTypes.DateType)
          .add(Inputs.ContactDemand.CONTACT_ID, DataTypes.StringType)
          .add(Inputs.ContactDemand.CHANNEL, DataTypes.StringType)
          .add(Inputs.ContactDemand.NEED_KEY, DataTypes.StringType)
          .add(Inputs.ContactDemand.DEMAND_CLASS, DataTypes.StringType)
          .add(Inputs.ContactDemand.IS_RECONTACT, DataTypes.BooleanType)
          .add(Inputs.ContactDemand.FCR_STATUS, DataTypes.StringType);

  /** The columns of journeys that the scorecard reads. */
  static final StructType JOURNEYS =
      new StructType()
          .add(Inputs.Journeys.JOURNEY_ID, DataTypes.StringType)
          .add(Inputs.Journeys.JOURNEY_TYPE, DataTypes.StringType)
          .add(Inputs.Journeys.STATUS, DataTypes.StringType)
          .add(Inputs.Journeys.STARTED_AT, DataTypes.TimestampType)
          .add(Inputs.Journeys.ENDED_AT, DataTypes.TimestampType)
          .add(Inputs.Journeys.LEAD_TIME_SECONDS, DataTypes.LongType)
          .add(Inputs.Journeys.TOUCH_SECONDS, DataTypes.LongType)
          .add(Inputs.Journeys.FLOW_EFFICIENCY, DataTypes.DoubleType);

  /** The columns of journey_slo that the scorecard reads. */
  static final StructType JOURNEY_SLO =
      new StructType()
          .add(Inputs.JourneySlo.PERIOD_START, DataTypes.DateType)
          .add(Inputs.JourneySlo.JOURNEY_TYPE, DataTypes.StringType)
          .add(Inputs.JourneySlo.ELIGIBLE, DataTypes.LongType)
          .add(Inputs.JourneySlo.MET, DataTypes.LongType);

  /** The columns of root_conditions that the scorecard reads. */
  static final StructType ROOT_CONDITIONS =
      new StructType()
          .add(Inputs.RootConditions.CONDITIONS, DataTypes.createArrayType(DataTypes.StringType))
          .add(Inputs.RootConditions.EXCESS_COST, DataTypes.DoubleType)
          .add(Inputs.RootConditions.RANK, DataTypes.IntegerType)
          .add(Inputs.RootConditions.OUTCOME, DataTypes.StringType);

  /**
   * Writes an input table as a plain Delta table at its location: the writers' constraints and run log are not what
   * these tests are about, and skipping them keeps the tests fast.
   */
  static void writeInput(Warehouse warehouse, TableContract contract, Dataset<Row> rows) {
    rows.coalesce(1).write().format("delta").mode("overwrite").save(warehouse.location(contract));
  }

  static Timestamp at(String isoUtc) {
    return Timestamp.from(Instant.parse(isoUtc));
  }

  /** A canonical contact with the columns capacity reads; the rest are null or fixed. */
  static Object[] contact(
      String id, String channel, String direction, Timestamp startedAt, Long handleSeconds, Long waitSeconds) {
    LocalDate date = startedAt.toInstant().atZone(ZoneOffset.UTC).toLocalDate();
    return new Object[] {
      id, "customer-" + id, channel, direction, startedAt, null, handleSeconds, waitSeconds, "billing_question",
      "resolved", "team-a", null, null, null, null, Date.valueOf(date), "test", "inline", 1L, null
    };
  }

  /** A contact_demand row (read-side view columns). */
  static Object[] demand(
      String id, LocalDate date, String channel, String needKey, String demandClass, boolean recontact,
      String fcrStatus) {
    return new Object[] {Date.valueOf(date), id, channel, needKey, demandClass, recontact, fcrStatus};
  }
}
