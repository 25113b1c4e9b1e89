-- Purpose: how often each workflow's output is accepted, and how good it is judged, per tenant and
-- feature: which workflow burns calls on output nobody keeps.
--
-- Sample output (the quickstart files, as above):
--   tenant_id | feature_id | workflow_id | calls | judged | accepted | rejected | edited | abandoned | acceptance_pct | quality_avg
--   ----------+------------+-------------+-------+--------+----------+----------+--------+-----------+----------------+------------
--   demo-saas |            |             | 1     | 0      | 0        | 0        | 0      | 0         | NULL           | NULL
--   demo-saas | assistant  | draft       | 150   | 118    | 59       | 22       | 19     | 18        | 50.0           | 0.473390
--   demo-saas | assistant  | summarize   | 118   | 98     | 54       | 16       | 19     | 9         | 55.1           | 0.530816
--   demo-saas | search     |             | 92    | 82     | 55       | 6        | 17     | 4         | 67.1           | 0.525488
--   4 rows
SET 'execution.runtime-mode' = 'batch';

SELECT c.tenant_id, c.feature_id, c.workflow_id, COUNT(*) AS calls,
       COUNT(o.status) AS judged,
       COUNT(*) FILTER (WHERE o.status = 'accepted') AS accepted,
       COUNT(*) FILTER (WHERE o.status = 'rejected') AS rejected,
       COUNT(*) FILTER (WHERE o.status = 'edited') AS edited,
       COUNT(*) FILTER (WHERE o.status = 'abandoned') AS abandoned,
       CAST(100 * CAST(COUNT(*) FILTER (WHERE o.status = 'accepted') AS DECIMAL(20, 0))
            / NULLIF(COUNT(o.status), 0) AS DECIMAL(7, 1)) AS acceptance_pct,
       CAST(SUM(o.quality_score) / NULLIF(COUNT(o.quality_score), 0) AS DECIMAL(20, 6))
           AS quality_avg
  FROM calls c
  LEFT JOIN outcomes o ON o.tenant_id = c.tenant_id AND o.call_event_id = c.event_id
 GROUP BY c.tenant_id, c.feature_id, c.workflow_id
 ORDER BY c.tenant_id, c.feature_id, c.workflow_id;
