-- The contract's three topics as Kafka tables. The runner executes this file before every script;
-- on another SQL client, register the functions first (functions.sql: the computed columns use
-- them) and fill the placeholders (dollar, braces) yourself.
--
-- Event time: the computed column event_time is the event's occurred_at read exactly as the job
-- reads it (P402_EVENT_TIME: RFC 3339 with an offset, or epoch millis), and carries the watermark,
-- 5 s behind like the job's default out-of-orderness. read_at is the processing time the record
-- was read: a streaming query keeps the first delivery of an event by it (Flink recognises that
-- as deduplication and keeps the result insert-only), and within a partition it is Kafka's order.
-- Money is declared STRING and read with P402_MONEY: the JSON format hands a JSON number to a
-- STRING column as its literal text, and P402_MONEY makes it an exact DECIMAL(33, 18) or fails;
-- a DECIMAL column would round past its scale and turn an overflow into NULL without a word.
-- Nested objects (response, request, headers, usage) are STRING columns holding their JSON text,
-- which the functions read with the job's own rules.
-- A record that is not JSON is skipped ('json.ignore-parse-errors'): the job keeps it in
-- dead_letter, and one bad line must not stop an analysis. Queries keep only the contract's schema.
-- 'scan.bounded.mode' is the placeholder kafka.bounded-mode: latest-offset (the default of `p402 sql`) reads
-- what the topic holds when the query starts and ends; unbounded keeps reading.

CREATE TABLE p402_calls (
    `schema`            STRING,
    event_id            STRING,
    tenant_id           STRING,
    occurred_at         STRING,
    provider            STRING,
    model               STRING,
    customer_id         STRING,
    feature_id          STRING,
    workflow_id         STRING,
    cost_usd            STRING,
    revenue_usd         STRING,
    status              STRING,
    service_tier        STRING,
    headers             STRING,
    request             STRING,
    response            STRING,
    `usage`             STRING,
    usageMetadata       STRING,
    kafka_partition     INT    METADATA FROM 'partition' VIRTUAL,
    kafka_offset        BIGINT METADATA FROM 'offset' VIRTUAL,
    event_time AS P402_EVENT_TIME(occurred_at),
    read_at AS PROCTIME(),
    WATERMARK FOR event_time AS event_time - INTERVAL '5' SECOND
) WITH (
    'connector' = 'kafka',
    'topic' = '${kafka.topic.calls}',
    'properties.bootstrap.servers' = '${kafka.bootstrap-servers}',
    'properties.group.id' = '${kafka.group-id}',
    'scan.startup.mode' = 'earliest-offset',
    'scan.bounded.mode' = '${kafka.bounded-mode}',
    'format' = 'json',
    'json.fail-on-missing-field' = 'false',
    'json.ignore-parse-errors' = 'true'
);

CREATE TABLE p402_revenue (
    `schema`            STRING,
    event_id            STRING,
    tenant_id           STRING,
    customer_id         STRING,
    occurred_at         STRING,
    amount_usd          STRING,
    service_period      ROW<`start` STRING, `end` STRING>,
    feature_id          STRING,
    kind                STRING,
    source              STRING,
    kafka_partition     INT    METADATA FROM 'partition' VIRTUAL,
    kafka_offset        BIGINT METADATA FROM 'offset' VIRTUAL,
    event_time AS P402_EVENT_TIME(occurred_at),
    read_at AS PROCTIME(),
    WATERMARK FOR event_time AS event_time - INTERVAL '5' SECOND
) WITH (
    'connector' = 'kafka',
    'topic' = '${kafka.topic.revenue}',
    'properties.bootstrap.servers' = '${kafka.bootstrap-servers}',
    'properties.group.id' = '${kafka.group-id}',
    'scan.startup.mode' = 'earliest-offset',
    'scan.bounded.mode' = '${kafka.bounded-mode}',
    'format' = 'json',
    'json.fail-on-missing-field' = 'false',
    'json.ignore-parse-errors' = 'true'
);

CREATE TABLE p402_outcomes (
    `schema`            STRING,
    event_id            STRING,
    tenant_id           STRING,
    call_event_id       STRING,
    occurred_at         STRING,
    status              STRING,
    quality_score       STRING,
    kafka_partition     INT    METADATA FROM 'partition' VIRTUAL,
    kafka_offset        BIGINT METADATA FROM 'offset' VIRTUAL,
    event_time AS P402_EVENT_TIME(occurred_at),
    read_at AS PROCTIME(),
    WATERMARK FOR event_time AS event_time - INTERVAL '5' SECOND
) WITH (
    'connector' = 'kafka',
    'topic' = '${kafka.topic.outcomes}',
    'properties.bootstrap.servers' = '${kafka.bootstrap-servers}',
    'properties.group.id' = '${kafka.group-id}',
    'scan.startup.mode' = 'earliest-offset',
    'scan.bounded.mode' = '${kafka.bounded-mode}',
    'format' = 'json',
    'json.fail-on-missing-field' = 'false',
    'json.ignore-parse-errors' = 'true'
);
