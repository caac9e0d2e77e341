package org.leancx.cli;

import java.util.List;
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
        org.leancx.leadtime.LeadTimeTables.LEAD_TIME_FORECAST,
        org.leancx.leadtime.LeadTimeTables.MODEL_EVALUATION,
        RunLog.PIPELINE_RUNS);
  }
}
