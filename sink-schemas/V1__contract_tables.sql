-- P402 Margin: the Postgres side of contract v1 (schema p402).
--
-- Money is numeric without a typmod everywhere: exact, never rounded by the column. Derived
-- measures (margin, margin %, cost per accepted output, mean quality) are generated columns, so
-- they are computed by Postgres from the exact sums and can never disagree with them.
-- Flyway applies this once; every statement is also safe to run again by hand.

CREATE SCHEMA IF NOT EXISTS p402;

-- One row per (window, finest grain). The job upserts absolute values; a restated window
-- overwrites its rows, it never adds to them.
CREATE TABLE IF NOT EXISTS p402.margin_window (
    tenant_id              text        NOT NULL,
    customer_id            text        NOT NULL,
    feature_id             text        NOT NULL DEFAULT '',
    workflow_id            text        NOT NULL DEFAULT '',
    window_spec            text        NOT NULL,
    window_start           timestamptz NOT NULL,
    window_end             timestamptz NOT NULL,
    calls                  bigint      NOT NULL DEFAULT 0,
    error_calls            bigint      NOT NULL DEFAULT 0,
    accepted               bigint      NOT NULL DEFAULT 0,
    rejected               bigint      NOT NULL DEFAULT 0,
    edited                 bigint      NOT NULL DEFAULT 0,
    abandoned              bigint      NOT NULL DEFAULT 0,
    pending                bigint      NOT NULL DEFAULT 0,
    unpriced_calls         bigint      NOT NULL DEFAULT 0,
    input_tokens           bigint      NOT NULL DEFAULT 0,
    cached_input_tokens    bigint      NOT NULL DEFAULT 0,
    output_tokens          bigint      NOT NULL DEFAULT 0,
    reasoning_tokens       bigint      NOT NULL DEFAULT 0,
    cost_usd               numeric     NOT NULL DEFAULT 0,
    revenue_usd            numeric     NOT NULL DEFAULT 0,
    -- Extension: the exact sum and count behind quality_score_avg, so roll-ups average exactly.
    quality_score_sum      numeric     NOT NULL DEFAULT 0,
    quality_scored         bigint      NOT NULL DEFAULT 0,
    gross_margin_usd       numeric GENERATED ALWAYS AS (revenue_usd - cost_usd) STORED,
    gross_margin_pct       numeric GENERATED ALWAYS AS (
        CASE WHEN revenue_usd = 0 THEN NULL
             ELSE 100 * (revenue_usd - cost_usd) / revenue_usd END) STORED,
    cost_per_accepted_usd  numeric GENERATED ALWAYS AS (
        CASE WHEN accepted = 0 THEN NULL ELSE cost_usd / accepted END) STORED,
    quality_score_avg      numeric GENERATED ALWAYS AS (
        CASE WHEN quality_scored = 0 THEN NULL
             ELSE quality_score_sum / quality_scored END) STORED,
    -- Extension: false while the event-time frontier is still inside the window.
    is_final               boolean     NOT NULL DEFAULT false,
    updated_at             timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, customer_id, feature_id, workflow_id, window_spec, window_start)
);

CREATE INDEX IF NOT EXISTS margin_window_tenant_spec_end
    ON p402.margin_window (tenant_id, window_spec, window_end);

-- One row per distinct call.
CREATE TABLE IF NOT EXISTS p402.call_ledger (
    tenant_id              text        NOT NULL,
    event_id               text        NOT NULL,
    customer_id            text        NOT NULL,
    feature_id             text        NOT NULL DEFAULT '',
    workflow_id            text        NOT NULL DEFAULT '',
    occurred_at            timestamptz NOT NULL,
    provider               text        NOT NULL,
    model                  text,
    attribution_source     text        NOT NULL
        CHECK (attribution_source IN ('header', 'body', 'meter', 'none')),
    input_tokens           bigint      NOT NULL DEFAULT 0,
    cached_input_tokens    bigint      NOT NULL DEFAULT 0,
    cache_write_tokens     bigint      NOT NULL DEFAULT 0,
    output_tokens          bigint      NOT NULL DEFAULT 0,
    reasoning_tokens       bigint      NOT NULL DEFAULT 0,
    cost_usd               numeric,
    cost_source            text        NOT NULL
        CHECK (cost_source IN ('provided', 'computed', 'unpriced')),
    price_version          text,
    outcome_status         text,
    quality_score          numeric,
    revenue_usd            numeric,
    -- Extensions.
    status                 text        NOT NULL DEFAULT 'ok',
    service_tier           text,
    attribution_conflict   boolean     NOT NULL DEFAULT false,
    computed_cost_usd      numeric,
    unpriced_reason        text,
    outcome_occurred_at    timestamptz,
    outcome_late           boolean     NOT NULL DEFAULT false,
    late                   boolean     NOT NULL DEFAULT false,
    kafka_partition        integer,
    kafka_offset           bigint,
    updated_at             timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, event_id)
);

CREATE INDEX IF NOT EXISTS call_ledger_tenant_time
    ON p402.call_ledger (tenant_id, occurred_at);

-- Input that could not be used, with its Kafka coordinates: one row per record, so a replay
-- rewrites the same rows.
CREATE TABLE IF NOT EXISTS p402.dead_letter (
    topic                  text        NOT NULL,
    "partition"            integer     NOT NULL,
    "offset"               bigint      NOT NULL,
    received_at            timestamptz NOT NULL,
    reason                 text        NOT NULL,
    -- The raw value as text. When the bytes are not UTF-8 text Postgres can hold (invalid
    -- sequences, NUL), payload is a lossy rendering and payload_bytes holds the value exactly.
    payload                text,
    payload_bytes          bytea,
    tenant_id              text,
    event_id               text,
    PRIMARY KEY (topic, "partition", "offset")
);

-- Extension: one row per distinct revenue event, as the job read it.
CREATE TABLE IF NOT EXISTS p402.revenue_ledger (
    tenant_id              text        NOT NULL,
    event_id               text        NOT NULL,
    customer_id            text        NOT NULL,
    feature_id             text        NOT NULL DEFAULT '',
    occurred_at            timestamptz NOT NULL,
    amount_usd             numeric     NOT NULL,
    service_start          timestamptz,
    service_end            timestamptz,
    kind                   text,
    source                 text,
    late                   boolean     NOT NULL DEFAULT false,
    kafka_partition        integer,
    kafka_offset           bigint,
    updated_at             timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, event_id)
);

-- Extension: one row per distinct outcome event and what became of it.
CREATE TABLE IF NOT EXISTS p402.outcome_ledger (
    tenant_id              text        NOT NULL,
    event_id               text        NOT NULL,
    call_event_id          text        NOT NULL,
    occurred_at            timestamptz NOT NULL,
    status                 text        NOT NULL,
    quality_score          numeric,
    -- applied: it is the call's current outcome; superseded: a later one won; late: past the
    -- horizon, ledger only; orphan: its call never came within the horizon; pending: waiting.
    disposition            text        NOT NULL,
    kafka_partition        integer,
    kafka_offset           bigint,
    updated_at             timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, event_id)
);

-- Extension: every delivery recognised as a repeat of an event already read.
CREATE TABLE IF NOT EXISTS p402.duplicate_delivery (
    topic                  text        NOT NULL,
    "partition"            integer     NOT NULL,
    "offset"               bigint      NOT NULL,
    tenant_id              text        NOT NULL,
    event_id               text        NOT NULL,
    occurred_at            timestamptz NOT NULL,
    PRIMARY KEY (topic, "partition", "offset")
);
