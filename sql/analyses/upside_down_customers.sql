-- Purpose: the customers who cost more than they earned in the tenant's latest window of spec
-- window.spec (run with --var window.spec=24h/15m for "the last 24 hours"), worst first, with
-- their traffic against the tenant's median customer. From margin_window in Postgres: no Kafka.
--
-- Sample output (SqlFilesTest's edge cases, --var window.spec=1h/30m):
--   tenant_id | customer_id | window_end       | calls | revenue_usd | cost_usd | gross_margin_usd | margin_pct | cost_per_accepted_usd | traffic_vs_median
--   t-sql     | initech     | 2026-11-12T11:00 | 1     | 0E-18       | 0.500... | -0.500...        | NULL       | NULL                  | 1.0
--   1 row
SET 'execution.runtime-mode' = 'batch';

WITH latest AS (
    SELECT tenant_id, MAX(window_end) AS window_end
      FROM margin_window
     WHERE window_spec = '${window.spec}'
     GROUP BY tenant_id
),
customers AS (
    SELECT m.tenant_id, m.customer_id, m.window_end, SUM(m.calls) AS calls,
           SUM(m.revenue_usd) AS revenue_usd, SUM(m.cost_usd) AS cost_usd,
           SUM(m.accepted) AS accepted
      FROM margin_window m
      JOIN latest l ON l.tenant_id = m.tenant_id AND l.window_end = m.window_end
     WHERE m.window_spec = '${window.spec}'
     GROUP BY m.tenant_id, m.customer_id, m.window_end
),
ranked AS (
    SELECT c.*,
           ROW_NUMBER() OVER (PARTITION BY tenant_id ORDER BY calls) AS r,
           COUNT(*) OVER (PARTITION BY tenant_id) AS n
      FROM customers c
),
median AS (
    -- The middle customer by calls (the mean of the two middle ones for an even count).
    SELECT tenant_id, CAST(AVG(CAST(calls AS DECIMAL(20, 1))) AS DECIMAL(21, 1)) AS median_calls
      FROM ranked
     WHERE r IN ((n + 1) / 2, (n + 2) / 2)
     GROUP BY tenant_id
)
SELECT c.tenant_id, c.customer_id, c.window_end, c.calls, c.revenue_usd, c.cost_usd,
       c.revenue_usd - c.cost_usd AS gross_margin_usd,
       P402_MARGIN_PCT(c.revenue_usd, c.cost_usd) AS margin_pct,
       P402_COST_PER_ACCEPTED(c.cost_usd, c.accepted) AS cost_per_accepted_usd,
       CAST(c.calls / NULLIF(m.median_calls, 0) AS DECIMAL(12, 1)) AS traffic_vs_median
  FROM customers c
  JOIN median m ON m.tenant_id = c.tenant_id
 WHERE c.revenue_usd < c.cost_usd
 ORDER BY c.revenue_usd - c.cost_usd, c.tenant_id, c.customer_id;
