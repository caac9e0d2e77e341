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

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Vulnerable customers against everyone else (`leancx.protected_outcomes`)
-- MAGIC Customers in vulnerable circumstances (guardrails.vulnerable: a contact attribute) reported apart, per period
-- MAGIC and journey type, with 95% intervals; `worse_on` lists the measures worse beyond the intervals. The counts
-- MAGIC are summed here over every period and type: the monthly rows of a small segment are too thin to tell.

-- COMMAND ----------

SELECT segment, sum(journeys) AS journeys, sum(contacts) AS contacts,
       round(sum(failure_contacts) / sum(classified_contacts), 3) AS failure_demand_share,
       round(sum(resolved_first_time) / sum(settled_contacts), 3) AS fcr,
       round(sum(recontacts) / sum(contacts), 3) AS repeat_rate,
       round(sum(complaints) / sum(contacts), 4) AS complaint_share,
       round(sum(slo_met) / nullif(sum(slo_assessed), 0), 3) AS slo_attainment
FROM leancx.protected_outcomes
WHERE segment <> 'unknown'
GROUP BY segment
ORDER BY segment

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Period by period, with the intervals; flagged rows first

-- COMMAND ----------

SELECT period_start, journey_type, segment, journeys, round(fcr_rate, 3) AS fcr, round(fcr_rate_low, 3) AS fcr_low,
       round(fcr_rate_high, 3) AS fcr_high, round(repeat_rate, 3) AS repeat_rate,
       round(lead_time_p85_seconds / 86400, 1) AS lead_time_p85_days, worse_than_other, worse_on
FROM leancx.protected_outcomes
WHERE segment <> 'unknown'
ORDER BY worse_than_other DESC, period_start, journey_type, segment

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Automation SLOs (`leancx.automation_slo`): containment and safe hand-off against their error budgets
-- MAGIC Per period and flow; a status of EXHAUSTED in a flow's latest assessed period (the latest with settled
-- MAGIC contacts) is what `leancx guardrails --fail-on-exhausted` stops the line for. Flows without an objective
-- MAGIC have rates but no budget.

-- COMMAND ----------

SELECT period_start, automation_flow, routed_contacts, round(containment_rate, 3) AS containment,
       containment_objective, round(containment_burn_rate, 2) AS containment_burn, containment_status,
       hand_offs, round(safe_hand_off_rate, 3) AS safe_hand_off, safe_hand_off_objective,
       round(safe_hand_off_burn_rate, 2) AS safe_hand_off_burn, safe_hand_off_status,
       automation_induced_contacts, round(automation_induced_cost, 2) AS automation_induced_cost
FROM leancx.automation_slo
ORDER BY automation_flow, period_start

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## The scorecard's protective columns (`leancx.lean_scorecard`)
-- MAGIC The organisation's rows, each efficiency figure beside its guardrail: FCR of vulnerable customers against
-- MAGIC the others, containment and safe hand-off pooled over the automation flows, the flow SLOs exhausted, and the
-- MAGIC teams flagged by efficiency_twins (handle time down, repeats caused up).

-- COMMAND ----------

SELECT period_start, contacts, round(fcr_rate, 3) AS fcr, vulnerable_contacts,
       round(vulnerable_fcr_rate, 3) AS vulnerable_fcr, round(other_fcr_rate, 3) AS other_fcr,
       round(containment_rate, 3) AS containment, round(safe_hand_off_rate, 3) AS safe_hand_off,
       automation_induced_contacts, automation_slos_exhausted, goodhart_teams, complete_period
FROM leancx.lean_scorecard
WHERE journey_type = 'ALL'
ORDER BY period_start
