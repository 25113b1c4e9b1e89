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
        if (occurredAt == null || frontier == null || sizeSeconds == null || slideSeconds == null) {
            return;
        }
        long size = sizeSeconds * 1000;
        long slide = slideSeconds * 1000;
        if (slide <= 0 || size % slide != 0) {
            throw new IllegalArgumentException("size must be a positive multiple of slide");
        }
        long limit = frontier.toEpochMilli();
        boolean period = serviceStart != null && serviceEnd != null;
        long from = period ? serviceStart.toEpochMilli() : occurredAt.toEpochMilli();
        long to;
        long periodMillis;
        if (period) {
            to = Math.max(from, Math.min(serviceEnd.toEpochMilli(), limit));
            periodMillis = serviceEnd.toEpochMilli() - from;
        } else {
            to = from <= limit ? from + 1 : from;
            periodMillis = 1;
        }
        if (to <= from) {
            return;
        }
        long first = Math.floorDiv(from - size, slide) + 1;
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
