package org.leancx.demand;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.leancx.common.Settings;
import org.leancx.common.SparkTestBase;
import org.leancx.common.Warehouse;
import org.leancx.generate.Generator;
import org.leancx.ingest.IngestJob;

/**
 * The failure-demand job against the generator's planted truth: with the job's default rules equal to the
 * generator's, every planted recontact is found (recall 1.0) and nothing else is (precision 1.0), through the real
 * generate and ingest path.
 */
@Tag("e2e")
class GeneratorTruthTest extends SparkTestBase {
  @Test
  void recontactPrecisionAndRecallAreOneAgainstThePlantedTruth() {
    Warehouse w = warehouse("generator-truth");
    String raw = HOME.resolve("jobs/target/test-raw/generator-truth").toString();
    deleteRecursively(java.nio.file.Path.of(raw));
    Settings s =
        settings(
            "warehouse.path=" + w.settings().path(),
            "generate.output=" + raw,
            "generate.customers=400");
    Generator.run(w, s);
    IngestJob.run(w, s, "synthetic_contacts", raw + "/contacts");
    FailureDemand.run(w, s, FailureDemand.Slice.full());

    Dataset<Row> truth = spark.read().parquet(raw + "/truth/contacts");
    Dataset<Row> tagged = w.read(DemandTables.CONTACT_DEMAND).select("contact_id", "is_recontact");
    Dataset<Row> joined =
        truth.join(tagged, truth.col("contact_ref").equalTo(tagged.col("contact_id")), "left");

    long clean = truth.where(col("service_account").equalTo(false)).count();
    long tagged_ = joined.where(col("service_account").equalTo(false).and(col("contact_id").isNotNull())).count();
    assertThat(tagged_).as("every clean contact of a normal customer is in contact_demand").isEqualTo(clean);
    assertThat(joined.where(col("service_account").equalTo(true).and(col("contact_id").isNotNull())).count())
        .as("service accounts are excluded")
        .isZero();

    Dataset<Row> normal = joined.where(col("service_account").equalTo(false));
    long truePositives = normal.where(col("planted_recontact").and(col("is_recontact"))).count();
    long falsePositives = normal.where(col("planted_recontact").equalTo(false).and(col("is_recontact"))).count();
    long falseNegatives = normal.where(col("planted_recontact").and(col("is_recontact").equalTo(false))).count();
    assertThat(truePositives).as("planted recontacts found").isGreaterThan(50);
    List<Row> wrong =
        normal.where(col("planted_recontact").notEqual(col("is_recontact"))).limit(5).collectAsList();
    assertThat(falsePositives + falseNegatives)
        .as("precision %s, recall %s; first mismatches %s",
            (double) truePositives / (truePositives + falsePositives),
            (double) truePositives / (truePositives + falseNegatives),
            wrong)
        .isZero();
  }
}
