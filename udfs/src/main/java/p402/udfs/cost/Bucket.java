package p402.udfs.cost;

/**
 * The disjoint parts of one call's usage that carry a price of their own. The key is the name used
 * in price-book JSON.
 */
public enum Bucket {
    INPUT("input"),
    CACHE_READ("cache_read"),
    CACHE_WRITE_5M("cache_write_5m"),
    CACHE_WRITE_1H("cache_write_1h"),
    OUTPUT("output"),
    REASONING("reasoning"),
    REQUEST("per_request");

    private final String key;

    Bucket(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }

    public long count(UsageVector usage) {
        switch (this) {
            case INPUT:
                return usage.uncachedInput;
            case CACHE_READ:
                return usage.cacheRead;
            case CACHE_WRITE_5M:
                return usage.cacheWrite5m;
            case CACHE_WRITE_1H:
                return usage.cacheWrite1h;
            case OUTPUT:
                return usage.visibleOutput;
            case REASONING:
                return usage.reasoning;
            case REQUEST:
                return usage.requests;
            default:
                throw new AssertionError(this);
        }
    }

    public static Bucket fromKey(String key) {
        for (Bucket b : values()) {
            if (b.key.equals(key)) {
                return b;
            }
        }
        throw new IllegalArgumentException("unknown price bucket '" + key + "'");
    }
}
