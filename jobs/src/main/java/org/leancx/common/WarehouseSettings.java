package org.leancx.common;

import com.typesafe.config.Config;

/**
 * Where the Delta tables live.
 *
 * @param path the warehouse folder or URI; each table is a sub-folder named after it
 * @param database the database under which every table is registered, so that {@code leancx.contacts} resolves
 */
public record WarehouseSettings(String path, String database) {
  public WarehouseSettings {
    if (path == null || path.isBlank()) {
      throw new SettingsException("warehouse.path is empty. Set it to a folder, e.g. ./warehouse, or an s3a:// URI.");
    }
    if (!database.matches("[a-z_][a-z0-9_]*")) {
      throw new SettingsException(
          "warehouse.database is '" + database + "': use lower-case letters, digits and _ only, e.g. leancx.");
    }
  }

  public static WarehouseSettings from(Settings settings) {
    Config c = settings.config();
    return new WarehouseSettings(settings.path("warehouse.path"), c.getString("warehouse.database"));
  }
}
