package p402.jobs.sink;

import p402.jobs.events.OutcomeEvent;

/** One row of {@code p402.outcome_ledger}. */
public class OutcomeLedgerRow {

    public OutcomeEvent outcome;

    /** {@code applied}, {@code superseded}, {@code late}, {@code orphan} or {@code pending}. */
    public String disposition;

    public OutcomeLedgerRow() {}

    public static OutcomeLedgerRow of(OutcomeEvent o, String disposition) {
        OutcomeLedgerRow r = new OutcomeLedgerRow();
        r.outcome = o;
        r.disposition = disposition;
        return r;
    }
}
