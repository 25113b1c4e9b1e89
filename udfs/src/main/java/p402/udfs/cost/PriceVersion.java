package p402.udfs.cost;

import java.io.Serializable;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One model's prices from one instant on, until the next version of the same model takes over.
 *
 * <p>A bucket's price is resolved in this order, and the first that exists wins:
 *
 * <ol>
 *   <li>the price set: the standard prices, or the long-context tier's prices when the request's
 *       input passed that tier's threshold (then every token uses them, cache included, and a
 *       bucket the tier does not price has no price: the short-context price would undercharge);
 *   <li>for a service tier other than standard: the tier's explicit price in that set, else the
 *       set's price times the tier's multiplier, else none;
 *   <li>reasoning without a price of its own is billed as output; a per-request fee missing from a
 *       long-context set is the standard one, since it does not depend on tokens.
 * </ol>
 *
 * <p>No price means the call is unpriced, never that the bucket is free.
 */
public final class PriceVersion implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The service tier a response reports when it used none of the discounted or premium ones. */
    public static final String STANDARD = "standard";

    private final String id;
    private final Instant effectiveFrom;
    private final BucketPrices prices;
    private final Map<String, TierPrices> tiers;
    private final List<LongContextTier> longContext;

    public PriceVersion(
            String id,
            Instant effectiveFrom,
            BucketPrices prices,
            Map<String, TierPrices> tiers,
            List<LongContextTier> longContext) {
        this.id = requireText(id, "price version id");
        this.effectiveFrom = Objects.requireNonNull(effectiveFrom, "effectiveFrom");
        this.prices = Objects.requireNonNull(prices, "prices");
        this.tiers = Collections.unmodifiableMap(new TreeMap<>(tiers));
        if (this.tiers.containsKey(STANDARD)) {
            throw new IllegalArgumentException(id + ": the standard tier is the base prices");
        }
        List<LongContextTier> sorted = new ArrayList<>(longContext);
        sorted.sort(Comparator.comparingLong(LongContextTier::aboveInputTokens));
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).aboveInputTokens == sorted.get(i - 1).aboveInputTokens) {
                throw new IllegalArgumentException(
                        id + ": two long-context tiers above " + sorted.get(i).aboveInputTokens);
            }
        }
        this.longContext = Collections.unmodifiableList(sorted);
    }

    public static PriceVersion of(String id, Instant effectiveFrom, BucketPrices prices) {
        return new PriceVersion(id, effectiveFrom, prices, Map.of(), List.of());
    }

    public String id() {
        return id;
    }

    public Instant effectiveFrom() {
        return effectiveFrom;
    }

    public BucketPrices prices() {
        return prices;
    }

    public Map<String, TierPrices> tiers() {
        return tiers;
    }

    public List<LongContextTier> longContext() {
        return longContext;
    }

    /** The highest long-context tier whose threshold the input passes, or null. */
    public LongContextTier longContextFor(long inputTokens) {
        LongContextTier hit = null;
        for (LongContextTier tier : longContext) {
            if (inputTokens > tier.aboveInputTokens) {
                hit = tier;
            }
        }
        return hit;
    }

    /**
     * @param serviceTier a normalised tier name; {@link #STANDARD} for the base prices
     * @param longContextTier the tier from {@link #longContextFor}, or null
     * @return USD per unit, or null when this version has no price for the bucket
     */
    public BigDecimal price(Bucket bucket, String serviceTier, LongContextTier longContextTier) {
        BigDecimal price = lookup(bucket, serviceTier, longContextTier);
        if (price == null && bucket == Bucket.REASONING) {
            price = lookup(Bucket.OUTPUT, serviceTier, longContextTier);
        }
        if (price == null && bucket == Bucket.REQUEST && longContextTier != null) {
            price = lookup(Bucket.REQUEST, serviceTier, null);
        }
        return price;
    }

    private BigDecimal lookup(Bucket bucket, String serviceTier, LongContextTier lc) {
        BucketPrices set = lc == null ? prices : lc.prices;
        if (STANDARD.equals(serviceTier)) {
            return set.get(bucket);
        }
        TierPrices tier = tiers.get(serviceTier);
        BucketPrices explicit =
                lc == null ? (tier == null ? null : tier.prices) : lc.tierPrices.get(serviceTier);
        if (explicit != null && explicit.get(bucket) != null) {
            return explicit.get(bucket);
        }
        if (tier != null && tier.multiplier != null && set.get(bucket) != null) {
            return set.get(bucket).multiply(tier.multiplier);
        }
        return null;
    }

    /**
     * Every number in this version under a stable path ({@code prices.input}, {@code
     * tiers.batch.multiplier}, {@code long_context>200000.tiers.priority.prices.output}), so two
     * versions can be compared price by price.
     */
    public Map<String, BigDecimal> flatten() {
        Map<String, BigDecimal> out = new LinkedHashMap<>();
        put(out, "prices.", prices);
        tiers.forEach(
                (name, tier) -> {
                    if (tier.multiplier != null) {
                        out.put("tiers." + name + ".multiplier", tier.multiplier);
                    }
                    put(out, "tiers." + name + ".prices.", tier.prices);
                });
        for (LongContextTier lc : longContext) {
            String prefix = "long_context>" + lc.aboveInputTokens + ".";
            put(out, prefix + "prices.", lc.prices);
            lc.tierPrices.forEach(
                    (name, set) -> put(out, prefix + "tiers." + name + ".prices.", set));
        }
        return out;
    }

    private static void put(Map<String, BigDecimal> out, String prefix, BucketPrices set) {
        set.asMap().forEach((bucket, price) -> out.put(prefix + bucket.key(), price));
    }

    /** Same prices, tiers and thresholds, whatever the id and start. */
    public boolean samePricesAs(PriceVersion other) {
        Map<String, BigDecimal> a = flatten();
        Map<String, BigDecimal> b = other.flatten();
        if (!a.keySet().equals(b.keySet())) {
            return false;
        }
        for (Map.Entry<String, BigDecimal> e : a.entrySet()) {
            if (e.getValue().compareTo(b.get(e.getKey())) != 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "PriceVersion{" + id + " from " + effectiveFrom + ' ' + prices + '}';
    }

    private static String requireText(String s, String what) {
        if (s == null || s.isBlank()) {
            throw new IllegalArgumentException(what + " is empty");
        }
        return s;
    }

    /** A service tier's prices: explicit per bucket, a multiplier of the base for the rest. */
    public static final class TierPrices implements Serializable {

        private static final long serialVersionUID = 1L;

        private final BigDecimal multiplier;
        private final BucketPrices prices;

        public TierPrices(BigDecimal multiplier, BucketPrices prices) {
            if (multiplier != null && multiplier.signum() < 0) {
                throw new IllegalArgumentException(
                        "negative tier multiplier " + multiplier.toPlainString());
            }
            this.multiplier = multiplier;
            this.prices = prices == null ? BucketPrices.NONE : prices;
        }

        /** Null when the tier has explicit prices only. */
        public BigDecimal multiplier() {
            return multiplier;
        }

        public BucketPrices prices() {
            return prices;
        }
    }

    /**
     * Prices for a request whose input passes a threshold. Providers re-price the whole request
     * once the prompt is long, so this replaces the standard set rather than adding to it.
     */
    public static final class LongContextTier implements Serializable {

        private static final long serialVersionUID = 1L;

        private final long aboveInputTokens;
        private final BucketPrices prices;
        private final Map<String, BucketPrices> tierPrices;

        public LongContextTier(
                long aboveInputTokens, BucketPrices prices, Map<String, BucketPrices> tierPrices) {
            if (aboveInputTokens <= 0) {
                throw new IllegalArgumentException(
                        "long-context threshold must be positive: " + aboveInputTokens);
            }
            this.aboveInputTokens = aboveInputTokens;
            this.prices = Objects.requireNonNull(prices, "prices");
            this.tierPrices = Collections.unmodifiableMap(new TreeMap<>(tierPrices));
        }

        /** The tier applies when the request's input tokens, cache included, exceed this. */
        public long aboveInputTokens() {
            return aboveInputTokens;
        }

        public BucketPrices prices() {
            return prices;
        }

        /** Explicit service-tier prices past the threshold; the tier multiplier covers the rest. */
        public Map<String, BucketPrices> tierPrices() {
            return tierPrices;
        }
    }
}
