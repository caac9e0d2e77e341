-- Databricks notebook source
-- MAGIC %md
-- MAGIC # 05 Capacity: agents with and without failure demand
-- MAGIC Erlang C staffing for all demand, for value demand only and for the peak (`leancx.capacity_whatif`,
-- MAGIC `leancx.capacity_summary`): the agent-hours that failure demand consumes.

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Agent-hours per period and queue
-- MAGIC `complete_period` is false for a first or last period that the data covers only in part.

-- COMMAND ----------

SELECT period_start, complete_period, channel, queue, arrivals, failure_arrivals,
       round(agent_hours_scheduled, 1) AS agent_hours, round(value_agent_hours_scheduled, 1) AS value_agent_hours,
       round(peak_agent_hours_scheduled, 1) AS peak_agent_hours, round(failure_agent_hours, 1) AS failure_agent_hours,
       round(failure_agent_hours_share, 3) AS failure_share_of_hours
FROM leancx.capacity_summary
ORDER BY period_start, channel, queue

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Totals per channel: what removing failure demand would free

-- COMMAND ----------

SELECT channel, sum(arrivals) AS arrivals, sum(failure_arrivals) AS failure_arrivals,
       round(sum(agent_hours_scheduled), 1) AS agent_hours, round(sum(value_agent_hours_scheduled), 1) AS value_agent_hours,
       round(sum(failure_agent_hours), 1) AS failure_agent_hours, round(sum(failure_handle_hours), 1) AS failure_handle_hours
FROM leancx.capacity_summary
GROUP BY channel
ORDER BY failure_agent_hours DESC

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Agents needed by hour of the week, with and without failure demand (busy slots)

-- COMMAND ----------

SELECT channel, slot_of_week, count(*) AS intervals, round(avg(arrivals), 2) AS mean_arrivals,
       round(avg(agents_required), 2) AS mean_agents, round(avg(value_agents_required), 2) AS mean_value_agents,
       max(peak_agents_required) AS peak_agents
FROM leancx.capacity_whatif
GROUP BY channel, slot_of_week
HAVING sum(arrivals) > 0
ORDER BY mean_agents DESC, channel, slot_of_week
LIMIT 20

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Modelled against observed service level

-- COMMAND ----------

SELECT channel, round(avg(service_level), 3) AS modelled_service_level,
       round(avg(observed_service_level), 3) AS observed_service_level, round(avg(asa_seconds), 1) AS mean_asa_seconds
FROM leancx.capacity_whatif
WHERE arrivals > 0
GROUP BY channel
ORDER BY channel
