package p402.jobs.events;

import java.math.BigDecimal;

/**
 * The additive measures of one grain in one span of event time: counts as longs, money and quality
 * as exact decimals. Used both as a delta (one call, or one outcome correction with negative
 * counts) and as a running sum.
 */
public class Measures {

    public long calls;
    public long errorCalls;
    public long accepted;
    public long rejected;
    public long edited;
    public long abandoned;
    public long pending;
    public long unpricedCalls;
    public long inputTokens;
    public long cachedInputTokens;
    public long outputTokens;
    public long reasoningTokens;
    public BigDecimal costUsd = BigDecimal.ZERO;

    /** Per-call revenue ({@code revenue_usd} on call events); allocated revenue is separate. */
    public BigDecimal callRevenueUsd = BigDecimal.ZERO;

    public BigDecimal qualityScoreSum = BigDecimal.ZERO;
    public long qualityScored;

    public Measures() {}

    public void add(Measures d) {
        calls += d.calls;
        errorCalls += d.errorCalls;
        accepted += d.accepted;
        rejected += d.rejected;
        edited += d.edited;
        abandoned += d.abandoned;
        pending += d.pending;
        unpricedCalls += d.unpricedCalls;
        inputTokens += d.inputTokens;
        cachedInputTokens += d.cachedInputTokens;
        outputTokens += d.outputTokens;
        reasoningTokens += d.reasoningTokens;
        costUsd = costUsd.add(d.costUsd);
        callRevenueUsd = callRevenueUsd.add(d.callRevenueUsd);
        qualityScoreSum = qualityScoreSum.add(d.qualityScoreSum);
        qualityScored += d.qualityScored;
    }

    /** Takes {@code d} back out of a sum {@link #add} put it in; exact, like the addition. */
    public void subtract(Measures d) {
        calls -= d.calls;
        errorCalls -= d.errorCalls;
        accepted -= d.accepted;
        rejected -= d.rejected;
        edited -= d.edited;
        abandoned -= d.abandoned;
        pending -= d.pending;
        unpricedCalls -= d.unpricedCalls;
        inputTokens -= d.inputTokens;
        cachedInputTokens -= d.cachedInputTokens;
        outputTokens -= d.outputTokens;
        reasoningTokens -= d.reasoningTokens;
        costUsd = costUsd.subtract(d.costUsd);
        callRevenueUsd = callRevenueUsd.subtract(d.callRevenueUsd);
        qualityScoreSum = qualityScoreSum.subtract(d.qualityScoreSum);
        qualityScored -= d.qualityScored;
    }

    /** Moves one call from outcome {@code status} (null: pending) by {@code sign} (+1 or -1). */
    public void countOutcome(String status, BigDecimal quality, int sign) {
        if (status == null) {
            pending += sign;
        } else {
            switch (status) {
                case "accepted":
                    accepted += sign;
                    break;
                case "rejected":
                    rejected += sign;
                    break;
                case "edited":
                    edited += sign;
                    break;
                default:
                    abandoned += sign;
                    break;
            }
        }
        if (quality != null) {
            qualityScoreSum =
                    sign > 0 ? qualityScoreSum.add(quality) : qualityScoreSum.subtract(quality);
            qualityScored += sign;
        }
    }

    public boolean isEmpty() {
        return calls == 0
                && pending == 0
                && accepted == 0
                && rejected == 0
                && edited == 0
                && abandoned == 0
                && costUsd.signum() == 0
                && callRevenueUsd.signum() == 0;
    }
}
