package p402.udfs.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class UsageNormalizerTest {

    static final ObjectMapper JSON =
            JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text.replace('\'', '"'));
        } catch (IOException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    static UsageVector vector(
            long uncached, long read, long w5m, long w1h, long visible, long reasoning, long req) {
        return new UsageVector(uncached, read, w5m, w1h, visible, reasoning, req);
    }

    static Stream<Arguments> shapes() {
        return Stream.of(
                Arguments.of(
                        "openai chat: cached inside prompt, reasoning inside completion",
                        "openai",
                        "{'prompt_tokens': 1000, 'completion_tokens': 500, 'total_tokens': 1500,"
                                + " 'prompt_tokens_details': {'cached_tokens': 300},"
                                + " 'completion_tokens_details': {'reasoning_tokens': 200}}",
                        vector(700, 300, 0, 0, 300, 200, 0)),
                Arguments.of(
                        "openai chat without details",
                        "openai",
                        "{'prompt_tokens': 82, 'completion_tokens': 17, 'total_tokens': 99}",
                        vector(82, 0, 0, 0, 17, 0, 0)),
                Arguments.of(
                        "openai responses with a cache write",
                        "openai",
                        "{'input_tokens': 1000, 'output_tokens': 100, 'total_tokens': 1100,"
                                + " 'input_tokens_details': {'cached_tokens': 600,"
                                + " 'cache_write_tokens': 250},"
                                + " 'output_tokens_details': {'reasoning_tokens': 40}}",
                        vector(150, 600, 250, 0, 60, 40, 0)),
                Arguments.of(
                        "deepseek hit/miss names",
                        "deepseek",
                        "{'prompt_tokens': 100, 'completion_tokens': 20, 'total_tokens': 120,"
                                + " 'prompt_cache_hit_tokens': 64, 'prompt_cache_miss_tokens': 36,"
                                + " 'completion_tokens_details': {'reasoning_tokens': 5}}",
                        vector(36, 64, 0, 0, 15, 5, 0)),
                Arguments.of(
                        "anthropic: cache beside input, split by TTL",
                        "anthropic",
                        "{'input_tokens': 50, 'output_tokens': 400,"
                                + " 'cache_read_input_tokens': 2000,"
                                + " 'cache_creation_input_tokens': 1500,"
                                + " 'cache_creation': {'ephemeral_5m_input_tokens': 1000,"
                                + " 'ephemeral_1h_input_tokens': 500},"
                                + " 'server_tool_use': {'web_search_requests': 2}}",
                        vector(50, 2000, 1000, 500, 400, 0, 2)),
                Arguments.of(
                        "anthropic without the split: every write is 5-minute",
                        "anthropic",
                        "{'input_tokens': 10, 'output_tokens': 5, 'cache_read_input_tokens': 0,"
                                + " 'cache_creation_input_tokens': 700}",
                        vector(10, 0, 700, 0, 5, 0, 0)),
                Arguments.of(
                        "anthropic split smaller than the total: the rest is 5-minute",
                        "anthropic",
                        "{'input_tokens': 10, 'output_tokens': 5,"
                                + " 'cache_creation_input_tokens': 700,"
                                + " 'cache_creation': {'ephemeral_1h_input_tokens': 200}}",
                        vector(10, 0, 500, 200, 5, 0, 0)),
                Arguments.of(
                        "anthropic bare counts, told apart from Responses by the provider",
                        "anthropic",
                        "{'input_tokens': 11, 'output_tokens': 6}",
                        vector(11, 0, 0, 0, 6, 0, 0)),
                Arguments.of(
                        "gemini: cached inside prompt, thoughts beside candidates",
                        "google",
                        "{'promptTokenCount': 250000, 'cachedContentTokenCount': 100000,"
                                + " 'candidatesTokenCount': 2000, 'thoughtsTokenCount': 3000,"
                                + " 'totalTokenCount': 255000}",
                        vector(150000, 100000, 0, 0, 2000, 3000, 0)),
                Arguments.of(
                        "gemini tool-use prompt billed as input",
                        "google",
                        "{'promptTokenCount': 100, 'toolUsePromptTokenCount': 20,"
                                + " 'candidatesTokenCount': 10, 'totalTokenCount': 130}",
                        vector(120, 0, 0, 0, 10, 0, 0)),
                Arguments.of(
                        "provider hint is only a hint: gemini fields under provider openai",
                        "openai",
                        "{'promptTokenCount': 10, 'candidatesTokenCount': 2}",
                        vector(10, 0, 0, 0, 2, 0, 0)),
                Arguments.of(
                        "integral decimal and null counts",
                        "openai",
                        "{'prompt_tokens': 100.0, 'completion_tokens': 1E+1,"
                                + " 'prompt_tokens_details': {'cached_tokens': null}}",
                        vector(100, 0, 0, 0, 10, 0, 0)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void normalisesEachShapeIntoDisjointBuckets(
            String name, String provider, String usage, UsageVector expected) throws Exception {
        assertThat(UsageNormalizer.normalize(provider, json(usage))).isEqualTo(expected);
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of(
                        "{'prompt_tokens': 100, 'completion_tokens': 1,"
                                + " 'prompt_tokens_details': {'cached_tokens': 120}}",
                        "usage: cached_tokens 120 exceeds prompt_tokens 100"),
                Arguments.of(
                        "{'prompt_tokens': -5, 'completion_tokens': 1}",
                        "usage: negative prompt_tokens -5"),
                Arguments.of(
                        "{'prompt_tokens': 5, 'completion_tokens': 1.5}",
                        "usage: fractional completion_tokens 1.5"),
                Arguments.of(
                        "{'prompt_tokens': '12', 'completion_tokens': 1}",
                        "usage: prompt_tokens is a string (\"12\"), expected an integer"),
                Arguments.of(
                        "{'prompt_tokens': true, 'completion_tokens': 1}",
                        "usage: prompt_tokens is not a number: true"),
                Arguments.of(
                        "{'prompt_tokens': 1000000000001, 'completion_tokens': 1}",
                        "usage: prompt_tokens 1000000000001 exceeds 10^12"),
                Arguments.of(
                        "{'prompt_tokens': 400, 'completion_tokens': 80, 'total_tokens': 500}",
                        "usage: total_tokens 500 != prompt_tokens + completion_tokens 480"),
                Arguments.of(
                        "{'prompt_tokens': 10, 'completion_tokens': 40,"
                                + " 'completion_tokens_details': {'reasoning_tokens': 50}}",
                        "usage: reasoning_tokens 50 exceeds completion_tokens 40"),
                Arguments.of(
                        "{'input_tokens': 100, 'output_tokens': 1, 'input_tokens_details':"
                                + " {'cached_tokens': 80, 'cache_write_tokens': 30}}",
                        "usage: cached_tokens + cache_write_tokens 110 exceeds input_tokens 100"),
                Arguments.of(
                        "{'input_tokens': 1, 'output_tokens': 1, 'cache_creation_input_tokens': 25,"
                                + " 'cache_creation': {'ephemeral_5m_input_tokens': 10,"
                                + " 'ephemeral_1h_input_tokens': 20}}",
                        "usage: ephemeral_5m_input_tokens + ephemeral_1h_input_tokens 30 exceeds"
                                + " cache_creation_input_tokens 25"),
                Arguments.of(
                        "{'promptTokenCount': 100, 'cachedContentTokenCount': 101}",
                        "usage: cachedContentTokenCount 101 exceeds promptTokenCount 100"),
                Arguments.of(
                        "{'promptTokenCount': 100, 'candidatesTokenCount': 10,"
                                + " 'thoughtsTokenCount': 5, 'totalTokenCount': 110}",
                        "usage: totalTokenCount 110 != promptTokenCount + toolUsePromptTokenCount"
                                + " + candidatesTokenCount + thoughtsTokenCount 115"),
                Arguments.of(
                        "{'prompt_tokens': 100, 'completion_tokens': 1,"
                                + " 'prompt_cache_hit_tokens': 60, 'prompt_cache_miss_tokens': 30}",
                        "usage: prompt_cache_hit_tokens + prompt_cache_miss_tokens 90"
                                + " != prompt_tokens 100"),
                Arguments.of("{'tokens': 5}", "usage: no token counts recognised"),
                Arguments.of("[1, 2]", "usage: expected an object, got array"),
                Arguments.of("null", "usage: missing"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("invalid")
    void refusesUsageThatCannotBeTrusted(String usage, String reason) {
        assertThatThrownBy(() -> UsageNormalizer.normalize("openai", json(usage)))
                .isInstanceOf(InvalidUsageException.class)
                .hasMessage(reason);
    }

    @Test
    void missingUsageObjectIsRefusedToo() {
        assertThatThrownBy(() -> UsageNormalizer.normalize("openai", null))
                .isInstanceOf(InvalidUsageException.class)
                .hasMessage("usage: missing");
    }

    // The real response bodies in ../shared; skipped where that checkout is absent.

    static JsonNode sample(String relative) throws IOException {
        return JSON.readTree(SharedData.file("llm-api-usage-shapes/" + relative).toFile());
    }

    /** The last JSON object of an SSE or JSON-lines file that carries a non-null usage. */
    static JsonNode lastUsage(String relative, String... path) throws IOException {
        JsonNode last = null;
        List<String> lines =
                Files.readAllLines(SharedData.file("llm-api-usage-shapes/" + relative));
        for (String line : lines) {
            String body = line.startsWith("data: ") ? line.substring(6) : line;
            if (!body.startsWith("{")) {
                continue;
            }
            JsonNode node = JSON.readTree(body);
            for (String p : path) {
                node = node.path(p);
            }
            if (node.isObject()) {
                last = node;
            }
        }
        return last;
    }

    @Test
    void realOpenAiChatCompletion() throws Exception {
        JsonNode body = sample("openai/chat_completion_default.json");
        // 19 prompt (0 cached) + 10 completion (0 reasoning) = total 29.
        assertThat(UsageNormalizer.normalize("openai", body.get("usage")))
                .isEqualTo(vector(19, 0, 0, 0, 10, 0, 0));
    }

    @Test
    void realOpenAiChatWithoutPromptDetails() throws Exception {
        JsonNode body = sample("openai/chat_completion_tool_calls.json");
        assertThat(UsageNormalizer.normalize("openai", body.get("usage")))
                .isEqualTo(vector(82, 0, 0, 0, 17, 0, 0));
    }

    @Test
    void realResponsesWithReasoning() throws Exception {
        JsonNode body = sample("openai/responses_reasoning.json");
        // output_tokens 1035 of which 832 reasoning: 203 visible.
        assertThat(UsageNormalizer.normalize("openai", body.get("usage")))
                .isEqualTo(vector(81, 0, 0, 0, 203, 832, 0));
    }

    @Test
    void realResponsesTextInput() throws Exception {
        JsonNode body = sample("openai/responses_text_input.json");
        assertThat(UsageNormalizer.normalize("openai", body.get("usage")))
                .isEqualTo(vector(36, 0, 0, 0, 87, 0, 0));
    }

    @Test
    void realAnthropicMessage() throws Exception {
        JsonNode body = sample("anthropic/message_response_recorded_claude-sonnet-4-5.json");
        assertThat(UsageNormalizer.normalize("anthropic", body.get("usage")))
                .isEqualTo(vector(249, 0, 0, 0, 26, 0, 0));
    }

    @Test
    void realAnthropicStreamFinalDeltaRepeatsCumulativeCounts() throws Exception {
        JsonNode usage =
                lastUsage("anthropic/messages_stream_recorded_claude-sonnet-4-5.sse.txt", "usage");
        assertThat(UsageNormalizer.normalize("anthropic", usage))
                .isEqualTo(vector(135, 0, 0, 0, 10, 0, 0));
    }

    @Test
    void realStreamedUsageChunks() throws Exception {
        JsonNode openAi =
                lastUsage(
                        "openai/chat_completion_chunks_with_usage_gpt-4o-2024-05-13.jsonl",
                        "usage");
        assertThat(UsageNormalizer.normalize("openai", openAi))
                .isEqualTo(vector(14, 0, 0, 0, 3, 0, 0));

        JsonNode deepSeek =
                lastUsage(
                        "deepseek/chat_completion_chunks_usage_on_finish_chunk_deepseek-chat.jsonl",
                        "usage");
        assertThat(UsageNormalizer.normalize("deepseek", deepSeek))
                .isEqualTo(vector(11, 0, 0, 0, 15, 0, 0));
    }
}
