package p402.udfs.cost;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Locale;

/**
 * Turns a provider's own usage object into a disjoint {@link UsageVector}.
 *
 * <p>The shape is detected from the fields; the provider name only settles the one ambiguous case
 * (a bare {@code input_tokens}/{@code output_tokens} pair, which Anthropic and the OpenAI Responses
 * API both use, and which means the same in both when nothing else is present).
 *
 * <ul>
 *   <li><b>Gemini</b> {@code usageMetadata} (camelCase counts): {@code promptTokenCount} includes
 *       {@code cachedContentTokenCount}; {@code thoughtsTokenCount} is beside {@code
 *       candidatesTokenCount}; {@code toolUsePromptTokenCount} is billed as input.
 *   <li><b>OpenAI Chat</b> and compatible providers ({@code prompt_tokens}): the prompt includes
 *       {@code prompt_tokens_details.cached_tokens} (DeepSeek: {@code prompt_cache_hit_tokens}) and
 *       {@code cache_write_tokens}; the completion includes {@code
 *       completion_tokens_details.reasoning_tokens}.
 *   <li><b>Anthropic</b> (cache fields, or provider {@code anthropic}): {@code input_tokens}
 *       excludes {@code cache_read_input_tokens} and {@code cache_creation_input_tokens}; the
 *       latter splits by {@code cache_creation.ephemeral_5m_input_tokens}/{@code
 *       ephemeral_1h_input_tokens}, any rest (or all, without a split) being 5-minute writes;
 *       {@code server_tool_use.web_search_requests} counts as per-request units.
 *   <li><b>OpenAI Responses</b> ({@code input_tokens}): like Chat with {@code input_}/{@code
 *       output_} names.
 * </ul>
 *
 * <p>Counts must be integral JSON numbers from 0 to 10^12; an absent or null count is 0. A string
 * is refused rather than parsed: a producer that quotes counts is likely to mangle them too.
 */
public final class UsageNormalizer {

    /** Far above any real request; a count past it is a corrupted field, not usage. */
    public static final long MAX_COUNT = 1_000_000_000_000L;

    private UsageNormalizer() {}

    /**
     * @param provider the call's provider name, lower case; a hint only, the shape decides
     * @param usage the usage object as the provider returned it
     * @throws InvalidUsageException when a count is negative or fractional, or the buckets do not
     *     add up to the provider's totals
     */
    public static UsageVector normalize(String provider, JsonNode usage)
            throws InvalidUsageException {
        if (usage == null || usage.isNull() || usage.isMissingNode()) {
            throw new InvalidUsageException("usage: missing");
        }
        if (!usage.isObject()) {
            throw new InvalidUsageException(
                    "usage: expected an object, got "
                            + usage.getNodeType().name().toLowerCase(Locale.ROOT));
        }
        if (hasAny(
                usage,
                "promptTokenCount",
                "candidatesTokenCount",
                "totalTokenCount",
                "cachedContentTokenCount",
                "thoughtsTokenCount")) {
            return gemini(usage);
        }
        if (hasAny(usage, "prompt_tokens", "completion_tokens")) {
            return openAi(
                    usage,
                    "prompt_tokens",
                    "completion_tokens",
                    "prompt_tokens_details",
                    "completion_tokens_details");
        }
        if (hasAny(
                        usage,
                        "cache_creation_input_tokens",
                        "cache_read_input_tokens",
                        "cache_creation",
                        "server_tool_use")
                || ("anthropic".equals(ModelIds.provider(provider))
                        && !hasAny(
                                usage,
                                "input_tokens_details",
                                "output_tokens_details",
                                "total_tokens"))) {
            return anthropic(usage);
        }
        if (hasAny(usage, "input_tokens", "output_tokens")) {
            return openAi(
                    usage,
                    "input_tokens",
                    "output_tokens",
                    "input_tokens_details",
                    "output_tokens_details");
        }
        throw new InvalidUsageException("usage: no token counts recognised");
    }

    private static UsageVector openAi(
            JsonNode u,
            String promptName,
            String completionName,
            String promptDetails,
            String completionDetails)
            throws InvalidUsageException {
        long prompt = count(u, promptName);
        long completion = count(u, completionName);
        JsonNode pd = u.path(promptDetails);
        JsonNode cd = u.path(completionDetails);

        long cached = count(pd, "cached_tokens");
        if (u.has("prompt_cache_hit_tokens")) {
            long hit = count(u, "prompt_cache_hit_tokens");
            if (present(pd, "cached_tokens") && hit != cached) {
                throw new InvalidUsageException(
                        "usage: prompt_cache_hit_tokens " + hit + " != cached_tokens " + cached);
            }
            cached = hit;
            if (u.has("prompt_cache_miss_tokens")) {
                long miss = count(u, "prompt_cache_miss_tokens");
                if (hit + miss != prompt) {
                    throw new InvalidUsageException(
                            "usage: prompt_cache_hit_tokens + prompt_cache_miss_tokens "
                                    + (hit + miss)
                                    + " != "
                                    + promptName
                                    + " "
                                    + prompt);
                }
            }
        }
        long writes = count(pd, "cache_write_tokens");
        long reasoning = count(cd, "reasoning_tokens");

        if (writes == 0 && cached > prompt) {
            throw new InvalidUsageException(
                    "usage: cached_tokens " + cached + " exceeds " + promptName + " " + prompt);
        }
        if (cached + writes > prompt) {
            throw new InvalidUsageException(
                    "usage: cached_tokens + cache_write_tokens "
                            + (cached + writes)
                            + " exceeds "
                            + promptName
                            + " "
                            + prompt);
        }
        if (reasoning > completion) {
            throw new InvalidUsageException(
                    "usage: reasoning_tokens "
                            + reasoning
                            + " exceeds "
                            + completionName
                            + " "
                            + completion);
        }
        if (present(u, "total_tokens")) {
            long total = count(u, "total_tokens");
            if (total != prompt + completion) {
                throw new InvalidUsageException(
                        "usage: total_tokens "
                                + total
                                + " != "
                                + promptName
                                + " + "
                                + completionName
                                + " "
                                + (prompt + completion));
            }
        }
        return new UsageVector(
                prompt - cached - writes, cached, writes, 0, completion - reasoning, reasoning, 0);
    }

    private static UsageVector anthropic(JsonNode u) throws InvalidUsageException {
        long input = count(u, "input_tokens");
        long output = count(u, "output_tokens");
        long read = count(u, "cache_read_input_tokens");
        long creation = count(u, "cache_creation_input_tokens");
        long write5m = creation;
        long write1h = 0;

        JsonNode split = u.path("cache_creation");
        if (split.isObject()) {
            long split5m = count(split, "ephemeral_5m_input_tokens");
            long split1h = count(split, "ephemeral_1h_input_tokens");
            if (!present(u, "cache_creation_input_tokens")) {
                creation = split5m + split1h;
            }
            if (split5m + split1h > creation) {
                throw new InvalidUsageException(
                        "usage: ephemeral_5m_input_tokens + ephemeral_1h_input_tokens "
                                + (split5m + split1h)
                                + " exceeds cache_creation_input_tokens "
                                + creation);
            }
            // Tokens the split leaves out were written with the default TTL, which is 5 minutes.
            write1h = split1h;
            write5m = creation - split1h;
        }
        long searches = count(u.path("server_tool_use"), "web_search_requests");
        return new UsageVector(input, read, write5m, write1h, output, 0, searches);
    }

    private static UsageVector gemini(JsonNode u) throws InvalidUsageException {
        long prompt = count(u, "promptTokenCount");
        long cached = count(u, "cachedContentTokenCount");
        long candidates = count(u, "candidatesTokenCount");
        long thoughts = count(u, "thoughtsTokenCount");
        long toolUse = count(u, "toolUsePromptTokenCount");
        if (cached > prompt) {
            throw new InvalidUsageException(
                    "usage: cachedContentTokenCount "
                            + cached
                            + " exceeds promptTokenCount "
                            + prompt);
        }
        if (present(u, "totalTokenCount")) {
            long total = count(u, "totalTokenCount");
            long sum = prompt + toolUse + candidates + thoughts;
            if (total != sum) {
                throw new InvalidUsageException(
                        "usage: totalTokenCount "
                                + total
                                + " != promptTokenCount + toolUsePromptTokenCount"
                                + " + candidatesTokenCount + thoughtsTokenCount "
                                + sum);
            }
        }
        return new UsageVector(prompt - cached + toolUse, cached, 0, 0, candidates, thoughts, 0);
    }

    private static boolean hasAny(JsonNode u, String... fields) {
        for (String f : fields) {
            if (u.has(f)) {
                return true;
            }
        }
        return false;
    }

    private static boolean present(JsonNode parent, String field) {
        JsonNode n = parent.get(field);
        return n != null && !n.isNull();
    }

    /** An exact, non-negative integral count; 0 when absent or null. */
    static long count(JsonNode parent, String field) throws InvalidUsageException {
        if (parent == null || !parent.isObject()) {
            return 0;
        }
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return 0;
        }
        if (n.isTextual()) {
            throw new InvalidUsageException(
                    "usage: "
                            + field
                            + " is a string (\""
                            + abbreviate(n.asText())
                            + "\"), expected an integer");
        }
        if (!n.isNumber()) {
            throw new InvalidUsageException(
                    "usage: " + field + " is not a number: " + abbreviate(n.toString()));
        }
        BigInteger value;
        if (n.isIntegralNumber()) {
            value = n.bigIntegerValue();
        } else {
            BigDecimal d;
            try {
                d = n.decimalValue();
            } catch (NumberFormatException nan) {
                throw new InvalidUsageException("usage: " + field + " is not finite: " + n);
            }
            if (d.signum() != 0 && d.stripTrailingZeros().scale() > 0) {
                throw new InvalidUsageException("usage: fractional " + field + " " + n.asText());
            }
            value = d.toBigIntegerExact();
        }
        if (value.signum() < 0) {
            throw new InvalidUsageException("usage: negative " + field + " " + value);
        }
        if (value.compareTo(BigInteger.valueOf(MAX_COUNT)) > 0) {
            throw new InvalidUsageException("usage: " + field + " " + value + " exceeds 10^12");
        }
        return value.longValueExact();
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
