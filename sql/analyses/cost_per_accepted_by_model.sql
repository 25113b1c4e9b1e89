-- Purpose: what one accepted output costs on each provider and model: the price of quality, not
-- of tokens. From the topics; unpriced calls are counted but carry no cost.
--
-- Sample output (bin/p402 sql sql/analyses/cost_per_accepted_by_model.sql --calls
-- examples/quickstart/calls.jsonl --outcomes examples/quickstart/outcomes.jsonl):
--   provider  | model             | calls | accepted | unpriced | cost_usd             | cost_per_accepted_usd
--   ----------+-------------------+-------+----------+----------+----------------------+----------------------
--   anthropic | claude-sonnet-4-5 | 108   | 41       | 0        | 2.243455500000000000 | 0.054718426829268293
--   google    | gemini-2.5-flash  | 115   | 53       | 0        | 0.439865800000000000 | 0.008299354716981132
--   openai    | gpt-4o-mini       | 138   | 74       | 0        | 0.164210325000000000 | 0.002219058445945946
--   3 rows
SET 'execution.runtime-mode' = 'batch';

SELECT c.provider, c.model, COUNT(*) AS calls,
       COUNT(*) FILTER (WHERE o.status = 'accepted') AS accepted,
       COUNT(*) FILTER (WHERE c.cost_usd IS NULL) AS unpriced,
       COALESCE(SUM(c.cost_usd), 0) AS cost_usd,
       P402_COST_PER_ACCEPTED(COALESCE(SUM(c.cost_usd), 0),
                              COUNT(*) FILTER (WHERE o.status = 'accepted'))
           AS cost_per_accepted_usd
  FROM calls c
  LEFT JOIN outcomes o ON o.tenant_id = c.tenant_id AND o.call_event_id = c.event_id
 GROUP BY c.provider, c.model
 ORDER BY cost_per_accepted_usd DESC NULLS LAST, c.provider, c.model;
