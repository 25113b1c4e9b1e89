package p402.jobs.events;

import java.math.BigDecimal;

/** What became of one call's output. */
public class OutcomeEvent {

    public String tenantId;
    public String eventId;
    public String callEventId;
    public long occurredAt;

    /** {@code accepted}, {@code rejected}, {@code edited} or {@code abandoned}. */
    public String status;

    /** 0 to 1, or null when the judge gave none. */
    public BigDecimal qualityScore;

    public int partition;
    public long offset;

    public OutcomeEvent() {}
}
