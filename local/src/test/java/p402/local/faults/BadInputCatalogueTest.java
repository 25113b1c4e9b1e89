package p402.local.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import p402.jobs.MarginJob;
import p402.jobs.config.MarginJobConfig;
import p402.local.LocalFlink;
import p402.local.testing.LocalStackExtension;

/**
 * A catalogue of bad records across the three topics, published between good ones through the real
 * broker into the real job and Postgres, with restarts switched off: any record that made the job
 * fail would fail the test. Each bad record must land in {@code dead_letter} once, with the reason
 * written beside it and its payload unchanged; the records the contract says to keep (odd but legal
 * ids, an orphan outcome, an unknown model, no customer) are kept as the contract says.
 */
class BadInputCatalogueTest {

    @RegisterExtension static final LocalStackExtension STACK = new LocalStackExtension();

    private static final String CALLS = "p402.calls";
    private static final String REVENUE = "p402.revenue";
    private static final String OUTCOMES = "p402.outcomes";

    private static final String T = "t-bad";

    /** One bad record: where it goes, its exact bytes, and the start of the reason it must get. */
    record Bad(String kind, String topic, byte[] payload, String reason) {}

    private static final List<Bad> CATALOGUE = new ArrayList<>();

    private static final String OK_CALL_FIELDS =
            "\"schema\":\"p402.call.v1\",\"tenant_id\":\""
                    + T
                    + "\","
                    + "\"occurred_at\":\"2026-11-10T10:00:00Z\",\"provider\":\"openai\"";

    private static void bad(String kind, String topic, String json, String reason) {
        CATALOGUE.add(new Bad(kind, topic, json.getBytes(StandardCharsets.UTF_8), reason));
    }

    /** A call that is valid but for {@code fields}, which replace or add to the good ones. */
    private static String call(String id, String fields) {
        return "{" + OK_CALL_FIELDS + ",\"event_id\":\"" + id + "\"" + fields + "}";
    }

    private static String revenue(String id, String fields) {
        return "{\"schema\":\"p402.revenue.v1\",\"tenant_id\":\""
                + T
                + "\",\"event_id\":\""
                + id
                + "\",\"occurred_at\":\"2026-11-10T10:00:00Z\""
                + fields
                + "}";
    }

    private static String outcome(String id, String fields) {
        return "{\"schema\":\"p402.outcome.v1\",\"tenant_id\":\""
                + T
                + "\",\"event_id\":\""
                + id
                + "\",\"occurred_at\":\"2026-11-10T10:01:00Z\""
                + fields
                + "}";
    }

    private static final String HUGE = call("b-huge", ",\"pad\":\"" + "x".repeat(1_100_000) + "\"");

    static {
        // Not JSON, or not an object.
        bad(
                "truncated JSON",
                CALLS,
                "{\"schema\":\"p402.call.v1\",\"event_id\":\"b",
                "malformed JSON");
        bad("plain text", CALLS, "hello, world", "malformed JSON");
        bad("a JSON array", CALLS, "[1, 2, 3]", "not a JSON object");
        bad("a JSON string", OUTCOMES, "\"accepted\"", "not a JSON object");
        bad("a JSON number", REVENUE, "42", "not a JSON object");
        bad("the literal null", REVENUE, "null", "not a JSON object");
        bad(
                "two objects in one record",
                CALLS,
                call("b-two", "") + call("b-two2", ""),
                "malformed JSON");
        bad(
                "a duplicated key",
                CALLS,
                call("b-dupkey", ",\"event_id\":\"again\""),
                "malformed JSON");
        bad(
                "a number with trailing garbage",
                CALLS,
                call("b-numgarbage", ",\"cost_usd\":0.01x"),
                "malformed JSON");
        bad("a bare NaN", CALLS, call("b-nan", ",\"cost_usd\":NaN"), "malformed JSON");
        bad("a single-quoted string", CALLS, "{'schema':'p402.call.v1'}", "malformed JSON");
        // Schema.
        bad(
                "an unknown schema version",
                CALLS,
                call("b-v2", "").replace("call.v1", "call.v2"),
                "unknown schema 'p402.call.v2' (this topic reads p402.call.v1)");
        bad(
                "a revenue event on the calls topic",
                CALLS,
                revenue("b-wrongtopic", ",\"customer_id\":\"acme\",\"amount_usd\":\"1\""),
                "unknown schema 'p402.revenue.v1' (this topic reads p402.call.v1)");
        bad(
                "no schema",
                OUTCOMES,
                "{\"event_id\":\"b-noschema\",\"tenant_id\":\"" + T + "\"}",
                "missing required field schema");
        // Ids.
        bad("no event_id", CALLS, "{" + OK_CALL_FIELDS + "}", "missing required field event_id");
        bad("an empty event_id", CALLS, call("", ""), "missing required field event_id");
        bad(
                "a numeric event_id",
                CALLS,
                "{" + OK_CALL_FIELDS + ",\"event_id\":17}",
                "event_id: expected a string, got number");
        bad(
                "an empty tenant_id",
                OUTCOMES,
                outcome("b-notenant", ",\"call_event_id\":\"x\"," + "\"status\":\"accepted\"")
                        .replace("\"tenant_id\":\"" + T + "\"", "\"tenant_id\":\"\""),
                "missing required field tenant_id");
        bad(
                "a NUL inside an id",
                CALLS,
                call("b\\u0000nul", ""),
                "event_id: contains a NUL character");
        bad(
                "an id of 10,000 characters",
                CALLS,
                call("b" + "x".repeat(10_000), ""),
                "event_id: longer than 512 characters");
        // Time.
        bad(
                "a timestamp without an offset",
                CALLS,
                call("b-nooffset", "").replace("10:00:00Z", "10:00:00"),
                "occurred_at: '2026-11-10T10:00:00' is not an RFC 3339 time with an offset");
        bad(
                "a timestamp in 1970",
                CALLS,
                call("b-1970", "").replace("2026-11-10T10:00:00Z", "1970-01-01T00:00:00Z"),
                "occurred_at: '1970-01-01T00:00:00Z' is outside 2000-01-01..2100-01-01");
        bad(
                "a timestamp in 2999",
                CALLS,
                call("b-2999", "").replace("2026-11-10T10:00:00Z", "2999-01-01T00:00:00Z"),
                "occurred_at: '2999-01-01T00:00:00Z' is outside 2000-01-01..2100-01-01");
        bad(
                "a timestamp that is not one",
                REVENUE,
                revenue("b-yesterday", ",\"customer_id\":\"acme\",\"amount_usd\":\"1\"")
                        .replace("2026-11-10T10:00:00Z", "yesterday"),
                "occurred_at: 'yesterday' is not an RFC 3339 time with an offset");
        bad(
                "a fractional epoch",
                CALLS,
                call("b-epochfrac", "").replace("\"2026-11-10T10:00:00Z\"", "1762768800000.5"),
                "occurred_at: expected an RFC 3339 string or epoch millis, got number");
        // Money.
        bad(
                "cost NaN as a string",
                CALLS,
                call("b-costnan", ",\"cost_usd\":\"NaN\""),
                "cost_usd: 'NaN' is not a decimal amount");
        bad(
                "cost Infinity",
                CALLS,
                call("b-costinf", ",\"cost_usd\":\"Infinity\""),
                "cost_usd: 'Infinity' is not a decimal amount");
        bad(
                "cost with trailing garbage",
                CALLS,
                call("b-costtext", ",\"cost_usd\":\"0.01abc\""),
                "cost_usd: '0.01abc' is not a decimal amount");
        bad(
                "a huge cost",
                CALLS,
                call("b-costhuge", ",\"cost_usd\":1e20"),
                "cost_usd: 100000000000000000000 is out of range");
        bad(
                "a negative cost",
                CALLS,
                call("b-costneg", ",\"cost_usd\":\"-0.01\""),
                "cost_usd: negative cost -0.01");
        bad(
                "a cost of 19 decimals",
                CALLS,
                call("b-costscale", ",\"cost_usd\":\"0.0000000000000000001\""),
                "cost_usd: more than 18 decimal places in 0.0000000000000000001");
        bad(
                "revenue without a customer",
                REVENUE,
                revenue("b-nocust", ",\"amount_usd\":\"9\""),
                "missing required field customer_id");
        bad(
                "revenue without an amount",
                REVENUE,
                revenue("b-noamount", ",\"customer_id\":\"acme\""),
                "missing required field amount_usd");
        bad(
                "an amount as a word",
                REVENUE,
                revenue("b-amountword", ",\"customer_id\":\"acme\",\"amount_usd\":\"ten\""),
                "amount_usd: 'ten' is not a decimal amount");
        bad(
                "a huge amount",
                REVENUE,
                revenue("b-amounthuge", ",\"customer_id\":\"acme\",\"amount_usd\":\"1e16\""),
                "amount_usd: '1e16' is not a decimal amount");
        bad(
                "a service period that ends before it starts",
                REVENUE,
                revenue(
                        "b-period",
                        ",\"customer_id\":\"acme\",\"amount_usd\":\"9\",\"service_period\":{"
                            + "\"start\":\"2026-11-10T00:00:00Z\",\"end\":\"2026-11-09T00:00:00Z\"}"),
                "service_period: end is not after start");
        bad(
                "a service period that is a string",
                REVENUE,
                revenue(
                        "b-periodtext",
                        ",\"customer_id\":\"acme\",\"amount_usd\":\"9\",\"service_period\":\"monthly\""),
                "service_period: expected an object");
        // Usage.
        bad(
                "negative tokens",
                CALLS,
                call(
                        "b-negtok",
                        ",\"model\":\"gpt-4o\",\"usage\":{\"prompt_tokens\":-5,\"completion_tokens\":1}"),
                "usage: negative prompt_tokens -5");
        bad(
                "fractional tokens",
                CALLS,
                call(
                        "b-fractok",
                        ",\"model\":\"gpt-4o\",\"usage\":{\"prompt_tokens\":10.5,\"completion_tokens\":1}"),
                "usage: fractional prompt_tokens 10.5");
        bad(
                "tokens as a string",
                CALLS,
                call(
                        "b-strtok",
                        ",\"model\":\"gpt-4o\",\"usage\":{\"prompt_tokens\":\"10\",\"completion_tokens\":1}"),
                "usage: prompt_tokens is a string (\"10\"), expected an integer");
        bad(
                "usage whose parts do not add up",
                CALLS,
                call(
                        "b-sum",
                        ",\"model\":\"gpt-4o\",\"usage\":{\"prompt_tokens\":100,\"completion_tokens\":20,"
                            + "\"total_tokens\":150}"),
                "usage: total_tokens 150 != prompt_tokens + completion_tokens 120");
        bad(
                "more cached than the prompt",
                CALLS,
                call(
                        "b-cached",
                        ",\"model\":\"gpt-4o\",\"usage\":{\"prompt_tokens\":100,\"completion_tokens\":20,"
                            + "\"prompt_tokens_details\":{\"cached_tokens\":500}}"),
                "usage: cached_tokens 500 exceeds prompt_tokens 100");
        bad(
                "usage that is a number",
                CALLS,
                call("b-usagenum", ",\"usage\":7"),
                "usage: expected an object, got number");
        // Enumerations.
        bad(
                "a call status that is not ok or error",
                CALLS,
                call("b-status", ",\"status\":\"meh\""),
                "status: 'meh' is neither ok nor error");
        bad(
                "an outcome status outside the list",
                OUTCOMES,
                outcome("b-loved", ",\"call_event_id\":\"c\",\"status\":\"loved\""),
                "status: 'loved' is not accepted, rejected, edited or abandoned");
        bad(
                "a quality score of 1.5",
                OUTCOMES,
                outcome(
                        "b-q15",
                        ",\"call_event_id\":\"c\",\"status\":\"accepted\",\"quality_score\":1.5"),
                "quality_score: 1.5 is outside 0..1");
        bad(
                "an outcome without its call id",
                OUTCOMES,
                outcome("b-nocall", ",\"status\":\"accepted\""),
                "missing required field call_event_id");
        // Size and bytes.
        bad(
                "a payload over 1 MiB",
                CALLS,
                HUGE,
                "record of "
                        + HUGE.getBytes(StandardCharsets.UTF_8).length
                        + " bytes exceeds 1048576");
        CATALOGUE.add(
                new Bad(
                        "invalid UTF-8",
                        CALLS,
                        concat(
                                call("b-utf8", ",\"feature_id\":\"")
                                        .getBytes(StandardCharsets.UTF_8),
                                new byte[] {(byte) 0xC3, (byte) 0x28, '"', '}'}),
                        "malformed JSON: Invalid UTF-8 middle byte 0x28"));
        CATALOGUE.add(new Bad("an empty record", OUTCOMES, new byte[0], "empty record"));
    }

    /** Records the contract keeps: ids as written, however odd, and what has no partner. */
    private static final List<String> ODD_BUT_LEGAL_CALLS =
            List.of(
                    call(
                            "ok-'; DROP TABLE p402.call_ledger; --",
                            ",\"customer_id\":\"Robert'); DROP TABLE students;--\""),
                    call("ok-quotes", ",\"customer_id\":\"\\\"quoted\\\" and 'single'\""),
                    call("ok-unicode", ",\"customer_id\":\"客户-é-🚀\",\"feature_id\":\"ünï\""),
                    call("ok-control", ",\"customer_id\":\"tab\\there\\nnewline\\u0001\""),
                    call("ok-nocustomer", ",\"cost_usd\":\"0.002\""),
                    // A 1 MB record is under the 1 MiB limit: a call like any other, whose
                    // unknown field is ignored.
                    call(
                            "ok-1mb",
                            ",\"customer_id\":\"big\",\"pad\":\"" + "y".repeat(999_800) + "\""),
                    call(
                            "ok-unknownmodel",
                            ",\"customer_id\":\"acme\",\"model\":\"gpt-99\","
                                    + "\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":5}"));

    private static final String ORPHAN_OUTCOME =
            outcome("ok-orphan", ",\"call_event_id\":\"never-comes\",\"status\":\"accepted\"");

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @BeforeAll
    static void runTheJobOverTheCatalogue() throws Exception {
        try (Connection c = STACK.jdbc();
                Statement st = c.createStatement()) {
            st.execute("DELETE FROM p402.dead_letter");
            st.execute("DELETE FROM p402.duplicate_delivery");
            for (String t :
                    List.of("call_ledger", "revenue_ledger", "outcome_ledger", "margin_window")) {
                st.execute("DELETE FROM p402." + t + " WHERE tenant_id = '" + T + "'");
            }
        }

        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, STACK.bootstrapServers());
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 * 1024 * 1024);
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (Bad b : CATALOGUE) {
                producer.send(new ProducerRecord<>(b.topic(), b.payload())).get();
            }
            for (String good : ODD_BUT_LEGAL_CALLS) {
                producer.send(new ProducerRecord<>(CALLS, good.getBytes(StandardCharsets.UTF_8)))
                        .get();
            }
            producer.send(
                            new ProducerRecord<>(
                                    OUTCOMES, ORPHAN_OUTCOME.getBytes(StandardCharsets.UTF_8)))
                    .get();
        }

        // No restarts: a record that made any operator throw fails the job, and the test.
        Configuration conf = LocalFlink.configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, conf);
        MarginJobConfig config = STACK.jobConfig(Map.of("windows", "1h/30m:30d"));
        MarginJob.build(env, config);
        env.execute("bad-input-catalogue");
    }

    @Test
    void theCatalogueHasMoreThanFortyKinds() {
        assertThat(CATALOGUE).hasSizeGreaterThanOrEqualTo(40);
        assertThat(CATALOGUE.stream().map(Bad::kind).distinct()).hasSameSizeAs(CATALOGUE);
    }

    @Test
    void everyBadRecordIsOneDeadLetterWithItsReasonAndItsBytesUnchanged() throws Exception {
        Map<String, List<byte[]>> stored = new HashMap<>();
        Map<String, List<String>> reasons = new HashMap<>();
        try (Connection c = STACK.jdbc();
                Statement st = c.createStatement();
                ResultSet rs =
                        st.executeQuery(
                                "SELECT topic, reason, payload, payload_bytes"
                                        + " FROM p402.dead_letter")) {
            while (rs.next()) {
                byte[] exact = rs.getBytes("payload_bytes");
                if (exact == null) {
                    exact = rs.getString("payload").getBytes(StandardCharsets.UTF_8);
                }
                String key =
                        rs.getString("topic")
                                + "|"
                                + new String(exact, StandardCharsets.ISO_8859_1);
                stored.computeIfAbsent(key, k -> new ArrayList<>()).add(exact);
                reasons.computeIfAbsent(key, k -> new ArrayList<>()).add(rs.getString("reason"));
            }
        }

        assertThat(stored.values().stream().mapToInt(List::size).sum()).isEqualTo(CATALOGUE.size());
        SoftAssertions soft = new SoftAssertions();
        for (Bad b : CATALOGUE) {
            String key = b.topic() + "|" + new String(b.payload(), StandardCharsets.ISO_8859_1);
            soft.assertThat(stored.get(key)).as(b.kind()).hasSize(1);
            soft.assertThat(stored.get(key).get(0)).as(b.kind()).isEqualTo(b.payload());
            soft.assertThat(reasons.get(key).get(0)).as(b.kind()).startsWith(b.reason());
            if (!b.reason().startsWith("malformed JSON")) {
                soft.assertThat(reasons.get(key).get(0)).as(b.kind()).isEqualTo(b.reason());
            }
        }
        soft.assertAll();
    }

    @Test
    void oddButLegalIdsAreKeptVerbatim() throws Exception {
        List<String> expected =
                List.of(
                        "Robert'); DROP TABLE students;--",
                        "\"quoted\" and 'single'",
                        "客户-é-🚀",
                        "tab\there\nnewline\u0001",
                        "__unattributed__",
                        "big",
                        "acme");
        try (Connection c = STACK.jdbc();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT customer_id FROM p402.call_ledger WHERE tenant_id = ?"
                                        + " ORDER BY customer_id")) {
            ps.setString(1, T);
            List<String> got = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    got.add(rs.getString(1));
                }
            }
            assertThat(got).containsExactlyInAnyOrderElementsOf(expected);
        }
        assertThat(
                        ledgerValue(
                                "call_ledger",
                                "event_id",
                                "ok-'; DROP TABLE p402.call_ledger; --",
                                "event_id"))
                .isEqualTo("ok-'; DROP TABLE p402.call_ledger; --");
        assertThat(ledgerValue("call_ledger", "event_id", "ok-unicode", "feature_id"))
                .isEqualTo("ünï");
    }

    @Test
    void anUnknownModelIsUnpricedNotZero() throws Exception {
        assertThat(ledgerValue("call_ledger", "event_id", "ok-unknownmodel", "cost_source"))
                .isEqualTo("unpriced");
        assertThat(ledgerValue("call_ledger", "event_id", "ok-unknownmodel", "cost_usd")).isNull();
    }

    @Test
    void anOutcomeForACallThatNeverComesIsAnOrphan() throws Exception {
        assertThat(ledgerValue("outcome_ledger", "event_id", "ok-orphan", "disposition"))
                .isEqualTo("orphan");
    }

    @Test
    void everyRecordReadIsAccountedForOnce() throws Exception {
        long published = CATALOGUE.size() + ODD_BUT_LEGAL_CALLS.size() + 1;
        try (Connection c = STACK.jdbc();
                Statement st = c.createStatement();
                ResultSet rs =
                        st.executeQuery(
                                "SELECT (SELECT count(*) FROM p402.dead_letter)"
                                        + " + (SELECT count(*) FROM p402.duplicate_delivery)"
                                        + " + (SELECT count(*) FROM p402.call_ledger WHERE"
                                        + " tenant_id = '"
                                        + T
                                        + "')"
                                        + " + (SELECT count(*) FROM p402.revenue_ledger WHERE"
                                        + " tenant_id = '"
                                        + T
                                        + "')"
                                        + " + (SELECT count(*) FROM p402.outcome_ledger WHERE"
                                        + " tenant_id = '"
                                        + T
                                        + "')")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(published);
        }
    }

    private static String ledgerValue(String table, String keyColumn, String key, String column)
            throws Exception {
        try (Connection c = STACK.jdbc();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT "
                                        + column
                                        + "::text FROM p402."
                                        + table
                                        + " WHERE tenant_id"
                                        + " = ? AND "
                                        + keyColumn
                                        + " = ?")) {
            ps.setString(1, T);
            ps.setString(2, key);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as(table + " " + key).isTrue();
                return rs.getString(1);
            }
        }
    }
}
