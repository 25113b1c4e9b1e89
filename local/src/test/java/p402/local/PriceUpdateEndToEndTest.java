package p402.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import p402.jobs.MarginJob;
import p402.jobs.config.MarginJobConfig;
import p402.local.testing.LocalStackExtension;

/**
 * A price-book update reaches a running job without a restart: a call of a model the book does not
 * know is unpriced; after an update that prices the model, the next call is priced with the new
 * version, stamped on its ledger row. An update with a price 100 times its predecessor's is refused
 * and reported in the dead letter.
 */
class PriceUpdateEndToEndTest {

    @RegisterExtension static final LocalStackExtension STACK = new LocalStackExtension();

    private static final String T = "t-prices";
    private static final String TOPIC = "p402.prices";

    @Test
    void anUpdateReachesTheRunningJob() throws Exception {
        try (Connection c = STACK.jdbc()) {
            c.createStatement()
                    .execute("DELETE FROM p402.call_ledger WHERE tenant_id = '" + T + "'");
            c.createStatement()
                    .execute("DELETE FROM p402.dead_letter WHERE topic = '" + TOPIC + "'");
        }
        STACK.kafka().createTopics(1, TOPIC);

        MarginJobConfig config = STACK.jobConfig(Map.of("kafka.topic.prices", TOPIC));
        config.bounded = false;
        StreamExecutionEnvironment env = LocalFlink.environment(2);
        MarginJob.build(env, config);
        JobClient job = env.executeAsync("price-updates");
        try {
            STACK.publish("p402.calls", List.of(call("before", "2026-11-10T10:00:00Z")));
            assertThat(
                            awaitOne(
                                    "SELECT cost_source || ' ' || unpriced_reason FROM"
                                            + " p402.call_ledger WHERE tenant_id = '"
                                            + T
                                            + "' AND event_id = 'before'"))
                    .isEqualTo("unpriced no price for openai/acme-llm at 2026-11-10T10:00:00Z");

            // $1 per million input tokens, $2 per million output tokens, from 2026-01-01.
            publishPrice("acme-2026", book("acme-2026", "0.000001", "0.000002"));
            // The same model at 100 times the input price: a unit slip, refused. It is the
            // barrier too: once it is reported, the update before it has been applied.
            publishPrice(
                    "acme-2026-12",
                    book("acme-2026-12", "0.0001", "0.000002")
                            .replace("2026-01-01T00:00:00Z", "2026-12-01T00:00:00Z"));
            assertThat(
                            awaitOne(
                                    "SELECT reason FROM p402.dead_letter WHERE topic = '"
                                            + TOPIC
                                            + "'"))
                    .contains("price update acme-2026-12: refused")
                    .contains("100");

            STACK.publish("p402.calls", List.of(call("after", "2026-12-02T10:00:00Z")));
            // 1000 input tokens * 0.000001 + 500 output tokens * 0.000002 = 0.001 + 0.001.
            assertThat(
                            awaitOne(
                                    "SELECT cost_source || ' ' || cost_usd || ' ' || price_version"
                                            + " FROM p402.call_ledger WHERE tenant_id = '"
                                            + T
                                            + "'"
                                            + " AND event_id = 'after'"))
                    .isEqualTo("computed 0.002000 acme-2026:openai/acme-llm");

            // Revenue and outcome topics stay silent all along: their partitions go idle and
            // must not hold event time back. A later call moves the watermark (less the 5 s of
            // out-of-orderness) to 10:00:55, past 10:00, the last slide of the 1h/1m window
            // ending 10:01, so that window's open row appears.
            STACK.publish("p402.calls", List.of(call("later", "2026-12-02T10:01:00Z")));
            assertThat(
                            awaitOne(
                                    "SELECT calls || ' ' || is_final || ' ' || trim_scale(cost_usd)"
                                            + " FROM p402.margin_window WHERE tenant_id = '"
                                            + T
                                            + "'"
                                            + " AND window_spec = '1h/1m'"
                                            + " AND window_end = '2026-12-02T10:01:00Z'"))
                    .isEqualTo("1 false 0.002");
        } finally {
            job.cancel().get();
        }
    }

    private static String call(String id, String at) {
        return "{\"schema\":\"p402.call.v1\",\"event_id\":\""
                + id
                + "\",\"tenant_id\":\""
                + T
                + "\",\"occurred_at\":\""
                + at
                + "\",\"provider\":\"openai\",\"customer_id\":\"c\","
                + "\"model\":\"acme-llm\",\"usage\":{\"prompt_tokens\":1000,"
                + "\"completion_tokens\":500,\"total_tokens\":1500}}";
    }

    private static String book(String label, String input, String output) {
        return "{\"format\":\"p402.price-book.v1\",\"label\":\""
                + label
                + "\",\"models\":[{"
                + "\"provider\":\"openai\",\"model\":\"acme-llm\",\"versions\":[{\"id\":\""
                + label
                + ":openai/acme-llm\",\"effective_from\":\"2026-01-01T00:00:00Z\","
                + "\"prices\":{\"input\":\""
                + input
                + "\",\"output\":\""
                + output
                + "\"}}]}]}";
    }

    private static void publishPrice(String key, String json) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, STACK.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(
                            new ProducerRecord<>(
                                    TOPIC,
                                    key.getBytes(StandardCharsets.UTF_8),
                                    json.getBytes(StandardCharsets.UTF_8)))
                    .get();
        }
    }

    /** The single value of {@code sql}, once a row exists (the sink flushes within a second). */
    private static String awaitOne(String sql) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try (Connection c = STACK.jdbc();
                    PreparedStatement ps = c.prepareStatement(sql);
                    ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return rs.getString(1);
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no row after 60 s: " + sql);
            }
            Thread.sleep(200);
        }
    }
}
