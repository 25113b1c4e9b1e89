-- Views over the Kafka tables that the analyses share, with the job's rules. The runner executes
-- this file after kafka.sql.
--
-- calls: one row per distinct call (the first delivery of each (tenant_id, event_id)), attributed
-- by the contract's precedence and priced as the job prices it: the event's own cost_usd
-- (provided), else the price book's (computed), else none (unpriced, with the reason).
CREATE TEMPORARY VIEW calls AS
SELECT tenant_id, event_id, event_time, provider, model, status, who.customer_id AS customer_id,
       who.feature_id AS feature_id, who.workflow_id AS workflow_id,
       who.attribution_source AS attribution_source, provided_cost, book.cost_usd AS book_cost,
       COALESCE(provided_cost, book.cost_usd) AS cost_usd,
       CASE WHEN provided_cost IS NOT NULL THEN 'provided'
            WHEN book.cost_usd IS NOT NULL THEN 'computed'
            ELSE 'unpriced' END AS cost_source,
       book.price_version AS price_version, call_revenue AS revenue_usd, usage_json
  FROM (
    SELECT tenant_id, event_id, event_time, provider, model, status, provided_cost,
           call_revenue, usage_json, who,
           P402_COST(provider, model, usage_json, event_time, tier) AS book
      FROM (
        SELECT tenant_id, event_id, event_time, LOWER(TRIM(provider)) AS provider,
               COALESCE(NULLIF(TRIM(model), ''), JSON_VALUE(response, '$.model')) AS model,
               LOWER(COALESCE(NULLIF(TRIM(service_tier), ''),
                              JSON_VALUE(response, '$.service_tier'))) AS tier,
               COALESCE(status, 'ok') AS status,
               P402_MONEY(cost_usd) AS provided_cost,
               P402_MONEY(revenue_usd) AS call_revenue,
               COALESCE(JSON_QUERY(response, '$.usage'), JSON_QUERY(response, '$.usageMetadata'),
                        `usage`, usageMetadata) AS usage_json,
               P402_ATTRIBUTE(customer_id, feature_id, workflow_id, headers, request) AS who,
               ROW_NUMBER() OVER (PARTITION BY tenant_id, event_id
                                  ORDER BY kafka_partition, kafka_offset) AS n
          FROM p402_calls
         WHERE `schema` = 'p402.call.v1')
     WHERE n = 1);

-- outcomes: each call's current outcome as call_ledger.outcome_status has it: of the distinct
-- outcome events of the call, the latest occurred_at (a tie: the one read later).
CREATE TEMPORARY VIEW outcomes AS
SELECT tenant_id, call_event_id, status, P402_MONEY(quality_score) AS quality_score, event_time
  FROM (
    SELECT *, ROW_NUMBER() OVER (PARTITION BY tenant_id, call_event_id
                                 ORDER BY event_time DESC, kafka_offset DESC) AS latest
      FROM (
        SELECT *, ROW_NUMBER() OVER (PARTITION BY tenant_id, event_id
                                     ORDER BY kafka_partition, kafka_offset) AS n
          FROM p402_outcomes
         WHERE `schema` = 'p402.outcome.v1')
     WHERE n = 1)
 WHERE latest = 1;
