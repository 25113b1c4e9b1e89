package p402.jobs.ops;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import p402.jobs.config.WindowSpec;
import p402.jobs.events.MarginInput;
import p402.jobs.events.PaneCell;
import p402.jobs.events.PaneGroup;
import p402.jobs.events.RevenueEvent;
import p402.jobs.sink.MarginRow;
import p402.udfs.revenue.Accrual;
import p402.udfs.revenue.Allocation;

/**
 * Sliding-window margin per (tenant, customer), computed from panes.
 *
 * <p>Each window spec has panes one slide long; a call or outcome correction updates one pane per
 * spec, so the work per event does not grow with size/slide. A window's row is the sum of its panes
 * plus the revenue it earned, allocated to its (feature, workflow) cells by their share of calls.
 * Revenue is earned from the revenue records themselves, exactly, once per window, never summed
 * from rounded pieces.
 *
 * <p>When a window's row exists: a window is <em>produced</em> once the frontier (the watermark; at
 * the end of a bounded input, the latest occurred_at seen) has reached its last slide, {@code
 * window_end - slide <= frontier}: it is then the open window, {@code is_final = false}, and
 * becomes final when the watermark passes its end. Windows further ahead are not produced yet: they
 * would describe a span that is mostly future. At the end of a bounded input every window with data
 * is produced and final.
 *
 * <p>When rows are written: a changed produced window is re-emitted on the next processing-time
 * tick (at most every emit interval); an event-time timer at slide boundaries emits the windows
 * that open or close. Output is proportional to what changed.
 *
 * <p>State and its end:
 *
 * <ul>
 *   <li>{@code panes}: per spec and pane, the cells; dropped by the boundary timer once the
 *       watermark is past {@code pane end + size + lateness} (no window containing it can change
 *       any more).
 *   <li>{@code revenue}: revenue records until {@code earned end + max size + lateness}.
 *   <li>{@code dirty}: produced windows waiting for the next tick; emptied by it.
 *   <li>{@code handledUpTo}, {@code dataUntil}: two longs per key.
 * </ul>
 *
 * Late input (a call or correction for a pane already dropped) cannot restate its windows: it is
 * counted in the {@code lateDropped} metric, and the call stays in the ledger marked late.
 */
public final class MarginPanes
        extends KeyedBroadcastProcessFunction<String, MarginInput, Long, MarginRow> {

    private static final long serialVersionUID = 1L;

    public static final MapStateDescriptor<String, Long> FRONTIER =
            new MapStateDescriptor<>("frontier", Types.STRING, Types.LONG);

    private static final String LATEST = "latest-event-time";

    private final WindowSpec[] specs;
    private final long latenessMillis;
    private final Lateness lateness;
    private final long emitIntervalMillis;
    private final long maxSize;
    private final long minSlide;
    private final long purgeStep;

    private transient MapState<Long, PaneGroup> panes;
    private transient MapState<String, RevenueEvent> revenue;
    private transient MapState<Long, Boolean> dirty;
    private transient ValueState<Long> handledUpTo;
    private transient ValueState<Long> dataUntil;
    private transient Counter lateDropped;

    /** The latest event time of the input this subtask has turned into rows; not state. */
    private transient long latestInput;

    private transient long tiledUpTo;

    public MarginPanes(List<WindowSpec> specs, Duration lateness, Duration emitInterval) {
        if (specs.size() > 127) {
            throw new IllegalArgumentException("at most 127 window specs");
        }
        this.specs = specs.toArray(new WindowSpec[0]);
        this.latenessMillis = lateness.toMillis();
        this.lateness = new Lateness(specs, this.latenessMillis);
        this.emitIntervalMillis = emitInterval.toMillis();
        long size = 0;
        long slide = Long.MAX_VALUE;
        for (WindowSpec s : specs) {
            size = Math.max(size, s.sizeMillis);
            slide = Math.min(slide, s.slideMillis);
        }
        this.maxSize = size;
        this.minSlide = slide;
        this.purgeStep = Math.max(slide, size / 96);
    }

    @Override
    public void open(OpenContext ctx) {
        panes =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "panes", Types.LONG, TypeInformation.of(PaneGroup.class)));
        revenue =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "revenue",
                                        Types.STRING,
                                        TypeInformation.of(RevenueEvent.class)));
        dirty =
                getRuntimeContext()
                        .getMapState(new MapStateDescriptor<>("dirty", Types.LONG, Types.BOOLEAN));
        handledUpTo =
                getRuntimeContext().getState(new ValueStateDescriptor<>("handled", Types.LONG));
        dataUntil =
                getRuntimeContext().getState(new ValueStateDescriptor<>("data-until", Types.LONG));
        lateDropped = getRuntimeContext().getMetricGroup().counter("lateDropped");
        latestInput = Long.MIN_VALUE;
        tiledUpTo = Long.MIN_VALUE;
        // Wall-clock time since the newest event in the rows last emitted: how far the tiles
        // trail reality (the sink's flush interval comes on top). Read it on the subtask with
        // the least lag per job; during a replay it is the replay's distance to now.
        getRuntimeContext()
                .getMetricGroup()
                .addGroup("p402")
                .gauge(
                        "eventToTileLagMs",
                        (Gauge<Long>)
                                () ->
                                        tiledUpTo == Long.MIN_VALUE
                                                ? -1L
                                                : System.currentTimeMillis() - tiledUpTo);
    }

    // ---------------------------------------------------------------- keys of panes and windows

    private static long key(int spec, long index) {
        return ((long) spec << 56) | index;
    }

    private static int specOf(long key) {
        return (int) (key >>> 56);
    }

    private static long indexOf(long key) {
        return key & 0x00FF_FFFF_FFFF_FFFFL;
    }

    // --------------------------------------------------------------------------------- input

    @Override
    public void processElement(MarginInput in, ReadOnlyContext ctx, Collector<MarginRow> out)
            throws Exception {
        long watermark = ctx.currentWatermark();
        latestInput = Math.max(latestInput, in.eventTime);
        if (handledUpTo.value() == null) {
            handledUpTo.update(watermark);
        }
        long until = dataUntil.value() == null ? Long.MIN_VALUE : dataUntil.value();
        boolean changed = false;

        if (in.type == MarginInput.Type.REVENUE) {
            RevenueEvent r = in.revenue;
            revenue.put(r.eventId, r);
            long from = earnFrom(r);
            long to = earnTo(r);
            for (int s = 0; s < specs.length; s++) {
                WindowSpec spec = specs[s];
                changed |= markProduced(s, from, to, watermark);
                until = Math.max(until, alignUp(to, spec.slideMillis) + spec.sizeMillis);
            }
        } else {
            for (int s = 0; s < specs.length; s++) {
                WindowSpec spec = specs[s];
                long pane = Math.floorDiv(in.eventTime, spec.slideMillis);
                long paneStart = pane * spec.slideMillis;
                if (lateness.paneDropped(s, in.eventTime, watermark)) {
                    lateDropped.inc();
                    continue;
                }
                long k = key(s, pane);
                PaneGroup g = panes.get(k);
                if (g == null) {
                    g = new PaneGroup();
                }
                g.cell(in.featureId, in.workflowId).add(in.delta);
                panes.put(k, g);
                changed |= markProduced(s, paneStart, paneStart + 1, watermark);
                until = Math.max(until, paneStart + spec.sizeMillis);
            }
        }

        dataUntil.update(until);
        if (changed) {
            long now = ctx.timerService().currentProcessingTime();
            ctx.timerService()
                    .registerProcessingTimeTimer(
                            (now / emitIntervalMillis + 1) * emitIntervalMillis);
        }
        long boundary =
                watermark == Long.MIN_VALUE
                        ? alignUp(in.eventTime + 1, minSlide)
                        : nextBoundary(watermark);
        ctx.timerService().registerEventTimeTimer(boundary);
    }

    @Override
    public void processBroadcastElement(Long latest, Context ctx, Collector<MarginRow> out)
            throws Exception {
        Long known = ctx.getBroadcastState(FRONTIER).get(LATEST);
        if (known == null || latest > known) {
            ctx.getBroadcastState(FRONTIER).put(LATEST, latest);
        }
    }

    /**
     * Marks dirty the produced windows of spec {@code s} that overlap {@code [from, to)}: those
     * whose last slide the watermark has reached and whose rows are still kept.
     */
    private boolean markProduced(int s, long from, long to, long watermark) throws Exception {
        if (watermark == Long.MIN_VALUE) {
            return false;
        }
        WindowSpec spec = specs[s];
        long slide = spec.slideMillis;
        // Windows [start, start + size) overlapping [from, to): start in (from - size, to).
        long first = Math.floorDiv(from - spec.sizeMillis, slide) + 1;
        long last = Math.floorDiv(to - 1, slide);
        // Produced: start + size - slide <= watermark.
        last = Math.min(last, Math.floorDiv(watermark - spec.sizeMillis + slide, slide));
        // Kept: end > watermark - retention.
        first =
                Math.max(
                        first,
                        Math.floorDiv(watermark - spec.retentionMillis - spec.sizeMillis, slide)
                                + 1);
        // Restatable: its first pane is still kept (see Lateness).
        first = Math.max(first, lateness.firstRestatable(s, watermark));
        boolean any = false;
        for (long w = first; w <= last; w++) {
            dirty.put(key(s, w), Boolean.TRUE);
            any = true;
        }
        return any;
    }

    // -------------------------------------------------------------------------------- timers

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<MarginRow> out)
            throws Exception {
        long watermark = ctx.currentWatermark();
        long earnedUpTo = earnedUpTo(watermark, ctx.getBroadcastState(FRONTIER));
        if (ctx.timeDomain() == TimeDomain.PROCESSING_TIME) {
            emitDirty(ctx.getCurrentKey(), watermark, earnedUpTo, out);
            return;
        }

        Long handled = handledUpTo.value();
        if (handled != null && watermark > handled) {
            advance(ctx.getCurrentKey(), handled, watermark, earnedUpTo, out);
            handledUpTo.update(watermark);
        }

        if (watermark == Long.MAX_VALUE) {
            clearAll();
            return;
        }
        Long until = dataUntil.value();
        if (until != null && until > watermark) {
            ctx.timerService().registerEventTimeTimer(nextBoundary(watermark));
        } else if (until != null) {
            long purgeAt = until + minSlide + latenessMillis;
            if (watermark >= purgeAt) {
                clearAll();
            } else {
                ctx.timerService().registerEventTimeTimer(purgeAt);
            }
        }
        // Dropping old panes walks the whole map, so it runs once per purge step, not per slide.
        if (handled == null
                || Math.floorDiv(handled, purgeStep) != Math.floorDiv(watermark, purgeStep)) {
            purge(watermark);
        }
    }

    private void emitDirty(String key, long watermark, long earnedUpTo, Collector<MarginRow> out)
            throws Exception {
        List<Long> windows = new ArrayList<>();
        for (Long k : dirty.keys()) {
            windows.add(k);
        }
        dirty.clear();
        // In key order: each spec's windows ascending, so their cells slide from one to the next.
        windows.sort(Comparator.naturalOrder());
        WindowCells[] cells = new WindowCells[specs.length];
        for (long k : windows) {
            int s = specOf(k);
            WindowSpec spec = specs[s];
            long start = indexOf(k) * spec.slideMillis;
            // A purge since the window was marked may have frozen it.
            if (start + spec.sizeMillis > watermark - spec.retentionMillis
                    && indexOf(k) >= lateness.firstRestatable(s, watermark)) {
                if (cells[s] == null) {
                    cells[s] = cells(s);
                }
                emitWindow(key, s, start, cells[s].at(indexOf(k)), watermark, earnedUpTo, out);
            }
        }
    }

    private WindowCells cells(int s) {
        return new WindowCells(specs[s].panesPerWindow(), pane -> panes.get(key(s, pane)));
    }

    /**
     * The watermark moved from {@code lo} to {@code hi}: every window with data that opened (its
     * last slide reached) or closed (its end passed) in between is emitted.
     */
    private void advance(String key, long lo, long hi, long earnedUpTo, Collector<MarginRow> out)
            throws Exception {
        for (int s = 0; s < specs.length; s++) {
            WindowSpec spec = specs[s];
            long slide = spec.slideMillis;
            long frontier = hi == Long.MAX_VALUE ? earnedUpTo : hi;
            long keptAfter =
                    frontier == Long.MIN_VALUE ? Long.MIN_VALUE : frontier - spec.retentionMillis;
            long fromEnd = Math.max(lo, keptAfter); // exclusive
            // Windows whose end is in (fromEnd, hi + slide], as start indices.
            long firstStart =
                    fromEnd == Long.MIN_VALUE
                            ? Long.MIN_VALUE
                            : Math.floorDiv(fromEnd - spec.sizeMillis, slide) + 1;
            long lastStart =
                    hi == Long.MAX_VALUE
                            ? Long.MAX_VALUE
                            : Math.floorDiv(hi + slide - spec.sizeMillis, slide);
            WindowCells cells = cells(s);
            for (long w : windowsWithData(s, firstStart, lastStart, earnedUpTo)) {
                dirty.remove(key(s, w));
                emitWindow(key, s, w * slide, cells.at(w), hi, earnedUpTo, out);
            }
        }
    }

    /** Start indices in {@code [first, last]} of spec {@code s}'s windows that hold data. */
    private TreeSet<Long> windowsWithData(int s, long first, long last, long earnedUpTo)
            throws Exception {
        WindowSpec spec = specs[s];
        long slide = spec.slideMillis;
        int n = spec.panesPerWindow();
        TreeSet<Long> starts = new TreeSet<>();
        if (first != Long.MIN_VALUE && last != Long.MAX_VALUE && last - first < 8) {
            // The usual step of one slide: looking at the few windows is cheaper than the map.
            for (long w = first; w <= last; w++) {
                if (windowHasData(s, w, earnedUpTo)) {
                    starts.add(w);
                }
            }
            return starts;
        }
        for (Long k : panes.keys()) {
            if (specOf(k) != s) {
                continue;
            }
            long pane = indexOf(k);
            long lo = Math.max(first, pane - n + 1);
            long hi = Math.min(last, pane);
            for (long w = lo; w <= hi; w++) {
                starts.add(w);
            }
        }
        for (RevenueEvent r : revenue.values()) {
            long from = earnFrom(r);
            long to = earnedEnd(r, earnedUpTo);
            if (to <= from) {
                continue;
            }
            long lo = Math.max(first, Math.floorDiv(from - spec.sizeMillis, slide) + 1);
            long hi = Math.min(last, Math.floorDiv(to - 1, slide));
            for (long w = lo; w <= hi; w++) {
                starts.add(w);
            }
        }
        return starts;
    }

    private boolean windowHasData(int s, long w, long earnedUpTo) throws Exception {
        WindowSpec spec = specs[s];
        int n = spec.panesPerWindow();
        for (long p = w; p < w + n; p++) {
            if (panes.contains(key(s, p))) {
                return true;
            }
        }
        long start = w * spec.slideMillis;
        for (RevenueEvent r : revenue.values()) {
            long from = earnFrom(r);
            if (Accrual.overlap(from, earnedEnd(r, earnedUpTo), start, start + spec.sizeMillis)
                    > 0) {
                return true;
            }
        }
        return false;
    }

    private void purge(long watermark) throws Exception {
        Iterator<Map.Entry<Long, PaneGroup>> it = panes.iterator();
        while (it.hasNext()) {
            long k = it.next().getKey();
            WindowSpec spec = specs[specOf(k)];
            long paneEnd = (indexOf(k) + 1) * spec.slideMillis;
            if (paneEnd + spec.sizeMillis + latenessMillis <= watermark) {
                it.remove();
            }
        }
        Iterator<Map.Entry<String, RevenueEvent>> rit = revenue.iterator();
        while (rit.hasNext()) {
            RevenueEvent r = rit.next().getValue();
            if (earnTo(r) + maxSize + latenessMillis <= watermark) {
                rit.remove();
            }
        }
    }

    private void clearAll() {
        panes.clear();
        revenue.clear();
        dirty.clear();
        handledUpTo.clear();
        dataUntil.clear();
    }

    // ----------------------------------------------------------------------- one window's rows

    /**
     * Emits the row of each cell of the window starting at {@code start}; {@code cells} are the
     * sums of its panes (see {@link WindowCells}), and this call owns them.
     */
    private void emitWindow(
            String key,
            int s,
            long start,
            PaneCell[] cells,
            long watermark,
            long earnedUpTo,
            Collector<MarginRow> out)
            throws Exception {
        WindowSpec spec = specs[s];
        long end = start + spec.sizeMillis;

        // A fixed order, so allocation replays.
        Arrays.sort(
                cells,
                Comparator.comparing((PaneCell c) -> c.featureId).thenComparing(c -> c.workflowId));
        BigDecimal[] allocated = new BigDecimal[cells.length];
        Arrays.fill(allocated, BigDecimal.ZERO);

        // The revenue earned in the window, per feature it names ("" for the customer's).
        Map<String, Accrual> earned = new HashMap<>();
        for (RevenueEvent r : revenue.values()) {
            long from = earnFrom(r);
            long to = earnedEnd(r, earnedUpTo);
            long overlap = Accrual.overlap(from, to, start, end);
            if (overlap <= 0) {
                continue;
            }
            Accrual a = earned.computeIfAbsent(r.featureId, f -> new Accrual());
            if (r.hasServicePeriod()) {
                a.addFraction(r.amountUsd, overlap, r.serviceEnd - r.serviceStart);
            } else {
                a.add(r.amountUsd);
            }
        }

        List<MarginRow> rows = new ArrayList<>();
        List<String> parked = new ArrayList<>();
        List<String> features = new ArrayList<>(earned.keySet());
        features.sort(Comparator.naturalOrder());
        for (String feature : features) {
            BigDecimal amount = earned.get(feature).rounded();
            if (amount.signum() == 0) {
                continue;
            }
            long[] weights = new long[cells.length];
            long total = 0;
            for (int i = 0; i < cells.length; i++) {
                if (feature.isEmpty() || cells[i].featureId.equals(feature)) {
                    weights[i] = Math.max(0, cells[i].calls);
                    total += weights[i];
                }
            }
            if (total == 0) {
                MarginRow placeholder = row(key, spec, start, end, watermark, feature, "");
                placeholder.revenueUsd = amount;
                rows.add(placeholder);
                parked.add(feature);
                continue;
            }
            BigDecimal[] parts = Allocation.byWeight(amount, weights);
            for (int i = 0; i < cells.length; i++) {
                allocated[i] = allocated[i].add(parts[i]);
            }
        }

        for (int i = 0; i < cells.length; i++) {
            PaneCell c = cells[i];
            MarginRow r = row(key, spec, start, end, watermark, c.featureId, c.workflowId);
            r.add(c);
            r.revenueUsd = allocated[i].add(c.callRevenueUsd);
            mergeInto(rows, r);
        }

        // Revenue parked on a placeholder grain (no calls yet) moves to the calls once they
        // arrive: delete every placeholder this window's revenue could have used before and does
        // not use now. Decided from the window's content alone, never from what this operator
        // remembers emitting, so a job restored from a checkpoint older than the placeholder row
        // still removes it.
        for (String feature : features) {
            if (!parked.contains(feature) && !hasGrain(rows, feature, "")) {
                MarginRow gone = row(key, spec, start, end, watermark, feature, "");
                gone.delete = true;
                rows.add(gone);
            }
        }

        for (MarginRow r : rows) {
            out.collect(r);
        }
        if (!rows.isEmpty()) {
            tiledUpTo = latestInput;
        }
    }

    /** A placeholder and a real cell of the same grain are one row. */
    private static void mergeInto(List<MarginRow> rows, MarginRow r) {
        for (MarginRow existing : rows) {
            if (existing.featureId.equals(r.featureId)
                    && existing.workflowId.equals(r.workflowId)) {
                existing.add(r);
                existing.revenueUsd = existing.revenueUsd.add(r.revenueUsd);
                return;
            }
        }
        rows.add(r);
    }

    private static boolean hasGrain(List<MarginRow> rows, String feature, String workflow) {
        for (MarginRow r : rows) {
            if (!r.delete && r.featureId.equals(feature) && r.workflowId.equals(workflow)) {
                return true;
            }
        }
        return false;
    }

    private static MarginRow row(
            String key,
            WindowSpec spec,
            long start,
            long end,
            long watermark,
            String feature,
            String wf) {
        MarginRow r = new MarginRow();
        int split = key.indexOf('\u0000');
        r.tenantId = key.substring(0, split);
        r.customerId = key.substring(split + 1);
        r.featureId = feature;
        r.workflowId = wf;
        r.windowSpec = spec.name;
        r.windowStart = start;
        r.windowEnd = end;
        r.isFinal = end <= watermark;
        return r;
    }

    // ------------------------------------------------------------------------------- revenue

    private static long earnFrom(RevenueEvent r) {
        return r.hasServicePeriod() ? r.serviceStart : r.occurredAt;
    }

    /** Exclusive end of the span the revenue is earned over; a point is one millisecond. */
    private static long earnTo(RevenueEvent r) {
        return r.hasServicePeriod() ? r.serviceEnd : r.occurredAt + 1;
    }

    /**
     * The exclusive end of what {@code r} has earned by the frontier: a service period is earned
     * evenly up to the frontier, an amount without one all at its occurred_at once the frontier has
     * reached it.
     */
    private static long earnedEnd(RevenueEvent r, long frontier) {
        if (r.hasServicePeriod()) {
            return Math.max(r.serviceStart, Math.min(r.serviceEnd, frontier));
        }
        return r.occurredAt <= frontier ? r.occurredAt + 1 : r.occurredAt;
    }

    /**
     * The frontier revenue is earned up to: the watermark while the job runs, the latest event time
     * seen once a bounded input has ended (the watermark is then the end of time).
     */
    private static long earnedUpTo(long watermark, ReadOnlyBroadcastState<String, Long> frontier)
            throws Exception {
        if (watermark != Long.MAX_VALUE) {
            return watermark;
        }
        Long latest = frontier.get(LATEST);
        return latest == null ? Long.MIN_VALUE : latest;
    }

    private long nextBoundary(long watermark) {
        return alignUp(watermark + 1, minSlide);
    }

    private static long alignUp(long t, long step) {
        return Math.floorDiv(t + step - 1, step) * step;
    }
}
