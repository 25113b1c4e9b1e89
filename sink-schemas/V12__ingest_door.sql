-- The HTTP door (`p402 serve`): API keys, webhook signing secrets, the webhook deliveries already
-- answered, the Stripe refunds counted (so a refund that later fails can be reversed), and the
-- cost-basis periods already published. Named V12 because V5, V7, V8 and V9 are taken on
-- other branches; it only adds tables, so its place in the order does not matter. Every statement
-- is also safe to run again by hand.

-- One row per API key. Only a salted SHA-256 of the key's secret part is kept: the key is shown
-- once, when it is created. A revoked key keeps its row (revoked_at set) for the audit trail.
CREATE TABLE IF NOT EXISTS p402.api_key (
    key_id                 text        PRIMARY KEY,
    tenant_id              text        NOT NULL,
    salt                   bytea       NOT NULL,
    key_hash               bytea       NOT NULL,
    label                  text,
    created_at             timestamptz NOT NULL DEFAULT now(),
    revoked_at             timestamptz
);

CREATE INDEX IF NOT EXISTS api_key_tenant ON p402.api_key (tenant_id);

-- A tenant's webhook signing secrets. HMAC verification needs the secret itself, so it is kept
-- as written: protect this table like the billing system's own credentials.
CREATE TABLE IF NOT EXISTS p402.webhook_secret (
    tenant_id              text        NOT NULL,
    source                 text        NOT NULL CHECK (source IN ('stripe', 'billing')),
    secret                 text        NOT NULL,
    updated_at             timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, source)
);

-- Every webhook delivery that was answered with success, by the sender's own id (a Stripe event
-- id, a billing event id): a repeat is answered as a duplicate and publishes nothing.
CREATE TABLE IF NOT EXISTS p402.webhook_delivery (
    tenant_id              text        NOT NULL,
    source                 text        NOT NULL,
    delivery_id            text        NOT NULL,
    type                   text,
    revenue_events         integer     NOT NULL,
    outcome                text        NOT NULL,
    received_at            timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, source, delivery_id)
);

-- Every Stripe refund counted as negative revenue, with the dollars it was counted as, so a
-- refund that fails later is reversed by exactly that amount.
CREATE TABLE IF NOT EXISTS p402.stripe_refund (
    tenant_id              text        NOT NULL,
    refund_id              text        NOT NULL,
    charge_id              text,
    customer_id            text        NOT NULL,
    feature_id             text        NOT NULL DEFAULT '',
    amount_usd             numeric     NOT NULL,
    revenue_event_id       text        NOT NULL,
    recorded_at            timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, refund_id)
);

-- Every cost-basis period published to the cost-basis topic, with what it said.
CREATE TABLE IF NOT EXISTS p402.cost_basis_period (
    tenant_id              text        NOT NULL,
    customer_id            text        NOT NULL,
    granularity            text        NOT NULL CHECK (granularity IN ('hour', 'day')),
    period_start           timestamptz NOT NULL,
    period_end             timestamptz NOT NULL,
    event_id               text        NOT NULL,
    calls                  bigint      NOT NULL,
    unpriced_calls         bigint      NOT NULL,
    cost_usd               numeric     NOT NULL,
    published_at           timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, customer_id, granularity, period_start)
);
