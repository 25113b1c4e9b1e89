package p402.udfs.cost;

import java.io.Serializable;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * Prices one call's usage with the price version in force at its event time.
 *
 * <p>Each bucket of the {@link UsageVector} is multiplied by its price and the products summed, all
 * in {@link BigDecimal} and never rounded. When any bucket that has tokens has no price (an unknown
 * model, a tier the book does not price, a cache write price that is missing) the whole call is
 * unpriced with the reason: a partial sum would look like a real, smaller cost.
 *
 * <p>Immutable and therefore safe to share between threads; serialisable, so Flink can ship it to
 * its tasks with the book inside.
 */
public final class CostEngine implements Serializable {

    private static final long serialVersionUID = 2L;

    private final PriceBook book;

    private CostEngine(PriceBook book) {
        this.book = Objects.requireNonNull(book, "book");
    }

    /** The engine over {@link PriceBook#builtIn()}. */
    public static CostEngine builtIn() {
        return BuiltIn.ENGINE;
    }

    public static CostEngine of(PriceBook book) {
        return new CostEngine(book);
    }

    public CostEngine withPriceBook(PriceBook book) {
        return new CostEngine(book);
    }

    public PriceBook priceBook() {
        return book;
    }

    /**
     * @param provider lower-case provider name ({@code openai}, {@code anthropic}, ...)
     * @param model the model id as the call reported it (aliases and dated snapshots allowed)
     * @param usage the normalised usage
     * @param serviceTier the tier the response reported ({@code default}, {@code flex}, {@code
     *     priority}, {@code batch}); null means default
     * @param occurredAtMillis the call's event time, epoch milliseconds
     */
    public CostQuote quote(
            String provider,
            String model,
            UsageVector usage,
            String serviceTier,
            long occurredAtMillis) {
        if (usage == null) {
            return CostQuote.unpriced("no usage");
        }
        if (provider == null || provider.isBlank()) {
            return CostQuote.unpriced("no provider");
        }
        if (model == null || model.isBlank()) {
            return CostQuote.unpriced("no model for provider " + ModelIds.provider(provider));
        }
        Instant at = Instant.ofEpochMilli(occurredAtMillis);
        String p = ModelIds.provider(provider);
        String key = book.resolve(p, model);
        if (key == null) {
            return CostQuote.unpriced(
                    "no price for " + ModelIds.key(p, ModelIds.model(p, model)) + " at " + at);
        }
        PriceVersion version = book.versionAt(key, at);
        if (version == null) {
            return CostQuote.unpriced(
                    "no price for "
                            + key
                            + " at "
                            + at
                            + " (its first price is from "
                            + book.versions(key).get(0).effectiveFrom()
                            + ")");
        }

        String tier = serviceTier(serviceTier);
        PriceVersion.LongContextTier longContext = version.longContextFor(usage.inputTokens());
        BigDecimal cost = BigDecimal.ZERO;
        for (Bucket bucket : Bucket.values()) {
            long units = bucket.count(usage);
            if (units == 0) {
                continue;
            }
            BigDecimal price = version.price(bucket, tier, longContext);
            if (price == null) {
                return CostQuote.unpriced(missing(bucket, version, tier, longContext));
            }
            cost = cost.add(price.multiply(BigDecimal.valueOf(units)));
        }
        return CostQuote.priced(cost, version.id());
    }

    /**
     * The tier name a price book files prices under: lower case, with the names providers use for
     * "no special tier" ({@code default}, {@code standard}, {@code auto}, absent) folded into
     * {@link PriceVersion#STANDARD}.
     */
    public static String serviceTier(String reported) {
        if (reported == null) {
            return PriceVersion.STANDARD;
        }
        String t = reported.trim().toLowerCase(Locale.ROOT);
        switch (t) {
            case "":
            case "default":
            case "standard":
            case "auto":
                return PriceVersion.STANDARD;
            case "batches":
                return "batch";
            default:
                return t;
        }
    }

    private static String missing(
            Bucket bucket, PriceVersion v, String tier, PriceVersion.LongContextTier lc) {
        StringBuilder sb =
                new StringBuilder("no ").append(bucket.key()).append(" price in ").append(v.id());
        if (!PriceVersion.STANDARD.equals(tier)) {
            sb.append(" for service tier ").append(tier);
        }
        if (lc != null) {
            sb.append(" above ").append(lc.aboveInputTokens()).append(" input tokens");
        }
        return sb.toString();
    }

    private static final class BuiltIn {
        static final CostEngine ENGINE = new CostEngine(PriceBook.builtIn());
    }
}
