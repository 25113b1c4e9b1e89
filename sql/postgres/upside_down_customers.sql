-- Purpose: the customers whose last 24 hours cost more than they earned, worst first, with their
-- traffic against the median customer of their tenant.
-- "The last 24 hours" is the 24h/15m window open at the tenant's latest call: the one whose end
-- is the first 15-minute boundary after it.
WITH latest AS (
    SELECT tenant_id,
           to_timestamp((floor(extract(epoch FROM max(occurred_at)) / 900) + 1) * 900)
               AS window_end
      FROM p402.call_ledger
     GROUP BY tenant_id
), day AS (
    SELECT c.*
      FROM p402.margin_by_customer c
      JOIN latest l USING (tenant_id, window_end)
     WHERE c.window_spec = '24h/15m'
), median AS (
    SELECT tenant_id, percentile_cont(0.5) WITHIN GROUP (ORDER BY calls) AS median_calls
      FROM day GROUP BY tenant_id
)
SELECT d.tenant_id, d.customer_id, d.calls, d.revenue_usd, d.cost_usd, d.gross_margin_usd,
       round(d.gross_margin_pct, 1) AS margin_pct,
       round(d.cost_per_accepted_usd, 6) AS cost_per_accepted_usd,
       round(d.calls / nullif(m.median_calls, 0)::numeric, 1) AS traffic_vs_median
  FROM day d JOIN median m USING (tenant_id)
 WHERE d.gross_margin_usd < 0
 ORDER BY d.gross_margin_usd;
