package p402.udfs.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static p402.udfs.cost.UsageNormalizerTest.json;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every expected cost is worked out by hand in the comment beside it, from the per-token prices of
 * the built-in book (LiteLLM's 2026-07-24 table) or of the small book written in the test.
 */
class CostEngineTest {

    static final String LATE_2026 = "2026-12-03T18:00:00Z";

    static Arguments priced(
            String name,
            String provider,
            String model,
            String tier,
            String usage,
            String at,
            String expectedUsd,
            String expectedVersion) {
        return Arguments.of(name, provider, model, tier, usage, at, expectedUsd, expectedVersion);
    }

    static Stream<Arguments> builtInCases() {
        return Stream.of(
                // gpt-4o: input 0.0000025, cache read 0.00000125, output 0.00001, no reasoning
                // price. 700 * 0.0000025 = 0.00175; 300 * 0.00000125 = 0.000375;
                // visible 300 * 0.00001 = 0.003; reasoning 200 * 0.00001 = 0.002.
                // 0.00175 + 0.000375 + 0.003 + 0.002 = 0.007125
                priced(
                        "openai chat, cached and reasoning, dated id falls back to gpt-4o",
                        "openai",
                        "gpt-4o-2024-08-06",
                        "default",
                        "{'prompt_tokens': 1000, 'completion_tokens': 500, 'total_tokens': 1500,"
                                + " 'prompt_tokens_details': {'cached_tokens': 300},"
                                + " 'completion_tokens_details': {'reasoning_tokens': 200}}",
                        LATE_2026,
                        "0.007125",
                        "builtin-2026-07-24:openai/gpt-4o"),
                // gpt-4o-2024-05-13 has its own entry: input 0.000005, output 0.000015.
                // 1000 * 0.000005 = 0.005; 100 * 0.000015 = 0.0015. 0.005 + 0.0015 = 0.0065
                priced(
                        "dated snapshot with prices of its own",
                        "openai",
                        "openai/GPT-4o-2024-05-13",
                        null,
                        "{'prompt_tokens': 1000, 'completion_tokens': 100}",
                        LATE_2026,
                        "0.0065",
                        "builtin-2026-07-24:openai/gpt-4o-2024-05-13"),
                // o4-mini: input 0.0000011, cache read 0.000000275, output 0.0000044.
                // 500 * 0.0000011 = 0.00055; 1500 * 0.000000275 = 0.0004125;
                // visible 200 * 0.0000044 = 0.00088; reasoning 1000 * 0.0000044 = 0.0044.
                // 0.00055 + 0.0004125 + 0.00088 + 0.0044 = 0.0062425
                priced(
                        "openai responses, reasoning model without a reasoning price",
                        "openai",
                        "o4-mini",
                        "default",
                        "{'input_tokens': 2000, 'output_tokens': 1200, 'total_tokens': 3200,"
                                + " 'input_tokens_details': {'cached_tokens': 1500},"
                                + " 'output_tokens_details': {'reasoning_tokens': 1000}}",
                        LATE_2026,
                        "0.0062425",
                        "builtin-2026-07-24:openai/o4-mini"),
                // claude-sonnet-4-5: input 0.000003, cache read 0.0000003, write 5m 0.00000375,
                // write 1h 0.000006, output 0.000015. Input 23,100 is under 200k.
                // 100 * 0.000003 = 0.0003; 20000 * 0.0000003 = 0.006;
                // 2000 * 0.00000375 = 0.0075; 1000 * 0.000006 = 0.006; 800 * 0.000015 = 0.012.
                // 0.0003 + 0.006 + 0.0075 + 0.006 + 0.012 = 0.0318
                priced(
                        "anthropic with cache reads and both cache-write durations",
                        "anthropic",
                        "claude-sonnet-4-5-20250929",
                        "standard",
                        "{'input_tokens': 100, 'output_tokens': 800,"
                                + " 'cache_read_input_tokens': 20000,"
                                + " 'cache_creation_input_tokens': 3000,"
                                + " 'cache_creation': {'ephemeral_5m_input_tokens': 2000,"
                                + " 'ephemeral_1h_input_tokens': 1000}}",
                        LATE_2026,
                        "0.0318",
                        "builtin-2026-07-24:anthropic/claude-sonnet-4-5"),
                // Input 150000 + 60000 + 1000 + 1000 = 212,000 > 200,000: the long-context
                // prices apply to every token. input 0.000006, cache read 0.0000006,
                // write 5m 0.0000075, write 1h 0.000012, output 0.0000225.
                // 150000 * 0.000006 = 0.9; 60000 * 0.0000006 = 0.036;
                // 1000 * 0.0000075 = 0.0075; 1000 * 0.000012 = 0.012; 1000 * 0.0000225 = 0.0225.
                // 0.9 + 0.036 + 0.0075 + 0.012 + 0.0225 = 0.978
                priced(
                        "anthropic past 200k: cache reads and writes re-priced too",
                        "anthropic",
                        "claude-sonnet-4-5",
                        "standard",
                        "{'input_tokens': 150000, 'output_tokens': 1000,"
                                + " 'cache_read_input_tokens': 60000,"
                                + " 'cache_creation_input_tokens': 2000,"
                                + " 'cache_creation': {'ephemeral_5m_input_tokens': 1000,"
                                + " 'ephemeral_1h_input_tokens': 1000}}",
                        LATE_2026,
                        "0.978",
                        "builtin-2026-07-24:anthropic/claude-sonnet-4-5"),
                // claude-sonnet-4-5: input 0.000003, output 0.000015, web search 0.01 each.
                // 100 * 0.000003 = 0.0003; 50 * 0.000015 = 0.00075; 3 * 0.01 = 0.03.
                // 0.0003 + 0.00075 + 0.03 = 0.03105
                priced(
                        "anthropic web searches carry a per-request fee",
                        "anthropic",
                        "claude-sonnet-4-5-20250929",
                        null,
                        "{'input_tokens': 100, 'output_tokens': 50,"
                                + " 'server_tool_use': {'web_search_requests': 3}}",
                        LATE_2026,
                        "0.03105",
                        "builtin-2026-07-24:anthropic/claude-sonnet-4-5"),
                // Alias claude-sonnet-4-0 -> claude-sonnet-4: input 0.000003, output 0.000015.
                // 1000 * 0.000003 = 0.003; 100 * 0.000015 = 0.0015. 0.003 + 0.0015 = 0.0045
                priced(
                        "alias table",
                        "anthropic",
                        "claude-sonnet-4-0",
                        null,
                        "{'input_tokens': 1000, 'output_tokens': 100}",
                        LATE_2026,
                        "0.0045",
                        "builtin-2026-07-24:anthropic/claude-sonnet-4"),
                // gemini-2.5-pro, prompt 250,000 > 200,000: long-context input 0.0000025,
                // cache read 0.00000025, output 0.000015; thoughts have no price of their own
                // and are billed as long-context output.
                // uncached 150000 * 0.0000025 = 0.375; cached 100000 * 0.00000025 = 0.025;
                // candidates 2000 * 0.000015 = 0.03; thoughts 3000 * 0.000015 = 0.045.
                // 0.375 + 0.025 + 0.03 + 0.045 = 0.475
                priced(
                        "gemini thoughts and a prompt past the long-context threshold",
                        "google",
                        "models/gemini-2.5-pro",
                        null,
                        "{'promptTokenCount': 250000, 'cachedContentTokenCount': 100000,"
                                + " 'candidatesTokenCount': 2000, 'thoughtsTokenCount': 3000,"
                                + " 'totalTokenCount': 255000}",
                        LATE_2026,
                        "0.475",
                        "builtin-2026-07-24:google/gemini-2.5-pro"),
                // The same shape under the threshold: input 0.00000125, cache read
                // 0.000000125, output 0.00001.
                // 50000 * 0.00000125 = 0.0625; 100000 * 0.000000125 = 0.0125;
                // (2000 + 3000) * 0.00001 = 0.05. 0.0625 + 0.0125 + 0.05 = 0.125
                priced(
                        "gemini under the threshold",
                        "google",
                        "gemini-2.5-pro",
                        null,
                        "{'promptTokenCount': 150000, 'cachedContentTokenCount': 100000,"
                                + " 'candidatesTokenCount': 2000, 'thoughtsTokenCount': 3000,"
                                + " 'totalTokenCount': 155000}",
                        LATE_2026,
                        "0.125",
                        "builtin-2026-07-24:google/gemini-2.5-pro"),
                // Exactly 200,000 is not above 200,000: 200000 * 0.00000125 = 0.25
                priced(
                        "gemini exactly at the threshold stays standard",
                        "google",
                        "gemini-2.5-pro",
                        null,
                        "{'promptTokenCount': 200000, 'totalTokenCount': 200000}",
                        LATE_2026,
                        "0.25",
                        "builtin-2026-07-24:google/gemini-2.5-pro"),
                // o3 flex: input 0.000001, cache read 0.00000025, output 0.000004.
                // 6000 * 0.000001 = 0.006; 4000 * 0.00000025 = 0.001;
                // visible 500 * 0.000004 = 0.002; reasoning 2500 * 0.000004 = 0.01.
                // 0.006 + 0.001 + 0.002 + 0.01 = 0.019
                priced(
                        "flex tier, explicit prices",
                        "openai",
                        "o3",
                        "flex",
                        "{'prompt_tokens': 10000, 'completion_tokens': 3000,"
                                + " 'prompt_tokens_details': {'cached_tokens': 4000},"
                                + " 'completion_tokens_details': {'reasoning_tokens': 2500}}",
                        LATE_2026,
                        "0.019",
                        "builtin-2026-07-24:openai/o3"),
                // gpt-4o-mini batch: explicit input 0.000000075 and output 0.0000003; cache read
                // has no batch price, so the 0.5 multiplier: 0.000000075 * 0.5 = 0.0000000375.
                // 8000 * 0.000000075 = 0.0006; 2000 * 0.0000000375 = 0.000075;
                // 1000 * 0.0000003 = 0.0003. 0.0006 + 0.000075 + 0.0003 = 0.000975
                priced(
                        "batch tier, explicit prices and the multiplier for the rest",
                        "openai",
                        "gpt-4o-mini",
                        "batch",
                        "{'prompt_tokens': 10000, 'completion_tokens': 1000,"
                                + " 'prompt_tokens_details': {'cached_tokens': 2000}}",
                        LATE_2026,
                        "0.000975",
                        "builtin-2026-07-24:openai/gpt-4o-mini"),
                // claude-haiku-4-5 batch, multiplier only: input 0.000001 * 0.5 = 0.0000005;
                // cache read 0.0000001 * 0.5 = 0.00000005; output 0.000005 * 0.5 = 0.0000025.
                // 1000 * 0.0000005 = 0.0005; 10000 * 0.00000005 = 0.0005;
                // 500 * 0.0000025 = 0.00125. 0.0005 + 0.0005 + 0.00125 = 0.00225
                priced(
                        "batch tier by multiplier",
                        "anthropic",
                        "claude-haiku-4-5",
                        "batch",
                        "{'input_tokens': 1000, 'output_tokens': 500,"
                                + " 'cache_read_input_tokens': 10000}",
                        LATE_2026,
                        "0.00225",
                        "builtin-2026-07-24:anthropic/claude-haiku-4-5"),
                // deepseek-reasoner: input 0.00000028, cache read 0.000000028, output
                // 0.00000042, reasoning billed as output.
                // 400 * 0.00000028 = 0.000112; 600 * 0.000000028 = 0.0000168;
                // 500 * 0.00000042 = 0.00021; 1500 * 0.00000042 = 0.00063.
                // 0.000112 + 0.0000168 + 0.00021 + 0.00063 = 0.0009688
                priced(
                        "deepseek reasoner, hit/miss cache names",
                        "deepseek",
                        "deepseek-reasoner",
                        null,
                        "{'prompt_tokens': 1000, 'completion_tokens': 2000, 'total_tokens': 3000,"
                            + " 'prompt_cache_hit_tokens': 600, 'prompt_cache_miss_tokens': 400,"
                            + " 'completion_tokens_details': {'reasoning_tokens': 1500}}",
                        LATE_2026,
                        "0.0009688",
                        "builtin-2026-07-24:deepseek/deepseek-reasoner"),
                // o3 before LiteLLM saw its 2025-06-11 cut: input 0.00001, cache read
                // 0.0000025, output 0.00004.
                // 8000 * 0.00001 = 0.08; 2000 * 0.0000025 = 0.005; (400 + 600) * 0.00004 = 0.04.
                // 0.08 + 0.005 + 0.04 = 0.125
                priced(
                        "the built-in book keeps o3's earlier price",
                        "openai",
                        "o3",
                        null,
                        O3_USAGE,
                        "2025-06-01T00:00:00Z",
                        "0.125",
                        "builtin-2026-07-24:openai/o3@2025-02-06"),
                // A call with no tokens at all costs nothing, and says so with a price version.
                priced(
                        "zero usage is a real zero",
                        "openai",
                        "gpt-4o",
                        null,
                        "{'prompt_tokens': 0, 'completion_tokens': 0}",
                        LATE_2026,
                        "0",
                        "builtin-2026-07-24:openai/gpt-4o"));
    }

    static final String O3_USAGE =
            "{'prompt_tokens': 10000, 'completion_tokens': 1000,"
                    + " 'prompt_tokens_details': {'cached_tokens': 2000},"
                    + " 'completion_tokens_details': {'reasoning_tokens': 600}}";

    @ParameterizedTest(name = "{0}")
    @MethodSource("builtInCases")
    void pricesWithTheBuiltInBook(
            String name,
            String provider,
            String model,
            String tier,
            String usage,
            String at,
            String expectedUsd,
            String expectedVersion)
            throws Exception {
        CostQuote quote =
                CostEngine.builtIn()
                        .quote(
                                provider,
                                model,
                                UsageNormalizer.normalize(provider, json(usage)),
                                tier,
                                Instant.parse(at).toEpochMilli());

        assertThat(quote.isPriced()).as(quote.toString()).isTrue();
        assertThat(quote.costUsd).isEqualByComparingTo(new BigDecimal(expectedUsd));
        assertThat(quote.priceVersion).isEqualTo(expectedVersion);
    }

    static Stream<Arguments> unpricedCases() {
        return Stream.of(
                Arguments.of(
                        "openai",
                        "gpt-9",
                        null,
                        "{'prompt_tokens': 1, 'completion_tokens': 1}",
                        LATE_2026,
                        "no price for openai/gpt-9 at 2026-12-03T18:00:00Z"),
                Arguments.of(
                        "acme",
                        "gpt-4o",
                        null,
                        "{'prompt_tokens': 1, 'completion_tokens': 1}",
                        LATE_2026,
                        "no price for acme/gpt-4o at 2026-12-03T18:00:00Z"),
                Arguments.of(
                        "openai",
                        "gpt-4o",
                        null,
                        "{'prompt_tokens': 1, 'completion_tokens': 1}",
                        "2024-05-01T00:00:00Z",
                        "no price for openai/gpt-4o at 2024-05-01T00:00:00Z"
                                + " (its first price is from 2025-02-06T00:00:00Z)"),
                Arguments.of(
                        "openai",
                        "gpt-4o",
                        "flex",
                        "{'prompt_tokens': 1, 'completion_tokens': 1}",
                        LATE_2026,
                        "no input price in builtin-2026-07-24:openai/gpt-4o for service tier flex"),
                Arguments.of(
                        "openai",
                        "gpt-4o",
                        "scale",
                        "{'prompt_tokens': 1, 'completion_tokens': 0}",
                        LATE_2026,
                        "no input price in builtin-2026-07-24:openai/gpt-4o for service tier"
                                + " scale"),
                // gpt-4o has no cache-write price: a write must not be priced at $0.
                Arguments.of(
                        "openai",
                        "gpt-4o",
                        null,
                        "{'input_tokens': 100, 'output_tokens': 1,"
                                + " 'input_tokens_details': {'cache_write_tokens': 50}}",
                        LATE_2026,
                        "no cache_write_5m price in builtin-2026-07-24:openai/gpt-4o"),
                Arguments.of(
                        "google",
                        "gemini-2.5-pro",
                        "priority",
                        "{'promptTokenCount': 300000, 'cachedContentTokenCount': 1000}",
                        LATE_2026,
                        "no cache_read price in builtin-2026-07-24:google/gemini-2.5-pro for"
                                + " service tier priority above 200000 input tokens"),
                Arguments.of(
                        "openai",
                        " ",
                        null,
                        "{'prompt_tokens': 1, 'completion_tokens': 1}",
                        LATE_2026,
                        "no model for provider openai"));
    }

    @ParameterizedTest(name = "{5}")
    @MethodSource("unpricedCases")
    void unpricedRatherThanZero(
            String provider, String model, String tier, String usage, String at, String reason)
            throws Exception {
        CostQuote quote =
                CostEngine.builtIn()
                        .quote(
                                provider,
                                model,
                                UsageNormalizer.normalize(provider, json(usage)),
                                tier,
                                Instant.parse(at).toEpochMilli());

        assertThat(quote.isPriced()).isFalse();
        assertThat(quote.costUsd).isNull();
        assertThat(quote.priceVersion).isNull();
        assertThat(quote.unpricedReason).isEqualTo(reason);
    }

    /**
     * A real change from LiteLLM's history (price_changes_2025-02-06_to_2026-07-24.csv, commit
     * 563aa51, 2025-06-11T00:35:23Z): o3 input 1e-05 -> 2e-06, output 4e-05 -> 8e-06, cache read
     * 2.5e-06 -> 5e-07.
     */
    static final String O3_TWO_VERSIONS =
            "{'format': 'p402.price-book.v1', 'models': [{'provider': 'openai', 'model': 'o3',"
                    + " 'versions': ["
                    + "{'id': 'test:openai/o3@launch', 'effective_from': '2025-04-16T00:00:00Z',"
                    + " 'prices': {'input': '1e-05', 'cache_read': '2.5e-06', 'output': '4e-05'}},"
                    + "{'id': 'test:openai/o3@cut', 'effective_from': '2025-06-11T00:35:23Z',"
                    + " 'prices': {'input': '2e-06', 'cache_read': '5e-07', 'output': '8e-06'}}"
                    + "]}]}";

    static Stream<Arguments> priceChangeCases() {
        return Stream.of(
                // Before: 8000 * 0.00001 = 0.08; 2000 * 0.0000025 = 0.005;
                // visible 400 * 0.00004 = 0.016; reasoning 600 * 0.00004 = 0.024.
                // 0.08 + 0.005 + 0.016 + 0.024 = 0.125
                Arguments.of("2025-06-10T12:00:00Z", "0.125", "test:openai/o3@launch"),
                Arguments.of("2025-06-11T00:35:22.999Z", "0.125", "test:openai/o3@launch"),
                // From the change on: 8000 * 0.000002 = 0.016; 2000 * 0.0000005 = 0.001;
                // 400 * 0.000008 = 0.0032; 600 * 0.000008 = 0.0048.
                // 0.016 + 0.001 + 0.0032 + 0.0048 = 0.025
                Arguments.of("2025-06-11T00:35:23Z", "0.025", "test:openai/o3@cut"),
                Arguments.of("2025-06-12T00:00:00Z", "0.025", "test:openai/o3@cut"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("priceChangeCases")
    void pricesEachCallAtItsOwnEventTime(String at, String expectedUsd, String expectedVersion)
            throws Exception {
        CostEngine engine = CostEngine.of(book(O3_TWO_VERSIONS));

        CostQuote quote =
                engine.quote(
                        "openai",
                        "o3-2025-04-16",
                        UsageNormalizer.normalize("openai", json(O3_USAGE)),
                        null,
                        Instant.parse(at).toEpochMilli());

        assertThat(quote.costUsd).isEqualByComparingTo(new BigDecimal(expectedUsd));
        assertThat(quote.priceVersion).isEqualTo(expectedVersion);
    }

    @Test
    void reasoningWithAPriceOfItsOwn() throws Exception {
        CostEngine engine =
                CostEngine.of(
                        book(
                                "{'format': 'p402.price-book.v1', 'label': 't', 'models': [{"
                                        + "'provider': 'acme', 'model': 'thinker', 'versions': [{"
                                        + "'effective_from': '2026-01-01T00:00:00Z', 'prices':"
                                        + " {'input': '0.000001', 'output': '0.000002',"
                                        + " 'reasoning': '0.000003'}}]}]}"));

        CostQuote quote =
                engine.quote(
                        "acme",
                        "thinker",
                        new UsageVector(100, 0, 0, 0, 100, 100, 0),
                        null,
                        Instant.parse(LATE_2026).toEpochMilli());

        // 100 * 0.000001 = 0.0001; 100 * 0.000002 = 0.0002; 100 * 0.000003 = 0.0003.
        // 0.0001 + 0.0002 + 0.0003 = 0.0006
        assertThat(quote.costUsd).isEqualByComparingTo("0.0006");
        assertThat(quote.priceVersion).isEqualTo("t:acme/thinker");
        assertThat(quote.costUsdText()).isEqualTo("0.0006");
    }

    @Test
    void usageWhoseBucketsDoNotAddUpNeverReachesTheEngine() {
        assertThatThrownBy(
                        () ->
                                UsageNormalizer.normalize(
                                        "openai",
                                        json(
                                                "{'prompt_tokens': 100, 'completion_tokens': 20,"
                                                        + " 'total_tokens': 150}")))
                .isInstanceOf(InvalidUsageException.class)
                .hasMessage("usage: total_tokens 150 != prompt_tokens + completion_tokens 120");
    }

    @Test
    void noUsageIsUnpriced() {
        assertThat(CostEngine.builtIn().quote("openai", "gpt-4o", null, null, 0L).unpricedReason)
                .isEqualTo("no usage");
    }

    @Test
    void survivesJavaSerialisationAsFlinkShipsIt() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(CostEngine.builtIn());
        }
        CostEngine copy;
        try (ObjectInputStream in =
                new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (CostEngine) in.readObject();
        }

        CostQuote quote =
                copy.quote(
                        "openai",
                        "gpt-4o",
                        new UsageVector(1000, 0, 0, 0, 0, 0, 0),
                        null,
                        Instant.parse(LATE_2026).toEpochMilli());
        // 1000 * 0.0000025 = 0.0025
        assertThat(quote.costUsd).isEqualByComparingTo("0.0025");
    }

    static PriceBook book(String json) throws IOException {
        return PriceBook.fromJson(
                new ByteArrayInputStream(json.replace('\'', '"').getBytes(StandardCharsets.UTF_8)));
    }
}
