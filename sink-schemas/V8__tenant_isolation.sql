-- Tenant isolation by row-level security (issue 8, docs/grafana.md).
--
-- Who is who:
--   * the job's role (p402) owns every table and writes them. RLS is enabled but not forced, so
--     the owner is not filtered: it is the only writer and sees everything.
--   * a tenant's reader role (created by `p402 tenants grant`, which needs an admin) has SELECT
--     only, and a row in p402.tenant_reader naming its tenant. The policies below let it see the
--     rows of that tenant and nothing else. A role without a mapping sees no rows at all.
-- The tenant comes from the mapping table, not from a setting such as p402.tenant: any session
-- may SET a custom setting, so a reader could name another tenant; it cannot write the table.
--
-- dead_letter rows with a NULL tenant (a record too broken to say whose it is) are visible to
-- no reader, only to the owner: a tenant must not see another tenant's raw payloads, and a
-- record without a readable tenant cannot be shown to the right one.
--
-- Views run with the rights of their owner unless security_invoker is set; with it the readers'
-- policies apply to the tables under the views, so no view can leak (PostgreSQL 15+).

CREATE OR REPLACE FUNCTION p402.reader_tenant() RETURNS text
    LANGUAGE sql STABLE
    AS $$ SELECT tenant_id FROM p402.tenant_reader WHERE role_name = current_user $$;

ALTER TABLE p402.tenant_reader ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS own_mapping ON p402.tenant_reader;
CREATE POLICY own_mapping ON p402.tenant_reader FOR SELECT
    USING (role_name = current_user);

-- The policy compares tenant_id with a scalar subquery, which Postgres evaluates once per query
-- (an InitPlan), so the tenant-leading indexes still serve every tile.
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['margin_window', 'call_ledger', 'dead_letter', 'revenue_ledger',
                             'outcome_ledger', 'duplicate_delivery', 'alert', 'budget'] LOOP
        EXECUTE format('ALTER TABLE p402.%I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('DROP POLICY IF EXISTS own_tenant ON p402.%I', t);
        EXECUTE format('CREATE POLICY own_tenant ON p402.%I FOR SELECT USING ('
                       || 'tenant_id = (SELECT p402.reader_tenant()))', t);
    END LOOP;
END
$$;

ALTER VIEW p402.margin_by_customer_feature SET (security_invoker = true);
ALTER VIEW p402.margin_by_customer SET (security_invoker = true);
ALTER VIEW p402.margin_by_tenant SET (security_invoker = true);
ALTER VIEW p402.margin_by_feature SET (security_invoker = true);
ALTER VIEW p402.margin_by_workflow SET (security_invoker = true);
ALTER VIEW p402.restatements SET (security_invoker = true);

-- The index of the Grafana tiles (docs/grafana.md, measured with `bin/p402-bench-tiles`); here
-- rather than in a migration of its own because V9 is taken on another branch.
-- Every tile filters margin_window by (tenant_id, window_spec) and a window_end: one value (the
-- latest window, found by a backwards scan of margin_window_tenant_spec_end) or a range (the
-- time series). The time series sums revenue and cost of every row in the range by window;
-- carrying them in the index lets it read them without visiting the table (an index-only scan once vacuum has
-- marked the pages visible).
CREATE INDEX IF NOT EXISTS margin_window_tiles
    ON p402.margin_window (tenant_id, window_spec, window_end)
    INCLUDE (window_start, revenue_usd, cost_usd);
