package p402.jobs.ops;

import org.apache.flink.api.common.functions.MapFunction;
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
public final class PriceCalls implements MapFunction<CallEvent, CallEvent> {

    private static final long serialVersionUID = 1L;

    private final CostEngine engine;

    public PriceCalls(CostEngine engine) {
        this.engine = engine;
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
        } else if (quote.isPriced()) {
            c.costUsd = quote.costUsd;
            c.costSource = "computed";
        } else {
            c.costUsd = null;
            c.costSource = "unpriced";
            c.unpricedReason = quote.unpricedReason;
        }
        return c;
    }
}
