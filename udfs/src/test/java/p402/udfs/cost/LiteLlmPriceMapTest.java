package p402.udfs.cost;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class LiteLlmPriceMapTest {

    static final Instant SNAPSHOT_2025 = Instant.parse("2025-02-06T00:00:00Z");
    static final Instant SNAPSHOT_2026 = Instant.parse("2026-07-24T00:00:00Z");

    static LiteLlmPriceMap.Import load(String json) throws IOException {
        return LiteLlmPriceMap.load(
                new ByteArrayInputStream(json.replace('\'', '"').getBytes(StandardCharsets.UTF_8)),
                SNAPSHOT_2026,
                "litellm-2026-07-24");
    }

    static Map<String, PriceVersion> byKey(LiteLlmPriceMap.Import imported) {
        return imported.versions().stream()
                .collect(Collectors.toMap(ModelPriceVersion::key, ModelPriceVersion::version));
    }

    @Test
    void mapsLiteLlmFieldsOntoBucketsTiersAndLongContext() throws Exception {
        LiteLlmPriceMap.Import imported =
                load(
                        "{'sample_spec': {'input_cost_per_token': 0.0}, 'gemini/gemini-x':"
                            + " {'litellm_provider': 'gemini', 'mode': 'chat',"
                            + " 'input_cost_per_token': 1.25e-06, 'cache_read_input_token_cost':"
                            + " 1.25e-07, 'output_cost_per_token': 1e-05,"
                            + " 'output_cost_per_reasoning_token': 1.2e-05,"
                            + " 'input_cost_per_token_above_200k_tokens': 2.5e-06,"
                            + " 'output_cost_per_token_above_200k_tokens': 1.5e-05,"
                            + " 'input_cost_per_token_above_200k_tokens_priority': 4.5e-06,"
                            + " 'input_cost_per_token_batches': 6.25e-07,"
                            + " 'input_cost_per_token_flex': 6.3e-07,"
                            + " 'output_cost_per_token_priority': 1.8e-05,"
                            + " 'input_cost_per_audio_token': 1e-06}, 'claude-x':"
                            + " {'litellm_provider': 'anthropic', 'mode': 'chat',"
                            + " 'input_cost_per_token': 3e-06, 'cache_creation_input_token_cost':"
                            + " 3.75e-06, 'cache_creation_input_token_cost_above_1hr': 6e-06,"
                            + " 'cache_creation_input_token_cost_above_1hr_above_200k_tokens':"
                            + " 1.2e-05, 'output_cost_per_token': 1.5e-05}, 'ds':"
                            + " {'litellm_provider': 'deepseek', 'mode': 'chat',"
                            + " 'input_cost_per_token': 2.8e-07, 'input_cost_per_token_cache_hit':"
                            + " 2.8e-08, 'output_cost_per_token': 4.2e-07}, 'text-embedding-x':"
                            + " {'litellm_provider': 'openai', 'mode': 'embedding',"
                            + " 'input_cost_per_token': 1e-08}, 'free-x': {'litellm_provider':"
                            + " 'openai', 'mode': 'chat'}}");
        Map<String, PriceVersion> v = byKey(imported);

        assertThat(v).containsOnlyKeys("google/gemini-x", "anthropic/claude-x", "deepseek/ds");
        assertThat(imported.skipped())
                .containsExactlyInAnyOrder(
                        "text-embedding-x: mode embedding", "free-x: no per-token price");

        PriceVersion gemini = v.get("google/gemini-x");
        assertThat(gemini.id()).isEqualTo("litellm-2026-07-24:google/gemini-x");
        assertThat(gemini.effectiveFrom()).isEqualTo(SNAPSHOT_2026);
        // 1.25e-06 is read from the text as the exact decimal, scale and all.
        assertThat(gemini.prices().get(Bucket.INPUT)).isEqualTo(new BigDecimal("1.25E-6"));
        assertThat(gemini.prices().get(Bucket.REASONING)).isEqualByComparingTo("0.000012");
        assertThat(gemini.price(Bucket.INPUT, "batch", null)).isEqualByComparingTo("6.25e-07");
        assertThat(gemini.price(Bucket.INPUT, "flex", null)).isEqualByComparingTo("6.3e-07");
        assertThat(gemini.price(Bucket.OUTPUT, "priority", null)).isEqualByComparingTo("1.8e-05");
        // No multiplier is invented: batch output has no price.
        assertThat(gemini.price(Bucket.OUTPUT, "batch", null)).isNull();
        PriceVersion.LongContextTier lc = gemini.longContextFor(200_001);
        assertThat(lc.aboveInputTokens()).isEqualTo(200_000);
        assertThat(gemini.price(Bucket.INPUT, PriceVersion.STANDARD, lc))
                .isEqualByComparingTo("2.5e-06");
        assertThat(gemini.price(Bucket.INPUT, "priority", lc)).isEqualByComparingTo("4.5e-06");
        // Past the threshold there is no cache-read price, so none: never the cheaper short one.
        assertThat(gemini.price(Bucket.CACHE_READ, PriceVersion.STANDARD, lc)).isNull();

        PriceVersion claude = v.get("anthropic/claude-x");
        assertThat(claude.prices().get(Bucket.CACHE_WRITE_5M)).isEqualByComparingTo("3.75e-06");
        assertThat(claude.prices().get(Bucket.CACHE_WRITE_1H)).isEqualByComparingTo("6e-06");
        assertThat(claude.longContext().get(0).prices().get(Bucket.CACHE_WRITE_1H))
                .isEqualByComparingTo("1.2e-05");

        assertThat(v.get("deepseek/ds").prices().get(Bucket.CACHE_READ))
                .isEqualByComparingTo("2.8e-08");
    }

    @Test
    void aProviderPrefixedKeyShadowsTheBareOne() throws Exception {
        LiteLlmPriceMap.Import imported =
                load(
                        "{'deepseek-chat': {'litellm_provider': 'deepseek', 'mode': 'chat',"
                            + " 'input_cost_per_token': 6e-07, 'output_cost_per_token': 1.7e-06},"
                            + " 'deepseek/deepseek-chat': {'litellm_provider': 'deepseek',"
                            + " 'input_cost_per_token': 2.7e-07, 'output_cost_per_token':"
                            + " 1.1e-06}}");

        assertThat(byKey(imported).get("deepseek/deepseek-chat").prices().get(Bucket.INPUT))
                .isEqualByComparingTo("2.7e-07");
        assertThat(imported.skipped())
                .containsExactly("deepseek-chat: shadowed by deepseek/deepseek-chat");
    }

    @Test
    void importingARealSlipIsRefusedByTheBook() throws Exception {
        // gemini-2.0-flash-001 as LiteLLM had it before and after commit 9810af3 (2025-02-07):
        // per 1k tokens by mistake, then per token.
        LiteLlmPriceMap.Import before =
                LiteLlmPriceMap.load(
                        bytes(
                                "{'gemini-2.0-flash-001': {'litellm_provider':"
                                        + " 'vertex_ai-language-models', 'mode': 'chat',"
                                        + " 'input_cost_per_token': 0.00015,"
                                        + " 'output_cost_per_token': 0.0006}}"),
                        Instant.parse("2025-02-06T00:00:00Z"),
                        "litellm-a");
        LiteLlmPriceMap.Import after =
                LiteLlmPriceMap.load(
                        bytes(
                                "{'gemini-2.0-flash-001': {'litellm_provider':"
                                        + " 'vertex_ai-language-models', 'mode': 'chat',"
                                        + " 'input_cost_per_token': 1.5e-07,"
                                        + " 'output_cost_per_token': 6e-07}}"),
                        Instant.parse("2025-02-07T00:30:08Z"),
                        "litellm-b");

        PriceBook.Merge first = PriceBook.empty().withVersions(before.versions());
        PriceBook.Merge second = first.book().withVersions(after.versions());

        assertThat(first.added()).isEqualTo(1);
        assertThat(second.added()).isZero();
        assertThat(second.rejected())
                .singleElement()
                .satisfies(
                        r -> {
                            assertThat(r.versionId())
                                    .isEqualTo("litellm-b:vertex_ai/gemini-2.0-flash-001");
                            assertThat(r.reason()).contains("prices.input 0.00015 -> 0.00000015");
                        });
    }

    // The two real snapshots from ../shared; skipped where that checkout is absent.

    @Test
    void realSnapshotsBecomeTwoVersionsOfEachSurvivingModel() throws Exception {
        Path older =
                SharedData.file(
                        "litellm-model-prices/model_prices_and_context_window.2025-02-06.json");
        Path newer =
                SharedData.file(
                        "litellm-model-prices/model_prices_and_context_window.2026-07-24.json");

        LiteLlmPriceMap.Import a = LiteLlmPriceMap.load(older, SNAPSHOT_2025, "litellm-2025-02-06");
        LiteLlmPriceMap.Import b = LiteLlmPriceMap.load(newer, SNAPSHOT_2026, "litellm-2026-07-24");
        PriceBook.Merge first = PriceBook.empty().withVersions(a.versions());
        PriceBook.Merge second = first.book().withVersions(b.versions());
        PriceBook book = second.book();

        assertThat(first.rejected()).isEmpty();
        assertThat(first.added()).isGreaterThan(500);
        assertThat(second.added()).isGreaterThan(2000);
        // Every refusal names the factor rule; a real jump between the snapshots would be listed.
        assertThat(second.rejected())
                .allSatisfy(r -> assertThat(r.reason()).contains("factor of 100"));

        // deepseek-chat: 0.00000014 in 2025-02 (promotion), 0.00000028 in 2026-07.
        CostEngine engine = CostEngine.of(book);
        UsageVector million = new UsageVector(1_000_000, 0, 0, 0, 0, 0, 0);
        CostQuote early =
                engine.quote(
                        "deepseek",
                        "deepseek-chat",
                        million,
                        null,
                        Instant.parse("2025-03-01T00:00:00Z").toEpochMilli());
        CostQuote late =
                engine.quote(
                        "deepseek",
                        "deepseek-chat",
                        million,
                        null,
                        Instant.parse("2026-08-01T00:00:00Z").toEpochMilli());
        // 1,000,000 * 0.00000014 = 0.14; 1,000,000 * 0.00000028 = 0.28
        assertThat(early.costUsd).isEqualByComparingTo("0.14");
        assertThat(early.priceVersion).isEqualTo("litellm-2025-02-06:deepseek/deepseek-chat");
        assertThat(late.costUsd).isEqualByComparingTo("0.28");
        assertThat(late.priceVersion).isEqualTo("litellm-2026-07-24:deepseek/deepseek-chat");

        // Loading the same snapshot again adds and refuses nothing.
        PriceBook.Merge again = book.withVersions(b.versions());
        assertThat(again.added()).isZero();
        assertThat(again.rejected()).isEmpty();
    }

    /**
     * builtin.json is curated by hand from the 2026-07-24 snapshot: its newest version of each
     * model must carry exactly the snapshot's prices, plus the batch multiplier LiteLLM does not
     * express.
     */
    @Test
    void builtInBookAgreesWithTheSnapshotItCameFrom() throws Exception {
        Path newer =
                SharedData.file(
                        "litellm-model-prices/model_prices_and_context_window.2026-07-24.json");
        Map<String, String> sourceKeys =
                Map.ofEntries(
                        Map.entry("anthropic/claude-opus-4", "claude-opus-4-20250514"),
                        Map.entry("anthropic/claude-sonnet-4", "claude-sonnet-4-20250514"),
                        Map.entry("anthropic/claude-3-7-sonnet", "claude-3-7-sonnet-20250219"));
        Map<String, PriceVersion> snapshot = byKey(LiteLlmPriceMap.load(newer, SNAPSHOT_2026, "x"));

        PriceBook builtIn = PriceBook.builtIn();
        assertThat(builtIn.keys()).hasSizeGreaterThan(25);
        for (String key : builtIn.keys()) {
            List<PriceVersion> versions = builtIn.versions(key);
            PriceVersion newest = versions.get(versions.size() - 1);
            String provider = key.substring(0, key.indexOf('/'));
            String sourceKey =
                    sourceKeys.containsKey(key) ? provider + "/" + sourceKeys.get(key) : key;
            PriceVersion expected = snapshot.get(sourceKey);
            assertThat(expected).as("snapshot entry for " + key).isNotNull();

            Map<String, BigDecimal> ours = newest.flatten();
            ours.remove("tiers.batch.multiplier");
            ours.remove("prices.per_request");
            Map<String, BigDecimal> theirs = expected.flatten();
            assertThat(ours.keySet()).as(key).isEqualTo(theirs.keySet());
            ours.forEach(
                    (path, price) ->
                            assertThat(price)
                                    .as(key + " " + path)
                                    .isEqualByComparingTo(theirs.get(path)));
        }
    }

    static ByteArrayInputStream bytes(String json) {
        return new ByteArrayInputStream(json.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
    }
}
