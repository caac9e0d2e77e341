"""Daily leancx pipeline on Airflow 2.x: the day's drops are ingested, then `leancx daily --date {{ ds }}` runs every
job for that date in one Spark application.

Needs apache-airflow-providers-apache-spark and a `spark_default` connection to your cluster. Every task is
idempotent for its date (a retry or a rerun leaves the same tables), and `daily` reads nothing of later dates, so
`catchup=True` backfills past dates correctly, one after the other (`max_active_runs=1`, `depends_on_past`: a date's
failure demand needs the dates before it). A backfill from the command line:

    airflow dags backfill leancx_daily -s 2026-05-01 -e 2026-05-31
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

JAR = "s3a://my-bucket/leancx/jars/leancx-jobs-cluster.jar"
CONF = "/opt/leancx/conf/cluster.conf"  # shipped to the driver with `files`
DROPS = "s3a://my-bucket/drops"  # one folder per date: {{ ds }}/contacts.csv, {{ ds }}/case_events.csv
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
    catchup=True,
    max_active_runs=1,
    default_args={"depends_on_past": True},
    tags=["leancx", "lean", "cx"],
) as dag:
    ingest_contacts = leancx(
        "ingest_contacts", "ingest", "--source", "crm_contacts",
        "--path", DROPS + "/{{ ds }}/contacts.csv", "--load", "incremental")
    ingest_cases = leancx(
        "ingest_case_events", "ingest", "--source", "backoffice_events",
        "--path", DROPS + "/{{ ds }}/case_events.csv", "--load", "incremental")
    daily = leancx("daily", "daily", "--date", "{{ ds }}")

    [ingest_contacts, ingest_cases] >> daily
