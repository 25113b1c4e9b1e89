package p402.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import p402.jobs.MarginJob;
import p402.jobs.config.MarginJobConfig;
import p402.local.testing.LocalStackExtension;
import p402.local.testing.ScratchDatabase;

/**
 * The reprocessing runbook after a price fix (docs/operations.md): the live job priced calls from
 * 10:00 with a slipped price; a fresh bounded run with the fixed book restates [10:00, 12:00]. Its
 * windows then carry the cost a run with the right prices from the start computes, marked as
 * restated; windows it could not compute completely keep their rows; revenue and counts stay; a
 * second run changes nothing.
 *
 * <p>Traffic: a call every 5 minutes from 08:00 to 13:55 on 2026-11-10, 1000 input and 500 output
 * tokens of model {@code p402-meter-1}, each record stamped in Kafka with its own event time (as a
 * gateway producing right after the call does); a 6-hour subscription invoiced at 08:00. Windows
 * {@code 1h/30m}.
 */
class ReprocessTest {

    @RegisterExtension static final LocalStackExtension STACK = new LocalStackExtension();

    private static final String T = "t-reprocess";
    private static final String DAY = "2026-11-10T";
    private static final String TOPICS = "reprocess.";

    private static String liveDb;
    private static String referenceDb;

    @TempDir static Path books;

    @BeforeAll
    static void liveRunWithTheSlippedPrice() throws Exception {
        liveDb = ScratchDatabase.create("p402_reprocess");
        referenceDb = ScratchDatabase.create("p402_reprocess_reference");
        STACK.kafka().createTopics(2, TOPICS + "calls", TOPICS + "revenue", TOPICS + "outcomes");
        publishTraffic();

        run(liveDb, book("slipped", "0.00001", "0.00002"), Map.of());
        run(referenceDb, book("fixed", "0.0000012", "0.0000024"), Map.of());
    }

    @Test
    void aBoundedRunFromTheRangeRestatesItsWindowsAndMarksThem() throws Exception {
        Map<String, String> before = windows(liveDb);
        Map<String, String> reference = windows(referenceDb);
        // The slip really is in the live numbers: the restated windows will differ.
        assertThat(before.get("10:00 acme")).isNotEqualTo(reference.get("10:00 acme"));

        reprocess();
        Map<String, String> after = windows(liveDb);

        assertThat(after.keySet()).isEqualTo(before.keySet());
        for (String window : after.keySet()) {
            String start = window.substring(0, 5);
            boolean inRange = start.compareTo("10:00") >= 0 && start.compareTo("11:00") <= 0;
            if (inRange) {
                // The reference's cost and unpriced calls, the live job's counts and revenue.
                assertThat(costOf(after.get(window)))
                        .as(window)
                        .isEqualTo(costOf(reference.get(window)));
                assertThat(countsAndRevenueOf(after.get(window)))
                        .as(window)
                        .isEqualTo(countsAndRevenueOf(before.get(window)));
                assertThat(after.get(window)).as(window).endsWith("price-fix-1");
            } else {
                // 09:30 holds calls from before the range (partially read), 11:30 and later
                // end after it (the live job's): both left as they were.
                assertThat(after.get(window)).as(window).isEqualTo(before.get(window));
            }
        }
        // The subscription invoiced at 08:00, before the run's first record, still counts.
        assertThat(countsAndRevenueOf(after.get("10:00 acme"))).doesNotEndWith(" 0");

        assertThat(ledger(liveDb, "price-fix-1"))
                .hasSize(24)
                .allMatch(r -> r.contains("fixed:openai/p402-meter-1@10"))
                .isEqualTo(ledger(referenceDb, null).subList(24, 48));
        assertThat(restatements())
                .containsExactly("price-fix-1 1h/30m 2026-11-10 10:00 12:00 6 windows");

        reprocess();
        assertThat(windows(liveDb)).as("a second run changes nothing").isEqualTo(after);
    }

    private static void reprocess() throws Exception {
        Map<String, String> restate = new LinkedHashMap<>();
        restate.put("reprocess.from", DAY + "10:00:00Z");
        restate.put("reprocess.until", DAY + "12:00:00Z");
        restate.put("reprocess.label", "price-fix-1");
        restate.put("reprocess.at", "2026-11-12T09:00:00Z");
        run(liveDb, book("fixed", "0.0000012", "0.0000024"), restate);
    }

    private static void run(String jdbcUrl, Path prices, Map<String, String> extra)
            throws Exception {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("kafka.bootstrap-servers", STACK.bootstrapServers());
        settings.put("kafka.topic.calls", TOPICS + "calls");
        settings.put("kafka.topic.revenue", TOPICS + "revenue");
        settings.put("kafka.topic.outcomes", TOPICS + "outcomes");
        settings.put("jdbc.url", jdbcUrl);
        settings.put("windows", "1h/30m:30d");
        settings.put("prices.file", prices.toString());
        settings.put("bounded", "true");
        settings.putAll(extra);
        MarginJobConfig config = MarginJobConfig.fromMap(settings);
        StreamExecutionEnvironment env = LocalFlink.environment(2);
        MarginJob.build(env, config);
        env.execute("reprocess test");
    }

    /**
     * A book for model p402-meter-1: a cheap first version, and from 10:00 on the version the label
     * names (the slipped one is ten times too dear).
     */
    private static Path book(String label, String input, String output) throws Exception {
        Path file = books.resolve(label + ".json");
        String json =
                "{\"format\":\"p402.price-book.v1\",\"label\":\""
                        + label
                        + "\",\"models\":[{\"provider\":\"openai\",\"model\":\"p402-meter-1\","
                        + "\"versions\":[{\"id\":\""
                        + label
                        + ":openai/p402-meter-1@01\",\"effective_from\":\"2026-01-01T00:00:00Z\","
                        + "\"prices\":{\"input\":\"0.000001\",\"output\":\"0.000002\"}},"
                        + "{\"id\":\""
                        + label
                        + ":openai/p402-meter-1@10\",\"effective_from\":\""
                        + DAY
                        + "10:00:00Z\",\"prices\":{\"input\":\""
                        + input
                        + "\",\"output\":\""
                        + output
                        + "\"}}]}]}";
        Files.writeString(file, json);
        return file;
    }

    private static void publishTraffic() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, STACK.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            for (int minute = 8 * 60; minute < 14 * 60; minute += 5) {
                String at = DAY + String.format("%02d:%02d:00Z", minute / 60, minute % 60);
                String customer = minute % 10 == 0 ? "acme" : "globex";
                String call =
                        "{\"schema\":\"p402.call.v1\",\"event_id\":\"c"
                                + minute
                                + "\",\"tenant_id\":\""
                                + T
                                + "\",\"customer_id\":\""
                                + customer
                                + "\",\"occurred_at\":\""
                                + at
                                + "\",\"provider\":\"openai\",\"response\":{\"model\":"
                                + "\"p402-meter-1\",\"usage\":{\"prompt_tokens\":1000,"
                                + "\"completion_tokens\":500,\"total_tokens\":1500}}}";
                send(producer, TOPICS + "calls", EventKind.CALL, at, call);
            }
            String subscription =
                    "{\"schema\":\"p402.revenue.v1\",\"event_id\":\"r1\",\"tenant_id\":\""
                            + T
                            + "\",\"customer_id\":\"acme\",\"occurred_at\":\""
                            + DAY
                            + "08:00:00Z\",\"amount_usd\":\"60.00\",\"kind\":\"subscription\","
                            + "\"service_period\":{\"start\":\""
                            + DAY
                            + "08:00:00Z\",\"end\":\""
                            + DAY
                            + "14:00:00Z\"}}";
            send(producer, TOPICS + "revenue", EventKind.REVENUE, DAY + "08:00:00Z", subscription);
            producer.flush();
        }
    }

    private static void send(
            KafkaProducer<byte[], byte[]> producer,
            String topic,
            EventKind kind,
            String at,
            String json) {
        byte[] value = json.getBytes(StandardCharsets.UTF_8);
        producer.send(
                new ProducerRecord<>(
                        topic, null, Instant.parse(at).toEpochMilli(), kind.keyOf(value), value));
    }

    /** Per "HH:MI customer": "cost unpriced | calls revenue | restatement". */
    private static Map<String, String> windows(String jdbcUrl) throws SQLException {
        Map<String, String> rows = new LinkedHashMap<>();
        try (Connection c = LocalPostgres.connect(jdbcUrl, "p402", "p402");
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT to_char(window_start AT TIME ZONE 'UTC', 'HH24:MI') || ' '"
                                        + " || customer_id, trim_scale(cost_usd) || ' ' ||"
                                        + " unpriced_calls || ' | ' || calls || ' ' ||"
                                        + " trim_scale(revenue_usd) || ' | ' ||"
                                        + " coalesce(restatement, '-')"
                                        + " FROM p402.margin_window WHERE tenant_id = ?"
                                        + " ORDER BY 1")) {
            ps.setString(1, T);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return rows;
    }

    private static String costOf(String row) {
        return row.substring(0, row.indexOf(" | "));
    }

    private static String countsAndRevenueOf(String row) {
        return row.split(" \\| ")[1];
    }

    /**
     * The call ledger in event-time order, without the restatement mark and write time; only the
     * rows marked {@code restatement}, unless null.
     */
    private static List<String> ledger(String jdbcUrl, String restatement) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = LocalPostgres.connect(jdbcUrl, "p402", "p402");
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT (to_jsonb(l) - 'updated_at' - 'restatement'"
                                        + " - 'restated_at')::text FROM p402.call_ledger l"
                                        + " WHERE tenant_id = ? AND (?::text IS NULL"
                                        + " OR restatement = ?) ORDER BY occurred_at")) {
            ps.setString(1, T);
            ps.setString(2, restatement);
            ps.setString(3, restatement);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(rs.getString(1));
                }
            }
        }
        return rows;
    }

    private static List<String> restatements() throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = LocalPostgres.connect(liveDb, "p402", "p402");
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT restatement || ' ' || window_spec || ' '"
                                        + " || to_char(first_window_start AT TIME ZONE 'UTC',"
                                        + " 'YYYY-MM-DD HH24:MI') || ' '"
                                        + " || to_char(last_window_end AT TIME ZONE 'UTC',"
                                        + " 'HH24:MI') || ' ' || windows || ' windows'"
                                        + " FROM p402.restatements")) {
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(rs.getString(1));
                }
            }
        }
        return rows;
    }
}
