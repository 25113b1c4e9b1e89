-- The Postgres side of the contract as JDBC tables (connector jdbc, dialect postgres). The runner
-- executes this file before every script. Queries over these tables need no Kafka.
--
-- Times are TIMESTAMP(3) in UTC: the JDBC connector's Postgres dialect has no TIMESTAMP_LTZ, and
-- the runner sets the session time zone to UTC (run the JVM in UTC as well: the Postgres driver
-- reads a timestamptz into the JVM's zone).
-- Money is DECIMAL(38, 18): Postgres keeps it as numeric without a typmod, and what the job writes
-- (prices times tokens, revenue at 12 places) has at most 18 decimal places and far fewer than 20
-- integer digits. The derived columns (margin %, cost per accepted, mean quality) are not read:
-- Postgres computes them with more places than any fixed scale; queries recompute them from the
-- exact sums with P402_MARGIN_PCT and P402_COST_PER_ACCEPTED.

CREATE TABLE margin_window (
    tenant_id              STRING,
    customer_id            STRING,
    feature_id             STRING,
    workflow_id            STRING,
    window_spec            STRING,
    window_start           TIMESTAMP(3),
    window_end             TIMESTAMP(3),
    calls                  BIGINT,
    error_calls            BIGINT,
    accepted               BIGINT,
    rejected               BIGINT,
    edited                 BIGINT,
    abandoned              BIGINT,
    pending                BIGINT,
    unpriced_calls         BIGINT,
    input_tokens           BIGINT,
    cached_input_tokens    BIGINT,
    output_tokens          BIGINT,
    reasoning_tokens       BIGINT,
    cost_usd               DECIMAL(38, 18),
    revenue_usd            DECIMAL(38, 18),
    quality_score_sum      DECIMAL(38, 18),
    quality_scored         BIGINT,
    is_final               BOOLEAN,
    PRIMARY KEY (tenant_id, customer_id, feature_id, workflow_id, window_spec, window_start)
        NOT ENFORCED
) WITH (
    'connector' = 'jdbc',
    'url' = '${jdbc.url}',
    'username' = '${jdbc.user}',
    'password' = '${jdbc.password}',
    'table-name' = 'p402.margin_window'
);

-- The same columns, written by the SQL live margin (jobs/live_margin.sql).
CREATE TABLE margin_window_sql (
    tenant_id              STRING,
    customer_id            STRING,
    feature_id             STRING,
    workflow_id            STRING,
    window_spec            STRING,
    window_start           TIMESTAMP(3),
    window_end             TIMESTAMP(3),
    calls                  BIGINT,
    error_calls            BIGINT,
    accepted               BIGINT,
    rejected               BIGINT,
    edited                 BIGINT,
    abandoned              BIGINT,
    pending                BIGINT,
    unpriced_calls         BIGINT,
    input_tokens           BIGINT,
    cached_input_tokens    BIGINT,
    output_tokens          BIGINT,
    reasoning_tokens       BIGINT,
    cost_usd               DECIMAL(38, 18),
    revenue_usd            DECIMAL(38, 18),
    quality_score_sum      DECIMAL(38, 18),
    quality_scored         BIGINT,
    is_final               BOOLEAN,
    PRIMARY KEY (tenant_id, customer_id, feature_id, workflow_id, window_spec, window_start)
        NOT ENFORCED
) WITH (
    'connector' = 'jdbc',
    'url' = '${jdbc.url}',
    'username' = '${jdbc.user}',
    'password' = '${jdbc.password}',
    'table-name' = 'p402.margin_window_sql',
    -- The live margin rewrites rows as they change: send them in batches as the job's sink does
    -- (sink.batch-size), each key once per batch, not a round trip per hundred rows.
    'sink.buffer-flush.max-rows' = '2000',
    'sink.buffer-flush.interval' = '1 s'
);

CREATE TABLE call_ledger (
    tenant_id              STRING,
    event_id               STRING,
    customer_id            STRING,
    feature_id             STRING,
    workflow_id            STRING,
    occurred_at            TIMESTAMP(3),
    provider               STRING,
    model                  STRING,
    attribution_source     STRING,
    input_tokens           BIGINT,
    cached_input_tokens    BIGINT,
    output_tokens          BIGINT,
    reasoning_tokens       BIGINT,
    cost_usd               DECIMAL(38, 18),
    cost_source            STRING,
    price_version          STRING,
    outcome_status         STRING,
    quality_score          DECIMAL(38, 18),
    revenue_usd            DECIMAL(38, 18),
    status                 STRING,
    computed_cost_usd      DECIMAL(38, 18),
    unpriced_reason        STRING,
    PRIMARY KEY (tenant_id, event_id) NOT ENFORCED
) WITH (
    'connector' = 'jdbc',
    'url' = '${jdbc.url}',
    'username' = '${jdbc.user}',
    'password' = '${jdbc.password}',
    'table-name' = 'p402.call_ledger'
);
