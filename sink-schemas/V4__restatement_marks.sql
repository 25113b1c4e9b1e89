-- Rows rewritten by a reprocessing run (docs/operations.md, "Reprocess a past range") say so:
-- `restatement` is the run's label (e.g. price-fix-2026-11-12), `restated_at` when it ran. The
-- live job writes both as NULL, so a row it recomputes later is no longer marked.
-- Flyway applies this once; every statement is also safe to run again by hand.

ALTER TABLE p402.margin_window
    ADD COLUMN IF NOT EXISTS restatement text,
    ADD COLUMN IF NOT EXISTS restated_at timestamptz;

ALTER TABLE p402.call_ledger
    ADD COLUMN IF NOT EXISTS restatement text,
    ADD COLUMN IF NOT EXISTS restated_at timestamptz;

-- What each reprocessing run restated, for the tile that says "these numbers were corrected".
CREATE OR REPLACE VIEW p402.restatements AS
SELECT restatement, min(restated_at) AS restated_at, window_spec,
       min(window_start) AS first_window_start, max(window_end) AS last_window_end,
       count(*) AS windows, sum(cost_usd) AS cost_usd
  FROM p402.margin_window
 WHERE restatement IS NOT NULL
 GROUP BY restatement, window_spec;
