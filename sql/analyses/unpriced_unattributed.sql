-- Purpose: how much of each tenant's traffic the margin cannot see whole: calls with no price
-- (unknown model, no usage, no provided cost: excluded from cost, never $0) and calls with no
-- customer (kept as cost under __unattributed__), as counts and shares.
--
-- Sample output (the quickstart files, as above):
--   tenant_id | calls | unpriced | unpriced_pct | unattributed | unattributed_pct | unattributed_cost_usd | cost_usd
--   ----------+-------+----------+--------------+--------------+------------------+-----------------------+---------------------
--   demo-saas | 361   | 0        | 0.00         | 1            | 0.28             | 0.000210000000000000  | 2.847531625000000000
--   1 row
SET 'execution.runtime-mode' = 'batch';

SELECT tenant_id, COUNT(*) AS calls,
       COUNT(*) FILTER (WHERE cost_source = 'unpriced') AS unpriced,
       CAST(100 * CAST(COUNT(*) FILTER (WHERE cost_source = 'unpriced') AS DECIMAL(20, 0))
            / COUNT(*) AS DECIMAL(7, 2)) AS unpriced_pct,
       COUNT(*) FILTER (WHERE attribution_source = 'none') AS unattributed,
       CAST(100 * CAST(COUNT(*) FILTER (WHERE attribution_source = 'none') AS DECIMAL(20, 0))
            / COUNT(*) AS DECIMAL(7, 2)) AS unattributed_pct,
       COALESCE(SUM(cost_usd) FILTER (WHERE attribution_source = 'none'), 0)
           AS unattributed_cost_usd,
       COALESCE(SUM(cost_usd), 0) AS cost_usd
  FROM calls
 GROUP BY tenant_id
 ORDER BY tenant_id;
