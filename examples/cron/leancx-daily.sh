#!/usr/bin/env bash
# Daily leancx pipeline with plain spark-submit, for cron (the drop of the day that just ended, UTC):
#   0 3 * * *  LEANCX_PSEUDONYM_KEY=... /opt/leancx/examples/cron/leancx-daily.sh >> /var/log/leancx.log 2>&1
# A backfill of past dates (after their drops are loaded):
#   LEANCX_FROM=2026-05-01 LEANCX_TO=2026-05-31 /opt/leancx/examples/cron/leancx-daily.sh
# Stops at the first failure and retries each step twice; every step is idempotent, so rerunning the script for the
# same date resumes it.
set -euo pipefail
JAR="${LEANCX_JAR:-/opt/leancx/leancx-jobs-cluster.jar}"
CONF="${LEANCX_CONF:-/opt/leancx/conf/cluster.conf}"
MASTER="${SPARK_MASTER:-yarn}"
DROPS="${LEANCX_DROPS:-/data/drops}"
DAY="$(date -u -d yesterday +%F)"

submit() {
  local attempt
  for attempt in 1 2 3; do
    echo "$(date -u +%FT%TZ) leancx $* (attempt $attempt)"
    spark-submit --master "$MASTER" --deploy-mode client \
      --class org.leancx.cli.Main \
      --packages io.delta:delta-spark_4.1_2.13:4.3.1 \
      --conf spark.sql.extensions=io.delta.sql.DeltaSparkSessionExtension \
      --conf spark.sql.catalog.spark_catalog=org.apache.spark.sql.delta.catalog.DeltaCatalog \
      "$JAR" "$@" --conf "$CONF" && return 0
    sleep 600
  done
  return 1
}

if [[ -n "${LEANCX_FROM:-}" ]]; then
  submit daily --from "$LEANCX_FROM" --to "${LEANCX_TO:?set LEANCX_TO with LEANCX_FROM}"
  exit
fi
submit ingest --source crm_contacts --path "$DROPS/$DAY/contacts.csv" --load incremental
submit ingest --source backoffice_events --path "$DROPS/$DAY/case_events.csv" --load incremental
submit daily --date "$DAY"
