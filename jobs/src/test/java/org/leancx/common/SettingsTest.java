package org.leancx.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {
  private static final Path HOME = SparkTestBase.HOME;

  @Test
  void defaultsOfTheFoundationKeysArePinned() {
    Settings s = Settings.load(HOME, null, List.of());
    var c = s.config();
    assertThat(c.getString("spark.master")).isEqualTo("local[*]");
    assertThat(c.getString("spark.app-name")).isEqualTo("leancx");
    assertThat(c.getInt("spark.shuffle-partitions")).isEqualTo(16);
    assertThat(c.getBoolean("spark.ui-enabled")).isFalse();
    assertThat(c.getString("spark.progress")).isEqualTo("auto");
    assertThat(c.getString("warehouse.path")).isEqualTo("warehouse");
    assertThat(c.getString("warehouse.database")).isEqualTo("leancx");
    assertThat(c.getString("warehouse.mode")).isEqualTo("path");
    assertThat(c.getString("warehouse.catalog")).isEqualTo("spark_catalog");
    assertThat(c.getString("warehouse.location-prefix")).isEmpty();
    assertThat(WarehouseSettings.from(s))
        .isEqualTo(new WarehouseSettings(HOME.resolve("warehouse").toString(), "leancx"));
    assertThat(c.getString("privacy.key-env")).isEqualTo("LEANCX_PSEUDONYM_KEY");
    assertThat(c.getDouble("ingest.max-reject-rate")).isEqualTo(0.05);
    assertThat(c.getDuration("ingest.future-tolerance").toDays()).isEqualTo(2);
    assertThat(c.getString("ingest.earliest-date")).isEqualTo("1990-01-01");
    assertThat(s.path("warehouse.path")).isEqualTo(HOME.resolve("warehouse").toString());
  }

  @Test
  void withSetsADeclaredKeyAndRejectsAnUnknownOne() {
    Settings s = Settings.load(HOME, null, List.of());
    Settings asOf = s.with("journeys.as-of", "2026-06-02T00:00:00Z");
    assertThat(asOf.config().getString("journeys.as-of")).isEqualTo("2026-06-02T00:00:00Z");
    assertThat(s.config().getString("journeys.as-of")).isEqualTo("data");
    assertThat(asOf.config().getString("spark.master")).isEqualTo("local[*]");
    assertThatThrownBy(() -> s.with("journeys.as-off", "x")).isInstanceOf(SettingsException.class)
        .hasMessageContaining("journeys.as-off");
  }

  @Test
  void everyKeyOfApplicationConfHasAComment() throws IOException {
    // Typesafe keeps comments as origin metadata: a key without one is undocumented.
    Settings s = Settings.load(HOME, null, List.of());
    var app = com.typesafe.config.ConfigFactory.parseFile(HOME.resolve("conf/application.conf").toFile());
    for (var e : app.entrySet()) {
      String key = e.getKey();
      boolean commented = !e.getValue().origin().comments().isEmpty() || parentCommented(app, key);
      assertThat(commented).as("key %s in conf/application.conf has no comment", key).isTrue();
    }
    assertThat(s.config().entrySet()).isNotEmpty();
  }

  private static boolean parentCommented(com.typesafe.config.Config app, String key) {
    // Entries of a list-valued or object-valued key documented on the parent (e.g. planted-conditions.x.y).
    String k = key;
    while (k.contains(".")) {
      k = k.substring(0, k.lastIndexOf('.'));
      if (app.hasPath(k) && !app.getValue(k).origin().comments().isEmpty()) {
        return true;
      }
    }
    return false;
  }

  @Test
  void precedenceIsSetOverEnvironmentFileOverApplicationConf(@TempDir Path dir) throws IOException {
    Path env = dir.resolve("env.conf");
    Files.writeString(env, "spark.shuffle-partitions = 8\nspark.app-name = from-env\n");
    Settings s = Settings.load(HOME, env, List.of("spark.shuffle-partitions=4"));
    assertThat(s.config().getInt("spark.shuffle-partitions")).isEqualTo(4);
    assertThat(s.config().getString("spark.app-name")).isEqualTo("from-env");
    assertThat(s.config().getString("spark.master")).isEqualTo("local[*]");
  }

  @Test
  void unknownKeyIsRejectedWithTheNearestValidKey() {
    assertThatThrownBy(() -> Settings.load(HOME, null, List.of("warehouse.pth=/tmp/x")))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("Unknown key warehouse.pth")
        .hasMessageContaining("did you mean warehouse.path?");
  }

  @Test
  void unknownKeyInTheEnvironmentFileNamesTheFile(@TempDir Path dir) throws IOException {
    Path env = dir.resolve("env.conf");
    Files.writeString(env, "spark { shuffle-partition = 8 }\n");
    assertThatThrownBy(() -> Settings.load(HOME, env, List.of()))
        .hasMessageContaining("spark.shuffle-partition")
        .hasMessageContaining(env.toString())
        .hasMessageContaining("spark.shuffle-partitions");
  }

  @Test
  void openSectionsTakeFreeKeys() {
    Settings s = Settings.load(HOME, null, List.of("spark.conf.\"spark.driver.memory\"=2g"));
    assertThat(SparkSettings.from(s.config()).extra()).containsEntry("spark.driver.memory", "2g");
  }

  @Test
  void missingEnvironmentFileIsAClearError() {
    assertThatThrownBy(() -> Settings.load(HOME, Path.of("/nonexistent/x.conf"), List.of()))
        .hasMessageContaining("/nonexistent/x.conf does not exist");
  }

  @Test
  void badSetSyntaxIsAClearError() {
    assertThatThrownBy(() -> Settings.load(HOME, null, List.of("generate.customers")))
        .hasMessageContaining("--set expects key=value");
  }

  @Test
  void typedRecordsValidateTheirValues() {
    assertThatThrownBy(() -> SparkSettings.from(Settings.load(HOME, null, List.of("spark.shuffle-partitions=0")).config()))
        .hasMessageContaining("spark.shuffle-partitions is 0");
    assertThatThrownBy(
            () -> WarehouseSettings.from(Settings.load(HOME, null, List.of("warehouse.database=Bad-Name"))))
        .hasMessageContaining("warehouse.database is 'Bad-Name'");
  }

  @Test
  void warehouseModeIsValidatedAndCatalogKeysBelongToCatalogMode() {
    assertThatThrownBy(() -> WarehouseSettings.from(Settings.load(HOME, null, List.of("warehouse.mode=metastore"))))
        .hasMessageContaining("warehouse.mode is 'metastore'")
        .hasMessageContaining("path")
        .hasMessageContaining("catalog");
    assertThatThrownBy(() -> WarehouseSettings.from(Settings.load(HOME, null, List.of("warehouse.catalog=main"))))
        .hasMessageContaining("warehouse.catalog is 'main' but warehouse.mode is path");
    assertThatThrownBy(
            () -> WarehouseSettings.from(Settings.load(HOME, null, List.of("warehouse.location-prefix=/tmp/t"))))
        .hasMessageContaining("warehouse.location-prefix is '/tmp/t' but warehouse.mode is path");
    assertThatThrownBy(() -> WarehouseSettings.from(
            Settings.load(HOME, null, List.of("warehouse.mode=catalog", "warehouse.catalog=main;drop"))))
        .hasMessageContaining("warehouse.catalog is 'main;drop'");
    assertThatThrownBy(() -> Settings.load(HOME, null, List.of("warehouse.location-prefx=/tmp/t")))
        .hasMessageContaining("did you mean warehouse.location-prefix?");

    WarehouseSettings managed = WarehouseSettings.from(
        Settings.load(HOME, null, List.of("warehouse.mode=CATALOG", "warehouse.catalog=main")));
    assertThat(managed.mode()).isEqualTo(WarehouseSettings.Mode.CATALOG);
    assertThat(managed.catalog()).isEqualTo("main");
    assertThat(managed.external()).isFalse();
    WarehouseSettings external = WarehouseSettings.from(
        Settings.load(HOME, null, List.of("warehouse.mode=catalog", "warehouse.location-prefix=tables/")));
    assertThat(external.locationPrefix()).isEqualTo(HOME.resolve("tables").toString());
    assertThat(external.external()).isTrue();
  }

  @Test
  void theClusterExampleIsValidAndUsesCatalogMode() {
    Settings s = Settings.load(HOME, HOME.resolve("conf/cluster.conf"), List.of());
    WarehouseSettings w = WarehouseSettings.from(s);
    assertThat(w.mode()).isEqualTo(WarehouseSettings.Mode.CATALOG);
    assertThat(w.catalog() + "." + w.database()).isEqualTo("main.leancx");
  }

  @Test
  void secretsAreMaskedAndTheHashIsStable() {
    Settings a = Settings.load(HOME, null, List.of("privacy.key=super-secret-1"));
    Settings b = Settings.load(HOME, null, List.of("privacy.key=super-secret-2"));
    assertThat(a.maskedEntries()).containsEntry("privacy.key", "****");
    assertThat(a.maskedEntries().values()).noneMatch(v -> v.contains("super-secret"));
    assertThat(a.hash()).isEqualTo(b.hash()).hasSize(16);
    assertThat(Settings.load(HOME, null, List.of("spark.shuffle-partitions=3")).hash()).isNotEqualTo(a.hash());
  }

  @Test
  void nearestKeyUsesEditDistance() {
    assertThat(Settings.nearest("demand.recontact.windw", Set.of("demand.recontact.window", "spark.master")))
        .isEqualTo("demand.recontact.window");
    assertThat(Settings.nearest("completely.different.thing", Set.of("spark.master"))).isNull();
  }

  @Test
  void urisAreKeptAndRelativePathsResolveAgainstHome() {
    assertThat(Settings.resolvePath(Path.of("/home/x"), "s3a://bucket/w")).isEqualTo("s3a://bucket/w");
    assertThat(Settings.resolvePath(Path.of("/home/x"), "warehouse")).isEqualTo("/home/x/warehouse");
    assertThat(Settings.resolvePath(Path.of("/home/x"), "/abs/w")).isEqualTo("/abs/w");
  }
}
