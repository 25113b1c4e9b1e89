package p402.jobs.sink;

import java.math.BigDecimal;
import p402.jobs.events.Measures;

/**
 * One row of {@code p402.margin_window} with absolute values, or (when {@link #delete}) the removal
 * of a row that no longer exists: revenue parked on a placeholder grain that later calls took over.
 */
public class MarginRow extends Measures {

    public String tenantId;
    public String customerId;
    public String featureId;
    public String workflowId;
    public String windowSpec;
    public long windowStart;
    public long windowEnd;

    /** Allocated revenue plus the calls' own revenue. */
    public BigDecimal revenueUsd = BigDecimal.ZERO;

    public boolean isFinal;
    public boolean delete;

    public MarginRow() {}

    public String primaryKey() {
        return tenantId
                + '\u0000'
                + customerId
                + '\u0000'
                + featureId
                + '\u0000'
                + workflowId
                + '\u0000'
                + windowSpec
                + '\u0000'
                + windowStart;
    }
}
