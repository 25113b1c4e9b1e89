package p402.jobs.events;

import java.math.BigDecimal;

/** Money a customer paid, owes or got back; negative for refunds, credits and chargebacks. */
public class RevenueEvent {

    public String tenantId;
    public String eventId;
    public String customerId;

    /** The feature this revenue belongs to, or {@code ""} when it belongs to the customer. */
    public String featureId = "";

    public long occurredAt;
    public BigDecimal amountUsd;

    /** Service period, epoch millis, end exclusive; both null when earned at occurredAt. */
    public Long serviceStart;

    public Long serviceEnd;

    public String kind;
    public String source;

    public int partition;
    public long offset;

    public RevenueEvent() {}

    public boolean hasServicePeriod() {
        return serviceStart != null && serviceEnd != null;
    }
}
