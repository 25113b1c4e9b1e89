package p402.jobs.alerts;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Iterator;
import java.util.Map;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import p402.jobs.config.WindowSpec;
import p402.jobs.sink.MarginRow;
import p402.udfs.attribution.Attribution;

/**
 * Margin alerts (not spend alerts) per customer and per feature, on the final windows of one window
 * spec, keyed by {@link AlertSubject#key()}.
 *
 * <p>Why final windows: the margin operator emits a window's rows cell by cell, and while a window
 * is open a subject's total is briefly made of some of its cells; an alert on that would fire and
 * clear within a second. When the watermark passes a window's end every final row of it has arrived
 * (the rows are emitted before the watermark moves on), so the total is whole. The price is
 * latency: a condition is seen one slide plus the out-of-orderness after it starts.
 *
 * <p>Conditions, each an episode from the first window it holds in to the first it does not:
 *
 * <ul>
 *   <li>{@code negative_margin}: cost above revenue;
 *   <li>{@code low_margin}: revenue, a margin of zero or more, and a margin % below the threshold;
 *   <li>{@code cost_per_accepted_jump}: cost per accepted output at least {@code jump} times that
 *       of the window one size earlier (the latest window that shares no time with it), both with
 *       at least the minimum number of accepted outputs.
 * </ul>
 *
 * <p>State and its end: {@code cells} (each cell's last row, per open window) and {@code totals}
 * (the subject's sums per window) are written by rows; an event-time timer at the window's end
 * evaluates it and removes the cells of every window the watermark has passed, and totals older
 * than one window size before it ({@code totals-removed-up-to}, a long, remembers how far, so that
 * only newer ones are looked at next time). {@code episodes} lives while an alert is open: after a
 * window with open alerts a timer at the next window's end evaluates it even if no row came (no
 * traffic clears every condition), so a silent subject clears and its state goes. At the end of a
 * bounded input (watermark at its maximum) silence clears nothing: the input ended, not the
 * condition.
 *
 * <p>Known limitation: a row of a window already evaluated (an outcome restating an old window) is
 * ignored; alerts are not re-raised or withdrawn for the past.
 */
public final class MarginAlerts extends KeyedProcessFunction<String, AlertInput, Alert> {

    private static final long serialVersionUID = 1L;

    public static final String NEGATIVE_MARGIN = "negative_margin";
    public static final String LOW_MARGIN = "low_margin";
    public static final String COST_PER_ACCEPTED_JUMP = "cost_per_accepted_jump";

    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    private final String spec;
    private final long sizeMillis;
    private final long slideMillis;
    private final BigDecimal thresholdPct;
    private final BigDecimal jump;
    private final long minAccepted;

    private transient MapState<String, WindowTotals> cells;
    private transient MapState<Long, WindowTotals> totals;
    private transient ValueState<OpenEpisodes> episodes;
    private transient ValueState<AlertSubject> subject;
    private transient ValueState<Long> totalsRemovedUpTo;

    public MarginAlerts(
            WindowSpec spec, BigDecimal thresholdPct, BigDecimal jump, long minAccepted) {
        this.spec = spec.name;
        this.sizeMillis = spec.sizeMillis;
        this.slideMillis = spec.slideMillis;
        this.thresholdPct = thresholdPct;
        this.jump = jump;
        this.minAccepted = minAccepted;
    }

    @Override
    public void open(OpenContext context) {
        cells =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "cells",
                                        Types.STRING,
                                        TypeInformation.of(WindowTotals.class)));
        totals =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "totals",
                                        Types.LONG,
                                        TypeInformation.of(WindowTotals.class)));
        episodes =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("episodes", OpenEpisodes.class));
        subject =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("subject", AlertSubject.class));
        totalsRemovedUpTo =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("totals-removed-up-to", Types.LONG));
    }

    @Override
    public void processElement(AlertInput in, Context ctx, Collector<Alert> out) throws Exception {
        if (in.windowEnd <= ctx.timerService().currentWatermark()) {
            return; // a restatement of a window already evaluated (see the class comment)
        }
        subject.update(in.subject);

        String cellKey = in.windowEnd + "\u0000" + in.cell;
        WindowTotals total = totals.get(in.windowEnd);
        if (total == null) {
            total = new WindowTotals();
            ctx.timerService().registerEventTimeTimer(in.windowEnd);
        }
        WindowTotals previous = cells.get(cellKey);
        if (previous != null) {
            total.add(previous, -1);
        }
        if (in.delete) {
            cells.remove(cellKey);
        } else {
            WindowTotals now = WindowTotals.of(in);
            cells.put(cellKey, now);
            total.add(now, +1);
        }
        totals.put(in.windowEnd, total);
    }

    @Override
    public void onTimer(long windowEnd, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        WindowTotals total = totals.get(windowEnd);
        boolean endOfInput = ctx.timerService().currentWatermark() == Long.MAX_VALUE;
        OpenEpisodes open = episodes.value();
        if (total == null && (open == null || endOfInput)) {
            // A silent subject at the end of a bounded input: keep what is open, drop the state.
            clearAll();
            return;
        }
        if (total == null) {
            total = new WindowTotals(); // no traffic in this window: nothing holds
        }

        if (open == null) {
            open = new OpenEpisodes();
        }
        AlertSubject who = subject.value();
        evaluate(who, windowEnd, total, open, out);

        removeCellsUpTo(Math.max(windowEnd, ctx.timerService().currentWatermark()));
        removeTotalsUpTo(windowEnd - sizeMillis);

        if (open.isEmpty()) {
            episodes.clear();
            if (totals.isEmpty()) {
                subject.clear();
                totalsRemovedUpTo.clear();
            }
        } else {
            episodes.update(open);
            if (!endOfInput) {
                ctx.timerService().registerEventTimeTimer(windowEnd + slideMillis);
            }
        }
    }

    private void evaluate(
            AlertSubject who, long at, WindowTotals t, OpenEpisodes open, Collector<Alert> out)
            throws Exception {
        BigDecimal margin = t.marginUsd();
        boolean negative = margin.signum() < 0;
        open.negativeMargin =
                transition(
                        open.negativeMargin,
                        negative,
                        () ->
                                Alert.open(
                                        NEGATIVE_MARGIN,
                                        who,
                                        spec,
                                        at,
                                        margin,
                                        BigDecimal.ZERO,
                                        "gross margin "
                                                + margin.toPlainString()
                                                + " USD on revenue "
                                                + t.revenueUsd.toPlainString()),
                        at,
                        out);

        BigDecimal pct =
                t.revenueUsd.signum() > 0
                        ? HUNDRED.multiply(margin).divide(t.revenueUsd, 6, RoundingMode.HALF_EVEN)
                        : null;
        boolean low = pct != null && !negative && pct.compareTo(thresholdPct) < 0;
        open.lowMargin =
                transition(
                        open.lowMargin,
                        low,
                        () ->
                                Alert.open(
                                        LOW_MARGIN,
                                        who,
                                        spec,
                                        at,
                                        pct,
                                        thresholdPct,
                                        "gross margin " + pct.toPlainString() + " %"),
                        at,
                        out);

        WindowTotals before = totals.get(at - sizeMillis);
        // cost/accepted >= jump * cost'/accepted', without dividing: exact.
        boolean jumped =
                before != null
                        && t.accepted >= minAccepted
                        && before.accepted >= minAccepted
                        && before.costUsd.signum() > 0
                        && t.costUsd
                                        .multiply(BigDecimal.valueOf(before.accepted))
                                        .compareTo(
                                                jump.multiply(before.costUsd)
                                                        .multiply(BigDecimal.valueOf(t.accepted)))
                                >= 0;
        open.costPerAcceptedJump =
                transition(
                        open.costPerAcceptedJump,
                        jumped,
                        () -> {
                            BigDecimal now =
                                    t.costUsd.divide(
                                            BigDecimal.valueOf(t.accepted),
                                            12,
                                            RoundingMode.HALF_EVEN);
                            BigDecimal was =
                                    before.costUsd.divide(
                                            BigDecimal.valueOf(before.accepted),
                                            12,
                                            RoundingMode.HALF_EVEN);
                            return Alert.open(
                                    COST_PER_ACCEPTED_JUMP,
                                    who,
                                    spec,
                                    at,
                                    now,
                                    was.multiply(jump),
                                    "cost per accepted "
                                            + now.toPlainString()
                                            + " USD, one window earlier "
                                            + was.toPlainString());
                        },
                        at,
                        out);
    }

    interface Opening {
        Alert get();
    }

    /** One condition, one episode: opens when it starts holding, clears when it stops. */
    private static Alert transition(
            Alert open, boolean holds, Opening opening, long at, Collector<Alert> out) {
        if (holds && open == null) {
            Alert a = opening.get();
            out.collect(a);
            return a;
        }
        if (!holds && open != null) {
            out.collect(open.cleared(at, "no longer holds in the window ending then"));
            return null;
        }
        return open;
    }

    /**
     * Removes the cells of every window ending at or before {@code watermark}, not only of the one
     * evaluated: rows of those windows are ignored from now on, so their cells are never read
     * again. When the watermark jumps over many windows (the end of a bounded input, a catch-up)
     * their timers then find the cells gone instead of each walking all of them.
     */
    private void removeCellsUpTo(long watermark) throws Exception {
        Iterator<Map.Entry<String, WindowTotals>> it = cells.iterator();
        while (it.hasNext()) {
            String k = it.next().getKey();
            if (Long.parseLong(k, 0, k.indexOf('\u0000'), 10) <= watermark) {
                it.remove();
            }
        }
    }

    /**
     * Removes the totals of windows ending at or before {@code bound}: no evaluation reads them
     * again. Window ends are multiples of the slide, so after the first walk over all totals only
     * the ends since the last call are removed by key; a timer per window otherwise walked every
     * total, and a burst of a day's 1-minute windows (1,440) walked them 1,440 times.
     */
    private void removeTotalsUpTo(long bound) throws Exception {
        Long removed = totalsRemovedUpTo.value();
        if (removed != null && removed >= bound) {
            return;
        }
        if (removed != null && (bound - removed) / slideMillis <= 64) {
            for (long end = bound - Math.floorMod(bound, slideMillis);
                    end > removed;
                    end -= slideMillis) {
                totals.remove(end);
            }
        } else {
            Iterator<Long> it = totals.keys().iterator();
            while (it.hasNext()) {
                if (it.next() <= bound) {
                    it.remove();
                }
            }
        }
        totalsRemovedUpTo.update(bound);
    }

    private void clearAll() {
        cells.clear();
        totals.clear();
        subject.clear();
        totalsRemovedUpTo.clear();
    }

    /**
     * A margin row of the alert spec as seen by its customer and by its feature. The unattributed
     * customer is left out: it never has revenue, so its margin is always negative; its share is a
     * tile of its own.
     */
    public static final class Subjects implements FlatMapFunction<MarginRow, AlertInput> {

        private static final long serialVersionUID = 1L;

        public static final String UNATTRIBUTED = Attribution.UNATTRIBUTED;

        private final String spec;

        public Subjects(String spec) {
            this.spec = spec;
        }

        @Override
        public void flatMap(MarginRow row, Collector<AlertInput> out) {
            if (!row.windowSpec.equals(spec)) {
                return;
            }
            if (!row.customerId.equals(UNATTRIBUTED)) {
                out.collect(
                        input(
                                row,
                                new AlertSubject(
                                        row.tenantId, AlertSubject.CUSTOMER, row.customerId),
                                row.featureId + '\u0000' + row.workflowId));
            }
            out.collect(
                    input(
                            row,
                            new AlertSubject(row.tenantId, AlertSubject.FEATURE, row.featureId),
                            row.customerId + '\u0000' + row.workflowId));
        }

        private static AlertInput input(MarginRow row, AlertSubject subject, String cell) {
            AlertInput in = new AlertInput();
            in.subject = subject;
            in.cell = cell;
            in.windowEnd = row.windowEnd;
            in.calls = row.calls;
            in.accepted = row.accepted;
            in.costUsd = row.costUsd;
            in.revenueUsd = row.revenueUsd;
            in.delete = row.delete;
            return in;
        }
    }
}
