package org.leancx.cli;

import java.util.List;
import org.leancx.capacity.CapacityTables;
import org.leancx.common.RunLog;
import org.leancx.common.TableContract;
import org.leancx.ingest.CanonicalTables;

/** Every table leancx writes, in data-flow order: for registration by name, `leancx tables` and docs/tables.md. */
public final class Contracts {
  private Contracts() {}

  public static List<TableContract> all() {
    return List.of(
        CanonicalTables.CONTACTS,
        CanonicalTables.CASE_EVENTS,
        CanonicalTables.QUARANTINE,
        CapacityTables.CAPACITY_WHATIF,
        CapacityTables.CAPACITY_SUMMARY,
        CapacityTables.LEAN_SCORECARD,
        RunLog.PIPELINE_RUNS);
  }
}
