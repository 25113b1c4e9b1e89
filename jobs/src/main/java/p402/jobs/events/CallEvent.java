package p402.jobs.events;

import java.math.BigDecimal;

/**
 * One AI model call after parsing: attribution resolved, usage normalised into disjoint buckets,
 * and (once {@code PriceCalls} has seen it) its cost. A Flink POJO: public fields, no collections,
 * so it never falls back to Kryo.
 */
public class CallEvent {

    public String tenantId;
    public String eventId;
    public String customerId;
    public String featureId = "";
    public String workflowId = "";

    /** {@code header}, {@code body}, {@code meter} or {@code none}. */
    public String attributionSource;

    /** True when two sources named different customers, features or workflows. */
    public boolean attributionConflict;

    public long occurredAt;
    public String provider;
    public String model;
    public String serviceTier;

    /** {@code ok} or {@code error}. */
    public String status = "ok";

    public BigDecimal providedCostUsd;
    public BigDecimal callRevenueUsd;

    /** False when the event carried no usage object at all. */
    public boolean hasUsage;

    public long uncachedInput;
    public long cacheRead;
    public long cacheWrite5m;
    public long cacheWrite1h;
    public long visibleOutput;
    public long reasoning;
    public long requests;

    /** Set by pricing: the cost used in the margin; null when unpriced. */
    public BigDecimal costUsd;

    /** {@code provided}, {@code computed} or {@code unpriced}. */
    public String costSource;

    public String priceVersion;

    /** What the price book says, also when the event carried its own cost (for drift). */
    public BigDecimal computedCostUsd;

    public String unpricedReason;

    public int partition;
    public long offset;

    public CallEvent() {}

    public long inputTokens() {
        return uncachedInput + cacheRead + cacheWrite5m + cacheWrite1h;
    }

    public long cacheWriteTokens() {
        return cacheWrite5m + cacheWrite1h;
    }

    public long outputTokens() {
        return visibleOutput + reasoning;
    }

    public boolean isError() {
        return "error".equals(status);
    }
}
