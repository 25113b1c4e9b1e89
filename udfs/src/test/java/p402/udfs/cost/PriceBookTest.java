package p402.udfs.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static p402.udfs.cost.CostEngineTest.book;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PriceBookTest {

    static final Instant T0 = Instant.parse("2025-02-06T00:00:00Z");

    static ModelPriceVersion version(
            String provider, String model, String id, Instant from, String input, String output) {
        return new ModelPriceVersion(
                provider,
                model,
                PriceVersion.of(
                        id,
                        from,
                        BucketPrices.of(
                                Map.of(
                                        Bucket.INPUT, new BigDecimal(input),
                                        Bucket.OUTPUT, new BigDecimal(output)))));
    }

    static final PriceBook IDS =
            PriceBook.of(
                            List.of(
                                    version("openai", "gpt-4o", "a", T0, "1", "1"),
                                    version("openai", "gpt-4o-2024-05-13", "b", T0, "2", "2"),
                                    version("anthropic", "claude-3-5-sonnet", "c", T0, "3", "3"),
                                    version("google", "gemini-2.5-pro", "d", T0, "4", "4")),
                            Map.of("anthropic/claude-3-5-sonnet-latest", "claude-3-5-sonnet"))
                    .withAlias("openai", "chatgpt-4o-latest", "gpt-4o");

    static Stream<Arguments> modelIds() {
        return Stream.of(
                Arguments.of("openai", "gpt-4o", "openai/gpt-4o"),
                Arguments.of(" OpenAI ", "GPT-4o ", "openai/gpt-4o"),
                Arguments.of("openai", "openai/gpt-4o", "openai/gpt-4o"),
                Arguments.of("openai", "gpt-4o-2024-08-06", "openai/gpt-4o"),
                Arguments.of("openai", "gpt-4o-2024-05-13", "openai/gpt-4o-2024-05-13"),
                Arguments.of("openai", "chatgpt-4o-latest", "openai/gpt-4o"),
                Arguments.of("openai", "gpt-4o-mini", null),
                Arguments.of("openai", "gpt-4", null),
                Arguments.of(
                        "anthropic", "claude-3-5-sonnet-20241022", "anthropic/claude-3-5-sonnet"),
                Arguments.of(
                        "anthropic",
                        "anthropic/claude-3-5-sonnet-latest",
                        "anthropic/claude-3-5-sonnet"),
                Arguments.of(
                        "anthropic", "claude-3-5-sonnet@20241022", "anthropic/claude-3-5-sonnet"),
                Arguments.of("google", "models/gemini-2.5-pro", "google/gemini-2.5-pro"),
                Arguments.of("google", "gemini/gemini-2.5-pro", "google/gemini-2.5-pro"),
                Arguments.of("azure", "gpt-4o", null),
                Arguments.of("openai", "", null),
                Arguments.of("openai", null, null));
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @MethodSource("modelIds")
    void resolvesModelIds(String provider, String model, String expectedKey) {
        assertThat(IDS.resolve(provider, model)).isEqualTo(expectedKey);
    }

    @Test
    void picksTheLatestVersionNotAfterTheCall() {
        Instant t1 = Instant.parse("2025-06-01T00:00:00Z");
        Instant t2 = Instant.parse("2026-01-01T00:00:00Z");
        PriceBook book =
                PriceBook.of(
                        List.of(
                                version("openai", "m", "v2", t2, "3", "3"),
                                version("openai", "m", "v0", T0, "1", "1"),
                                version("openai", "m", "v1", t1, "2", "2")),
                        Map.of());

        assertThat(book.versionAt("openai/m", T0.minusMillis(1))).isNull();
        assertThat(book.versionAt("openai/m", T0).id()).isEqualTo("v0");
        assertThat(book.versionAt("openai/m", t1.minusMillis(1)).id()).isEqualTo("v0");
        assertThat(book.versionAt("openai/m", t1).id()).isEqualTo("v1");
        assertThat(book.versionAt("openai/m", t2.plusSeconds(86400 * 365)).id()).isEqualTo("v2");
    }

    /**
     * A real unit slip from LiteLLM's history (price_changes_2025-02-06_to_2026-07-24.csv,
     * 2025-02-07T00:30:08Z, commit 9810af3): gemini-2.0-flash-001 input 0.00015 -> 1.5e-07 and
     * output 0.0006 -> 6e-07, a factor of 1000 each way. Whichever side is the slip, a book that
     * holds one of them must refuse the other.
     */
    @Test
    void refusesAPriceThatMovesByAFactorOfAHundredOrMore() {
        Instant before = Instant.parse("2025-02-06T00:00:00Z");
        Instant after = Instant.parse("2025-02-07T00:30:08Z");
        PriceBook book =
                PriceBook.of(
                        List.of(
                                version(
                                        "vertex_ai",
                                        "gemini-2.0-flash-001",
                                        "old",
                                        before,
                                        "1.5e-07",
                                        "6e-07")),
                        Map.of());

        PriceBook.Merge merge =
                book.withVersions(
                        List.of(
                                version(
                                        "vertex_ai",
                                        "gemini-2.0-flash-001",
                                        "slip",
                                        after,
                                        "0.00015",
                                        "0.0006")));

        assertThat(merge.added()).isZero();
        assertThat(merge.rejected()).hasSize(1);
        PriceBook.Rejection r = merge.rejected().get(0);
        assertThat(r.key()).isEqualTo("vertex_ai/gemini-2.0-flash-001");
        assertThat(r.versionId()).isEqualTo("slip");
        assertThat(r.reason())
                .isEqualTo(
                        "vertex_ai/gemini-2.0-flash-001 prices.input 0.00000015 -> 0.00015 vs old:"
                                + " a change by a factor of 100 or more looks like a unit error");
        assertThat(merge.book().versions("vertex_ai/gemini-2.0-flash-001"))
                .extracting(PriceVersion::id)
                .containsExactly("old");
    }

    static Stream<Arguments> factors() {
        return Stream.of(
                // 0.00001 * 100 = 0.001: exactly 100 is refused, just under it is not.
                Arguments.of("0.001", true),
                Arguments.of("0.000999", false),
                Arguments.of("0.0000001", true),
                Arguments.of("0.00000010001", false),
                // From or to zero has no ratio.
                Arguments.of("0", false));
    }

    @ParameterizedTest(name = "0.00001 -> {0} refused: {1}")
    @MethodSource("factors")
    void theFactorIsAHundredEitherWay(String newInput, boolean refused) {
        PriceBook book =
                PriceBook.of(List.of(version("openai", "m", "a", T0, "0.00001", "1")), Map.of());

        PriceBook.Merge merge =
                book.withVersions(
                        List.of(version("openai", "m", "b", T0.plusSeconds(60), newInput, "1")));

        assertThat(merge.rejected()).hasSize(refused ? 1 : 0);
        assertThat(merge.book().versions("openai/m")).hasSize(refused ? 1 : 2);
    }

    @Test
    void addingTheSameVersionTwiceChangesNothingButAConflictIsRefused() {
        PriceBook book =
                PriceBook.of(List.of(version("openai", "m", "a", T0, "0.00001", "1")), Map.of());

        PriceBook.Merge same =
                book.withVersions(List.of(version("openai", "m", "a2", T0, "0.000010", "1.0")));
        assertThat(same.added()).isZero();
        assertThat(same.rejected()).isEmpty();

        PriceBook.Merge conflict =
                book.withVersions(List.of(version("openai", "m", "b", T0, "0.00002", "1")));
        assertThat(conflict.rejected())
                .singleElement()
                .extracting(PriceBook.Rejection::reason)
                .isEqualTo("a different version (a) is already in force from " + T0);
    }

    @Test
    void readsPricesExactlyFromJson() throws Exception {
        PriceBook book =
                book(
                        "{'format': 'p402.price-book.v1', 'label': 'x', 'models': [{"
                                + "'provider': 'OpenAI', 'model': 'M', 'versions': [{"
                                + "'effective_from': '2026-01-01T01:00:00+01:00',"
                                + " 'prices': {'input': '1e-06', 'output': 0.1},"
                                + " 'tiers': {'flex': {'multiplier': '0.5'}},"
                                + " 'long_context': [{'above_input_tokens': 1000,"
                                + " 'prices': {'input': '2e-06'},"
                                + " 'tiers': {'flex': {'prices': {'input': '1.1e-06'}}}}]}]}]}");

        PriceVersion v = book.versionAt("openai/m", Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(v.id()).isEqualTo("x:openai/m");
        // 0.1 as a JSON number is the decimal 0.1, not 0.1000000000000000055511151231257827.
        assertThat(v.prices().get(Bucket.OUTPUT)).isEqualTo(new BigDecimal("0.1"));
        assertThat(v.prices().get(Bucket.INPUT)).isEqualByComparingTo("0.000001");
        PriceVersion.LongContextTier lc = v.longContextFor(1001);
        assertThat(v.price(Bucket.INPUT, "flex", null)).isEqualByComparingTo("0.0000005");
        assertThat(v.price(Bucket.INPUT, "flex", lc)).isEqualByComparingTo("0.0000011");
        assertThat(v.price(Bucket.INPUT, PriceVersion.STANDARD, lc))
                .isEqualByComparingTo("0.000002");
        assertThat(v.longContextFor(1000)).isNull();
    }

    static Stream<Arguments> badBooks() {
        String head =
                "{'format': 'p402.price-book.v1', 'label': 'x', 'models': [{'provider': 'p',"
                        + " 'model': 'm', 'versions': [{'effective_from': '2026-01-01T00:00:00Z', ";
        return Stream.of(
                Arguments.of(
                        head + "'prices': {'input': '-1'}}]}]}",
                        "p/m versions[0].prices.input: negative price -1"),
                Arguments.of(
                        head + "'prices': {'inptu': '1'}}]}]}",
                        "p/m versions[0].prices: unknown price bucket 'inptu'"),
                Arguments.of(
                        head + "'prices': {'input': 'cheap'}}]}]}",
                        "p/m versions[0].prices.input: not a decimal: \"cheap\""),
                Arguments.of(
                        head + "'prices': {}, 'tiers': {'default': {}}}]}]}",
                        "p/m versions[0].tiers.default: the standard tier is the base prices"),
                Arguments.of(
                        head + "'prices': {}, 'colour': 1}]}]}",
                        "p/m versions[0]: unknown field 'colour'"),
                Arguments.of(
                        "{'format': 'v0', 'models': []}",
                        "price book: format must be \"p402.price-book.v1\", not \"v0\""));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("badBooks")
    void refusesABookItCannotReadExactly(String json, String message) {
        assertThatThrownBy(() -> book(json))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    @Test
    void twoVersionsAtOneInstantAreAnError() {
        assertThatThrownBy(
                        () ->
                                PriceBook.of(
                                        List.of(
                                                version("p", "m", "a", T0, "1", "1"),
                                                version("p", "m", "b", T0, "2", "2")),
                                        Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("p/m: two versions effective at " + T0);
    }
}
