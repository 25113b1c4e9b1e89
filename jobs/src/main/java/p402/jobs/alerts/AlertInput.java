package p402.jobs.alerts;

import java.math.BigDecimal;

/**
 * One margin row of the alert window spec, seen from one subject: the row's cell (the rest of its
 * grain) and the measures the conditions need. A {@link #delete} removes the cell.
 */
public class AlertInput {

    public AlertSubject subject;

    /**
     * The row's grain below the subject: (feature, workflow) of a customer, (customer, workflow) of
     * a feature.
     */
    public String cell;

    public long windowEnd;
    public long calls;
    public long accepted;
    public BigDecimal costUsd = BigDecimal.ZERO;
    public BigDecimal revenueUsd = BigDecimal.ZERO;
    public boolean delete;

    public AlertInput() {}
}
