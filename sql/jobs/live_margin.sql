-- Purpose: the live margin (margin_window) written in Flink SQL, as an alternative job: the same
-- rows for the same input, into p402.margin_window_sql, for the spec in the placeholder
-- window.spec.
--
-- Run: bin/p402 sql sql/jobs/live_margin.sql --calls ... --revenue ... --outcomes ...
--      [--var window.spec=1h/30m] [--var kafka.bounded-mode=unbounded]
--
-- What it reproduces, step by step (docs/contract.md, "margin_window"):
--   * records of the contract's schemas with their required ids only (no dead letter here);
--   * every topic deduplicated by (tenant_id, event_id), the first delivery kept;
--   * attribution by the contract's precedence (P402_ATTRIBUTE), cost as provided, else priced
--     from usage by the job's engine (P402_COST), else unpriced (excluded from cost_usd);
--   * the call's outcome: of its outcomes judged within 24 h of it, the latest occurred_at wins
--     (a tie goes to the one read later);
--   * calls in HOP windows (size and slide of the spec);
--   * revenue earned pro rata over its service period up to the frontier (the latest occurred_at
--     on any topic), exact fractions rounded once per window to 12 places (P402_REVENUE_WINDOWS,
--     P402_EARNED), split across the customer's (or the feature's) cells by calls with the
--     largest remainder (P402_SPLIT), or parked on a '' placeholder row when it has no cell.
--   * a window is final (is_final) once the watermark has passed its end.
-- It is a streaming job: rows are written as input arrives and rewritten when it changes them (an
-- outcome, the frontier moving on, revenue moving onto calls); with the default kafka.bounded-mode
-- (latest-offset) it reads what the topics hold and ends, every window with data then final, and
-- with kafka.bounded-mode=unbounded it keeps running as the job does.
-- Differences from the job while it runs (none remain at the end of a bounded input):
--   * a call's windows get rows at once, also the ones still mostly in the future, which the job
--     produces only when the frontier reaches their last slide;
--   * revenue is earned up to the latest occurred_at seen, not up to the watermark: the open
--     window's revenue runs ahead of the job's by the out-of-orderness (5 s);
--   * state lives 48 hours of processing time (table.exec.state.ttl), not until the watermark
--     passes the outcome horizon; after a longer stop a window's row can be rewritten from part
--     of its calls. Rows are never deleted for age (the job keeps the spec's retention).
-- Sample output (SELECT ... FROM margin_window_sql, spec 1h/30m, MarginJobEndToEndTest's input):
--   customer_id | feature_id | workflow_id | window_start         | calls | cost_usd | revenue_usd
--   acme        | chat       | w1          | 2026-11-10T10:00:00Z | 3     | 0.070    | -2.750000000000
--   acme        | search     |             | 2026-11-10T10:00:00Z | 2     | 0.030    | 0.166666666667
--   acme        |            |             | 2026-11-10T12:00:00Z | 0     | 0        | 0.034722222222

SET 'execution.runtime-mode' = 'streaming';
-- State ends a day past the outcome horizon, as the job's panes and join do; processing time.
SET 'table.exec.state.ttl' = '48 h';
-- Fold the updates of a burst (the frontier moves with nearly every event) before they travel on.
SET 'table.exec.mini-batch.enabled' = 'true';
SET 'table.exec.mini-batch.allow-latency' = '200 ms';
SET 'table.exec.mini-batch.size' = '5000';
-- A topic silent this long stops holding the watermark back, like the job's idleness.
SET 'table.exec.source.idle-timeout' = '10 s';

INSERT INTO margin_window_sql
WITH
-- The records of the contract's schemas with their required ids: SQL has no dead letter, and a
-- record the job would refuse for a missing id must not become a row (or a NULL key).
call_records AS (
    SELECT *
      FROM p402_calls
     WHERE `schema` = 'p402.call.v1' AND TRIM(tenant_id) <> '' AND TRIM(event_id) <> ''
),
revenue_records AS (
    SELECT *
      FROM p402_revenue
     WHERE `schema` = 'p402.revenue.v1' AND TRIM(tenant_id) <> '' AND TRIM(event_id) <> ''
       AND TRIM(customer_id) <> '' AND amount_usd IS NOT NULL
),
outcome_records AS (
    SELECT *
      FROM p402_outcomes
     WHERE `schema` = 'p402.outcome.v1' AND TRIM(tenant_id) <> '' AND TRIM(event_id) <> ''
       AND TRIM(call_event_id) <> ''
       AND status IN ('accepted', 'rejected', 'edited', 'abandoned')
),
call_deliveries AS (
    SELECT *, ROW_NUMBER() OVER (PARTITION BY tenant_id, event_id ORDER BY read_at) AS n
      FROM call_records
),
calls_read AS (
    SELECT tenant_id, event_id, event_time, LOWER(TRIM(provider)) AS provider,
           COALESCE(NULLIF(TRIM(model), ''), JSON_VALUE(response, '$.model')) AS model,
           LOWER(COALESCE(NULLIF(TRIM(service_tier), ''),
                          JSON_VALUE(response, '$.service_tier'))) AS tier,
           COALESCE(status, 'ok') AS status,
           P402_MONEY(cost_usd) AS provided_cost,
           P402_MONEY(revenue_usd) AS call_revenue,
           COALESCE(JSON_QUERY(response, '$.usage'), JSON_QUERY(response, '$.usageMetadata'),
                    `usage`, usageMetadata) AS usage_json,
           P402_ATTRIBUTE(customer_id, feature_id, workflow_id, headers, request) AS who
      FROM call_deliveries
     WHERE n = 1
),
calls AS (
    SELECT tenant_id, event_id, event_time, status, call_revenue, provided_cost,
           who.customer_id AS customer_id, who.feature_id AS feature_id,
           who.workflow_id AS workflow_id,
           COALESCE(provided_cost,
                    P402_COST(provider, model, usage_json, event_time, tier).cost_usd) AS cost,
           P402_USAGE(provider, usage_json) AS u
      FROM calls_read
),
-- Each call in every HOP window that contains it, before the outcome join: the windowing TVF
-- needs the time attribute, which a regular join does not keep.
call_windows AS (
    SELECT *
      FROM TABLE(HOP(TABLE calls, DESCRIPTOR(event_time),
                     INTERVAL '${window.slide-seconds}' SECOND(9),
                     INTERVAL '${window.size-seconds}' SECOND(9)))
),
outcome_deliveries AS (
    SELECT *, ROW_NUMBER() OVER (PARTITION BY tenant_id, event_id ORDER BY read_at) AS n
      FROM outcome_records
),
judged AS (
    SELECT o.tenant_id, o.call_event_id, o.status, P402_MONEY(o.quality_score) AS quality,
           ROW_NUMBER() OVER (PARTITION BY o.tenant_id, o.call_event_id
                              ORDER BY o.event_time DESC, o.kafka_offset DESC) AS latest
      FROM outcome_deliveries o
      JOIN calls c ON c.tenant_id = o.tenant_id AND c.event_id = o.call_event_id
     WHERE o.n = 1
       AND CAST(o.event_time AS TIMESTAMP_LTZ(3))
           <= CAST(c.event_time AS TIMESTAMP_LTZ(3)) + INTERVAL '24' HOUR
),
joined AS (
    SELECT c.*, j.status AS outcome, j.quality
      FROM call_windows c
      LEFT JOIN judged j
        ON j.tenant_id = c.tenant_id AND j.call_event_id = c.event_id AND j.latest = 1
),
-- Grouped by the window's bounds after a regular join, this is a regular (updating) aggregate,
-- not a window aggregate: a late outcome restates its windows instead of being dropped.
cells AS (
    SELECT tenant_id, customer_id, feature_id, workflow_id, window_start, window_end,
           COUNT(*) AS calls,
           COUNT(*) FILTER (WHERE status = 'error') AS error_calls,
           COUNT(*) FILTER (WHERE outcome = 'accepted') AS accepted,
           COUNT(*) FILTER (WHERE outcome = 'rejected') AS rejected,
           COUNT(*) FILTER (WHERE outcome = 'edited') AS edited,
           COUNT(*) FILTER (WHERE outcome = 'abandoned') AS abandoned,
           COUNT(*) FILTER (WHERE outcome IS NULL) AS pending,
           COUNT(*) FILTER (WHERE cost IS NULL) AS unpriced_calls,
           SUM(COALESCE(u.uncached_input + u.cache_read + u.cache_write_5m + u.cache_write_1h,
                        0)) AS input_tokens,
           SUM(COALESCE(u.cache_read, 0)) AS cached_input_tokens,
           SUM(COALESCE(u.visible_output + u.reasoning, 0)) AS output_tokens,
           SUM(COALESCE(u.reasoning, 0)) AS reasoning_tokens,
           COALESCE(SUM(cost), 0) AS cost_usd,
           COALESCE(SUM(call_revenue), 0) AS call_revenue_usd,
           COALESCE(SUM(quality), 0) AS quality_score_sum,
           COUNT(quality) AS quality_scored
      FROM joined
     GROUP BY tenant_id, customer_id, feature_id, workflow_id, window_start, window_end
),
events AS (
    SELECT event_time FROM call_records
    UNION ALL
    SELECT event_time FROM revenue_records
    UNION ALL
    SELECT event_time FROM outcome_records
),
-- When the watermark passes a window's end: a window aggregate over every event fires once per
-- window with an event in it, at the watermark; the gaps between consecutive firings (windows
-- that hold only earned revenue) are filled by P402_WINDOW_ENDS.
fired AS (
    SELECT window_end, window_time
      FROM TABLE(HOP(TABLE events, DESCRIPTOR(event_time),
                     INTERVAL '${window.slide-seconds}' SECOND(9),
                     INTERVAL '${window.size-seconds}' SECOND(9)))
     GROUP BY window_start, window_end, window_time
),
fired_steps AS (
    SELECT window_end, LAG(window_end) OVER (ORDER BY window_time) AS previous_end
      FROM fired
),
passed AS (
    SELECT p.window_end
      FROM fired_steps s
     CROSS JOIN LATERAL TABLE(P402_WINDOW_ENDS(
               s.previous_end, s.window_end, CAST(${window.slide-seconds} AS BIGINT),
               CAST(172800 AS BIGINT))) AS p
),
frontier AS (
    SELECT 1 AS k, MAX(event_time) AS frontier FROM events
),
revenue_deliveries AS (
    SELECT *, 1 AS k, ROW_NUMBER() OVER (PARTITION BY tenant_id, event_id ORDER BY read_at) AS n
      FROM revenue_records
),
-- Revenue is earned in two parts, because the frontier moves with nearly every event and a join
-- with it rewrites every row behind it: the settled part, up to the last window end the
-- watermark passed (or the frontier itself, once the watermark is past it: the end of a bounded
-- input), which changes once a slide; and the recent part, from there to the frontier, which
-- touches only the few windows around it. P402_EARNED adds the terms of both exactly.
passed_until AS (
    SELECT 1 AS k, MAX(window_end) AS passed_end FROM passed
),
settled AS (
    SELECT k, MAX(settled) AS settled
      FROM (SELECT f.k, LEAST(CAST(p.passed_end AS TIMESTAMP_LTZ(3)), f.frontier) AS settled
              FROM frontier f
              LEFT JOIN passed_until p ON p.k = f.k)
     GROUP BY k
),
earned_terms AS (
    SELECT /*+ STATE_TTL('r' = '3650 d') */
           r.tenant_id, r.customer_id, r.feature_id, r.amount_usd, w.*
      FROM revenue_deliveries r
      JOIN settled s ON s.k = r.k
     CROSS JOIN LATERAL TABLE(P402_REVENUE_WINDOWS(
               r.event_time, P402_EVENT_TIME(r.service_period.`start`),
               P402_EVENT_TIME(r.service_period.`end`), CAST(NULL AS TIMESTAMP_LTZ(3)),
               s.settled, CAST(${window.size-seconds} AS BIGINT),
               CAST(${window.slide-seconds} AS BIGINT),
               TIMESTAMPADD(SECOND, -${window.retention-seconds}, s.settled))) AS w
     WHERE r.n = 1
    UNION ALL
    SELECT /*+ STATE_TTL('r' = '3650 d') */
           r.tenant_id, r.customer_id, r.feature_id, r.amount_usd, w.*
      FROM revenue_deliveries r
      JOIN settled s ON s.k = r.k
      JOIN frontier f ON f.k = r.k
     CROSS JOIN LATERAL TABLE(P402_REVENUE_WINDOWS(
               r.event_time, P402_EVENT_TIME(r.service_period.`start`),
               P402_EVENT_TIME(r.service_period.`end`), s.settled, f.frontier,
               CAST(${window.size-seconds} AS BIGINT),
               CAST(${window.slide-seconds} AS BIGINT),
               TIMESTAMPADD(SECOND, -${window.retention-seconds}, s.settled))) AS w
     WHERE r.n = 1
),
earned_exact AS (
    SELECT tenant_id, customer_id, COALESCE(NULLIF(TRIM(feature_id), ''), '') AS rfeature,
           CAST(window_start AS TIMESTAMP(3)) AS window_start,
           CAST(window_end AS TIMESTAMP(3)) AS window_end,
           P402_EARNED(P402_MONEY(amount_usd), overlap_ms, period_ms) AS amount
      FROM earned_terms
     GROUP BY tenant_id, customer_id, COALESCE(NULLIF(TRIM(feature_id), ''), ''),
              CAST(window_start AS TIMESTAMP(3)), CAST(window_end AS TIMESTAMP(3))
),
earned AS (
    SELECT * FROM earned_exact WHERE amount <> 0
),
-- Each amount split over the cells it goes to, every cell seen once (P402_SPLIT), then one row
-- per cell: a new call changes one cell and re-splits its customer's amount once.
split AS (
    SELECT e.tenant_id, e.customer_id, e.rfeature, e.window_start, e.window_end,
           P402_SPLIT(e.amount, c.feature_id, c.workflow_id, c.calls) AS parts
      FROM earned e
      JOIN cells c
        ON c.tenant_id = e.tenant_id AND c.customer_id = e.customer_id
       AND c.window_start = e.window_start AND (e.rfeature = '' OR c.feature_id = e.rfeature)
     GROUP BY e.tenant_id, e.customer_id, e.rfeature, e.window_start, e.window_end
),
allocated AS (
    SELECT s.tenant_id, s.customer_id, p.feature_id, p.workflow_id, s.window_start,
           s.window_end, p.revenue
      FROM split s
     CROSS JOIN UNNEST(s.parts) AS p (feature_id, workflow_id, revenue)
),
covered AS (
    -- What revenue can go to: a customer with any cell in the window (feature ''), and each
    -- feature with a cell.
    SELECT DISTINCT tenant_id, customer_id, window_start, feature_id AS rfeature FROM cells
    UNION
    SELECT DISTINCT tenant_id, customer_id, window_start, '' FROM cells
),
parked AS (
    SELECT e.tenant_id, e.customer_id, e.rfeature AS feature_id, '' AS workflow_id,
           e.window_start, e.window_end, e.amount
      FROM earned e
      LEFT JOIN covered v
        ON v.tenant_id = e.tenant_id AND v.customer_id = e.customer_id
       AND v.window_start = e.window_start AND v.rfeature = e.rfeature
     WHERE v.tenant_id IS NULL
),
parts AS (
    SELECT tenant_id, customer_id, feature_id, workflow_id, window_start, window_end, calls,
           error_calls, accepted, rejected, edited, abandoned, pending, unpriced_calls,
           input_tokens, cached_input_tokens, output_tokens, reasoning_tokens, cost_usd,
           CAST(call_revenue_usd AS DECIMAL(38, 18)) AS revenue_usd,
           CAST(quality_score_sum AS DECIMAL(38, 18)) AS quality_score_sum, quality_scored
      FROM cells
    UNION ALL
    SELECT tenant_id, customer_id, feature_id, workflow_id, window_start, window_end,
           0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, CAST(0 AS DECIMAL(38, 18)),
           CAST(revenue AS DECIMAL(38, 18)), CAST(0 AS DECIMAL(38, 18)), 0
      FROM allocated
    UNION ALL
    SELECT tenant_id, customer_id, feature_id, workflow_id, window_start, window_end,
           0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, CAST(0 AS DECIMAL(38, 18)),
           CAST(amount AS DECIMAL(38, 18)), CAST(0 AS DECIMAL(38, 18)), 0
      FROM parked
),
rows_now AS (
    SELECT tenant_id, customer_id, feature_id, workflow_id, window_start, window_end,
           SUM(calls) AS calls, SUM(error_calls) AS error_calls, SUM(accepted) AS accepted,
           SUM(rejected) AS rejected, SUM(edited) AS edited, SUM(abandoned) AS abandoned,
           SUM(pending) AS pending, SUM(unpriced_calls) AS unpriced_calls,
           SUM(input_tokens) AS input_tokens, SUM(cached_input_tokens) AS cached_input_tokens,
           SUM(output_tokens) AS output_tokens, SUM(reasoning_tokens) AS reasoning_tokens,
           SUM(cost_usd) AS cost_usd, SUM(revenue_usd) AS revenue_usd,
           SUM(quality_score_sum) AS quality_score_sum, SUM(quality_scored) AS quality_scored
      FROM parts
     GROUP BY tenant_id, customer_id, feature_id, workflow_id, window_start, window_end
)
SELECT r.tenant_id, r.customer_id, r.feature_id, r.workflow_id, '${window.spec}',
       CAST(r.window_start AS TIMESTAMP(3)), CAST(r.window_end AS TIMESTAMP(3)),
       r.calls, r.error_calls, r.accepted, r.rejected, r.edited, r.abandoned, r.pending,
       r.unpriced_calls, r.input_tokens, r.cached_input_tokens, r.output_tokens,
       r.reasoning_tokens, r.cost_usd, r.revenue_usd, r.quality_score_sum, r.quality_scored,
       p.window_end IS NOT NULL
  FROM rows_now r
  LEFT JOIN passed p ON p.window_end = r.window_end;
