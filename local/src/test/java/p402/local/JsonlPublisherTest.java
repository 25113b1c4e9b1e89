package p402.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import p402.local.testing.LocalStackExtension;

class JsonlPublisherTest {

    @RegisterExtension static final LocalStackExtension STACK = new LocalStackExtension();

    private static final String CALL =
            "{\"schema\":\"p402.call.v1\",\"tenant_id\":\"t1\",\"event_id\":\"e1\"}";
    private static final String MALFORMED = "{\"tenant_id\":\"t1\", oops";
    private static final String NO_TENANT = "{\"event_id\":\"e2\"}";
    private static final String NOT_AN_OBJECT = "[1,2]";
    private static final String NUMERIC_ID = "{\"tenant_id\":\"t2\",\"event_id\":7} ";

    @Test
    void everyNonBlankLineBecomesOneRecordWithItsBytesUnchanged(@TempDir Path dir)
            throws Exception {
        Path file = dir.resolve("calls.jsonl");
        String content =
                CALL
                        + "\n\n"
                        + MALFORMED
                        + "\r\n   \n"
                        + NO_TENANT
                        + "\n"
                        + NOT_AN_OBJECT
                        + "\n"
                        + NUMERIC_ID;
        Files.write(file, content.getBytes(StandardCharsets.UTF_8));
        STACK.kafka().createTopics(2, "file-calls");

        long sent;
        try (JsonlPublisher publisher = new JsonlPublisher(STACK.bootstrapServers())) {
            sent = publisher.publish("file-calls", EventKind.CALL, file);
        }

        assertThat(sent).isEqualTo(5);
        assertThat(STACK.kafka().recordCount("file-calls")).isEqualTo(5);
        Map<String, String> keyByValue =
                EmbeddedKafkaTest.readAll(STACK.kafka(), "file-calls", 5).stream()
                        .collect(
                                Collectors.toMap(
                                        ConsumerRecord::value, r -> String.valueOf(r.key())));
        assertThat(keyByValue)
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of(
                                CALL, "t1/e1",
                                MALFORMED, "null",
                                NO_TENANT, "null",
                                NOT_AN_OBJECT, "null",
                                NUMERIC_ID, "t2/7"));
    }

    @Test
    void eachDefaultTopicIsKeyedByItsOwnId() {
        String revenue = "{\"tenant_id\":\"t1\",\"event_id\":\"r1\",\"customer_id\":\"c9\"}";
        String outcome = "{\"tenant_id\":\"t1\",\"event_id\":\"o1\",\"call_event_id\":\"e1\"}";

        assertThat(STACK.publish("p402.revenue", List.of(revenue, ""))).isEqualTo(1);
        assertThat(STACK.publish("p402.outcomes", List.of(outcome))).isEqualTo(1);

        assertThat(EmbeddedKafkaTest.readAll(STACK.kafka(), "p402.revenue", 1))
                .singleElement()
                .satisfies(r -> assertThat(r.key()).isEqualTo("t1/c9"));
        assertThat(EmbeddedKafkaTest.readAll(STACK.kafka(), "p402.outcomes", 1))
                .singleElement()
                .satisfies(r -> assertThat(r.key()).isEqualTo("t1/e1"));
    }
}
