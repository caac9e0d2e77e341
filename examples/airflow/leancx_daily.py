"""Daily leancx pipeline on Airflow 2.x: one SparkSubmitOperator per job, in data-flow order.

Needs apache-airflow-providers-apache-spark and a `spark_default` connection to your cluster.
Each task is idempotent: a retry or a backfill replaces its own slice.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

JAR = "s3a://my-bucket/leancx/jars/leancx-jobs-cluster.jar"
CONF = "/opt/leancx/conf/cluster.conf"  # shipped to the driver with `files`
DELTA = "io.delta:delta-spark_4.1_2.13:4.3.1"
SPARK_CONF = {
    "spark.sql.extensions": "io.delta.sql.DeltaSparkSessionExtension",
    "spark.sql.catalog.spark_catalog": "org.apache.spark.sql.delta.catalog.DeltaCatalog",
}


def leancx(task_id, *args):
    return SparkSubmitOperator(
        task_id=task_id,
        application=JAR,
        java_class="org.leancx.cli.Main",
        packages=DELTA,
        conf=SPARK_CONF,
        files=CONF,
        application_args=[*args, "--conf", "cluster.conf"],
        env_vars={"LEANCX_PSEUDONYM_KEY": "{{ var.value.leancx_pseudonym_key }}"},
        retries=2,
        retry_delay=timedelta(minutes=10),
    )


with DAG(
    dag_id="leancx_daily",
    start_date=datetime(2026, 1, 1),
    schedule="0 3 * * *",
    catchup=False,
    max_active_runs=1,
    tags=["leancx", "lean", "cx"],
) as dag:
    ingest_contacts = leancx("ingest_contacts", "ingest", "--source", "crm_contacts")
    ingest_cases = leancx("ingest_case_events", "ingest", "--source", "backoffice_events")
    # The recontact window looks back 7 days by default: the job reads it before --from itself.
    failure_demand = leancx("failure_demand", "failure-demand", "--from", "{{ ds }}", "--to", "{{ ds }}")
    root_conditions = leancx("root_conditions", "root-conditions")
    journeys = leancx("journeys", "journeys")
    capacity = leancx("capacity", "capacity")
    scorecard = leancx("scorecard", "scorecard")

    ingest_contacts >> failure_demand >> [root_conditions, capacity]
    [ingest_contacts, ingest_cases, failure_demand] >> journeys
    [root_conditions, capacity, journeys] >> scorecard
