package org.leancx.ingest;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.leancx.common.Settings;
import org.leancx.common.SettingsException;

/**
 * A source mapping ({@code conf/sources/<name>.conf}): how one raw export is read and mapped onto a canonical table.
 * Every key is documented in conf/sources/README.md.
 *
 * @param name the source name, [a-z0-9_]+, stored in every row's {@code source} column
 * @param origin the mapping file, for messages
 * @param target the canonical table
 * @param format the input format
 * @param path the input file, folder or glob, resolved against the project home
 * @param csv the CSV dialect (ignored for other formats)
 * @param nullValues values read as null (compared after trimming)
 * @param timestampFormats Spark datetime patterns, tried in order
 * @param timeZone the zone of timestamps whose pattern has no offset
 * @param columns canonical field to source column
 * @param constants canonical field to a constant value, for fields the source lacks
 * @param valueMaps canonical field to (source value, matched case-insensitively after trimming, to canonical value)
 * @param keep attribute name to source column, kept in the {@code attributes} map
 * @param load whether a run's files are the whole source (snapshot) or new and changed records (incremental)
 * @param versionColumn the source column that orders versions of one record (latest wins), or null
 * @param versionType how the version column is read: a timestamp in {@code timestampFormats}, or a number
 */
public record SourceMapping(
    String name,
    String origin,
    Target target,
    Format format,
    String path,
    Csv csv,
    List<String> nullValues,
    List<String> timestampFormats,
    ZoneId timeZone,
    Map<String, String> columns,
    Map<String, String> constants,
    Map<String, Map<String, String>> valueMaps,
    Map<String, String> keep,
    LoadMode load,
    String versionColumn,
    VersionType versionType) {

  /** How a run's records are loaded into the canonical table (docs/DECISIONS.md, conf/sources/README.md). */
  public enum LoadMode {
    /** The run's files are the whole source: its rows are replaced, guarded by ingest.max-removed-share. */
    SNAPSHOT,
    /** The run's files hold new and changed records: merged by id, rows absent from the run are kept. */
    INCREMENTAL;

    /** Parses {@code snapshot} or {@code incremental}; {@code where} names the mapping key or option, for messages. */
    public static LoadMode parse(String value, String where) {
      try {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new SettingsException(
            "load = '" + value + "' in " + where + " is not a load mode: use snapshot (the files are the whole source)"
                + " or incremental (the files hold new and changed records).");
      }
    }

    /** The lower-case name, as written in a mapping and on the command line. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** How the values of a {@code version-column} are compared. */
  public enum VersionType {
    /** Parsed with the mapping's timestamp-formats and time-zone; later is newer. */
    TIMESTAMP,
    /** A plain number (whole or decimal); larger is newer. */
    NUMBER;

    static VersionType parse(String value, String origin) {
      try {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new SettingsException(
            "version-type = '" + value + "' in " + origin + " is not supported: use timestamp or number.");
      }
    }
  }

  /** Input formats. */
  public enum Format {
    CSV,
    JSON,
    PARQUET,
    DELTA;

    static Format parse(String value, String origin) {
      try {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new SettingsException(
            "format = '" + value + "' in " + origin + " is not supported: use csv (also .gz), json, parquet or delta.");
      }
    }
  }

  /**
   * The CSV dialect.
   *
   * @param separator the field separator, e.g. "," or ";" or "\t"
   * @param header whether the first line of each file holds the column names (else columns are _c0, _c1, ...)
   * @param encoding the charset, e.g. UTF-8 or ISO-8859-1
   * @param quote the quote character
   * @param escape the character that escapes a quote inside a quoted field
   * @param multiLine whether quoted fields may span lines (files are then read whole, not split)
   */
  public record Csv(String separator, boolean header, String encoding, String quote, String escape, boolean multiLine) {
    public Csv {
      if (separator == null || separator.isEmpty()) {
        throw new SettingsException("csv.separator is empty: give one, e.g. \",\" or \";\".");
      }
      if (quote.length() > 1 || escape.length() > 1) {
        throw new SettingsException("csv.quote and csv.escape must be one character each, got '" + quote + "' and '"
            + escape + "'.");
      }
      try {
        Charset.forName(encoding);
      } catch (IllegalArgumentException e) {
        throw new SettingsException("csv.encoding '" + encoding + "' is not a known charset: use e.g. UTF-8 or ISO-8859-1.", e);
      }
    }
  }

  private static final Set<String> TOP_KEYS =
      Set.of("description", "target", "format", "path", "csv", "null-values", "timestamp-formats", "time-zone",
          "columns", "constants", "value-maps", "keep", "load", "version-column", "version-type");
  private static final Set<String> CSV_KEYS = Set.of("separator", "header", "encoding", "quote", "escape", "multi-line");
  private static final Config CSV_DEFAULTS =
      ConfigFactory.parseString(
          "separator = \",\", header = true, encoding = \"UTF-8\", quote = \"\\\"\", escape = \"\\\"\", multi-line = false");

  public SourceMapping {
    if (!name.matches("[a-z0-9_]+")) {
      throw new SettingsException(
          "Source name '" + name + "' is not valid: use lower-case letters, digits and _ only (file conf/sources/<name>.conf).");
    }
    if (path == null || path.isBlank()) {
      throw new SettingsException("path is empty in " + origin + ": give the input file, folder or glob.");
    }
    nullValues = List.copyOf(nullValues);
    timestampFormats = List.copyOf(timestampFormats);
    if (timestampFormats.isEmpty()) {
      throw new SettingsException("timestamp-formats is empty in " + origin + ": give at least one, e.g. [\"yyyy-MM-dd HH:mm:ss\"].");
    }
    for (String f : timestampFormats) {
      try {
        DateTimeFormatter.ofPattern(f);
      } catch (IllegalArgumentException e) {
        throw new SettingsException(
            "timestamp-formats entry '" + f + "' in " + origin + " is not a valid pattern (" + e.getMessage()
                + "). See https://spark.apache.org/docs/latest/sql-ref-datetime-pattern.html", e);
      }
    }
    columns = Map.copyOf(new LinkedHashMap<>(columns));
    constants = Map.copyOf(new LinkedHashMap<>(constants));
    Map<String, Map<String, String>> vm = new LinkedHashMap<>();
    valueMaps.forEach((k, v) -> vm.put(k, Map.copyOf(v)));
    valueMaps = Map.copyOf(vm);
    keep = Map.copyOf(new LinkedHashMap<>(keep));
    if (versionColumn != null && versionColumn.isBlank()) {
      throw new SettingsException(
          "version-column is empty in " + origin + ": name the source column that orders versions of a record"
              + " (e.g. sys_updated_on), or remove the key.");
    }
    java.util.Objects.requireNonNull(load, "load");
    java.util.Objects.requireNonNull(versionType, "versionType");
    Set<String> fields = new TreeSet<>(target.fields());
    checkFields(columns.keySet(), fields, "columns", origin, target);
    checkFields(constants.keySet(), fields, "constants", origin, target);
    checkFields(valueMaps.keySet(), fields, "value-maps", origin, target);
    for (String f : columns.keySet()) {
      if (constants.containsKey(f)) {
        throw new SettingsException(
            f + " is in both columns and constants in " + origin + ": keep one (a constant is for a field the source lacks).");
      }
    }
    if (constants.containsKey("customer_id")) {
      throw new SettingsException("customer_id cannot be a constant in " + origin + ": map it to the source's customer column.");
    }
    for (String f : target.requiredFields()) {
      if (!columns.containsKey(f) && !constants.containsKey(f)) {
        throw new SettingsException(
            origin + " maps nothing to " + f + ", which " + target.tableName() + " requires: add columns." + f
                + " = \"<source column>\" (or constants." + f + " = \"<value>\").");
      }
    }
    String customerColumn = columns.get("customer_id");
    if (customerColumn != null && keep.containsValue(customerColumn)) {
      throw new SettingsException(
          "keep lists the customer column '" + customerColumn + "' in " + origin + ": raw customer ids must not be stored;"
              + " remove it from keep.");
    }
  }

  private static void checkFields(Set<String> given, Set<String> fields, String section, String origin, Target target) {
    for (String f : given) {
      if (!fields.contains(f)) {
        String nearest = Settings.nearest(f, fields);
        throw new SettingsException(
            "Unknown field " + section + "." + f + " in " + origin + (nearest == null ? "" : ": did you mean " + nearest + "?")
                + " The fields of " + target.tableName() + " are " + target.fields() + " (see conf/sources/README.md).");
      }
    }
  }

  /** Whether a timestamp pattern carries its own offset or zone, so that no time-zone conversion applies. */
  public static boolean hasOffset(String pattern) {
    String unquoted = pattern.replaceAll("'[^']*'", "");
    return unquoted.matches(".*[XxZzOV].*");
  }

  /** The mapping file of a source: {@code <ingest.sources-dir>/<name>.conf}. */
  public static Path file(IngestSettings ingest, String name) {
    return Path.of(ingest.sourcesDir()).resolve(name + ".conf");
  }

  /**
   * Loads and validates {@code <ingest.sources-dir>/<name>.conf}.
   *
   * @param pathOverride an input path that replaces the mapping's {@code path} (absolute or relative to the working
   *     directory), or null
   */
  public static SourceMapping load(Settings settings, String name, String pathOverride) {
    if (name == null || !name.matches("[a-z0-9_]+")) {
      throw new SettingsException(
          "Source name '" + name + "' is not valid: use lower-case letters, digits and _ only, e.g. --source helpdesk.");
    }
    IngestSettings ingest = IngestSettings.from(settings);
    Path file = file(ingest, name);
    if (!Files.exists(file)) {
      List<String> known = new ArrayList<>();
      try (var list = Files.list(Path.of(ingest.sourcesDir()))) {
        list.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".conf"))
            .forEach(n -> known.add(n.substring(0, n.length() - 5)));
      } catch (java.io.IOException | java.io.UncheckedIOException e) {
        // no folder: the message below says where the file is expected
      }
      String nearest = Settings.nearest(name, new TreeSet<>(known));
      throw new SettingsException(
          "No source mapping " + file + (nearest == null ? "" : ": did you mean --source " + nearest + "?")
              + " Known sources: " + new TreeSet<>(known) + ". Write one as described in conf/sources/README.md.");
    }
    Config config;
    try {
      config = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false)).resolve();
    } catch (ConfigException e) {
      throw new SettingsException("Source mapping " + file + " is not valid HOCON: " + e.getMessage(), e);
    }
    SourceMapping m = from(name, config, file.toString(), settings.home());
    if (pathOverride != null) {
      m = m.withPath(Path.of(pathOverride).toAbsolutePath().normalize().toString());
    }
    return m;
  }

  /** The same mapping reading another path. */
  public SourceMapping withPath(String newPath) {
    return new SourceMapping(name, origin, target, format, newPath, csv, nullValues, timestampFormats, timeZone, columns,
        constants, valueMaps, keep, load, versionColumn, versionType);
  }

  /** The same mapping with another load mode (the {@code --load} option). */
  public SourceMapping withLoad(LoadMode newLoad) {
    return new SourceMapping(name, origin, target, format, path, csv, nullValues, timestampFormats, timeZone, columns,
        constants, valueMaps, keep, newLoad, versionColumn, versionType);
  }

  /** Builds the mapping from parsed HOCON, rejecting unknown keys with the nearest valid one. */
  public static SourceMapping from(String name, Config config, String origin, Path home) {
    try {
      checkKeys(config.root().keySet(), TOP_KEYS, "", origin);
      if (!config.hasPath("target")) {
        throw new SettingsException(origin + " has no target: add target = contacts (or case_events, customer_lists or surveys).");
      }
      if (!config.hasPath("path")) {
        throw new SettingsException(origin + " has no path: add path = \"<file, folder or glob>\".");
      }
      Config csvConfig = config.hasPath("csv") ? config.getConfig("csv") : ConfigFactory.empty();
      checkKeys(csvConfig.root().keySet(), CSV_KEYS, "csv.", origin);
      csvConfig = csvConfig.withFallback(CSV_DEFAULTS);
      Csv csv =
          new Csv(
              unescape(csvConfig.getString("separator")),
              csvConfig.getBoolean("header"),
              csvConfig.getString("encoding"),
              csvConfig.getString("quote"),
              csvConfig.getString("escape"),
              csvConfig.getBoolean("multi-line"));
      ZoneId zone;
      String zoneName = config.hasPath("time-zone") ? config.getString("time-zone") : "UTC";
      try {
        zone = ZoneId.of(zoneName);
      } catch (DateTimeException e) {
        throw new SettingsException(
            "time-zone '" + zoneName + "' in " + origin + " is not a zone id: use e.g. UTC or Europe/Amsterdam.", e);
      }
      Map<String, String> keep = new LinkedHashMap<>();
      if (config.hasPath("keep")) {
        ConfigValue k = config.getValue("keep");
        if (k.valueType() == ConfigValueType.LIST) {
          for (String c : config.getStringList("keep")) {
            keep.put(c, c);
          }
        } else {
          keep.putAll(strings((ConfigObject) k));
        }
      }
      Map<String, Map<String, String>> valueMaps = new LinkedHashMap<>();
      if (config.hasPath("value-maps")) {
        for (Map.Entry<String, ConfigValue> e : config.getObject("value-maps").entrySet()) {
          if (!(e.getValue() instanceof ConfigObject o)) {
            throw new SettingsException(
                "value-maps." + e.getKey() + " in " + origin + " must be an object of source value = canonical value.");
          }
          valueMaps.put(e.getKey(), strings(o));
        }
      }
      return new SourceMapping(
          name,
          origin,
          Target.parse(config.getString("target"), origin),
          config.hasPath("format") ? Format.parse(config.getString("format"), origin) : Format.CSV,
          Settings.resolvePath(home, config.getString("path")),
          csv,
          config.hasPath("null-values") ? config.getStringList("null-values") : List.of(""),
          config.hasPath("timestamp-formats")
              ? config.getStringList("timestamp-formats")
              : List.of("yyyy-MM-dd HH:mm:ss"),
          zone,
          config.hasPath("columns") ? strings(config.getObject("columns")) : Map.of(),
          config.hasPath("constants") ? strings(config.getObject("constants")) : Map.of(),
          valueMaps,
          keep,
          config.hasPath("load") ? LoadMode.parse(config.getString("load"), origin) : LoadMode.SNAPSHOT,
          config.hasPath("version-column") ? config.getString("version-column") : null,
          config.hasPath("version-type")
              ? VersionType.parse(config.getString("version-type"), origin)
              : VersionType.TIMESTAMP);
    } catch (ConfigException e) {
      throw new SettingsException("Source mapping " + origin + ": " + e.getMessage() + " (see conf/sources/README.md).", e);
    }
  }

  private static Map<String, String> strings(ConfigObject object) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, ConfigValue> e : object.entrySet()) {
      out.put(e.getKey(), String.valueOf(e.getValue().unwrapped()));
    }
    return out;
  }

  private static String unescape(String s) {
    return s.equals("\\t") ? "\t" : s;
  }

  private static void checkKeys(Set<String> given, Set<String> valid, String prefix, String origin) {
    for (String k : given) {
      if (!valid.contains(k)) {
        String nearest = Settings.nearest(k, new TreeSet<>(valid));
        throw new SettingsException(
            "Unknown key " + prefix + k + " in " + origin + (nearest == null ? "" : ": did you mean " + prefix + nearest + "?")
                + " Every key is documented in conf/sources/README.md.");
      }
    }
  }
}
