package p402.jobs.sink;

import java.math.BigDecimal;
import p402.jobs.events.CallEvent;

/** One row of {@code p402.call_ledger}: the priced call and what is known of its outcome. */
public class CallLedgerRow {

    public CallEvent call;

    /** The latest outcome by occurred_at, also when it came past the horizon. */
    public String outcomeStatus;

    public BigDecimal qualityScore;
    public Long outcomeOccurredAt;
    public boolean outcomeLate;

    /** The outcome the margin windows count (null: pending); a late outcome does not move it. */
    public String windowStatus;

    public BigDecimal windowQuality;

    /** The call arrived after the watermark had passed its occurred_at. */
    public boolean late;

    /** Event time at which this entry's state is cleared. */
    public long expiresAt;

    public CallLedgerRow() {}
}
