package p402.udfs.cost;

import java.io.Serializable;

/**
 * One call's usage split into disjoint buckets, each priced exactly once.
 *
 * <p>Providers report overlapping totals (OpenAI counts cached tokens inside the prompt and
 * reasoning inside the completion; Anthropic reports cache reads and writes beside the input).
 * {@link UsageNormalizer} turns each shape into this vector, so no token is priced twice or not at
 * all.
 */
public final class UsageVector implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final UsageVector EMPTY = new UsageVector(0, 0, 0, 0, 0, 0, 0);

    /** Input tokens read neither from nor into a cache. */
    public final long uncachedInput;

    /** Input tokens served from the provider's prompt cache. */
    public final long cacheRead;

    /** Input tokens written into a cache that lives 5 minutes (Anthropic's default). */
    public final long cacheWrite5m;

    /** Input tokens written into a cache that lives 1 hour. */
    public final long cacheWrite1h;

    /** Output tokens the caller saw, reasoning excluded. */
    public final long visibleOutput;

    /** Reasoning ("thinking") tokens, billed but not shown. */
    public final long reasoning;

    /** Per-request units (web searches, images, ...) that carry a fee per unit. */
    public final long requests;

    public UsageVector(
            long uncachedInput,
            long cacheRead,
            long cacheWrite5m,
            long cacheWrite1h,
            long visibleOutput,
            long reasoning,
            long requests) {
        this.uncachedInput = uncachedInput;
        this.cacheRead = cacheRead;
        this.cacheWrite5m = cacheWrite5m;
        this.cacheWrite1h = cacheWrite1h;
        this.visibleOutput = visibleOutput;
        this.reasoning = reasoning;
        this.requests = requests;
    }

    /** Every input token of the request: uncached, cache reads and cache writes. */
    public long inputTokens() {
        return uncachedInput + cacheRead + cacheWrite5m + cacheWrite1h;
    }

    public long cacheWriteTokens() {
        return cacheWrite5m + cacheWrite1h;
    }

    /** Every output token billed: visible output plus reasoning. */
    public long outputTokens() {
        return visibleOutput + reasoning;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof UsageVector)) {
            return false;
        }
        UsageVector u = (UsageVector) o;
        return uncachedInput == u.uncachedInput
                && cacheRead == u.cacheRead
                && cacheWrite5m == u.cacheWrite5m
                && cacheWrite1h == u.cacheWrite1h
                && visibleOutput == u.visibleOutput
                && reasoning == u.reasoning
                && requests == u.requests;
    }

    @Override
    public int hashCode() {
        long h = uncachedInput;
        h = 31 * h + cacheRead;
        h = 31 * h + cacheWrite5m;
        h = 31 * h + cacheWrite1h;
        h = 31 * h + visibleOutput;
        h = 31 * h + reasoning;
        h = 31 * h + requests;
        return Long.hashCode(h);
    }

    @Override
    public String toString() {
        return "UsageVector{uncachedInput="
                + uncachedInput
                + ", cacheRead="
                + cacheRead
                + ", cacheWrite5m="
                + cacheWrite5m
                + ", cacheWrite1h="
                + cacheWrite1h
                + ", visibleOutput="
                + visibleOutput
                + ", reasoning="
                + reasoning
                + ", requests="
                + requests
                + '}';
    }
}
