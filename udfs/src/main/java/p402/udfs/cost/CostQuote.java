package p402.udfs.cost;

import java.io.Serializable;
import java.math.BigDecimal;

/**
 * What the price book says one call costs: an exact amount and the price version used, or the
 * reason it cannot be priced. An unpriced call has no cost at all, never a cost of zero.
 */
public final class CostQuote implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Exact cost in USD; null when unpriced. Never rounded. */
    public final BigDecimal costUsd;

    /**
     * Id of the price version used, e.g. {@code builtin-2026-11-01:openai/gpt-4o}; null when
     * unpriced.
     */
    public final String priceVersion;

    /** Why no price applies (unknown model, no usage); null when priced. */
    public final String unpricedReason;

    private CostQuote(BigDecimal costUsd, String priceVersion, String unpricedReason) {
        this.costUsd = costUsd;
        this.priceVersion = priceVersion;
        this.unpricedReason = unpricedReason;
    }

    public static CostQuote priced(BigDecimal costUsd, String priceVersion) {
        return new CostQuote(costUsd, priceVersion, null);
    }

    public static CostQuote unpriced(String reason) {
        return new CostQuote(null, null, reason);
    }

    public boolean isPriced() {
        return costUsd != null;
    }

    /**
     * The cost as plain decimal text without trailing zeros ({@code "0.0025"}); null if unpriced.
     */
    public String costUsdText() {
        return costUsd == null ? null : costUsd.stripTrailingZeros().toPlainString();
    }

    @Override
    public String toString() {
        return isPriced()
                ? "CostQuote{" + costUsdText() + " @ " + priceVersion + '}'
                : "CostQuote{unpriced: " + unpricedReason + '}';
    }
}
