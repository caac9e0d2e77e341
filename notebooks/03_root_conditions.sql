-- Databricks notebook source
-- MAGIC %md
-- MAGIC # 03 Root conditions and the cost of failure
-- MAGIC The condition sets under which the outcome fails more often than the baseline (`leancx.root_conditions`,
-- MAGIC see docs/ROOT_CONDITIONS.md) and the daily cost of failure (`leancx.failure_cost_daily`).

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Top condition sets by excess cost

-- COMMAND ----------

SELECT outcome, rank, array_join(conditions, ' AND ') AS conditions, support, failures,
       round(failure_rate, 3) AS failure_rate, round(baseline_rate, 3) AS baseline_rate, round(lift, 2) AS lift,
       round(ci_low, 3) AS ci_low, round(ci_high, 3) AS ci_high, round(excess_failures, 1) AS excess_failures,
       round(excess_cost, 2) AS excess_cost
FROM leancx.root_conditions
ORDER BY outcome, rank
LIMIT 20

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Attributes: which condition attributes carry the excess cost

-- COMMAND ----------

SELECT outcome, split(c, '=')[0] AS attribute, count(*) AS sets, round(max(lift), 2) AS max_lift,
       round(sum(excess_cost), 2) AS excess_cost
FROM leancx.root_conditions
LATERAL VIEW explode(conditions) x AS c
GROUP BY 1, 2
ORDER BY excess_cost DESC

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Sets whose whole confidence interval is above the baseline (the robust ones)

-- COMMAND ----------

SELECT outcome, count(*) AS sets, sum(CASE WHEN ci_low > baseline_rate THEN 1 ELSE 0 END) AS robust_sets,
       round(sum(excess_cost), 2) AS excess_cost
FROM leancx.root_conditions
GROUP BY outcome

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Weekly failure rate and cost of failure

-- COMMAND ----------

SELECT outcome, date_trunc('WEEK', period_date) AS week, sum(touches) AS touches, sum(failures) AS failures,
       round(sum(failures) / nullif(sum(touches), 0), 3) AS failure_rate, sum(failure_contacts) AS failure_contacts,
       round(sum(failure_cost), 2) AS failure_cost
FROM leancx.failure_cost_daily
GROUP BY 1, 2
ORDER BY 1, 2

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Total cost of failure per outcome

-- COMMAND ----------

SELECT outcome, min(period_date) AS first_date, max(period_date) AS last_date, sum(failures) AS failures,
       round(sum(failure_cost), 2) AS failure_cost
FROM leancx.failure_cost_daily
GROUP BY outcome

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Did a fixed cause fall? The top sets period by period
-- MAGIC `leancx.root_conditions_trend` measures each reported set in each period (`conditions.trend-period`, weekly by
-- MAGIC default) against that period's own baseline. A set whose rate drops to the baseline, and whose interval no
-- MAGIC longer clears it, has stopped producing failure demand. Partial periods (`complete_period = false`) are marked.

-- COMMAND ----------

SELECT rank, array_join(conditions, ' AND ') AS conditions, period_start, complete_period, support, failures,
       round(failure_rate, 3) AS failure_rate, round(ci_low, 3) AS ci_low, round(ci_high, 3) AS ci_high,
       round(baseline_rate, 3) AS baseline_rate, round(lift, 2) AS lift, round(excess_cost, 2) AS excess_cost
FROM leancx.root_conditions_trend
WHERE outcome = 'failure-demand' AND rank <= 3
ORDER BY rank, period_start

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Why is a set not in the report? What explains it
-- MAGIC Every set with at least the floor of excess failures that a redundancy rule dropped because of another set is in
-- MAGIC `leancx.root_conditions_explained`: `not_beyond_subset` (a subset fails as often), `explained_by_overlap` (a part,
-- MAGIC slice, decoy, proxy or mixture of `explained_by`), `product_of_parts` (independent reported causes meeting).
-- MAGIC `explained_share` is the share of the set's excess failures that `explained_by` accounts for.

-- COMMAND ----------

SELECT array_join(conditions, ' AND ') AS conditions, support, failures, round(failure_rate, 3) AS failure_rate,
       round(excess_failures, 1) AS excess_failures, rule, array_join(explained_by, ' AND ') AS explained_by,
       round(explained_by_rate, 3) AS explained_by_rate, round(explained_share, 2) AS explained_share
FROM leancx.root_conditions_explained
WHERE outcome = 'failure-demand' AND rule <> 'not_beyond_subset'
ORDER BY excess_failures DESC
LIMIT 20
