package p402.udfs.sql;

import java.time.Instant;
import org.apache.flink.table.annotation.DataTypeHint;
import org.apache.flink.table.annotation.FunctionHint;
import org.apache.flink.table.functions.TableFunction;
import org.apache.flink.types.Row;
import p402.udfs.revenue.Accrual;

/**
 * {@code P402_REVENUE_WINDOWS(occurred_at, service_start, service_end, frontier, size_seconds,
 * slide_seconds)}: the sliding windows a revenue event earns in, as the margin job earns it, one
 * row each: {@code ROW<window_start, window_end TIMESTAMP_LTZ(3), overlap_ms, period_ms BIGINT>}.
 *
 * <p>With a service period the amount is earned evenly over it, up to the frontier and never
 * beyond: a window earns {@code amount * overlap_ms / period_ms}. Without one the amount is earned
 * whole ({@code overlap_ms = period_ms = 1}) in every window containing {@code occurred_at}, once
 * the frontier has reached it. Sum the terms of a window with {@code P402_EARNED}, which rounds
 * once.
 */
@FunctionHint(
        output =
                @DataTypeHint(
                        "ROW<window_start TIMESTAMP_LTZ(3), window_end TIMESTAMP_LTZ(3),"
                                + " overlap_ms BIGINT, period_ms BIGINT>"))
public class RevenueWindows extends TableFunction<Row> {

    private static final long serialVersionUID = 1L;

    public void eval(
            Instant occurredAt,
            Instant serviceStart,
            Instant serviceEnd,
            Instant frontier,
            Long sizeSeconds,
            Long slideSeconds) {
        eval(occurredAt, serviceStart, serviceEnd, null, frontier, sizeSeconds, slideSeconds, null);
    }

    /**
     * The terms of the part earned in {@code [since, until)} only (null {@code since}: from the
     * beginning; an amount without a period falls in the part with {@code since < occurred_at <=
     * until}), in the windows ending after {@code keptAfter} (null: all). Terms are additive in
     * time, so a streaming query can earn the settled past and the recent remainder as two parts
     * that change at different rates, and {@code P402_EARNED} sums them to the same total.
     */
    public void eval(
            Instant occurredAt,
            Instant serviceStart,
            Instant serviceEnd,
            Instant since,
            Instant until,
            Long sizeSeconds,
            Long slideSeconds,
            Instant keptAfter) {
        if (occurredAt == null || until == null || sizeSeconds == null || slideSeconds == null) {
            return;
        }
        long size = sizeSeconds * 1000;
        long slide = slideSeconds * 1000;
        if (slide <= 0 || size % slide != 0) {
            throw new IllegalArgumentException("size must be a positive multiple of slide");
        }
        long limit = until.toEpochMilli();
        long lower = since == null ? Long.MIN_VALUE : since.toEpochMilli();
        boolean period = serviceStart != null && serviceEnd != null;
        long periodMillis;
        long from;
        long to;
        if (period) {
            periodMillis = serviceEnd.toEpochMilli() - serviceStart.toEpochMilli();
            from = Math.max(serviceStart.toEpochMilli(), lower);
            to = Math.min(serviceEnd.toEpochMilli(), limit);
        } else {
            // A point: earned whole once the frontier has reached it, so it falls in the part
            // with since < occurred_at <= until (the settled part, without since, takes it up to
            // and including its own end; the recent part then starts after it).
            periodMillis = 1;
            from = occurredAt.toEpochMilli();
            boolean inPart = (since == null || from > lower) && from <= limit;
            to = inPart ? from + 1 : from;
        }
        if (to <= from) {
            return;
        }
        long first = Math.floorDiv(from - size, slide) + 1;
        if (keptAfter != null) {
            // Windows ending after keptAfter: start > keptAfter - size.
            first = Math.max(first, Math.floorDiv(keptAfter.toEpochMilli() - size, slide) + 1);
        }
        long last = Math.floorDiv(to - 1, slide);
        for (long w = first; w <= last; w++) {
            long start = w * slide;
            long overlap = Accrual.overlap(from, to, start, start + size);
            if (overlap > 0) {
                collect(
                        Row.of(
                                Instant.ofEpochMilli(start),
                                Instant.ofEpochMilli(start + size),
                                period ? overlap : 1L,
                                periodMillis));
            }
        }
    }
}
