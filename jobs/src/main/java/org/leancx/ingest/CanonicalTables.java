package org.leancx.ingest;

import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;
import static org.leancx.common.TableContract.optional;
import static org.leancx.common.TableContract.required;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.types.DataTypes;
import org.leancx.common.TableContract;

/** The canonical input tables that every source is mapped onto, and the quarantine of rejected rows. */
public final class CanonicalTables {
  private CanonicalTables() {}

  /** {@code contacts}: one row per customer contact on any channel. */
  public static final TableContract CONTACTS =
      new TableContract(
          "contacts",
          2,
          "One row per customer contact (contact_id) on any channel, mapped from a raw export by conf/sources/*.conf."
              + " A snapshot load replaces a source's rows as a whole, an incremental load merges them by contact_id"
              + " (conf/sources/README.md). Each source's files are clustered by customer:"
              + " range-partitioned by customer_key and sorted by customer_key, started_at, contact_id"
              + " (ingest.contacts-rows-per-file), so that each customer's contacts lie in one file.",
          TableContract.schema(
              required("contact_id", StringType, "Contact id from the source; unique"),
              required("customer_key", StringType,
                  "Pseudonymised customer: hex HMAC-SHA-256 of the raw customer id under the privacy key (first 32"
                      + " hex digits). Raw ids never reach this table"),
              required("channel", StringType, "Channel, lower case after the source's value map: phone, chat, email,"
                  + " web, bot, branch, letter, ..."),
              required("direction", StringType, "INBOUND or OUTBOUND (INBOUND when the source has no direction)"),
              required("started_at", TimestampType, "When the contact started (UTC)"),
              optional("ended_at", TimestampType, "When the contact ended (UTC); null when the source has none"),
              optional("handle_seconds", LongType, "Handle (touch) time in seconds: from the source, else"
                  + " ended_at - started_at"),
              optional("wait_seconds", LongType, "Queue wait before the contact was answered, in seconds"),
              optional("reason", StringType, "Contact reason as coded by the source (the customer's need)"),
              optional("outcome", StringType, "Outcome or disposition, lower case after the value map, e.g."
                  + " resolved, transferred, callback"),
              optional("team", StringType, "Queue or team that handled the contact"),
              optional("agent_key", StringType, "Agent id as given by the source"),
              optional("case_id", StringType, "Back-office case the contact belongs to, if any"),
              optional("automation_flow", StringType, "Bot or IVR flow that routed the contact, if any"),
              optional("attributes", DataTypes.createMapType(StringType, StringType, true),
                  "Extra condition attributes kept by the source mapping (ingest.keep), name to value"),
              required("contact_date", DateType, "UTC date of started_at"),
              required("source", StringType, "Name of the source mapping (conf/sources/<source>.conf)"),
              required("source_file", StringType, "File the row came from"),
              required("source_record", LongType, "1-based record number in that file (header excluded)"),
              optional("source_version", DataTypes.createDecimalType(38, 6),
                  "Version of the record from the mapping's version-column (a timestamp as epoch seconds, or the"
                      + " number); the latest version of an id wins. Null when the mapping has no version-column")),
          List.of(),
          List.of("contact_id"),
          Map.of(
              "ended_not_before_started", "ended_at IS NULL OR ended_at >= started_at",
              "handle_seconds_not_negative", "handle_seconds IS NULL OR handle_seconds >= 0",
              "direction_known", "direction IN ('INBOUND', 'OUTBOUND')"));

  /** {@code case_events}: one row per back-office event. */
  public static final TableContract CASE_EVENTS =
      new TableContract(
          "case_events",
          2,
          "One row per back-office case event (event_id), mapped from a raw event log by conf/sources/*.conf. A"
              + " snapshot load replaces a source's rows as a whole, an incremental load merges them by event_id.",
          TableContract.schema(
              required("event_id", StringType, "Event id from the source, else source:file:record"),
              required("case_id", StringType, "Case the event belongs to"),
              optional("customer_key", StringType, "Pseudonymised customer (HMAC-SHA-256, as in contacts), when the"
                  + " source has one"),
              required("activity", StringType, "Activity name as given by the source"),
              required("occurred_at", TimestampType, "When the event happened (UTC)"),
              optional("lifecycle", StringType, "start or complete, lower case; null when the source has none"),
              optional("resource", StringType, "Resource (person or system) that did the activity"),
              optional("team", StringType, "Team or group that did the activity"),
              optional("attributes", DataTypes.createMapType(StringType, StringType, true),
                  "Extra attributes kept by the source mapping (ingest.keep), name to value"),
              required("event_date", DateType, "UTC date of occurred_at"),
              required("source", StringType, "Name of the source mapping"),
              required("source_file", StringType, "File the row came from"),
              required("source_record", LongType, "1-based record number in that file (header excluded)"),
              optional("source_version", DataTypes.createDecimalType(38, 6),
                  "Version of the record from the mapping's version-column (a timestamp as epoch seconds, or the"
                      + " number); the latest version of an id wins. Null when the mapping has no version-column")),
          List.of(),
          List.of("event_id"),
          Map.of());

  /** {@code customer_lists}: one row per list (its source) and customer, e.g. customers in vulnerable circumstances. */
  public static final TableContract CUSTOMER_LISTS =
      new TableContract(
          "customer_lists",
          1,
          "One row per source and customer (customer_key): a list of customers from a CRM or case system, mapped by"
              + " conf/sources/*.conf with target = customer_lists; the source's name is the list's name, e.g. the"
              + " customers in vulnerable circumstances named by guardrails.vulnerable.lists. A snapshot load replaces"
              + " a source's rows as a whole (a customer taken off the list leaves it), an incremental load merges them"
              + " by customer_key.",
          TableContract.schema(
              required("customer_key", StringType, "Pseudonymised customer (HMAC-SHA-256 under the privacy key, as in"
                  + " contacts). Raw ids never reach this table"),
              optional("listed_at", TimestampType, "When the customer was put on the list (UTC), when the source has"
                  + " it"),
              optional("attributes", DataTypes.createMapType(StringType, StringType, true),
                  "Extra attributes kept by the source mapping (keep), name to value"),
              required("source", StringType, "Name of the source mapping: the list's name"),
              required("source_file", StringType, "File the row came from"),
              required("source_record", LongType, "1-based record number in that file (header excluded)"),
              optional("source_version", DataTypes.createDecimalType(38, 6),
                  "Version of the record from the mapping's version-column; the latest version wins. Null when the"
                      + " mapping has no version-column")),
          List.of(),
          List.of("source", "customer_key"),
          Map.of());

  /** {@code surveys}: one row per survey answer (survey_id), about a contact or a case. */
  public static final TableContract SURVEYS =
      new TableContract(
          "surveys",
          1,
          "One row per survey answer (survey_id): a customer's NPS and CSAT about a contact or a case, mapped from a"
              + " raw export by conf/sources/*.conf with target = surveys. Every row names a contact_id or a case_id"
              + " (else MISSING_REQUIRED), and nps (0-10) and csat (1-5) are on their scales (else BAD_VALUE). Other"
              + " scores, such as the SERVQUAL dimensions (servqual_reliability, servqual_assurance,"
              + " servqual_tangibles, servqual_empathy, servqual_responsiveness), are kept as text in attributes through"
              + " the mapping's keep. A snapshot load replaces a source's rows as a whole, an incremental load merges"
              + " them by survey_id. survey_outcomes links them to journeys.",
          TableContract.schema(
              required("survey_id", StringType, "Survey (answer) id from the source; unique"),
              required("customer_key", StringType, "Pseudonymised customer (HMAC-SHA-256 under the privacy key, as in"
                  + " contacts). Raw ids never reach this table"),
              optional("contact_id", StringType, "The contact the survey asks about (contacts.contact_id); null when"
                  + " it is about a case"),
              optional("case_id", StringType, "The back-office case the survey asks about (contacts.case_id,"
                  + " case_events.case_id), if any"),
              required("answered_at", TimestampType, "When the customer answered (UTC)"),
              optional("nps", IntegerType, "Likelihood to recommend, 0-10 (9-10 promoter, 7-8 passive, 0-6"
                  + " detractor); null when not answered"),
              optional("csat", IntegerType, "Satisfaction, 1-5 (5 best); null when not answered"),
              optional("attributes", DataTypes.createMapType(StringType, StringType, true),
                  "Extra answers kept by the source mapping (keep), name to value as text, e.g. the SERVQUAL dimension"
                      + " scores servqual_reliability or servqual_responsiveness (1-5)"),
              required("answer_date", DateType, "UTC date of answered_at"),
              required("source", StringType, "Name of the source mapping"),
              required("source_file", StringType, "File the row came from"),
              required("source_record", LongType, "1-based record number in that file (header excluded)"),
              optional("source_version", DataTypes.createDecimalType(38, 6),
                  "Version of the record from the mapping's version-column; the latest version of an id wins. Null"
                      + " when the mapping has no version-column")),
          List.of(),
          List.of("survey_id"),
          Map.of(
              "nps_on_scale", "nps IS NULL OR (nps >= 0 AND nps <= 10)",
              "csat_on_scale", "csat IS NULL OR (csat >= 1 AND csat <= 5)",
              "contact_or_case", "contact_id IS NOT NULL OR case_id IS NOT NULL"));

  /** {@code quarantine}: one row per rejected input record. */
  public static final TableContract QUARANTINE =
      new TableContract(
          "quarantine",
          1,
          "One row per rejected input record (source, source_file, source_record), with the reason. Input rows ="
              + " inserted + updated + duplicates + superseded + quarantined, per ingest run (see pipeline_runs.counts).",
          TableContract.schema(
              required("source", StringType, "Name of the source mapping"),
              required("target", StringType, "contacts, case_events, customer_lists or surveys"),
              required("source_file", StringType, "File the record came from"),
              required("source_record", LongType, "1-based record number in that file (header excluded)"),
              required("reason_code", StringType, "Why it was rejected: MALFORMED_RECORD, MISSING_REQUIRED, BAD_TIMESTAMP,"
                  + " BAD_NUMBER, BAD_VALUE, IMPLAUSIBLE_DATE, ENDED_BEFORE_STARTED, IMPLAUSIBLE_DURATION,"
                  + " DUPLICATE_ID_CONFLICT (see conf/sources/README.md)"),
              required("message", StringType, "Readable message naming the file, the record, the column and the"
                  + " value"),
              optional("raw_record", StringType, "The raw record as read, separator-joined (customer ids masked)")),
          List.of(),
          List.of("source", "source_file", "source_record"),
          Map.of());
}
