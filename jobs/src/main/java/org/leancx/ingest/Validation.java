package org.leancx.ingest;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.map;
import static org.apache.spark.sql.functions.replace;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.to_utc_timestamp;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.try_element_at;
import static org.apache.spark.sql.functions.try_to_timestamp;
import static org.apache.spark.sql.functions.unix_seconds;
import static org.apache.spark.sql.functions.upper;
import static org.apache.spark.sql.functions.when;
import static org.leancx.ingest.SourceReader.CORRUPT;
import static org.leancx.ingest.SourceReader.FILE;
import static org.leancx.ingest.SourceReader.RECORD;
import static org.leancx.ingest.SourceReader.source;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;
import org.leancx.common.SparkSessions;

/**
 * The pure transforms of ingest: map raw string records onto the canonical fields, give each bad record its reason
 * code and message, resolve duplicate ids, and split the result into the canonical table and the quarantine.
 */
public final class Validation {
  /** Reason code of the first rule a record breaks; null for a valid record. */
  public static final String CODE = "_reason_code";
  /** Readable message naming the file, record, column and value. */
  public static final String MESSAGE = "_message";
  /** The raw record (customer id masked), for quarantined records; set by {@link #resolveDuplicates}. */
  public static final String RAW = "_raw_record";
  /** ACCEPTED, QUARANTINED, DUPLICATE or SUPERSEDED. */
  public static final String STATUS = "_status";
  /** The record's version from the mapping's version-column, DECIMAL(38,6); null without one. */
  public static final String VERSION = "_version";
  /** The version type of {@link #VERSION}. */
  public static final org.apache.spark.sql.types.DecimalType VERSION_TYPE = DataTypes.createDecimalType(38, 6);

  public static final String ACCEPTED = "ACCEPTED";
  public static final String QUARANTINED = "QUARANTINED";
  public static final String DUPLICATE = "DUPLICATE";
  /** An older version of a record whose latest version the run holds (mappings with a version-column). */
  public static final String SUPERSEDED = "SUPERSEDED";

  /** The reason codes of quarantined records. */
  public static final List<String> REASON_CODES =
      List.of("MALFORMED_RECORD", "MISSING_REQUIRED", "BAD_TIMESTAMP", "BAD_NUMBER", "BAD_VALUE", "IMPLAUSIBLE_DATE",
          "ENDED_BEFORE_STARTED", "IMPLAUSIBLE_DURATION", "DUPLICATE_ID_CONFLICT");

  /** Longest plausible wait, handle time or contact: one year, in seconds. */
  public static final long MAX_SECONDS = 365L * 24 * 3600;

  private static final String ATTRIBUTE = "_attr_";
  private static final String VALID = "_valid";
  private static final String REPEAT = "_repeat";
  private static final String CANDIDATE = "_candidate";
  private static final String CONFLICT = "_conflict";
  private static final String CONFLICT_MESSAGE = "_conflict_message";
  private static final String SUPERSEDE = "_supersede";
  private static final String RESOLVED_SUPERSEDE = "_resolved_supersede";
  private static final String RAW_VERSION = "_raw_version";
  private static final String RESOLVED_FILE = "_resolved_file";
  private static final String RESOLVED_RECORD = "_resolved_record";
  private static final String RESOLVED_CONFLICT = "_resolved_conflict";
  private static final String RESOLVED_MESSAGE = "_resolved_message";
  /** The id column of {@link #repeatedIds}. */
  public static final String REPEATED_ID = "_repeated_id";
  /** How many records have that id, in {@link #repeatedIds}. */
  public static final String REPEATED_ROWS = "_repeated_rows";
  private static final String SOURCE_PREFIX = "_src_";
  private static final String RAW_PREFIX = "_raw_";
  private static final String NUMBER_PREFIX = "_num_";
  private static final Set<String> LOWER_CASE = Set.of("channel", "outcome", "lifecycle");
  private static final String MASK = "****";
  private static final int SHOWN_CHARS = 100;
  private static final int RAW_CHARS = 4000;

  /**
   * The plausible range of timestamps.
   *
   * @param earliest timestamps before this are implausible
   * @param latest timestamps after this (now plus the future tolerance) are implausible
   * @param futureTolerance the tolerance, for messages (which must not depend on the time of the run)
   */
  public record Plausibility(Instant earliest, Instant latest, java.time.Duration futureTolerance) {
    public static Plausibility of(IngestSettings settings, Instant now) {
      return new Plausibility(
          settings.earliestDate().atStartOfDay(ZoneOffset.UTC).toInstant(), now.plus(settings.futureTolerance()),
          settings.futureTolerance());
    }
  }

  private record Check(Column when, String code, Column message) {}

  private Validation() {}

  /**
   * Maps the raw records to the canonical fields and gives each record that breaks a rule its {@link #CODE} and
   * {@link #MESSAGE}: the first rule broken, in the order of {@link #REASON_CODES}. Duplicates are
   * not looked at here (see {@link #resolveDuplicates}).
   */
  public static Dataset<Row> validate(
      Dataset<Row> raw, List<String> sourceColumns, SourceMapping mapping, Plausibility plausibility,
      Pseudonymizer pseudonymizer) {
    Target target = mapping.target();
    List<Column> out = new ArrayList<>();
    List<Check> checks = new ArrayList<>();
    Column where = concat_ws("", col(FILE), lit(" record "), col(RECORD).cast("string"), lit(": "));
    String origin = " (source " + mapping.name() + ")";

    checks.add(new Check(col(CORRUPT).isNotNull(), "MALFORMED_RECORD",
        concat_ws("", where, lit("malformed record (wrong number of columns or broken quoting)"), lit(origin),
            lit("; fix the export, or the csv separator, quote, escape or encoding of the mapping"))));

    List<Column> internal = new ArrayList<>();
    for (int i = 0; i < sourceColumns.size(); i++) {
      internal.add(source(sourceColumns.get(i)).as(SOURCE_PREFIX + i));
    }
    internal.add(col(CORRUPT));
    internal.add(col(FILE));
    internal.add(col(RECORD));
    Function<String, Column> src = c -> col(SOURCE_PREFIX + sourceColumns.indexOf(c));
    for (String f : target.fields()) {
      internal.add(value(f, mapping, src).as(f));
    }
    List<String> names = keepNames(mapping);
    for (int i = 0; i < names.size(); i++) {
      internal.add(clean(src.apply(mapping.keep().get(names.get(i))), mapping).as(ATTRIBUTE + i));
    }
    // Source columns get internal names so that a source column called e.g. channel cannot clash with the field.
    Dataset<Row> mapped = raw.select(internal.toArray(Column[]::new));

    List<String> required = new ArrayList<>(target.requiredFields());
    if (mapping.columns().containsKey(target.idField()) && !required.contains(target.idField())) {
      required.add(0, target.idField());
    }
    for (String f : required) {
      String asRead = target.timestampFields().contains(f) ? RAW_PREFIX + f : f;
      checks.add(new Check(col(asRead).isNull(), "MISSING_REQUIRED",
          concat_ws("", where, lit(label(f, mapping) + " is empty" + origin + "; every row of " + target.tableName()
              + " needs one: fix the export or map another column to " + f))));
    }
    if (target == Target.SURVEYS) {
      checks.add(new Check(col("contact_id").isNull().and(col("case_id").isNull()), "MISSING_REQUIRED",
          concat_ws("", where, lit("the survey names neither a contact (" + label("contact_id", mapping) + ") nor a"
              + " case (" + label("case_id", mapping) + ")" + origin + "; a survey must say what it is about: fix the"
              + " export or map the column of its contact or case id"))));
    }
    String formats = String.join(" or ", mapping.timestampFormats());
    for (String f : target.timestampFields()) {
      mapped = mapped.withColumn(RAW_PREFIX + f, col(f)).withColumn(f, timestamp(col(f), mapping));
      checks.add(new Check(col(RAW_PREFIX + f).isNotNull().and(col(f).isNull()), "BAD_TIMESTAMP",
          concat_ws("", where, lit(label(f, mapping) + " "), shown(col(RAW_PREFIX + f)),
              lit(" does not parse with " + formats + origin + "; fix the value or add its format to timestamp-formats"))));
    }
    if (mapping.versionColumn() != null) {
      String label = "version-column " + mapping.versionColumn();
      mapped = mapped.withColumn(RAW_VERSION, clean(src.apply(mapping.versionColumn()), mapping))
          .withColumn(VERSION, version(col(RAW_VERSION), mapping));
      checks.add(new Check(col(RAW_VERSION).isNull(), "MISSING_REQUIRED",
          concat_ws("", where, lit(label + " is empty" + origin + "; every record needs a version to be merged by it:"
              + " fix the export or remove version-column from the mapping"))));
      boolean timestamp = mapping.versionType() == SourceMapping.VersionType.TIMESTAMP;
      checks.add(new Check(col(RAW_VERSION).isNotNull().and(col(VERSION).isNull()),
          timestamp ? "BAD_TIMESTAMP" : "BAD_NUMBER",
          concat_ws("", where, lit(label + " "), shown(col(RAW_VERSION)),
              lit((timestamp ? " does not parse with " + formats : " is not a number") + origin
                  + "; fix the value, or the mapping's version-type or timestamp-formats"))));
    } else {
      mapped = mapped.withColumn(VERSION, lit(null).cast(VERSION_TYPE));
    }
    for (String f : target.secondsFields()) {
      Column number = col(f).try_cast(DataTypes.DoubleType);
      mapped = mapped.withColumn(NUMBER_PREFIX + f, number);
      checks.add(new Check(col(f).isNotNull().and(number.isNull().or(number.lt(0)).or(number.gt(MAX_SECONDS))), "BAD_NUMBER",
          concat_ws("", where, lit(label(f, mapping) + " "), shown(col(f)),
              lit(" is not a number of seconds from 0 to " + MAX_SECONDS + " (one year)" + origin
                  + "; fix the value or map another column"))));
    }
    if (target == Target.SURVEYS) {
      // Scores are whole numbers on their scale: text that is no number is BAD_NUMBER, a number off the scale (NPS 11,
      // CSAT 0 or 7.5) BAD_VALUE.
      for (Map.Entry<String, int[]> e : new java.util.TreeMap<>(Target.SURVEY_SCALES).entrySet()) {
        String f = e.getKey();
        int low = e.getValue()[0];
        int high = e.getValue()[1];
        Column number = col(f).try_cast(DataTypes.DoubleType);
        mapped = mapped.withColumn(NUMBER_PREFIX + f, number);
        checks.add(new Check(col(f).isNotNull().and(number.isNull()), "BAD_NUMBER",
            concat_ws("", where, lit(label(f, mapping) + " "), shown(col(f)),
                lit(" is not a number" + origin + "; " + f + " is a whole number from " + low + " to " + high
                    + ": fix the value or map another column"))));
      }
      for (Map.Entry<String, int[]> e : new java.util.TreeMap<>(Target.SURVEY_SCALES).entrySet()) {
        String f = e.getKey();
        int low = e.getValue()[0];
        int high = e.getValue()[1];
        Column number = col(NUMBER_PREFIX + f);
        checks.add(new Check(
            number.isNotNull().and(number.lt(low).or(number.gt(high)).or(number.notEqual(round(number)))),
            "BAD_VALUE",
            concat_ws("", where, lit(label(f, mapping) + " "), shown(col(f)),
                lit(" is off the " + f + " scale, a whole number from " + low + " to " + high + origin
                    + "; fix the value, or map the source's scale onto it in value-maps." + f))));
      }
    }
    if (target == Target.CONTACTS) {
      checks.add(new Check(col("direction").isin("INBOUND", "OUTBOUND").unary_$bang(), "BAD_VALUE",
          concat_ws("", where, lit(label("direction", mapping) + " "), shown(col("direction")),
              lit(" is neither INBOUND nor OUTBOUND" + origin + "; map it in value-maps.direction"))));
    }
    Timestamp earliest = Timestamp.from(plausibility.earliest());
    Timestamp latest = Timestamp.from(plausibility.latest());
    java.time.Duration t = plausibility.futureTolerance();
    String tolerance = t.toSeconds() % 86_400 == 0 ? t.toDays() + " day(s)" : t.toMinutes() + " minute(s)";
    String earliestText = LocalDate.ofInstant(plausibility.earliest(), ZoneOffset.UTC).toString();
    for (String f : target.timestampFields()) {
      checks.add(new Check(col(f).lt(lit(earliest)), "IMPLAUSIBLE_DATE",
          concat_ws("", where, lit(label(f, mapping) + " "), shown(col(RAW_PREFIX + f)),
              lit(" is before " + earliestText + " (ingest.earliest-date)" + origin
                  + "; fix the value, or the timestamp format if it was misread"))));
      checks.add(new Check(col(f).gt(lit(latest)), "IMPLAUSIBLE_DATE",
          concat_ws("", where, lit(label(f, mapping) + " "), shown(col(RAW_PREFIX + f)),
              lit(" is in the future, more than " + tolerance + " after the ingest run (ingest.future-tolerance)" + origin
                  + "; fix the value, or the time zone or format of the mapping if it was misread"))));
    }
    if (target == Target.CONTACTS) {
      checks.add(new Check(col("ended_at").lt(col("started_at")), "ENDED_BEFORE_STARTED",
          concat_ws("", where, lit(label("ended_at", mapping) + " "), shown(col(RAW_PREFIX + "ended_at")),
              lit(" is before " + label("started_at", mapping) + " "), shown(col(RAW_PREFIX + "started_at")),
              lit(origin + "; fix the timestamps, or check that start and end are not swapped in the mapping"))));
      Column lasted = unix_seconds(col("ended_at")).minus(unix_seconds(col("started_at")));
      checks.add(new Check(col(NUMBER_PREFIX + "handle_seconds").isNull().and(lasted.gt(MAX_SECONDS)),
          "IMPLAUSIBLE_DURATION",
          concat_ws("", where, lit("the contact lasts "), lasted.cast("string"), lit(" seconds, more than a year, from "),
              shown(col(RAW_PREFIX + "started_at")), lit(" to "), shown(col(RAW_PREFIX + "ended_at")), lit(origin
                  + "; fix the end timestamp"))));
    }

    Column reason = lit(null).cast(DataTypes.createStructType(List.of(
        DataTypes.createStructField("code", DataTypes.StringType, true),
        DataTypes.createStructField("message", DataTypes.StringType, true))));
    for (int i = checks.size() - 1; i >= 0; i--) {
      Check c = checks.get(i);
      reason = when(c.when(), struct(lit(c.code()).as("code"), c.message().as("message"))).otherwise(reason);
    }
    return mapped
        .withColumn("_reason", reason)
        .withColumn(CODE, col("_reason.code"))
        .withColumn(MESSAGE, col("_reason.message"))
        .withColumn("customer_key", pseudonymizer.customerKey(col("customer_id")))
        .drop("_reason", "customer_id");
  }

  /** The attribute names of {@code keep}, in mapping order. */
  private static List<String> keepNames(SourceMapping mapping) {
    return new ArrayList<>(new java.util.TreeMap<>(mapping.keep()).keySet());
  }

  /** The label of a field in messages: its source column, with the canonical name when they differ. */
  private static String label(String field, SourceMapping mapping) {
    String column = mapping.columns().get(field);
    if (column == null) {
      return field;
    }
    return column.equals(field) ? column : column + " (" + field + ")";
  }

  /** A value quoted for a message, cut at 100 characters. */
  private static Column shown(Column value) {
    return concat(
        lit("'"),
        when(length(value).gt(SHOWN_CHARS), concat(substring(value, 1, SHOWN_CHARS), lit("..."))).otherwise(value),
        lit("'"));
  }

  /** Trimmed, with the mapping's null markers and blanks as null. */
  private static Column clean(Column c, SourceMapping mapping) {
    Column t = trim(c);
    Column isNull = t.equalTo(lit(""));
    if (!mapping.nullValues().isEmpty()) {
      isNull = isNull.or(t.isin(mapping.nullValues().toArray()));
    }
    return when(c.isNull().or(isNull), lit(null).cast("string")).otherwise(t);
  }

  /** The string value of a canonical field: source column or constant, value map, case rules. */
  static Column value(String field, SourceMapping mapping, Function<String, Column> src) {
    Column v;
    if (mapping.columns().containsKey(field)) {
      v = clean(src.apply(mapping.columns().get(field)), mapping);
    } else if (mapping.constants().containsKey(field)) {
      v = lit(mapping.constants().get(field));
    } else {
      v = lit(null).cast("string");
    }
    Map<String, String> valueMap = mapping.valueMaps().get(field);
    if (valueMap != null && !valueMap.isEmpty()) {
      List<Column> entries = new ArrayList<>();
      valueMap.forEach((from, to) -> {
        entries.add(lit(from.trim().toLowerCase(Locale.ROOT)));
        entries.add(lit(to));
      });
      v = coalesce(try_element_at(map(entries.toArray(Column[]::new)), lower(v)), v);
    }
    if (LOWER_CASE.contains(field)) {
      v = lower(v);
    } else if (field.equals("direction")) {
      v = coalesce(upper(v), lit("INBOUND"));
    }
    return v;
  }

  /**
   * A version-column value as a DECIMAL(38,6) that orders versions: a timestamp as epoch seconds (microsecond
   * precision), or the number itself; null when it does not parse.
   */
  static Column version(Column value, SourceMapping mapping) {
    if (mapping.versionType() == SourceMapping.VersionType.NUMBER) {
      return value.try_cast(VERSION_TYPE);
    }
    return org.apache.spark.sql.functions.unix_micros(timestamp(value, mapping)).cast(VERSION_TYPE)
        .divide(lit(1_000_000)).cast(VERSION_TYPE);
  }

  /** The first format that parses, in order; formats without an offset are read in the mapping's zone. */
  static Column timestamp(Column value, SourceMapping mapping) {
    List<Column> parsed = new ArrayList<>();
    for (String format : mapping.timestampFormats()) {
      Column ts = try_to_timestamp(value, lit(format));
      if (!SourceMapping.hasOffset(format) && !mapping.timeZone().getId().equals("UTC")) {
        ts = to_utc_timestamp(ts, mapping.timeZone().getId());
      }
      parsed.add(ts);
    }
    return parsed.size() == 1 ? parsed.get(0) : coalesce(parsed.toArray(Column[]::new));
  }

  /** The record as read, separator-joined, with the customer id masked and cut at 4000 characters. */
  private static Column rawRecord(List<String> sourceColumns, SourceMapping mapping) {
    String customerColumn = mapping.columns().get("customer_id");
    List<Column> fields = new ArrayList<>();
    for (int i = 0; i < sourceColumns.size(); i++) {
      Column c = col(SOURCE_PREFIX + i);
      fields.add(sourceColumns.get(i).equals(customerColumn) ? when(c.isNull(), lit("")).otherwise(lit(MASK))
          : coalesce(c, lit("")));
    }
    Column joined = concat_ws(mapping.csv().separator(), fields.toArray(Column[]::new));
    Column corrupt = col(CORRUPT);
    if (customerColumn != null) {
      Column id = trim(col(SOURCE_PREFIX + sourceColumns.indexOf(customerColumn)));
      corrupt = when(id.isNull().or(id.equalTo("")), corrupt).otherwise(replace(corrupt, id, lit(MASK)));
    }
    Column r = coalesce(corrupt, joined);
    return when(length(r).gt(RAW_CHARS), concat(substring(r, 1, RAW_CHARS), lit("..."))).otherwise(r);
  }

  /**
   * The ids that occur in more than one record, valid or not, with their record counts ({@link #REPEATED_ID},
   * {@link #REPEATED_ROWS}). Only the id column is read, so this costs a narrow scan and an aggregate of one column.
   */
  public static Dataset<Row> repeatedIds(Dataset<Row> validated, SourceMapping mapping) {
    String id = mapping.target().idField();
    return validated
        .select(col(id))
        .where(col(id).isNotNull())
        .groupBy(col(id))
        .agg(count(lit(1)).as(REPEATED_ROWS))
        .where(col(REPEATED_ROWS).gt(1))
        .select(col(id).as(REPEATED_ID), col(REPEATED_ROWS));
  }

  /**
   * The records with their {@link #STATUS}, and the cached datasets behind them, unpersisted by {@link #close}.
   *
   * @param rows every record, with {@link #STATUS}, {@link #CODE}, {@link #MESSAGE} and {@link #RAW}
   */
  public record Resolution(Dataset<Row> rows, List<Dataset<Row>> cached) implements AutoCloseable {
    @Override
    public void close() {
      cached.forEach(Dataset::unpersist);
    }
  }

  /**
   * Resolves records with the same id among the valid ones, ordered by file and record: the first is kept; a later
   * one with the same content is a {@link #DUPLICATE}, one with other content is quarantined as
   * DUPLICATE_ID_CONFLICT. Sets {@link #STATUS} on every record and drops the raw source columns. The rows are
   * read three times (counts, quarantine, table), so they are cached (MEMORY_AND_DISK) after validation.
   *
   * @param repeated the ids of {@link #repeatedIds}, small enough to broadcast: only their records are ranked, and
   *     the others pass without a shuffle; null to rank every record in one window (one shuffle of every record)
   */
  public static Resolution resolveDuplicates(
      Dataset<Row> validated, List<String> sourceColumns, SourceMapping mapping, Dataset<Row> repeated) {
    String id = mapping.target().idField();
    // Dropped before the cache: the raw source columns and the timestamps as read served the checks' messages and
    // the raw record only.
    List<String> sources = new ArrayList<>(List.of(CORRUPT));
    for (int i = 0; i < sourceColumns.size(); i++) {
      sources.add(SOURCE_PREFIX + i);
    }
    for (String f : mapping.target().timestampFields()) {
      sources.add(RAW_PREFIX + f);
    }
    if (mapping.versionColumn() != null) {
      sources.add(RAW_VERSION);
    }
    if (repeated == null) {
      Dataset<Row> rows =
          statuses(ranked(validated, mapping), sourceColumns, mapping, true)
              .drop(sources.toArray(String[]::new));
      return new Resolution(rows, List.of(cache(rows)));
    }
    // One pass over the records: each learns whether its id is repeated (a broadcast join); the raw record, which
    // needs the wide source columns, is kept only for the records that are or may become quarantined.
    Dataset<Row> flagged =
        validated
            .join(
                broadcast(repeated.select(col(REPEATED_ID), lit(true).as(CANDIDATE))),
                col(id).equalTo(col(REPEATED_ID)),
                "left")
            .drop(REPEATED_ID)
            .withColumn(CANDIDATE, coalesce(col(CANDIDATE), lit(false)));
    Dataset<Row> cached =
        flagged
            .withColumn(RAW, when(col(CODE).isNotNull().or(col(CANDIDATE)), rawRecord(sourceColumns, mapping)))
            .drop(sources.toArray(String[]::new));
    cache(cached);
    // The candidates hold every record of each repeated id, so their ranks are those of a window over all records;
    // every other record is the first and only valid one of its id.
    Dataset<Row> later =
        ranked(cached.where(col(CANDIDATE)), mapping)
            .where(col(REPEAT))
            .select(
                col(FILE).as(RESOLVED_FILE), col(RECORD).as(RESOLVED_RECORD), col(CONFLICT).as(RESOLVED_CONFLICT),
                col(CONFLICT_MESSAGE).as(RESOLVED_MESSAGE), col(SUPERSEDE).as(RESOLVED_SUPERSEDE))
            .persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> marked =
        cached
            .join(
                broadcast(later),
                col(FILE).equalTo(col(RESOLVED_FILE)).and(col(RECORD).equalTo(col(RESOLVED_RECORD))),
                "left")
            .withColumn(REPEAT, col(RESOLVED_FILE).isNotNull())
            .withColumn(CONFLICT, coalesce(col(RESOLVED_CONFLICT), lit(false)))
            .withColumn(CONFLICT_MESSAGE, col(RESOLVED_MESSAGE))
            .withColumn(SUPERSEDE, coalesce(col(RESOLVED_SUPERSEDE), lit(false)))
            .drop(RESOLVED_FILE, RESOLVED_RECORD, RESOLVED_CONFLICT, RESOLVED_MESSAGE, RESOLVED_SUPERSEDE, CANDIDATE);
    return new Resolution(statuses(marked, sourceColumns, mapping, false), List.of(cached, later));
  }

  /**
   * Caches the records (MEMORY_AND_DISK) without the in-memory columnar compression, which Spark takes from the
   * session when the dataset is persisted. The cache lives for one job and is read three times; gathering the
   * compression statistics of every string column cost a quarter of the validating pass (14 s of 55 s at 1M
   * contacts), and uncompressed it is about 2.5 times as large (docs/DECISIONS.md).
   */
  private static Dataset<Row> cache(Dataset<Row> rows) {
    return SparkSessions.withConf(
        rows.sparkSession(), "spark.sql.inMemoryColumnarStorage.compressed", "false",
        () -> rows.persist(StorageLevel.MEMORY_AND_DISK()));
  }

  /** Sets CODE, MESSAGE, STATUS and RAW (computed when {@code withRaw}, else kept for quarantined records). */
  private static Dataset<Row> statuses(
      Dataset<Row> marked, List<String> sourceColumns, SourceMapping mapping, boolean withRaw) {
    Dataset<Row> out =
        marked
            .withColumn(MESSAGE, when(col(CONFLICT), col(CONFLICT_MESSAGE)).otherwise(col(MESSAGE)))
            .withColumn(CODE, when(col(CONFLICT), lit("DUPLICATE_ID_CONFLICT")).otherwise(col(CODE)))
            .withColumn(RAW, when(col(CODE).isNotNull(), withRaw ? rawRecord(sourceColumns, mapping) : col(RAW)))
            .withColumn(STATUS,
                when(col(CODE).isNotNull(), lit(QUARANTINED)).when(col(SUPERSEDE), lit(SUPERSEDED))
                    .when(col(REPEAT), lit(DUPLICATE)).otherwise(lit(ACCEPTED)));
    return out.drop(REPEAT, CONFLICT, CONFLICT_MESSAGE, SUPERSEDE);
  }

  /**
   * Adds {@link #REPEAT} (a valid record whose id an earlier valid record had), {@link #CONFLICT} (a repeat with other
   * content), {@link #CONFLICT_MESSAGE} and {@link #SUPERSEDE}, from one window per id and validity ordered by file and
   * record. With a version-column the window is ordered by version, latest first (then the later file and record, as
   * a later run wins a tie), so the first record is the latest version: a repeat with other content is an older
   * version, superseded, not a conflict.
   */
  private static Dataset<Row> ranked(Dataset<Row> validated, SourceMapping mapping) {
    Target target = mapping.target();
    String id = target.idField();
    List<String> content = new ArrayList<>();
    for (String f : target.fields()) {
      if (!f.equals(id) && !f.equals("customer_id")) {
        content.add(f);
      }
    }
    content.add("customer_key");
    for (int i = 0; i < mapping.keep().size(); i++) {
      content.add(ATTRIBUTE + i);
    }
    boolean versioned = mapping.versionColumn() != null;
    if (versioned) {
      content.add(VERSION);
    }
    // The partition key is a column, not the expression CODE IS NULL: each window over an expression gets its own
    // alias of it, which Spark's planner does not see as the same partitioning, so each window expression in its own
    // Window operator re-shuffled every row (five shuffles of the widest rows of ingest, docs/BENCHMARKS.md).
    WindowSpec w =
        versioned
            ? Window.partitionBy(col(id), col(VALID)).orderBy(col(VERSION).desc(), col(FILE).desc(), col(RECORD).desc())
            : Window.partitionBy(col(id), col(VALID)).orderBy(col(FILE), col(RECORD));
    List<Column> differing = new ArrayList<>();
    Column same = lit(true);
    for (String c : content) {
      Column eq = col(c).eqNullSafe(first(col(c)).over(w));
      same = same.and(eq);
      differing.add(when(eq.unary_$bang(), lit(c.startsWith(ATTRIBUTE) ? "attributes" : c.equals(VERSION) ? "version" : c)));
    }
    // All window expressions in one select: one Window operator, one shuffle and one sort.
    Dataset<Row> keyed = validated.withColumn(VALID, col(CODE).isNull());
    List<Column> withWindows = new ArrayList<>();
    for (String c : keyed.columns()) {
      withWindows.add(col("`" + c.replace("`", "``") + "`"));
    }
    withWindows.add(row_number().over(w).as("_rank"));
    withWindows.add(same.as("_same"));
    withWindows.add(first(col(FILE)).over(w).as("_first_file"));
    withWindows.add(first(col(RECORD)).over(w).as("_first_record"));
    withWindows.add(concat_ws(", ", differing.toArray(Column[]::new)).as("_differing"));
    Dataset<Row> ranked = keyed.select(withWindows.toArray(Column[]::new));
    Column repeat = col(VALID).and(col(id).isNotNull()).and(col("_rank").gt(1));
    Column message =
        concat_ws("", col(FILE), lit(" record "), col(RECORD).cast("string"), lit(": " + id + " "), shown(col(id)),
            lit(" was already read from "), col("_first_file"), lit(" record "), col("_first_record").cast("string"),
            lit(" with other values of "), col("_differing"), lit(" (source " + mapping.name()
                + "); keep one version of the record in the export, or give them distinct ids"));
    return ranked
        .withColumn(REPEAT, repeat)
        .withColumn(CONFLICT, versioned ? lit(false) : repeat.and(col("_same").unary_$bang()))
        .withColumn(SUPERSEDE, versioned ? repeat.and(col("_same").unary_$bang()) : lit(false))
        .withColumn(CONFLICT_MESSAGE, when(col(CONFLICT), message))
        .drop(VALID, "_rank", "_same", "_first_file", "_first_record", "_differing");
  }

  /** The accepted records as the canonical table's columns. */
  public static Dataset<Row> accepted(Dataset<Row> resolved, SourceMapping mapping) {
    Target target = mapping.target();
    Dataset<Row> rows = resolved.filter(col(STATUS).equalTo(ACCEPTED));
    List<String> names = keepNames(mapping);
    Column attributes;
    if (names.isEmpty()) {
      attributes = map().cast(DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType, true));
    } else {
      List<Column> entries = new ArrayList<>();
      for (int i = 0; i < names.size(); i++) {
        entries.add(lit(names.get(i)));
        entries.add(col(ATTRIBUTE + i));
      }
      attributes = map(entries.toArray(Column[]::new));
    }
    Column source = lit(mapping.name());
    if (target == Target.CONTACTS) {
      Column handle =
          coalesce(round(col(NUMBER_PREFIX + "handle_seconds")).cast("long"),
              unix_seconds(col("ended_at")).minus(unix_seconds(col("started_at"))));
      return rows.select(
          col("contact_id"), col("customer_key"), col("channel"), col("direction"), col("started_at"),
          col("ended_at"), handle.as("handle_seconds"),
          round(col(NUMBER_PREFIX + "wait_seconds")).cast("long").as("wait_seconds"),
          col("reason"), col("outcome"), col("team"), col("agent_key"), col("case_id"), col("automation_flow"),
          attributes.as("attributes"), to_date(col("started_at")).as("contact_date"), source.as("source"),
          col(FILE).as("source_file"), col(RECORD).as("source_record"), col(VERSION).as("source_version"));
    }
    if (target == Target.SURVEYS) {
      return rows.select(
          col("survey_id"), col("customer_key"), col("contact_id"), col("case_id"), col("answered_at"),
          col(NUMBER_PREFIX + "nps").cast("int").as("nps"), col(NUMBER_PREFIX + "csat").cast("int").as("csat"),
          attributes.as("attributes"), to_date(col("answered_at")).as("answer_date"), source.as("source"),
          col(FILE).as("source_file"), col(RECORD).as("source_record"), col(VERSION).as("source_version"));
    }
    if (target == Target.CUSTOMER_LISTS) {
      return rows.select(
          col("customer_key"), col("listed_at"), attributes.as("attributes"), source.as("source"),
          col(FILE).as("source_file"), col(RECORD).as("source_record"), col(VERSION).as("source_version"));
    }
    Column eventId =
        mapping.columns().containsKey("event_id") || mapping.constants().containsKey("event_id")
            ? col("event_id")
            : concat_ws(":", source, col(FILE), col(RECORD).cast("string"));
    return rows.select(
        eventId.as("event_id"), col("case_id"), col("customer_key"), col("activity"), col("occurred_at"),
        col("lifecycle"), col("resource"), col("team"), attributes.as("attributes"),
        to_date(col("occurred_at")).as("event_date"), source.as("source"), col(FILE).as("source_file"),
        col(RECORD).as("source_record"), col(VERSION).as("source_version"));
  }

  /** The quarantined records as the quarantine table's columns. */
  public static Dataset<Row> quarantined(Dataset<Row> resolved, SourceMapping mapping) {
    return resolved
        .filter(col(STATUS).equalTo(QUARANTINED))
        .select(
            lit(mapping.name()).as("source"),
            lit(mapping.target().tableName()).as("target"),
            col(FILE).as("source_file"),
            col(RECORD).as("source_record"),
            col(CODE).as("reason_code"),
            col(MESSAGE).as("message"),
            col(RAW).as("raw_record"));
  }
}
