package org.leancx.ingest;

import java.util.List;
import java.util.Locale;
import org.leancx.common.SettingsException;
import org.leancx.common.TableContract;

/** The canonical table a source is mapped onto, with the input fields a mapping may fill. */
public enum Target {
  CONTACTS(
      "contacts",
      CanonicalTables.CONTACTS,
      "contact_id",
      List.of("contact_id", "customer_id", "channel", "direction", "started_at", "ended_at", "handle_seconds",
          "wait_seconds", "reason", "outcome", "team", "agent_key", "case_id", "automation_flow"),
      List.of("contact_id", "customer_id", "channel", "started_at"),
      List.of("started_at", "ended_at"),
      List.of("handle_seconds", "wait_seconds")),
  CASE_EVENTS(
      "case_events",
      CanonicalTables.CASE_EVENTS,
      "event_id",
      List.of("event_id", "case_id", "customer_id", "activity", "occurred_at", "lifecycle", "resource", "team"),
      List.of("case_id", "activity", "occurred_at"),
      List.of("occurred_at"),
      List.of()),
  /** A list of customers (its source is the list): the id is the pseudonymised customer, one row per customer. */
  CUSTOMER_LISTS(
      "customer_lists",
      CanonicalTables.CUSTOMER_LISTS,
      "customer_key",
      List.of("customer_id", "listed_at"),
      List.of("customer_id"),
      List.of("listed_at"),
      List.of()),
  /**
   * Survey answers (NPS, CSAT), each about a contact or a case: nps and csat are whole numbers checked against their
   * scales, and a survey must name a contact or a case (see {@link Validation}).
   */
  SURVEYS(
      "surveys",
      CanonicalTables.SURVEYS,
      "survey_id",
      List.of("survey_id", "customer_id", "contact_id", "case_id", "answered_at", "nps", "csat"),
      List.of("survey_id", "customer_id", "answered_at"),
      List.of("answered_at"),
      List.of());

  /** The score fields of {@link #SURVEYS}, with their scales: field -> {lowest, highest}. */
  public static final java.util.Map<String, int[]> SURVEY_SCALES =
      java.util.Map.of("nps", new int[] {0, 10}, "csat", new int[] {1, 5});

  private final String tableName;
  private final TableContract contract;
  private final String idField;
  private final List<String> fields;
  private final List<String> requiredFields;
  private final List<String> timestampFields;
  private final List<String> secondsFields;

  Target(String tableName, TableContract contract, String idField, List<String> fields, List<String> requiredFields,
      List<String> timestampFields, List<String> secondsFields) {
    this.tableName = tableName;
    this.contract = contract;
    this.idField = idField;
    this.fields = fields;
    this.requiredFields = requiredFields;
    this.timestampFields = timestampFields;
    this.secondsFields = secondsFields;
  }

  /** The table name as written in a mapping's {@code target} key. */
  public String tableName() {
    return tableName;
  }

  public TableContract contract() {
    return contract;
  }

  /** The id column, unique in the table. */
  public String idField() {
    return idField;
  }

  /** Every input field a mapping may fill through {@code columns} or {@code constants}, in canonical order. */
  public List<String> fields() {
    return fields;
  }

  /** The fields that must be non-blank on every row. */
  public List<String> requiredFields() {
    return requiredFields;
  }

  /** The first is the event time (started_at, occurred_at, or listed_at when the source has it). */
  public List<String> timestampFields() {
    return timestampFields;
  }

  public List<String> secondsFields() {
    return secondsFields;
  }

  /** Parses a mapping's {@code target} value. */
  public static Target parse(String value, String origin) {
    for (Target t : values()) {
      if (t.tableName.equals(value.trim().toLowerCase(Locale.ROOT))) {
        return t;
      }
    }
    throw new SettingsException(
        "target = '" + value + "' in " + origin + " is not a canonical table: use contacts, case_events,"
            + " customer_lists or surveys.");
  }
}
