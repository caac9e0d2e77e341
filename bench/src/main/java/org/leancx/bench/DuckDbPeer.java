package org.leancx.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.leancx.common.Settings;
import org.leancx.demand.DemandSettings;
import org.leancx.demand.Taxonomy;

/**
 * The child-JVM entry of the DuckDB peer: reads the rules from leancx's config and the file list written by
 * {@link ContactFiles}, runs {@link DuckDbRecontacts} and prints one line {@code BENCH_RESULT ...}.
 *
 * <p>Usage: {@code DuckDbPeer <file list> <output parquet> <threads> [--set key=value ...]}.
 */
public final class DuckDbPeer {
  private DuckDbPeer() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 3) {
      throw new IllegalArgumentException("Usage: DuckDbPeer <file list> <output parquet> <threads> [--set k=v ...]");
    }
    List<String> overrides = new java.util.ArrayList<>();
    for (int i = 3; i + 1 < args.length; i += 2) {
      overrides.add(args[i + 1]);
    }
    Path home = Path.of(System.getProperty("leancx.home", System.getProperty("user.dir")));
    Settings settings = Settings.load(home, home.resolve("conf/local.conf"), overrides);
    DemandSettings demand = DemandSettings.from(settings);
    DuckDbRecontacts.Result r =
        DuckDbRecontacts.run(
            Files.readAllLines(Path.of(args[0])),
            Taxonomy.read(demand.taxonomy()),
            demand,
            Path.of(args[1]),
            Integer.parseInt(args[2]));
    System.out.printf(
        java.util.Locale.ROOT,
        "BENCH_RESULT contacts=%d recontacts=%d transfers=%d seconds=%.3f fingerprint=%s%n",
        r.contacts(), r.recontacts(), r.transfers(), r.seconds(), r.fingerprint());
  }
}
