#!/usr/bin/env bash
# Daily leancx pipeline with plain spark-submit, for cron:
#   0 3 * * *  LEANCX_PSEUDONYM_KEY=... /opt/leancx/examples/cron/leancx-daily.sh >> /var/log/leancx.log 2>&1
# Stops at the first failing job (each job is idempotent: rerun the script to resume).
set -euo pipefail
JAR="${LEANCX_JAR:-/opt/leancx/leancx-jobs-cluster.jar}"
CONF="${LEANCX_CONF:-/opt/leancx/conf/cluster.conf}"
MASTER="${SPARK_MASTER:-yarn}"
DAY="$(date -u -d yesterday +%F)"

submit() {
  echo "$(date -u +%FT%TZ) leancx $*"
  spark-submit --master "$MASTER" --deploy-mode client \
    --class org.leancx.cli.Main \
    --packages io.delta:delta-spark_4.1_2.13:4.3.1 \
    --conf spark.sql.extensions=io.delta.sql.DeltaSparkSessionExtension \
    --conf spark.sql.catalog.spark_catalog=org.apache.spark.sql.delta.catalog.DeltaCatalog \
    "$JAR" "$@" --conf "$CONF"
}

submit ingest --source crm_contacts
submit ingest --source backoffice_events
submit failure-demand --from "$DAY" --to "$DAY"
submit root-conditions
submit journeys
submit capacity
submit scorecard
