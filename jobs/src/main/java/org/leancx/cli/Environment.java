package org.leancx.cli;

import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.leancx.common.Settings;
import org.leancx.common.SparkSessions;
import org.leancx.common.SparkSettings;
import org.leancx.common.Warehouse;
import org.leancx.common.WarehouseSettings;

/** The loaded settings, the SparkSession and the warehouse of one CLI invocation. */
record Environment(Settings settings, SparkSession spark, Warehouse warehouse) {

  /** The project home: -Dleancx.home (set by the launcher), else the working directory. */
  static Path home() {
    return Path.of(System.getProperty("leancx.home", System.getProperty("user.dir"))).toAbsolutePath().normalize();
  }

  /** Loads and validates the config, then opens the session and registers the existing tables by name. */
  static Environment open(ConfigOptions options) {
    Settings settings = Settings.load(home(), options.conf, options.overrides);
    return open(settings);
  }

  static Environment open(Settings settings) {
    WarehouseSettings warehouseSettings = WarehouseSettings.from(settings);
    SparkSession spark = SparkSessions.open(SparkSettings.from(settings.config()), warehouseSettings.path());
    Warehouse warehouse = new Warehouse(spark, warehouseSettings);
    warehouse.registerExisting(Contracts.all());
    return new Environment(settings, spark, warehouse);
  }
}
