package p402.jobs.alerts;

import java.math.BigDecimal;

/** One customer's cost in one calendar month (UTC) so far, and the budget alerts it raised. */
public class MonthSpend {

    /** The month's first instant, epoch millis. */
    public long monthStart;

    public long monthEnd;
    public BigDecimal costUsd = BigDecimal.ZERO;

    /** The latest call time seen in the month: how far into the month the run rate reaches. */
    public long latestCallAt;

    /** Open budget alerts, one per configured share in that order; null where none is open. */
    public Alert[] shares;

    public Alert projected;

    public MonthSpend() {}
}
