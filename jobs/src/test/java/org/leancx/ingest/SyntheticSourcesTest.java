package org.leancx.ingest;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.leancx.common.SparkTestBase;
import org.leancx.common.Warehouse;

/** conf/sources/synthetic_contacts.conf and synthetic_case_events.conf read the generator's raw export layout. */
@Tag("e2e") // the generator's export through both shipped mappings, as the demo does: heavy run
class SyntheticSourcesTest extends SparkTestBase {
  private static final Path DIR = HOME.resolve("jobs/target/ingest-synthetic");

  @Test
  void contactsAndCaseEventsInTheGeneratorLayout() throws IOException {
    Warehouse warehouse = warehouse("ingest-synthetic");
    deleteRecursively(DIR);
    Path contacts = DIR.resolve("contacts");
    Files.createDirectories(contacts);
    Files.writeString(contacts.resolve("part-00000.csv"),
        "contact_ref,customer_number,channel_name,direction,start_time,end_time,wait_sec,reason_code,disposition,"
            + "team_name,agent_id,case_ref,bot_flow,product,segment,region,vulnerability_flag,handling_variant\n"
            + "k1,C001,Phone,inbound,2026-01-05 09:00:00,2026-01-05 09:06:40,35,billing_question,resolved,"
            + "billing_team,a17,,,mortgage,retail,north,N,A\n"
            + "k2,C001,Bot,inbound,2026-01-06 20:00:00,2026-01-06 20:03:00,,billing_question,not_resolved,"
            + ",,,\"billing,flow\",mortgage,retail,north,N,\n");
    Files.writeString(contacts.resolve("part-00001.csv"),
        "contact_ref,customer_number,channel_name,direction,start_time,end_time,wait_sec,reason_code,disposition,"
            + "team_name,agent_id,case_ref,bot_flow,product,segment,region,vulnerability_flag,handling_variant\n"
            + "k3,C002,Letter,outbound,2026-01-07 08:00:00,,,claim_status,information_given,claims,,CASE9,,"
            + "insurance,business,south,Y,B\n");
    Files.writeString(contacts.resolve("_SUCCESS"), "");
    Path events = DIR.resolve("case_events");
    Files.createDirectories(events);
    Files.writeString(events.resolve("part-00000.csv"),
        "event_ref,case_ref,customer_number,activity,event_time,lifecycle,resource,team_name\n"
            + "e1,CASE9,C002,Open claim,2026-01-07 08:00:00,start,r1,claims\n"
            + "e2,CASE9,C002,Open claim,2026-01-08 10:00:00,complete,r1,claims\n");

    IngestJob.Result rc = IngestJob.run(warehouse, settings(), "synthetic_contacts", contacts.toString());
    assertThat(rc.inputRows()).isEqualTo(3);
    assertThat(rc.accepted()).isEqualTo(3);
    assertThat(rc.files()).isEqualTo(2);
    Map<String, Row> byId = new HashMap<>();
    warehouse.read(CanonicalTables.CONTACTS).collectAsList().forEach(r -> byId.put(r.getAs("contact_id"), r));
    Row k1 = byId.get("k1");
    assertThat(k1.<String>getAs("channel")).isEqualTo("phone");
    assertThat(k1.<String>getAs("direction")).isEqualTo("INBOUND");
    assertThat(k1.<Long>getAs("handle_seconds")).isEqualTo(400L);
    assertThat(k1.<Long>getAs("wait_seconds")).isEqualTo(35L);
    assertThat(k1.<String>getAs("reason")).isEqualTo("billing_question");
    assertThat(k1.<String>getAs("outcome")).isEqualTo("resolved");
    assertThat(k1.<String>getAs("team")).isEqualTo("billing_team");
    assertThat(k1.<String>getAs("agent_key")).isEqualTo("a17");
    assertThat(k1.<scala.collection.Map<String, String>>getAs("attributes").get("segment").get()).isEqualTo("retail");
    assertThat(byId.get("k2").<String>getAs("channel")).isEqualTo("bot");
    assertThat(byId.get("k2").<String>getAs("automation_flow")).isEqualTo("billing,flow");
    assertThat(byId.get("k2").<String>getAs("customer_key")).isEqualTo(k1.getAs("customer_key"));
    Row k3 = byId.get("k3");
    assertThat(k3.<String>getAs("direction")).isEqualTo("OUTBOUND");
    assertThat(k3.<String>getAs("case_id")).isEqualTo("CASE9");
    assertThat(k3.<String>getAs("source_file")).isEqualTo("part-00001.csv");
    assertThat(k3.<Long>getAs("source_record")).isEqualTo(1L);
    assertThat(k3.<String, String>getJavaMap(k3.fieldIndex("attributes")))
        .containsEntry("vulnerability_flag", "Y").containsEntry("handling_variant", "B");

    IngestJob.Result re = IngestJob.run(warehouse, settings(), "synthetic_case_events", events.toString());
    assertThat(re.accepted()).isEqualTo(2);
    Row e1 = warehouse.read(CanonicalTables.CASE_EVENTS).filter(col("event_id").equalTo("e1")).first();
    assertThat(e1.<String>getAs("lifecycle")).isEqualTo("start");
    assertThat(e1.<String>getAs("customer_key")).isEqualTo(k3.getAs("customer_key"));
    assertThat(e1.getAs("event_date").toString()).isEqualTo("2026-01-07");
  }
}
