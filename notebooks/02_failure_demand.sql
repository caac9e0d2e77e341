-- Databricks notebook source
-- MAGIC %md
-- MAGIC # 02 Failure demand
-- MAGIC Value and failure demand (`leancx.demand_daily`, `leancx.contact_demand`), the worst needs,
-- MAGIC recontact chains (`leancx.recontact_chains`) and first-contact resolution by channel.

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Weekly trend of the failure-demand share

-- COMMAND ----------

SELECT date_trunc('WEEK', contact_date) AS week, sum(contacts) AS contacts, sum(value) AS value,
       sum(failure) AS failure, sum(unclassified) AS unclassified,
       round(sum(failure) / sum(contacts), 3) AS failure_share
FROM leancx.demand_daily
GROUP BY 1
ORDER BY 1

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Failure demand by subtype and week

-- COMMAND ----------

SELECT date_trunc('WEEK', d.contact_date) AS week, s.subtype, sum(s.contacts) AS failure_contacts
FROM leancx.demand_daily d
LATERAL VIEW explode(d.failure_by_subtype) s AS subtype, contacts
GROUP BY 1, 2
ORDER BY 1, 3 DESC

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Worst needs: the need families with the most failure demand

-- COMMAND ----------

SELECT need_family, sum(contacts) AS contacts, sum(failure) AS failure,
       round(sum(failure) / sum(contacts), 3) AS failure_share, sum(recontacts) AS recontacts
FROM leancx.demand_daily
GROUP BY need_family
ORDER BY failure DESC, need_family
LIMIT 10

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## The cost of failure demand per need family (channel cost of FAILURE contacts)

-- COMMAND ----------

SELECT coalesce(need_family, 'unclassified') AS need_family, count(*) AS failure_contacts,
       round(sum(cost), 2) AS failure_cost
FROM leancx.contact_demand
WHERE demand_class = 'FAILURE'
GROUP BY 1
ORDER BY failure_cost DESC

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Longest recontact chains

-- COMMAND ----------

SELECT chain_id, need_key, first_date, contacts, recontacts, transfers, array_join(channels, ', ') AS channels,
       round(span_seconds / 86400, 1) AS span_days, round(repeat_cost, 2) AS repeat_cost
FROM leancx.recontact_chains
ORDER BY contacts DESC, repeat_cost DESC, chain_id
LIMIT 20

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Chains per need: how many touches a failed first contact costs

-- COMMAND ----------

SELECT coalesce(need_family, 'unclassified') AS need_family, count(*) AS chains,
       round(avg(contacts), 2) AS mean_contacts, round(sum(repeat_cost), 2) AS repeat_cost
FROM leancx.recontact_chains
GROUP BY 1
ORDER BY repeat_cost DESC

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## First-contact resolution by channel (PENDING contacts are right-censored and left out)

-- COMMAND ----------

SELECT channel, sum(contacts) AS contacts, sum(resolved_first_time) AS resolved_first_time,
       sum(repeated) AS repeated, sum(pending) AS pending,
       round(sum(resolved_first_time) / nullif(sum(resolved_first_time) + sum(repeated), 0), 3) AS fcr_rate
FROM leancx.demand_daily
GROUP BY channel
ORDER BY contacts DESC

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Which rule decided the demand class

-- COMMAND ----------

SELECT demand_class, decided_by, count(*) AS contacts
FROM leancx.contact_demand
GROUP BY 1, 2
ORDER BY 1, 3 DESC
