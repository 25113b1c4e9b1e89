package p402.jobs.alerts;

import java.math.BigDecimal;

/** The sums of one subject (or one of its cells) in one window: what the conditions read. */
public class WindowTotals {

    public long calls;
    public long accepted;
    public BigDecimal costUsd = BigDecimal.ZERO;
    public BigDecimal revenueUsd = BigDecimal.ZERO;

    public WindowTotals() {}

    static WindowTotals of(AlertInput in) {
        WindowTotals t = new WindowTotals();
        t.calls = in.calls;
        t.accepted = in.accepted;
        t.costUsd = in.costUsd;
        t.revenueUsd = in.revenueUsd;
        return t;
    }

    void add(WindowTotals o, int sign) {
        calls += sign * o.calls;
        accepted += sign * o.accepted;
        costUsd = sign > 0 ? costUsd.add(o.costUsd) : costUsd.subtract(o.costUsd);
        revenueUsd = sign > 0 ? revenueUsd.add(o.revenueUsd) : revenueUsd.subtract(o.revenueUsd);
    }

    BigDecimal marginUsd() {
        return revenueUsd.subtract(costUsd);
    }
}
