package org.leancx.common;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigValue;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The merged, validated configuration of one leancx invocation.
 *
 * <p>Precedence, highest first: {@code --set key=value} on the command line, then the environment file
 * ({@code --conf FILE}, default {@code conf/local.conf}), then {@code application.conf}, which declares every key
 * with its default. A key that {@code application.conf} does not declare is rejected with the nearest valid key,
 * except below the open sections listed in {@code leancx.open-sections}, whose keys are free (for example raw Spark
 * settings under {@code spark.conf}).
 */
public final class Settings {
  /** Keys whose values never reach a log line, the run log or the config echo. */
  private static final Set<String> SECRET_WORDS = Set.of("key", "secret", "password", "token");

  private final Config config;
  private final Path home;

  private Settings(Config config, Path home) {
    this.config = config;
    this.home = home;
  }

  /** The underlying resolved Typesafe config, for the typed settings records. */
  public Config config() {
    return config;
  }

  /** The project home: relative paths in conf resolve against it. */
  public Path home() {
    return home;
  }

  /** Resolves a path from conf against the project home; URIs (s3a://, abfss://, file:/) are returned as they are. */
  public String path(String key) {
    return resolvePath(home, config.getString(key));
  }

  /** Resolves {@code value} against {@code home} as {@link #path} does: URIs are kept, relative paths resolved. */
  public static String resolvePath(Path home, String value) {
    if (value.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:/.*")) {
      return value;
    }
    Path p = Path.of(value);
    return (p.isAbsolute() ? p : home.resolve(p)).normalize().toString();
  }

  /**
   * Loads application.conf (from {@code <home>/conf}, else from the classpath), the environment file and the
   * overrides, and validates every key.
   *
   * @param environmentFile the {@code --conf} file, or null for {@code <home>/conf/local.conf} when it exists
   * @param overrides {@code key=value} pairs from {@code --set}
   */
  public static Settings load(Path home, Path environmentFile, List<String> overrides) {
    ConfigParseOptions strict = ConfigParseOptions.defaults().setAllowMissing(false);
    Path appFile = home.resolve("conf/application.conf");
    Config defaults =
        Files.exists(appFile)
            ? ConfigFactory.parseFile(appFile.toFile(), strict)
            : ConfigFactory.parseResources(Settings.class.getClassLoader(), "application.conf", strict);
    Config environment = ConfigFactory.empty();
    Path envFile = environmentFile;
    if (envFile == null && Files.exists(home.resolve("conf/local.conf"))) {
      envFile = home.resolve("conf/local.conf");
    }
    if (envFile != null) {
      if (!Files.exists(envFile)) {
        throw new SettingsException(
            "Config file " + envFile + " does not exist. Pass an existing file with --conf, e.g. --conf conf/local.conf.");
      }
      environment = ConfigFactory.parseFile(envFile.toFile(), strict);
    }
    Config command = ConfigFactory.empty();
    for (String pair : overrides) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new SettingsException("--set expects key=value, got '" + pair + "'. Example: --set generate.customers=2000");
      }
      String key = pair.substring(0, eq).trim();
      String value = pair.substring(eq + 1).trim();
      try {
        command = ConfigFactory.parseString(key + " = " + quoteIfNeeded(value)).withFallback(command);
      } catch (ConfigException e) {
        throw new SettingsException("--set " + pair + " is not valid HOCON: " + e.getMessage(), e);
      }
    }
    validateKnownKeys(defaults, environment, envFile == null ? "conf" : envFile.toString());
    validateKnownKeys(defaults, command, "--set");
    Config merged;
    try {
      merged =
          command
              .withFallback(environment)
              .withFallback(defaults)
              .resolve(ConfigResolveOptions.defaults().setAllowUnresolved(false));
    } catch (ConfigException e) {
      throw new SettingsException("Config could not be resolved: " + e.getMessage(), e);
    }
    return new Settings(merged, home);
  }

  /**
   * These settings with {@code key} set to {@code value} (a string), for a value that a job derives, such as the
   * as-of instant of a logical date. The key must be one that application.conf declares.
   */
  public Settings with(String key, String value) {
    if (!config.hasPathOrNull(key)) {
      throw new SettingsException("Unknown key " + key + ": it is not declared in conf/application.conf.");
    }
    return new Settings(ConfigFactory.parseMap(Map.of(key, value)).withFallback(config).resolve(), home);
  }

  /** Lists and objects are parsed as HOCON; everything else is a string, which Typesafe converts on typed reads. */
  private static String quoteIfNeeded(String value) {
    if (value.startsWith("[") || value.startsWith("{") || value.startsWith("\"")) {
      return value;
    }
    StringBuilder sb = new StringBuilder("\"");
    for (char c : value.toCharArray()) {
      if (c == '"' || c == '\\') {
        sb.append('\\');
      }
      sb.append(c);
    }
    return sb.append('"').toString();
  }

  /** Keys that earlier versions read, with what replaced them: a conf written for them fails with the fix. */
  static final Map<String, String> RETIRED = Map.of(
      "conditions.min-support",
      "the root-conditions search is bounded by excess failures, not support. Set conditions.min-excess-share (a"
          + " share of all failures, default 0.002) or conditions.min-excess-failures (default 10) instead; see"
          + " docs/ROOT_CONDITIONS.md.",
      "conditions.mining-sample",
      "the root-conditions search counts every failed touch exactly (no FPGrowth sample). Remove the key; bound the"
          + " search with conditions.min-excess-share, conditions.min-excess-failures or conditions.max-size.");

  private static void validateKnownKeys(Config defaults, Config candidate, String origin) {
    List<String> open = defaults.getStringList("leancx.open-sections");
    Set<String> known = new TreeSet<>();
    for (Map.Entry<String, ConfigValue> e : defaults.entrySet()) {
      known.add(e.getKey());
    }
    for (Map.Entry<String, ConfigValue> e : candidate.entrySet()) {
      String key = e.getKey();
      if (known.contains(key) || open.stream().anyMatch(p -> key.equals(p) || key.startsWith(p + "."))) {
        continue;
      }
      if (RETIRED.containsKey(key)) {
        throw new SettingsException("Key " + key + " (in " + origin + ") is no longer read: " + RETIRED.get(key));
      }
      String nearest = nearest(key, known);
      throw new SettingsException(
          "Unknown key "
              + key
              + " (in "
              + origin
              + ")"
              + (nearest == null ? "" : ": did you mean " + nearest + "?")
              + " Every valid key is listed with its default in conf/application.conf.");
    }
  }

  /** The known key with the smallest edit distance, or null when none is close. */
  public static String nearest(String key, Set<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String k : known) {
      int d = editDistance(key, k);
      if (d < bestDistance) {
        bestDistance = d;
        best = k;
      }
    }
    return bestDistance <= Math.max(3, key.length() / 3) ? best : null;
  }

  static int editDistance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  /** Every key with its value, secrets masked: for the config echo and the run log. */
  public Map<String, String> maskedEntries() {
    Map<String, String> out = new TreeMap<>();
    for (Map.Entry<String, ConfigValue> e : config.entrySet()) {
      String key = e.getKey();
      out.put(key, isSecret(key) ? "****" : e.getValue().render(ConfigRenderOptions.concise()));
    }
    return out;
  }

  static boolean isSecret(String key) {
    String last = key.substring(key.lastIndexOf('.') + 1).toLowerCase(java.util.Locale.ROOT);
    for (String word : SECRET_WORDS) {
      if (last.equals(word) || last.endsWith("-" + word)) {
        return true;
      }
    }
    return false;
  }

  /** A SHA-256 of the masked config, recorded per run so that two runs can be compared. */
  public String hash() {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      List<String> lines = new ArrayList<>();
      maskedEntries().forEach((k, v) -> lines.add(k + "=" + v));
      md.update(String.join("\n", lines).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(md.digest()).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
