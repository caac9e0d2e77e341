-- Databricks notebook source
-- MAGIC %md
-- MAGIC # 07 Experiments and surveys: judge a change on the full cost of resolving the need
-- MAGIC `leancx.experiment_results` compares the arms of each configured experiment (experiments.NAME in conf) per
-- MAGIC customer need (a journey), not per contact: a change that makes the first contact cheaper can make the need
-- MAGIC dearer once the recontacts, complaints and case work it causes are counted. Intervals come from a bootstrap
-- MAGIC clustered by customer. Semantics: docs/EXPERIMENTS.md.

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Verdicts: every arm against its control
-- MAGIC Every measure is better when lower. `better` / `worse`: the whole interval of the difference is below / above
-- MAGIC 0; `no difference`: it holds 0. Do not read a row whose experiment has `sample_ratio_mismatch`.

-- COMMAND ----------

SELECT experiment, arm, control_arm, measure, unit, round(value, 3) AS value, round(control_value, 3) AS control,
       round(difference, 3) AS difference, round(difference_low, 3) AS low, round(difference_high, 3) AS high,
       round(relative_difference * 100, 1) AS change_pct, verdict, sample_ratio_mismatch
FROM leancx.experiment_results
WHERE NOT is_control
ORDER BY experiment, arm, measure

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Cheaper per contact, dearer per need?
-- MAGIC The first contact's cost beside the full cost per resolved need and the repeat rate, per arm: the efficiency
-- MAGIC view and the Lean view of the same change.

-- COMMAND ----------

SELECT experiment, arm, is_control, max(settled_needs) AS settled_needs, max(customers) AS customers,
       round(max(CASE WHEN measure = 'first_contact_cost' THEN value END), 2) AS first_contact_cost,
       round(max(CASE WHEN measure = 'contacts_per_need' THEN value END), 3) AS contacts_per_need,
       round(max(CASE WHEN measure = 'repeat_rate' THEN value END), 3) AS repeat_rate,
       round(max(CASE WHEN measure = 'full_cost_per_resolved_need' THEN value END), 2) AS full_cost_per_need,
       round(max(CASE WHEN measure = 'lead_time_p85_hours' THEN value END), 1) AS lead_time_p85_h
FROM leancx.experiment_results
GROUP BY experiment, arm, is_control
ORDER BY experiment, is_control DESC, arm

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Is the split sound?
-- MAGIC The arms' customers against the planned split (chi-square test): a mismatch means the assignment or its
-- MAGIC logging lost customers in one arm, and no difference can be trusted.

-- COMMAND ----------

SELECT experiment, design, description, arm, max(needs) AS needs, max(customers) AS customers,
       max(srm_p_value) AS srm_p_value, max(sample_ratio_mismatch) AS mismatch, min(first_need_date) AS first_need,
       max(last_need_date) AS last_need, max(as_of) AS as_of
FROM leancx.experiment_results
GROUP BY experiment, design, description, arm
ORDER BY experiment, arm

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Surveys: NPS and CSAT by how the journey went
-- MAGIC `leancx.survey_outcomes` links each survey to the journey it is about (through its contact, else its case):
-- MAGIC the metric tree from operations (repeats, lead time) to loyalty. Segments with fewer than about 30 answers
-- MAGIC have intervals that are too narrow (normal approximation).

-- COMMAND ----------

SELECT dimension, segment, responses, nps_responses, round(nps, 1) AS nps, round(nps_ci_low, 1) AS nps_low,
       round(nps_ci_high, 1) AS nps_high, round(csat_mean, 2) AS csat, round(csat_ci_low, 2) AS csat_low,
       round(csat_ci_high, 2) AS csat_high
FROM leancx.survey_outcomes
WHERE dimension <> 'slope'
ORDER BY dimension, segment

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## How much NPS one repeat and one day of waiting cost
-- MAGIC One least-squares fit of the 0-10 score on the journey's repeats and lead time together, so that lead time
-- MAGIC does not take the credit for repeats (which lengthen it).

-- COMMAND ----------

SELECT segment AS per, round(coefficient, 3) AS nps_points, round(coefficient_ci_low, 3) AS low,
       round(coefficient_ci_high, 3) AS high, responses AS surveys
FROM leancx.survey_outcomes
WHERE dimension = 'slope'
