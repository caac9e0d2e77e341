package org.leancx.demand;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.spark.sql.Row;
import org.leancx.common.Warehouse;

/** Invariants that every failure-demand output must satisfy, checked in SQL over the written tables. */
final class DemandInvariants {
  private DemandInvariants() {}

  static void assertConsistent(Warehouse warehouse) {
    var spark = warehouse.spark();
    warehouse.read(DemandTables.CONTACT_DEMAND).createOrReplaceTempView("cd");
    warehouse.read(DemandTables.RECONTACT_CHAINS).createOrReplaceTempView("rc");
    assertThat(spark.sql("SELECT contact_id FROM cd GROUP BY contact_id HAVING count(*) > 1").count())
        .as("contact_id unique")
        .isZero();
    // A linked contact continues its prior contact's chain one position further.
    List<Row> broken =
        spark
            .sql(
                "SELECT c.contact_id FROM cd c LEFT JOIN cd p ON c.prior_contact_id = p.contact_id"
                    + " WHERE (c.is_recontact OR c.is_transfer)"
                    + " AND (p.contact_id IS NULL OR p.chain_id <> c.chain_id"
                    + " OR p.chain_position + 1 <> c.chain_position)"
                    + " OR (NOT (c.is_recontact OR c.is_transfer) AND (c.chain_position <> 1"
                    + " OR c.chain_id <> c.contact_id OR c.prior_contact_id IS NOT NULL))")
            .collectAsList();
    assertThat(broken).as("contacts whose chain does not follow their prior contact").isEmpty();
    List<Row> mismatched =
        spark
            .sql(
                "SELECT rc.chain_id FROM rc JOIN (SELECT chain_id, count(*) n, sum(CAST(is_recontact AS INT)) r"
                    + " FROM cd GROUP BY chain_id) x ON rc.chain_id = x.chain_id"
                    + " WHERE rc.contacts <> x.n OR rc.recontacts <> x.r")
            .collectAsList();
    assertThat(mismatched).as("chains whose counts differ from their contacts").isEmpty();
    long chainsWithRecontacts =
        spark.sql("SELECT DISTINCT chain_id FROM cd WHERE is_recontact").count();
    assertThat(spark.sql("SELECT * FROM rc").count()).as("one chain row per chain with a recontact")
        .isEqualTo(chainsWithRecontacts);
    // A first contact is REPEATED exactly when its chain holds a recontact.
    assertThat(
            spark
                .sql(
                    "SELECT contact_id FROM cd WHERE chain_position = 1 AND (fcr_status = 'REPEATED')"
                        + " <> (chain_id IN (SELECT chain_id FROM rc))")
                .count())
        .as("first contacts REPEATED iff their chain is listed")
        .isZero();
  }
}
