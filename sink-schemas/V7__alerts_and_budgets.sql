-- Margin alerts and cost budgets (issue 8). Money is numeric without a typmod, as everywhere.
-- Flyway applies this once; every statement is also safe to run again by hand.

-- One row per alert episode: a condition that started holding at opened_at (event time) and,
-- once it stopped, cleared_at. The job upserts a row when the episode opens and again when it
-- clears; the same condition holding again later is a new episode, a new row.
CREATE TABLE IF NOT EXISTS p402.alert (
    alert_id               text        NOT NULL PRIMARY KEY,
    tenant_id              text        NOT NULL,
    -- negative_margin, low_margin, cost_per_accepted_jump, budget_share, budget_projected
    kind                   text        NOT NULL,
    -- customer or feature
    subject_type           text        NOT NULL,
    subject_id             text        NOT NULL,
    -- The window spec the margin conditions were evaluated on, or the budget's month (2026-12).
    scope                  text        NOT NULL,
    state                  text        NOT NULL CHECK (state IN ('open', 'cleared')),
    opened_at              timestamptz NOT NULL,
    cleared_at             timestamptz,
    -- What was seen when the episode opened, and the limit it crossed.
    observed               numeric,
    threshold              numeric,
    detail                 text,
    updated_at             timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS alert_tenant_open
    ON p402.alert (tenant_id, state, opened_at);

-- A cost budget for one calendar month (UTC): per customer, or for every customer of the tenant
-- that has none of its own (customer_id = ''). Written by `p402 budgets set`, read by the job.
CREATE TABLE IF NOT EXISTS p402.budget (
    tenant_id              text        NOT NULL,
    customer_id            text        NOT NULL DEFAULT '',
    month                  date        NOT NULL CHECK (extract(day FROM month) = 1),
    budget_usd             numeric     NOT NULL CHECK (budget_usd >= 0),
    updated_at             timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, customer_id, month)
);

-- Which tenant each reader role may see (V8). One tenant per role: a role is the tenant's
-- Grafana data source or analyst login.
CREATE TABLE IF NOT EXISTS p402.tenant_reader (
    role_name              name        NOT NULL PRIMARY KEY,
    tenant_id              text        NOT NULL
);
