-- Purpose: does the gateway charge what the price book says? For calls that brought their own
-- cost_usd and whose usage the book can price, the two costs side by side per provider and model,
-- and the drift (gateway minus book; positive: the gateway charged more).
--
-- Sample output (SqlFilesTest's edge cases: call c1 brought 0.010 for gpt-4o usage the book prices;
-- the quickstart files have no call with both, so they give 0 rows):
--   provider | model  | calls | gateway_cost_usd | book_cost_usd | drift_usd | drift_pct
--   openai   | gpt-4o | 1     | 0.010            | 0.00525       | 0.00475   | 90.476190476190
--   (800 uncached input x 0.0000025 + 200 cached x 0.00000125 + 300 output x 0.00001; trailing
--   zeros of the DECIMAL(38, 18) values left out here)
SET 'execution.runtime-mode' = 'batch';

SELECT provider, model, COUNT(*) AS calls,
       SUM(provided_cost) AS gateway_cost_usd, SUM(book_cost) AS book_cost_usd,
       SUM(provided_cost) - SUM(book_cost) AS drift_usd,
       -- The drift as a share of the book's cost: P402_MARGIN_PCT(gateway, book) is
       -- 100 * (gateway - book) / gateway, so the book is the "revenue" here.
       -P402_MARGIN_PCT(SUM(book_cost), SUM(provided_cost)) AS drift_pct
  FROM calls
 WHERE provided_cost IS NOT NULL AND book_cost IS NOT NULL
 GROUP BY provider, model
 ORDER BY ABS(SUM(provided_cost) - SUM(book_cost)) DESC, provider, model;
