package p402.udfs.cost;

import java.io.Serializable;
import java.math.BigDecimal;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * USD per unit for some of the {@link Bucket}s. A bucket that is absent has no price (it is not
 * free): a call with tokens in it cannot be priced from this set.
 */
public final class BucketPrices implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final BucketPrices NONE = new BucketPrices(new EnumMap<>(Bucket.class));

    private final Map<Bucket, BigDecimal> prices;

    private BucketPrices(EnumMap<Bucket, BigDecimal> prices) {
        this.prices = Collections.unmodifiableMap(prices);
    }

    public static BucketPrices of(Map<Bucket, BigDecimal> prices) {
        EnumMap<Bucket, BigDecimal> copy = new EnumMap<>(Bucket.class);
        for (Map.Entry<Bucket, BigDecimal> e : prices.entrySet()) {
            BigDecimal price = e.getValue();
            if (price == null) {
                continue;
            }
            if (price.signum() < 0) {
                throw new IllegalArgumentException(
                        "negative " + e.getKey().key() + " price " + price.toPlainString());
            }
            copy.put(e.getKey(), price);
        }
        return copy.isEmpty() ? NONE : new BucketPrices(copy);
    }

    /** The price, or null when this set has none for the bucket. */
    public BigDecimal get(Bucket bucket) {
        return prices.get(bucket);
    }

    public boolean isEmpty() {
        return prices.isEmpty();
    }

    public Map<Bucket, BigDecimal> asMap() {
        return prices;
    }

    /** Equal prices compare equal whatever their scale: 0.0000025 and 2.5E-6 are one price. */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof BucketPrices)) {
            return false;
        }
        Map<Bucket, BigDecimal> other = ((BucketPrices) o).prices;
        if (!prices.keySet().equals(other.keySet())) {
            return false;
        }
        for (Map.Entry<Bucket, BigDecimal> e : prices.entrySet()) {
            if (e.getValue().compareTo(other.get(e.getKey())) != 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = 0;
        for (Map.Entry<Bucket, BigDecimal> e : prices.entrySet()) {
            h += e.getKey().hashCode() ^ e.getValue().stripTrailingZeros().hashCode();
        }
        return h;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        for (Map.Entry<Bucket, BigDecimal> e : prices.entrySet()) {
            if (sb.length() > 1) {
                sb.append(", ");
            }
            sb.append(e.getKey().key())
                    .append('=')
                    .append(e.getValue().stripTrailingZeros().toPlainString());
        }
        return sb.append('}').toString();
    }
}
