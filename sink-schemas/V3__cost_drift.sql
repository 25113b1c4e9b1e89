-- The drift between a gateway's own cost and the price book's, per call: positive when the
-- gateway charged more than the book says. Null unless the call brought its cost and the book
-- could price it too.
ALTER TABLE p402.call_ledger
    ADD COLUMN IF NOT EXISTS cost_drift_usd numeric GENERATED ALWAYS AS (
        CASE WHEN cost_source = 'provided' THEN cost_usd - computed_cost_usd END) STORED;
