package org.leancx.common;

import com.typesafe.config.Config;
import java.util.Locale;

/**
 * Where the Delta tables live and how they are named.
 *
 * @param path the warehouse folder or URI: each table's folder in path mode; models and demo files in both modes
 * @param database the database (schema) of every table, so that {@code leancx.contacts} resolves
 * @param mode whether tables are addressed by folder (path) or by name through a catalog (catalog)
 * @param catalog the catalog of the tables in catalog mode, e.g. {@code spark_catalog} or Unity Catalog's {@code main}
 * @param locationPrefix in catalog mode, the folder under which external tables are created ({@code <prefix>/<name>});
 *     empty for managed tables, whose location the catalog chooses
 */
public record WarehouseSettings(String path, String database, Mode mode, String catalog, String locationPrefix) {

  /** How tables are addressed. */
  public enum Mode {
    /** Delta folders under {@code warehouse.path}, registered by name at session start. */
    PATH,
    /** Tables created, read and written by name through the catalog {@code warehouse.catalog}. */
    CATALOG;

    static Mode parse(String value) {
      for (Mode m : values()) {
        if (m.name().equalsIgnoreCase(value)) {
          return m;
        }
      }
      throw new SettingsException("warehouse.mode is '" + value + "': use path (Delta folders under warehouse.path)"
          + " or catalog (tables by name in warehouse.catalog).");
    }
  }

  /** The catalog Spark names its session catalog; the only one path mode registers names in. */
  public static final String SESSION_CATALOG = "spark_catalog";

  public WarehouseSettings {
    if (path == null || path.isBlank()) {
      throw new SettingsException("warehouse.path is empty. Set it to a folder, e.g. ./warehouse, or an s3a:// URI.");
    }
    if (!database.matches("[a-z_][a-z0-9_]*")) {
      throw new SettingsException(
          "warehouse.database is '" + database + "': use lower-case letters, digits and _ only, e.g. leancx.");
    }
    if (!catalog.matches("[A-Za-z_][A-Za-z0-9_]*")) {
      throw new SettingsException(
          "warehouse.catalog is '" + catalog + "': use letters, digits and _ only, e.g. spark_catalog or main.");
    }
    locationPrefix = locationPrefix == null ? "" : locationPrefix.trim().replaceAll("/+$", "");
    if (mode == Mode.PATH && !catalog.equals(SESSION_CATALOG)) {
      throw new SettingsException("warehouse.catalog is '" + catalog + "' but warehouse.mode is path: path mode"
          + " registers names in the session catalog only. Set warehouse.mode = catalog, or remove warehouse.catalog.");
    }
    if (mode == Mode.PATH && !locationPrefix.isEmpty()) {
      throw new SettingsException("warehouse.location-prefix is '" + locationPrefix + "' but warehouse.mode is path:"
          + " path-mode tables live under warehouse.path. Set warehouse.mode = catalog, or remove the prefix.");
    }
  }

  /** Path mode in the given folder and database: the settings of most tests. */
  public WarehouseSettings(String path, String database) {
    this(path, database, Mode.PATH, SESSION_CATALOG, "");
  }

  /** Whether tables are external (created at {@code <location-prefix>/<name>}) rather than managed by the catalog. */
  public boolean external() {
    return mode == Mode.PATH || !locationPrefix.isEmpty();
  }

  public static WarehouseSettings from(Settings settings) {
    Config c = settings.config();
    String prefix = c.getString("warehouse.location-prefix");
    return new WarehouseSettings(
        settings.path("warehouse.path"),
        c.getString("warehouse.database"),
        Mode.parse(c.getString("warehouse.mode").toLowerCase(Locale.ROOT)),
        c.getString("warehouse.catalog"),
        prefix.isBlank() ? "" : settings.path("warehouse.location-prefix"));
  }
}
