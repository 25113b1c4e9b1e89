package p402.jobs.ops;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.SimpleCounter;
import p402.jobs.events.CallEvent;
import p402.udfs.cost.CostEngine;
import p402.udfs.cost.CostQuote;
import p402.udfs.cost.UsageVector;

/**
 * Decides each call's cost: the event's own {@code cost_usd} when it has one, otherwise the price
 * book's. The price book is consulted in both cases so the drift between a gateway's cost and the
 * book's is on the ledger. A call the book cannot price and that brought no cost is unpriced: no
 * cost at all, never zero.
 */
public final class PriceCalls extends RichMapFunction<CallEvent, CallEvent> {

    private static final long serialVersionUID = 1L;

    private final CostEngine engine;
    // Replaced in open(); the defaults serve direct use, as in tests.
    private transient Counter unpriced = new SimpleCounter();
    private transient Counter provided = new SimpleCounter();

    public PriceCalls(CostEngine engine) {
        this.engine = engine;
    }

    @Override
    public void open(OpenContext ctx) {
        unpriced = getRuntimeContext().getMetricGroup().addGroup("p402").counter("unpricedCalls");
        provided = getRuntimeContext().getMetricGroup().addGroup("p402").counter("providedCost");
    }

    @Override
    public CallEvent map(CallEvent c) {
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
            unpriced.inc();
            c.unpricedReason = quote.unpricedReason;
        }
        return c;
    }
}
