package p402.jobs.ops;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.streaming.api.functions.co.BroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import p402.jobs.events.CallEvent;
import p402.jobs.events.DeadLetter;
import p402.jobs.events.PriceDocument;
import p402.udfs.cost.CostEngine;
import p402.udfs.cost.CostQuote;
import p402.udfs.cost.PriceBook;
import p402.udfs.cost.PriceUpdates;
import p402.udfs.cost.UsageVector;

/**
 * Decides each call's cost: the event's own {@code cost_usd} when it has one, otherwise the price
 * book's. The price book is consulted in both cases so the drift between a gateway's cost and the
 * book's is on the ledger. A call the book cannot price and that brought no cost is unpriced: no
 * cost at all, never zero.
 *
 * <p>The book is the built-in one plus every document read from the price-update topic, kept in
 * broadcast state (document id to JSON) so a restored job rebuilds the same book; documents are
 * applied in id order. An update reaches calls processed after it, without a restart; calls priced
 * before it keep their cost and price version (a reprocessing run restates them). A document that
 * cannot be read, or whose prices are refused as implausible, is reported in {@code dead_letter}
 * with the reason.
 */
public final class PriceCalls
        extends BroadcastProcessFunction<CallEvent, PriceDocument, CallEvent> {

    private static final long serialVersionUID = 1L;

    private static final Logger LOG = LoggerFactory.getLogger(PriceCalls.class);

    public static final MapStateDescriptor<String, String> UPDATES =
            new MapStateDescriptor<>("price-updates", Types.STRING, Types.STRING);

    private final PriceBook base;
    private transient CostEngine engine;

    // Replaced in open(); the defaults serve direct use, as in tests.
    private transient Counter unpriced = new SimpleCounter();
    private transient Counter provided = new SimpleCounter();

    /** Every call priced: unpricedCalls / calls is the unpriced share. */
    private transient Counter calls = new SimpleCounter();

    public PriceCalls(PriceBook base) {
        this.base = base;
    }

    @Override
    public void open(OpenContext ctx) {
        unpriced = getRuntimeContext().getMetricGroup().addGroup("p402").counter("unpricedCalls");
        provided = getRuntimeContext().getMetricGroup().addGroup("p402").counter("providedCost");
        calls = getRuntimeContext().getMetricGroup().addGroup("p402").counter("calls");
    }

    @Override
    public void processElement(CallEvent c, ReadOnlyContext ctx, Collector<CallEvent> out)
            throws Exception {
        if (engine == null) {
            engine = CostEngine.of(rebuild(ctx.getBroadcastState(UPDATES)));
        }
        calls.inc();
        out.collect(price(engine, c, unpriced, provided));
    }

    @Override
    public void processBroadcastElement(PriceDocument d, Context ctx, Collector<CallEvent> out)
            throws Exception {
        BroadcastState<String, String> updates = ctx.getBroadcastState(UPDATES);
        PriceBook current = engine != null ? engine.priceBook() : rebuild(updates);
        PriceUpdates.Applied applied;
        try {
            applied = PriceUpdates.apply(current, d.json);
        } catch (RuntimeException e) {
            report(ctx, d, "price update " + d.id + " unusable: " + e.getMessage());
            return;
        }
        updates.put(d.id, d.json);
        // Rebuilt in id order, exactly as a restored job would.
        engine = CostEngine.of(rebuild(updates));
        if (!applied.refused().isEmpty()) {
            report(ctx, d, "price update " + d.id + ": refused " + applied.refused());
        }
        LOG.info(
                "Price update {} applied: {} versions added, {} refused",
                d.id,
                applied.added(),
                applied.refused().size());
    }

    private static void report(Context ctx, PriceDocument d, String reason) {
        LOG.warn("{}", reason);
        ctx.output(
                RouteDeadLetters.DEAD,
                DeadLetter.of(
                        d.topic,
                        d.partition,
                        d.offset,
                        d.receivedAt,
                        reason.length() > 2000 ? reason.substring(0, 1997) + "..." : reason,
                        d.json.getBytes(StandardCharsets.UTF_8)));
    }

    private PriceBook rebuild(ReadOnlyBroadcastState<String, String> updates) throws Exception {
        List<Map.Entry<String, String>> docs = new ArrayList<>();
        for (Map.Entry<String, String> e : updates.immutableEntries()) {
            docs.add(Map.entry(e.getKey(), e.getValue()));
        }
        docs.sort(Map.Entry.comparingByKey());
        PriceBook book = base;
        for (Map.Entry<String, String> doc : docs) {
            try {
                book = PriceUpdates.apply(book, doc.getValue()).book();
            } catch (RuntimeException e) {
                LOG.warn("Price update {} skipped: {}", doc.getKey(), e.getMessage());
            }
        }
        return book;
    }

    /**
     * Prices calls with a fixed book, for a job that reads no price updates. The same pricing as
     * the broadcast variant; the operator keeps the same uid, and neither holds keyed state, so a
     * job can switch between them across a savepoint.
     */
    public static final class FixedBook extends RichMapFunction<CallEvent, CallEvent> {
        private static final long serialVersionUID = 1L;

        private final CostEngine engine;
        private transient Counter unpriced = new SimpleCounter();
        private transient Counter provided = new SimpleCounter();
        private transient Counter calls = new SimpleCounter();

        public FixedBook(PriceBook book) {
            this.engine = CostEngine.of(book);
        }

        @Override
        public void open(OpenContext ctx) {
            unpriced =
                    getRuntimeContext().getMetricGroup().addGroup("p402").counter("unpricedCalls");
            provided =
                    getRuntimeContext().getMetricGroup().addGroup("p402").counter("providedCost");
            calls = getRuntimeContext().getMetricGroup().addGroup("p402").counter("calls");
        }

        @Override
        public CallEvent map(CallEvent c) {
            calls.inc();
            return price(engine, c, unpriced, provided);
        }
    }

    /** Prices one call with {@code engine}. */
    static CallEvent price(CostEngine engine, CallEvent c, Counter unpriced, Counter provided) {
        CostQuote quote;
        if (!c.hasUsage) {
            quote = CostQuote.unpriced("no usage");
        } else if (c.model == null) {
            quote = CostQuote.unpriced("no model");
        } else {
            UsageVector usage =
                    new UsageVector(
                            c.uncachedInput,
                            c.cacheRead,
                            c.cacheWrite5m,
                            c.cacheWrite1h,
                            c.visibleOutput,
                            c.reasoning,
                            c.requests);
            quote = engine.quote(c.provider, c.model, usage, c.serviceTier, c.occurredAt);
        }

        c.computedCostUsd = quote.costUsd;
        c.priceVersion = quote.priceVersion;
        if (c.providedCostUsd != null) {
            c.costUsd = c.providedCostUsd;
            c.costSource = "provided";
            provided.inc();
        } else if (quote.isPriced()) {
            c.costUsd = quote.costUsd;
            c.costSource = "computed";
        } else {
            c.costUsd = null;
            c.costSource = "unpriced";
            c.unpricedReason = quote.unpricedReason;
            unpriced.inc();
        }
        return c;
    }
}
