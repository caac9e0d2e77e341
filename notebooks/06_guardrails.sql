-- Databricks notebook source
-- MAGIC %md
-- MAGIC # 06 Guardrails: efficiency beside what it costs customers
-- MAGIC Every efficiency measure next to the failure demand it causes (`leancx.efficiency_twins`): when handle time
-- MAGIC becomes a target, advisors cut discovery and customers call back. A repeat is charged to the contact it repeats
-- MAGIC (contact_demand.prior_contact_id), whichever team takes the repeat. Semantics: docs/GUARDRAILS.md.

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Handle time and the repeats it causes, per team and period
-- MAGIC Rates count settled contacts only (PENDING ones are too recent to tell); `complete_period` is false for a
-- MAGIC first or last period that the data covers only in part.

-- COMMAND ----------

SELECT period_start, complete_period, team, contacts, round(handle_mean_seconds) AS handle_mean_s,
       round(handle_p50_seconds) AS handle_p50_s, round(fcr_rate, 3) AS fcr, repeats_caused, complaints_caused,
       round(repeat_rate_caused, 3) AS repeat_rate, round(cost_per_contact, 2) AS cost_per_contact,
       round(full_cost_per_need, 2) AS full_cost_per_need
FROM leancx.efficiency_twins
ORDER BY team, period_start

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Goodhart check: teams whose handle time fell while the repeats they cause rose
-- MAGIC Flagged rows first; the changes are against the team's previous period.

-- COMMAND ----------

SELECT period_start, team, goodhart_flag, round(handle_mean_change_seconds) AS handle_change_s,
       round(repeat_rate_change, 3) AS repeat_rate_change, repeats_caused, complaints_caused
FROM leancx.efficiency_twins
WHERE handle_mean_change_seconds IS NOT NULL
ORDER BY goodhart_flag DESC, repeat_rate_change DESC NULLS LAST

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## The cost a handle-time view hides: full cost per need against cost per contact, over all periods

-- COMMAND ----------

SELECT team, sum(settled_contacts) AS settled_contacts, sum(repeats_caused) AS repeats_caused,
       round(sum(contact_cost) / sum(settled_contacts), 2) AS cost_per_contact,
       round((sum(contact_cost) + sum(caused_cost)) / sum(settled_contacts), 2) AS full_cost_per_need,
       round(sum(caused_cost) / (sum(contact_cost) + sum(caused_cost)), 3) AS hidden_share
FROM leancx.efficiency_twins
WHERE settled_contacts > 0
GROUP BY team
ORDER BY hidden_share DESC
