package p402.jobs.sink;

import p402.jobs.events.RevenueEvent;

/** One row of {@code p402.revenue_ledger}. */
public class RevenueLedgerRow {

    public RevenueEvent revenue;

    /** It arrived after the watermark had passed its occurred_at. */
    public boolean late;

    public RevenueLedgerRow() {}
}
