package p402.local.demo;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the replay wrote, as the generator itself recorded it: every distinct call with the cost it
 * expects (computed by the udfs {@code CostEngine} from the token buckets it generated, not from
 * the JSON), every revenue event, and how many records of each fate it published. The
 * reconciliation compares these with Postgres.
 */
public final class ExpectedLedger {

    /** Decimal places the contract keeps earned revenue at. */
    static final int REVENUE_SCALE = 12;

    /** A distinct call the job will keep in {@code call_ledger}. */
    public record Call(
            String tenantId,
            String customerId,
            String featureId,
            String workflowId,
            String model,
            long occurredAt,
            BigDecimal costUsd,
            String costSource,
            BigDecimal revenueUsd) {}

    /** A distinct, readable revenue event. {@code serviceEnd} is -1 without a service period. */
    public record Revenue(
            String tenantId,
            String customerId,
            String featureId,
            long occurredAt,
            BigDecimal amountUsd,
            long serviceStart,
            long serviceEnd) {

        boolean hasServicePeriod() {
            return serviceEnd >= 0;
        }
    }

    final List<Call> calls = new ArrayList<>();
    final List<Revenue> revenue = new ArrayList<>();
    long outcomes;
    long duplicates;
    long deadLetters;
    long published;
    long frontier = Long.MIN_VALUE;

    public List<Call> calls() {
        return calls;
    }

    public List<Revenue> revenue() {
        return revenue;
    }

    /** Distinct outcome events (each one lands in {@code outcome_ledger}). */
    public long outcomes() {
        return outcomes;
    }

    /** Repeat deliveries of an event already published. */
    public long duplicates() {
        return duplicates;
    }

    /** Records the job cannot read (they land in {@code dead_letter}). */
    public long deadLetters() {
        return deadLetters;
    }

    /** Every record published, on all three topics. */
    public long published() {
        return published;
    }

    /** The latest {@code occurred_at} of any readable record: what revenue is earned up to. */
    public long frontier() {
        return frontier;
    }

    void sawEventTime(long at) {
        frontier = Math.max(frontier, at);
    }

    /** The sum of the cost of every priced call (provided by the gateway, or the book's). */
    public BigDecimal costUsd() {
        BigDecimal sum = BigDecimal.ZERO;
        for (Call c : calls) {
            if (c.costUsd != null) {
                sum = sum.add(c.costUsd);
            }
        }
        return sum;
    }

    public long unpricedCalls() {
        return calls.stream().filter(c -> c.costUsd == null).count();
    }

    /** The calls' own revenue ({@code revenue_usd}). */
    public BigDecimal callRevenueUsd() {
        BigDecimal sum = BigDecimal.ZERO;
        for (Call c : calls) {
            if (c.revenueUsd != null) {
                sum = sum.add(c.revenueUsd);
            }
        }
        return sum;
    }

    /** The sum of every revenue event's amount, as booked in {@code revenue_ledger}. */
    public BigDecimal revenueBookedUsd() {
        BigDecimal sum = BigDecimal.ZERO;
        for (Revenue r : revenue) {
            sum = sum.add(r.amountUsd);
        }
        return sum;
    }

    /**
     * The revenue the job must show in windows of {@code sizeMillis} that start at multiples of it
     * (they tile time without overlap), earned up to the {@link #frontier()}: per tenant, customer,
     * feature named and window, the exact sum of {@code amount * overlap / period} (or the whole
     * amount of a point-in-time event), rounded once, half-even, to 12 places as the contract says;
     * plus every call's own revenue.
     *
     * <p>Computed here with integer fractions, independently of the job's {@code Accrual}.
     */
    public BigDecimal revenueInTilingWindows(long sizeMillis) {
        Map<String, List<Revenue>> byKey = new LinkedHashMap<>();
        for (Revenue r : revenue) {
            byKey.computeIfAbsent(
                            r.tenantId + '\u0000' + r.customerId + '\u0000' + r.featureId,
                            k -> new ArrayList<>())
                    .add(r);
        }
        BigDecimal total = callRevenueUsd();
        for (List<Revenue> events : byKey.values()) {
            long from = Long.MAX_VALUE;
            long to = Long.MIN_VALUE;
            for (Revenue r : events) {
                from = Math.min(from, earnFrom(r));
                to = Math.max(to, earnedEnd(r));
            }
            for (long w = Math.floorDiv(from, sizeMillis) * sizeMillis; w < to; w += sizeMillis) {
                BigInteger num = BigInteger.ZERO;
                BigInteger den = BigInteger.ONE;
                boolean any = false;
                for (Revenue r : events) {
                    long overlap =
                            Math.max(
                                    0,
                                    Math.min(earnedEnd(r), w + sizeMillis)
                                            - Math.max(earnFrom(r), w));
                    if (overlap == 0) {
                        continue;
                    }
                    any = true;
                    BigInteger termNum = r.amountUsd.unscaledValue();
                    BigInteger termDen = BigInteger.TEN.pow(Math.max(0, r.amountUsd.scale()));
                    if (r.amountUsd.scale() < 0) {
                        termNum = termNum.multiply(BigInteger.TEN.pow(-r.amountUsd.scale()));
                    }
                    if (r.hasServicePeriod()) {
                        termNum = termNum.multiply(BigInteger.valueOf(overlap));
                        termDen =
                                termDen.multiply(BigInteger.valueOf(r.serviceEnd - r.serviceStart));
                    }
                    num = num.multiply(termDen).add(termNum.multiply(den));
                    den = den.multiply(termDen);
                }
                if (any) {
                    total =
                            total.add(
                                    new BigDecimal(num)
                                            .divide(
                                                    new BigDecimal(den),
                                                    REVENUE_SCALE,
                                                    RoundingMode.HALF_EVEN));
                }
            }
        }
        return total;
    }

    private static long earnFrom(Revenue r) {
        return r.hasServicePeriod() ? r.serviceStart : r.occurredAt;
    }

    /** Exclusive end of what is earned by the frontier; a point-in-time amount is 1 ms long. */
    private long earnedEnd(Revenue r) {
        if (r.hasServicePeriod()) {
            return Math.max(r.serviceStart, Math.min(r.serviceEnd, frontier));
        }
        return r.occurredAt <= frontier ? r.occurredAt + 1 : r.occurredAt;
    }
}
