-- The tables V8 did not know of, under the same tenant isolation as the rest: the door's (V12)
-- and the Flink SQL job's margin_window_sql (V5, made on another branch at the same time). A
-- tenant's reader role is granted SELECT on every table of the schema, so without these a reader
-- could read every tenant's API-key hashes, webhook signing secrets and SQL margin rows.
--
-- Secrets and key hashes are for the door alone: row-level security with no policy at all, so a
-- reader sees no row of them, not even its own tenant's. The delivery, refund and cost-basis
-- bookkeeping is the tenant's own business: the usual own-tenant policy.

ALTER TABLE p402.api_key ENABLE ROW LEVEL SECURITY;
ALTER TABLE p402.webhook_secret ENABLE ROW LEVEL SECURITY;

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['webhook_delivery', 'stripe_refund', 'cost_basis_period',
                             'margin_window_sql'] LOOP
        EXECUTE format('ALTER TABLE p402.%I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('DROP POLICY IF EXISTS own_tenant ON p402.%I', t);
        EXECUTE format('CREATE POLICY own_tenant ON p402.%I FOR SELECT USING ('
                       || 'tenant_id = (SELECT p402.reader_tenant()))', t);
    END LOOP;
END
$$;
