-- Databricks notebook source
-- MAGIC %md
-- MAGIC # 04 Journeys and lead time
-- MAGIC Lead-time percentiles, breakpoints, work in progress against Little's Law, ageing of open work and SLO burn
-- MAGIC (`leancx.journeys`, `leancx.journey_steps`, `leancx.flow_daily`, `leancx.journey_slo`,
-- MAGIC `leancx.lead_time_forecast`, `leancx.model_evaluation`, `leancx.model_evaluation_by_prefix`).

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Lead-time percentiles of closed journeys, per journey type (days)

-- COMMAND ----------

SELECT journey_type, count(*) AS closed_journeys,
       round(percentile(lead_time_seconds, 0.5) / 86400, 2) AS p50_days,
       round(percentile(lead_time_seconds, 0.85) / 86400, 2) AS p85_days,
       round(percentile(lead_time_seconds, 0.95) / 86400, 2) AS p95_days,
       round(avg(flow_efficiency), 3) AS mean_flow_efficiency,
       round(avg(touchpoints), 1) AS mean_touchpoints, round(avg(hand_offs), 2) AS mean_hand_offs
FROM leancx.journeys
WHERE status = 'CLOSED'
GROUP BY journey_type
ORDER BY closed_journeys DESC

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Breakpoints: the steps after which the longest wait opens

-- COMMAND ----------

SELECT journey_type, breakpoint_step, count(*) AS journeys,
       round(avg(longest_gap_seconds) / 3600, 1) AS mean_longest_gap_hours
FROM leancx.journeys
WHERE breakpoint_step IS NOT NULL
GROUP BY 1, 2
ORDER BY journeys DESC, 1, 2
LIMIT 20

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Where the waiting happens: wait before each kind of step

-- COMMAND ----------

SELECT kind, step, count(*) AS steps, round(avg(wait_before_seconds) / 3600, 2) AS mean_wait_hours,
       round(sum(touch_seconds) / 3600, 1) AS touch_hours,
       sum(CASE WHEN hand_off THEN 1 ELSE 0 END) AS hand_offs
FROM leancx.journey_steps
GROUP BY 1, 2
ORDER BY mean_wait_hours DESC, 1, 2
LIMIT 20

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Measured WIP against Little's Law (λ·W), all journey types, weekly samples

-- COMMAND ----------

SELECT flow_date, sum(arrivals) AS arrivals, sum(completions) AS completions, sum(wip) AS wip,
       round(sum(littles_law_wip), 1) AS littles_law_wip,
       round(sum(wip) / nullif(sum(littles_law_wip), 0), 2) AS wip_ratio
FROM leancx.flow_daily
GROUP BY flow_date
HAVING dayofweek(flow_date) = 2 OR flow_date = (SELECT max(flow_date) FROM leancx.flow_daily)
ORDER BY flow_date

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Ageing: open work by age bucket on the last day

-- COMMAND ----------

SELECT f.journey_type, b.bucket, b.journeys
FROM leancx.flow_daily f
LATERAL VIEW explode(f.wip_by_age) x AS b
WHERE f.flow_date = (SELECT max(flow_date) FROM leancx.flow_daily)
ORDER BY f.journey_type, b.min_age_seconds

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Oldest open journeys and their forecast end

-- COMMAND ----------

SELECT j.journey_id, j.journey_type, j.started_at, round(j.lead_time_seconds / 86400, 1) AS age_days,
       j.touchpoints, f.predicted_end_at, round(f.predicted_p10_seconds / 86400, 1) AS p10_remaining_days,
       round(f.predicted_p90_seconds / 86400, 1) AS p90_remaining_days
FROM leancx.journeys j
LEFT JOIN leancx.lead_time_forecast f ON f.journey_id = j.journey_id AND f.as_of = j.as_of
WHERE j.status = 'OPEN'
ORDER BY j.lead_time_seconds DESC, j.journey_id
LIMIT 20

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Are the forecasts worth showing? Cross-validated accuracy on these journeys
-- MAGIC `lead-time-model train` cross-validates itself by journey (dataset `warehouse`): the mean absolute error of
-- MAGIC the GBT (the forecast in lead_time_forecast) against the baseline, and the share of true remaining times
-- MAGIC inside the P10-P90 interval (about 0.80 when calibrated).

-- COMMAND ----------

SELECT model, model_version, protocol, count(*) AS folds, sum(predictions) AS predictions,
       round(avg(mae_days), 3) AS mean_mae_days, round(min(mae_days), 3) AS best_fold,
       round(max(mae_days), 3) AS worst_fold,
       round(sum(interval_coverage * predictions) / sum(predictions), 3) AS interval_coverage
FROM leancx.model_evaluation
WHERE dataset = 'warehouse'
GROUP BY model, model_version, protocol
ORDER BY mean_mae_days

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Predicted against actual by events seen, with the interval's coverage per band (all folds)

-- COMMAND ----------

SELECT prefix_band, model, sum(predictions) AS predictions,
       round(sum(mean_actual_days * predictions) / sum(predictions), 2) AS actual_days,
       round(sum(mean_predicted_days * predictions) / sum(predictions), 2) AS predicted_days,
       round(sum(mae_days * predictions) / sum(predictions), 2) AS mae_days,
       round(sum(mean_lower_days * predictions) / sum(predictions), 2) AS p10_days,
       round(sum(mean_upper_days * predictions) / sum(predictions), 2) AS p90_days,
       round(sum(interval_coverage * predictions) / sum(predictions), 3) AS interval_coverage
FROM leancx.model_evaluation_by_prefix
WHERE dataset = 'warehouse'
GROUP BY prefix_band, band_min_length, model
ORDER BY band_min_length, model

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## SLO error-budget burn per period

-- COMMAND ----------

SELECT period_start, journey_type, objective, eligible, met, breaches, round(attainment, 3) AS attainment,
       round(error_budget, 1) AS error_budget, round(budget_remaining, 1) AS budget_remaining,
       round(burn_rate, 2) AS burn_rate, status
FROM leancx.journey_slo
ORDER BY period_start, journey_type

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## SLOs at risk or exhausted, latest first

-- COMMAND ----------

SELECT status, count(*) AS periods, max(period_start) AS latest_period, round(max(burn_rate), 2) AS worst_burn_rate
FROM leancx.journey_slo
GROUP BY status
ORDER BY status
