-- The contact_demand rules of `leancx failure-demand` (docs/FAILURE_DEMAND.md, org.leancx.demand.Recontacts and
-- ChainTagger) in DuckDB, for the benchmark peer: the same table, column for column, from the same Parquet files.
-- Every rule value comes from bound rows in the tables params, taxonomy, transfer_outcomes, window_by_channel,
-- window_by_need and channel_cost; the view contacts reads the current Parquet files of the canonical contacts table.
-- Writes one row per contact of a non-excluded customer to Parquet.
--   need key   coalesce(taxonomy need family, reason, '(none)'); with need-key = case_id: coalesce(case_id, that)
--   order      PARTITION BY customer_key, need_key ORDER BY started_at, contact_id (the tie-break)
--   window     start to start, inclusive, in whole epoch seconds; window-by-need over window-by-channel over window
--   transfer   previous outcome (lower case) in transfer-outcomes and start <= previous end (else start) + gap
--   excluded   customers with more than service-account-contacts-per-day contacts on one contact_date
--   chain      restarts at every contact that is neither a recontact nor a transfer
--   fcr        REPEATED when the next contact that is not a transfer is a recontact; else PENDING when start plus
--              the need's window (else the widest channel window) is after the as-of time (the latest started_at)
--   class      taxonomy failure reason, then automation-induced, then recontact, then taxonomy value reason
COPY (
  WITH per_day AS (
    SELECT customer_key, contact_date, count(*) AS n FROM contacts GROUP BY customer_key, contact_date
  ),
  excluded AS (
    SELECT customer_key
    FROM per_day
    GROUP BY customer_key
    HAVING max(n) > (SELECT service_account_contacts_per_day FROM params)
  ),
  needs AS (
    SELECT
      c.contact_date, c.started_at, c.contact_id, c.customer_key, c.channel, c.direction, c.ended_at, c.reason,
      c.outcome, c.team, c.automation_flow, t.need_family, t.demand_class AS taxonomy_class,
      t.failure_subtype AS taxonomy_subtype,
      CASE WHEN p.need_key_is_case_id THEN coalesce(c.case_id, t.need_family, c.reason, '(none)')
           ELSE coalesce(t.need_family, c.reason, '(none)') END AS need_key
    FROM contacts c
    CROSS JOIN params p
    LEFT JOIN taxonomy t ON c.reason = t.reason
    WHERE c.customer_key NOT IN (SELECT customer_key FROM excluded)
  ),
  previous AS (
    SELECT
      n.*,
      epoch_us(n.started_at) // 1000000 AS start_seconds,
      lag(n.contact_id) OVER w AS prev_id,
      epoch_us(lag(n.started_at) OVER w) // 1000000 AS prev_start_seconds,
      epoch_us(coalesce(lag(n.ended_at) OVER w, lag(n.started_at) OVER w)) // 1000000 AS prev_end_seconds,
      lower(lag(n.outcome) OVER w) AS prev_outcome,
      lag(n.automation_flow) OVER w AS prev_flow,
      row_number() OVER w AS rn
    FROM needs n
    WINDOW w AS (PARTITION BY n.customer_key, n.need_key ORDER BY n.started_at, n.contact_id)
  ),
  linked AS (
    SELECT
      pr.*,
      coalesce(wn.window_seconds, wc.window_seconds, p.window_seconds) AS window_seconds,
      coalesce(wn.window_seconds, p.max_channel_window_seconds) AS censor_seconds,
      coalesce(
        pr.prev_id IS NOT NULL
          AND pr.prev_outcome IN (SELECT outcome FROM transfer_outcomes)
          AND pr.start_seconds <= pr.prev_end_seconds + p.transfer_gap_seconds,
        false) AS is_transfer,
      p.outbound_can_recontact
    FROM previous pr
    CROSS JOIN params p
    LEFT JOIN window_by_need wn ON wn.need_key = pr.need_key
    LEFT JOIN window_by_channel wc ON wc.channel = pr.channel
  ),
  tagged AS (
    SELECT
      l.*,
      coalesce(
        l.prev_id IS NOT NULL
          AND NOT l.is_transfer
          AND (l.outbound_can_recontact OR l.direction = 'INBOUND')
          AND l.start_seconds - l.prev_start_seconds <= l.window_seconds,
        false) AS is_recontact
    FROM linked l
  ),
  chained AS (
    SELECT
      t.*,
      t.is_recontact OR t.is_transfer AS linked,
      last_value(CASE WHEN NOT (t.is_recontact OR t.is_transfer) THEN t.contact_id END IGNORE NULLS) OVER upto
        AS chain_id,
      t.rn - last_value(CASE WHEN NOT (t.is_recontact OR t.is_transfer) THEN t.rn END IGNORE NULLS) OVER upto + 1
        AS chain_position,
      first_value(CASE WHEN NOT t.is_transfer THEN t.is_recontact END IGNORE NULLS) OVER after AS next_is_recontact
    FROM tagged t
    WINDOW
      upto AS (PARTITION BY t.customer_key, t.need_key ORDER BY t.started_at, t.contact_id
               ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW),
      after AS (PARTITION BY t.customer_key, t.need_key ORDER BY t.started_at, t.contact_id
                ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING)
  ),
  classified AS (
    SELECT
      ch.*,
      CASE
        WHEN ch.taxonomy_class = 'FAILURE' THEN 'taxonomy_failure_reason'
        WHEN p.automation_induced AND ch.linked AND ch.prev_flow IS NOT NULL THEN 'automation_induced'
        WHEN ch.is_recontact THEN 'recontact'
        WHEN ch.taxonomy_class = 'VALUE' THEN 'taxonomy_value_reason'
        WHEN ch.reason IS NULL THEN 'no_reason'
        ELSE 'reason_not_in_taxonomy'
      END AS decided_by,
      CASE
        WHEN ch.next_is_recontact THEN 'REPEATED'
        WHEN ch.start_seconds + ch.censor_seconds > p.as_of_seconds THEN 'PENDING'
        ELSE 'RESOLVED_FIRST_TIME'
      END AS fcr_status,
      coalesce(cc.cost, p.default_channel_cost) AS cost
    FROM chained ch
    CROSS JOIN params p
    LEFT JOIN channel_cost cc ON cc.channel = lower(ch.channel)
  )
  SELECT
    contact_date, started_at, contact_id, customer_key, channel, direction, ended_at, reason, outcome, team,
    automation_flow, need_family, need_key,
    CASE decided_by
      WHEN 'taxonomy_value_reason' THEN 'VALUE'
      WHEN 'no_reason' THEN 'UNCLASSIFIED'
      WHEN 'reason_not_in_taxonomy' THEN 'UNCLASSIFIED'
      ELSE 'FAILURE'
    END AS demand_class,
    CASE decided_by
      WHEN 'taxonomy_failure_reason' THEN taxonomy_subtype
      WHEN 'automation_induced' THEN 'automation_induced'
      WHEN 'recontact' THEN 'repeat_not_resolved'
    END AS failure_subtype,
    decided_by, is_recontact, is_transfer,
    CASE WHEN linked THEN prev_id END AS prior_contact_id,
    CASE WHEN linked THEN start_seconds - prev_start_seconds END AS gap_seconds,
    chain_id, CAST(chain_position AS INTEGER) AS chain_position, fcr_status, cost
  FROM classified
) TO ${output} (FORMAT parquet)
