package p402.udfs.cost;

import java.io.Serializable;

/**
 * Prices one call's usage with the price version in force at its event time.
 *
 * <p>Placeholder until the effective-dated price book lands: everything is unpriced.
 */
public final class CostEngine implements Serializable {

    private static final long serialVersionUID = 1L;

    public static CostEngine builtIn() {
        return new CostEngine();
    }

    /**
     * @param provider lower-case provider name ({@code openai}, {@code anthropic}, ...)
     * @param model the model id as the call reported it (aliases and dated snapshots allowed)
     * @param usage the normalised usage
     * @param serviceTier the tier the response reported ({@code default}, {@code flex},
     *     {@code priority}, {@code batch}); null means default
     * @param occurredAtMillis the call's event time, epoch milliseconds
     */
    public CostQuote quote(
            String provider,
            String model,
            UsageVector usage,
            String serviceTier,
            long occurredAtMillis) {
        return CostQuote.unpriced("no price book");
    }
}
