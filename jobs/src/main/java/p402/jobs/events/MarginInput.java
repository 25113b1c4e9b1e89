package p402.jobs.events;

/**
 * What the margin operator consumes, keyed by (tenant, customer): a call's contribution, a
 * correction of a call's outcome (old status out, new status in, stamped with the call's event time
 * so it lands in the call's panes), or a revenue event.
 */
public class MarginInput {

    public enum Type {
        CALL,
        OUTCOME_CHANGE,
        REVENUE
    }

    public Type type;
    public String tenantId;
    public String customerId;
    public String featureId = "";
    public String workflowId = "";

    /** The pane this lands in: the call's occurred_at, or the revenue's. */
    public long eventTime;

    /** For CALL and OUTCOME_CHANGE. */
    public Measures delta;

    /** For REVENUE. */
    public RevenueEvent revenue;

    public MarginInput() {}

    public String key() {
        return tenantId + '\u0000' + customerId;
    }
}
