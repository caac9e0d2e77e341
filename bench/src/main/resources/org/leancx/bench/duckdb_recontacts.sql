-- The recontact semantics of `leancx failure-demand` (docs/FAILURE_DEMAND.md, org.leancx.demand.Recontacts) in
-- DuckDB, for the benchmark peer. Every rule value comes from bound rows in the tables params, taxonomy,
-- transfer_outcomes, window_by_channel and window_by_need; the view contacts reads the current Parquet files of the
-- canonical contacts table. Writes one row per contact of a non-excluded customer to Parquet.
--   need key   coalesce(taxonomy need family, reason, '(none)'); with need-key = case_id: coalesce(case_id, that)
--   order      PARTITION BY customer_key, need_key ORDER BY started_at, contact_id (the tie-break)
--   window     start to start, inclusive, in whole epoch seconds; window-by-need over window-by-channel over window
--   transfer   previous outcome (lower case) in transfer-outcomes and start <= previous end (else start) + gap
--   excluded   customers with more than service-account-contacts-per-day contacts on one contact_date
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
      c.contact_id, c.customer_key, c.channel, c.direction, c.started_at, c.ended_at, c.outcome,
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
      lower(lag(n.outcome) OVER w) AS prev_outcome
    FROM needs n
    WINDOW w AS (PARTITION BY n.customer_key, n.need_key ORDER BY n.started_at, n.contact_id)
  ),
  linked AS (
    SELECT
      pr.*,
      coalesce(wn.window_seconds, wc.window_seconds, p.window_seconds) AS window_seconds,
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
      contact_id, customer_key, need_key, started_at, is_transfer,
      coalesce(
        prev_id IS NOT NULL
          AND NOT is_transfer
          AND (outbound_can_recontact OR direction = 'INBOUND')
          AND start_seconds - prev_start_seconds <= window_seconds,
        false) AS is_recontact,
      prev_id, start_seconds - prev_start_seconds AS gap
    FROM linked
  )
  SELECT
    contact_id, customer_key, need_key, started_at, is_recontact, is_transfer,
    CASE WHEN is_recontact OR is_transfer THEN prev_id END AS prior_contact_id,
    CASE WHEN is_recontact OR is_transfer THEN gap END AS gap_seconds
  FROM tagged
) TO ${output} (FORMAT parquet)
