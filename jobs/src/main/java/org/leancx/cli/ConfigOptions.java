package org.leancx.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The options every command takes: the environment file and key overrides. */
public final class ConfigOptions {
  @Option(
      names = "--conf",
      paramLabel = "FILE",
      description = "Environment config file (HOCON) over conf/application.conf. Default: conf/local.conf.")
  Path conf;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description = "Override one config key, e.g. --set generate.customers=2000. Repeatable; wins over --conf.")
  List<String> overrides = new ArrayList<>();
}
