package p402.udfs.cost;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Turns a provider's own usage object into a disjoint {@link UsageVector}.
 *
 * <p>Placeholder: the real shapes (OpenAI Chat and Responses, Anthropic, Gemini, DeepSeek) and
 * their invariants are owed by the cost-engine work.
 */
public final class UsageNormalizer {

    private UsageNormalizer() {}

    /**
     * @param provider the call's provider name, lower case; a hint only, the shape decides
     * @param usage the usage object as the provider returned it
     * @throws InvalidUsageException when a count is negative or fractional, or the buckets do not
     *     add up to the provider's totals
     */
    public static UsageVector normalize(String provider, JsonNode usage)
            throws InvalidUsageException {
        long prompt = usage.path("prompt_tokens").asLong(usage.path("input_tokens").asLong(0));
        long completion =
                usage.path("completion_tokens").asLong(usage.path("output_tokens").asLong(0));
        if (prompt < 0 || completion < 0) {
            throw new InvalidUsageException("negative token count");
        }
        return new UsageVector(prompt, 0, 0, 0, completion, 0, 0);
    }
}
