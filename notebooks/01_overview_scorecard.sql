-- Databricks notebook source
-- MAGIC %md
-- MAGIC # 01 Overview and Lean scorecard
-- MAGIC The Lean metric tree on one page (`leancx.lean_scorecard`), and the runs that produced the tables.
-- MAGIC Every cell queries only the output tables; a test runs each cell against a demo run.

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Organisation scorecard per period (journey_type = 'ALL')
-- MAGIC `complete_period` is false for the first and last periods when the data covers them only in part: their
-- MAGIC counts are lower because the period is cut, not because demand fell.

-- COMMAND ----------

SELECT period_start, period, complete_period, contacts, failure_contacts, round(failure_share, 3) AS failure_share,
       round(fcr_rate, 3) AS fcr_rate, round(repeat_rate, 3) AS repeat_rate, closed_journeys,
       round(lead_time_p50_seconds / 86400, 2) AS lead_time_p50_days,
       round(lead_time_p85_seconds / 86400, 2) AS lead_time_p85_days,
       round(flow_efficiency, 3) AS flow_efficiency, round(slo_attainment, 3) AS slo_attainment,
       round(failure_cost, 2) AS failure_cost, round(failure_agent_hours, 1) AS failure_agent_hours
FROM leancx.lean_scorecard
WHERE journey_type = 'ALL'
ORDER BY period_start

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Scorecard by journey type, latest complete period (the latest period when none is complete)

-- COMMAND ----------

SELECT period_start, complete_period, journey_type, contacts, round(failure_share, 3) AS failure_share,
       round(fcr_rate, 3) AS fcr_rate, closed_journeys, round(lead_time_p85_seconds / 86400, 2) AS lead_time_p85_days,
       round(slo_attainment, 3) AS slo_attainment
FROM leancx.lean_scorecard
WHERE period_start = (SELECT max_by(period_start, struct(complete_period, period_start)) FROM leancx.lean_scorecard)
ORDER BY journey_type = 'ALL' DESC, contacts DESC NULLS LAST

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## The top root-condition set and the tables the scorecard used

-- COMMAND ----------

SELECT DISTINCT array_join(top_root_conditions, ' AND ') AS top_root_conditions,
       round(top_root_conditions_excess_cost, 2) AS excess_cost, array_join(sources, ', ') AS sources
FROM leancx.lean_scorecard
WHERE journey_type = 'ALL'

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Latest run of each job (reproduce with Delta time travel to the versions in `outputs`)

-- COMMAND ----------

SELECT job, run_id, status, started_at, finished_at,
       timestampdiff(SECOND, started_at, finished_at) AS seconds
FROM (SELECT *, row_number() OVER (PARTITION BY job ORDER BY started_at DESC) AS n FROM leancx.pipeline_runs)
WHERE n = 1
ORDER BY started_at
