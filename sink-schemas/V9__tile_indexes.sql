-- Indexes for the Grafana tiles (docs/grafana.md, measured with `bin/p402-bench-tiles`).
-- Every tile filters margin_window by (tenant_id, window_spec) and a window_end: one value (the
-- latest window, found by a backwards scan of margin_window_tenant_spec_end) or a range (the
-- time series). The time series sums revenue and cost of every row in the range by window; carrying them
-- in the index lets it read them without visiting the table (an index-only scan once vacuum has
-- marked the pages visible).
CREATE INDEX IF NOT EXISTS margin_window_tiles
    ON p402.margin_window (tenant_id, window_spec, window_end)
    INCLUDE (window_start, revenue_usd, cost_usd);
