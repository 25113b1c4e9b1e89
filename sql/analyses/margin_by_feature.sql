-- Purpose: each tenant's features side by side in its latest window of spec window.spec (run with
-- --var window.spec=24h/15m for the last 24 hours): calls, revenue, cost, margin, margin %, cost
-- per accepted output, and each feature's share of the tenant's cost. From Postgres: no Kafka.
-- (Summing several sliding windows would count every call size/slide times: one window it is.)
--
-- Sample output (SqlFilesTest's edge cases after a bounded job run, --var window.spec=1h/30m):
--   tenant_id | feature_id | calls | revenue_usd | cost_usd | gross_margin_usd | margin_pct | cost_per_accepted_usd | cost_share_pct
--   t-sql     | chat       | 1     | 0           | 0.5      | -0.5             | NULL       | NULL                  | 100.00
--   (trailing zeros of the DECIMAL(38, 18) values left out here)
--   1 row
SET 'execution.runtime-mode' = 'batch';

WITH latest AS (
    SELECT tenant_id, MAX(window_end) AS window_end
      FROM margin_window
     WHERE window_spec = '${window.spec}'
     GROUP BY tenant_id
),
features AS (
    SELECT m.tenant_id, m.feature_id, SUM(m.calls) AS calls, SUM(m.accepted) AS accepted,
           SUM(m.revenue_usd) AS revenue_usd, SUM(m.cost_usd) AS cost_usd
      FROM margin_window m
      JOIN latest l ON l.tenant_id = m.tenant_id
     WHERE m.window_spec = '${window.spec}' AND m.window_end = l.window_end
     GROUP BY m.tenant_id, m.feature_id
)
SELECT tenant_id, feature_id, calls, revenue_usd, cost_usd,
       revenue_usd - cost_usd AS gross_margin_usd,
       P402_MARGIN_PCT(revenue_usd, cost_usd) AS margin_pct,
       P402_COST_PER_ACCEPTED(cost_usd, accepted) AS cost_per_accepted_usd,
       CAST(100 * cost_usd / NULLIF(SUM(cost_usd) OVER (PARTITION BY tenant_id), 0)
            AS DECIMAL(7, 2)) AS cost_share_pct
  FROM features
 ORDER BY tenant_id, revenue_usd - cost_usd, feature_id;
