package p402.local.door;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import p402.jobs.MarginJob;
import p402.jobs.config.MarginJobConfig;
import p402.local.JdbcTarget;
import p402.local.LocalFlink;
import p402.local.cli.P402Command;
import p402.local.demo.TrafficSource;
import p402.local.feed.CostBasisFeed;
import p402.local.testing.LocalStackExtension;

/**
 * The door through the real HTTP server, broker, margin job (unbounded, as {@code p402 serve} runs
 * it) and Postgres. Tenants {@code t-door-a}, {@code t-door-b} (API keys) and {@code t-door-s}
 * (webhooks) are this class's own; their rows are deleted first.
 *
 * <p>Stripe deliveries are the real ones in {@code ../shared/data/stripe-webhook-events-zulip} when
 * present, else the small ones in this package's resources; each is re-signed with a test secret.
 * Their revenue by hand: the invoice.payment_succeeded sample's one line, 999 cents, is $9.99
 * earned 2019-01-25T05:37:11Z..2019-02-25T05:37:11Z (not amount_paid, which is 0); the
 * draft-to-paid invoice.updated's line is $1.00 at its paid time 2019-06-09T07:20:10Z; the
 * subscription update is no revenue; the refund of 30,000,000 paise (INR 300,000.00) at the test's
 * rate of 0.012 is -$3,600.00000 when refunded and +$3,600.00000 when it failed.
 */
class DoorEndToEndTest {

    @RegisterExtension static final LocalStackExtension STACK = new LocalStackExtension();

    private static final String A = "t-door-a";
    private static final String B = "t-door-b";
    private static final String S = "t-door-s";
    private static final String STRIPE_SECRET = "whsec_test_door";
    private static final String BILLING_SECRET = "billing-test-door";
    private static final String SCHEMA = new MarginJobConfig().schema;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir static Path dir;

    private static JdbcTarget db;
    private static JobClient job;
    private static DoorServer door;
    private static String keyA;
    private static String keyB;

    @BeforeAll
    static void start() throws Exception {
        MarginJobConfig config = STACK.jobConfig(Map.of("idleness", "1s"));
        config.bounded = false;
        db = new JdbcTarget(STACK.jdbcUrl(), config.jdbcUser, config.jdbcPassword, SCHEMA);
        clean();
        STACK.kafka().createTopics(2, CostBasisFeed.DEFAULT_TOPIC);

        StreamExecutionEnvironment env = LocalFlink.environment(config.parallelism);
        MarginJob.build(env, config);
        job = env.executeAsync("p402-margin-door-test");

        door =
                DoorServer.start(
                        new DoorServer.Settings(
                                "127.0.0.1",
                                0,
                                STACK.bootstrapServers(),
                                config,
                                db,
                                new UsdRates(Map.of("INR", new BigDecimal("0.012"))),
                                SignedPayload.DEFAULT_TOLERANCE));
        ApiKeys keys = new ApiKeys(db);
        keyA = keys.create(A, "test").key();
        keyB = keys.create(B, "test").key();
        WebhookSecrets secrets = new WebhookSecrets(db);
        secrets.set(S, WebhookSecrets.Source.STRIPE, STRIPE_SECRET);
        secrets.set(S, WebhookSecrets.Source.BILLING, BILLING_SECRET);
    }

    @AfterAll
    static void stop() throws Exception {
        if (door != null) {
            door.close();
        }
        if (job != null) {
            job.cancel().get();
        }
    }

    private static void clean() throws Exception {
        try (Connection c = db.connect();
                Statement st = c.createStatement()) {
            for (String table :
                    List.of(
                            "margin_window",
                            "call_ledger",
                            "revenue_ledger",
                            "outcome_ledger",
                            "api_key",
                            "webhook_secret",
                            "webhook_delivery",
                            "stripe_refund",
                            "cost_basis_period")) {
                st.execute(
                        "DELETE FROM "
                                + SCHEMA
                                + "."
                                + table
                                + " WHERE tenant_id IN ('"
                                + A
                                + "', '"
                                + B
                                + "', '"
                                + S
                                + "')");
            }
        }
    }

    // ------------------------------------------------------------ contract events

    @Test
    void eventsPostedWithAKeyReachTheTilesAndTheCostBasisEqualsTheWindows() throws Exception {
        HttpResponse<String> calls =
                post(
                        "/v1/calls",
                        keyA,
                        "["
                                + call(A, "tile-1", "2026-11-10T10:05:00Z", "acme", "0.010")
                                + ","
                                + call(A, "tile-2", "2026-11-10T10:20:00Z", "acme", "0.020")
                                + "]");
        assertThat(calls.statusCode()).as(calls.body()).isEqualTo(202);
        assertThat(json(calls).path("accepted")).hasSize(2);

        HttpResponse<String> revenue =
                post(
                        "/v1/revenue",
                        keyA,
                        "{\"schema\":\"p402.revenue.v1\",\"event_id\":\"tile-r1\",\"tenant_id\":\""
                                + A
                                + "\",\"customer_id\":\"acme\",\"occurred_at\":"
                                + "\"2026-11-10T10:10:00Z\",\"amount_usd\":\"1.00\"}");
        assertThat(revenue.statusCode()).as(revenue.body()).isEqualTo(202);
        HttpResponse<String> outcome =
                post(
                        "/v1/outcomes",
                        keyA,
                        "{\"schema\":\"p402.outcome.v1\",\"event_id\":\"tile-o1\",\"tenant_id\":\""
                                + A
                                + "\",\"call_event_id\":\"tile-1\",\"occurred_at\":"
                                + "\"2026-11-10T10:06:00Z\",\"status\":\"accepted\"}");
        assertThat(outcome.statusCode()).as(outcome.body()).isEqualTo(202);

        // A call a day later moves event time past the hour and the day of the first two.
        assertThat(
                        post(
                                        "/v1/calls",
                                        keyA,
                                        call(A, "tile-3", "2026-11-11T12:00:00Z", "acme", "0.5"))
                                .statusCode())
                .isEqualTo(202);

        String hourWindow =
                "SELECT count(*) FROM p402.margin_window WHERE tenant_id = '"
                        + A
                        + "' AND window_spec = '1h/1m' AND window_start ="
                        + " '2026-11-10T10:00:00Z' AND is_final AND calls = 2 AND accepted = 1"
                        + " AND revenue_usd = 1.00";
        String dayWindow =
                "SELECT count(*) FROM p402.margin_window WHERE tenant_id = '"
                        + A
                        + "' AND window_spec = '24h/15m' AND window_start ="
                        + " '2026-11-10T00:00:00Z' AND is_final";
        awaitCount(hourWindow, 1);
        awaitCount(dayWindow, 1);
        assertThat(
                        queryText(
                                "SELECT cost_usd::text FROM p402.margin_window WHERE tenant_id = '"
                                        + A
                                        + "' AND window_spec = '1h/1m' AND window_start ="
                                        + " '2026-11-10T10:00:00Z'"))
                .isEqualTo("0.030");

        // The cost basis: what the feed publishes equals margin_window summed over the period.
        List<JsonNode> published;
        try (CostBasisFeed feed =
                new CostBasisFeed(
                        db,
                        STACK.bootstrapServers(),
                        CostBasisFeed.DEFAULT_TOPIC,
                        new MarginJobConfig().windows)) {
            assertThat(feed.publishFinalPeriods()).isPositive();
            assertThat(feed.publishFinalPeriods()).isZero();
        }
        published = consume(CostBasisFeed.DEFAULT_TOPIC);
        JsonNode hour = period(published, A, "acme", "hour", "2026-11-10T10:00:00Z");
        JsonNode day = period(published, A, "acme", "day", "2026-11-10T00:00:00Z");
        assertThat(hour.path("specversion").asText()).isEqualTo("1.0");
        assertThat(hour.path("type").asText()).isEqualTo(CostBasisFeed.EVENT_TYPE);
        assertThat(hour.path("id").asText())
                .isEqualTo(
                        CostBasisFeed.eventId(
                                A, "acme", "hour", Instant.parse("2026-11-10T10:00:00Z")));
        assertThat(hour.path("data").path("cost_usd").asText())
                .isEqualTo(
                        queryText(
                                "SELECT sum(cost_usd)::text FROM p402.margin_window WHERE"
                                        + " tenant_id = '"
                                        + A
                                        + "' AND customer_id = 'acme' AND window_spec = '1h/1m'"
                                        + " AND window_start = '2026-11-10T10:00:00Z'"))
                .isEqualTo("0.030");
        assertThat(hour.path("data").path("calls").asLong()).isEqualTo(2);
        assertThat(day.path("data").path("cost_usd").asText())
                .isEqualTo(
                        queryText(
                                "SELECT sum(cost_usd)::text FROM p402.margin_window WHERE"
                                        + " tenant_id = '"
                                        + A
                                        + "' AND customer_id = 'acme' AND window_spec ="
                                        + " '24h/15m' AND window_start = '2026-11-10T00:00:00Z'"));
        assertThat(day.path("data").path("calls").asLong()).isEqualTo(2);

        // The export equals the Postgres rows exactly.
        assertExportEqualsTable("ledger", "call_ledger", "occurred_at, event_id");
        assertExportEqualsTable(
                "margin",
                "margin_window",
                "window_spec, window_start, customer_id, feature_id, workflow_id");
    }

    @Test
    void badEventsAreNamedWithTheirFieldAndTheGoodOnesStillGoIn() throws Exception {
        HttpResponse<String> r =
                post(
                        "/v1/calls",
                        keyA,
                        "["
                                + call(A, "mixed-good", "2026-11-10T09:00:00Z", "acme", "0.001")
                                + ",{\"schema\":\"p402.call.v1\",\"event_id\":\"mixed-bad-1\","
                                + "\"tenant_id\":\""
                                + A
                                + "\",\"occurred_at\":\"2026-11-10T09:00:00Z\"}"
                                + ","
                                + call(A, "mixed-bad-2", "2026-11-10T09:00:00Z", "acme", "-1")
                                + "]");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonNode body = json(r);
        assertThat(body.path("accepted").get(0).path("event_id").asText()).isEqualTo("mixed-good");
        assertThat(body.path("rejected")).hasSize(2);
        assertThat(body.path("rejected").get(0).path("field").asText()).isEqualTo("provider");
        assertThat(body.path("rejected").get(1).path("field").asText()).isEqualTo("cost_usd");
        assertThat(body.path("rejected").get(1).path("reason").asText()).contains("negative");
        awaitCount(
                "SELECT count(*) FROM p402.call_ledger WHERE tenant_id = '"
                        + A
                        + "' AND event_id = 'mixed-good'",
                1);
    }

    @Test
    void aKeyOfOneTenantCannotWriteOrReadAnother() throws Exception {
        long before = STACK.kafka().recordCount("p402.calls");
        HttpResponse<String> write =
                post(
                        "/v1/calls",
                        keyA,
                        "["
                                + call(A, "own", "2026-11-10T09:00:00Z", "acme", "0.001")
                                + ","
                                + call(B, "foreign", "2026-11-10T09:00:00Z", "x", "0.001")
                                + "]");
        assertThat(write.statusCode()).as(write.body()).isEqualTo(403);
        assertThat(STACK.kafka().recordCount("p402.calls")).isEqualTo(before);

        HttpResponse<String> read = get("/v1/margin?tenant=" + B, keyA);
        assertThat(read.statusCode()).isEqualTo(403);
        HttpResponse<String> own = get("/v1/margin", keyB);
        assertThat(own.statusCode()).isEqualTo(200);
        for (JsonNode row : json(own).path("rows")) {
            assertThat(row.path("tenant_id").asText()).isEqualTo(B);
        }
    }

    @Test
    void missingUnknownAndRevokedKeysAre401AndOversizedBodies413() throws Exception {
        String event = call(A, "auth", "2026-11-10T09:00:00Z", "acme", "0.001");
        assertThat(post("/v1/calls", null, event).statusCode()).isEqualTo(401);
        assertThat(post("/v1/calls", "p402_0000000000000000_nope", event).statusCode())
                .isEqualTo(401);
        ApiKeys keys = new ApiKeys(db);
        ApiKeys.Created revoked = keys.create(A, "to revoke");
        assertThat(keys.revoke(revoked.keyId())).isTrue();
        assertThat(post("/v1/calls", revoked.key(), event).statusCode()).isEqualTo(401);
        assertThat(keys.list(A)).extracting(ApiKeys.Listed::keyId).contains(revoked.keyId());

        String big = "[" + "0,".repeat((int) (DoorServer.MAX_BODY_BYTES / 2)) + "0]";
        assertThat(postOversized(big)).isEqualTo(413);

        HttpResponse<String> health =
                HTTP.send(
                        HttpRequest.newBuilder(uri("/healthz")).build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
    }

    // ------------------------------------------------------------ webhooks

    @Test
    void stripeDeliveriesGiveTheRevenueComputedByHand() throws Exception {
        byte[] invoice = stripeDelivery("invoice_payment_succeeded.json");
        HttpResponse<String> paid = stripe(invoice, now());
        assertThat(paid.statusCode()).as(paid.body()).isEqualTo(200);

        HttpResponse<String> updated = stripe(stripeDelivery("invoice_updated__paid.json"), now());
        assertThat(updated.statusCode()).as(updated.body()).isEqualTo(200);

        HttpResponse<String> subscription =
                stripe(stripeDelivery("customer_subscription_updated.json"), now());
        assertThat(subscription.statusCode()).isEqualTo(200);
        assertThat(json(subscription).has("ignored")).isTrue();

        // The refund that later failed: first its charge.refunded (written here, INR), then the
        // real charge.refund.updated with status failed.
        ObjectNode refunded = (ObjectNode) JSON.readTree(chargeRefunded("inr", "evt_door_refund"));
        HttpResponse<String> refund = stripe(JSON.writeValueAsBytes(refunded), now());
        assertThat(refund.statusCode()).as(refund.body()).isEqualTo(200);
        HttpResponse<String> failed =
                stripe(stripeDelivery("refund_event__charge.refund.updated.json"), now());
        assertThat(failed.statusCode()).as(failed.body()).isEqualTo(200);

        awaitCount("SELECT count(*) FROM p402.revenue_ledger WHERE tenant_id = '" + S + "'", 4);
        assertThat(revenueRow("stripe:in_00000000000000:sli_00000000000000"))
                .isEqualTo("cus_00000000000000|9.99|2019-01-25 05:37:11+00|2019-02-25 05:37:11+00");
        assertThat(revenueRow("stripe:in_1EjLINHuGUuNWDDZjDf2WNqd:ii_1EjLINHuGUuNWDDZJX6Nl48C"))
                .isEqualTo("cus_FDmrSwQt9Fck5M|1.00||");
        assertThat(revenueRow("stripe:re_1Gib6ZHLwdCOCoR7VrzCnXlj"))
                .isEqualTo("cus_door_refund|-3600.00000||");
        assertThat(revenueRow("stripe:re_1Gib6ZHLwdCOCoR7VrzCnXlj:reversed"))
                .isEqualTo("cus_door_refund|3600.00000||");
    }

    @Test
    void badSignaturesStaleTimestampsReplaysAndForeignCurrenciesPublishNothing() throws Exception {
        byte[] invoice = stripeDelivery("invoice_payment_succeeded.json");
        assertThat(stripe(invoice, now()).statusCode()).isEqualTo(200);
        long before = STACK.kafka().recordCount("p402.revenue");

        HttpResponse<String> forged =
                send(
                        "/v1/webhooks/stripe/" + S,
                        invoice,
                        "Stripe-Signature",
                        SignedPayload.header(invoice, "whsec_wrong", now()));
        assertThat(forged.statusCode()).isEqualTo(400);
        assertThat(json(forged).path("error").asText()).contains("no v1 signature matches");

        HttpResponse<String> stale = stripe(invoice, now() - 3600);
        assertThat(stale.statusCode()).isEqualTo(400);
        assertThat(json(stale).path("error").asText()).contains("tolerance");

        HttpResponse<String> replay = stripe(invoice, now());
        assertThat(replay.statusCode()).isEqualTo(200);
        assertThat(json(replay).path("duplicate").asBoolean()).isTrue();

        HttpResponse<String> euros = stripe(chargeRefunded("eur", "evt_door_eur"), now());
        assertThat(euros.statusCode()).isEqualTo(422);
        assertThat(json(euros).path("error").asText()).contains("EUR").contains("not counted");

        HttpResponse<String> unknownTenant =
                send(
                        "/v1/webhooks/stripe/t-door-nobody",
                        invoice,
                        "Stripe-Signature",
                        SignedPayload.header(invoice, STRIPE_SECRET, now()));
        assertThat(unknownTenant.statusCode()).isEqualTo(401);

        assertThat(STACK.kafka().recordCount("p402.revenue")).isEqualTo(before);
    }

    @Test
    void theBillingWebhookTakesTheDocumentedForm() throws Exception {
        byte[] payment =
                ("{\"id\":\"inv-door-1\",\"customer_id\":\"acme\",\"amount\":\"99.00\","
                                + "\"currency\":\"USD\",\"occurred_at\":\"2026-11-01T00:00:00Z\","
                                + "\"service_period\":{\"start\":\"2026-11-01T00:00:00Z\","
                                + "\"end\":\"2026-12-01T00:00:00Z\"},\"kind\":\"subscription\"}")
                        .getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> ok =
                send(
                        "/v1/webhooks/billing/" + S,
                        payment,
                        "P402-Signature",
                        SignedPayload.header(payment, BILLING_SECRET, now()));
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        HttpResponse<String> again =
                send(
                        "/v1/webhooks/billing/" + S,
                        payment,
                        "P402-Signature",
                        SignedPayload.header(payment, BILLING_SECRET, now()));
        assertThat(json(again).path("duplicates")).hasSize(1);
        HttpResponse<String> unsigned =
                send("/v1/webhooks/billing/" + S, payment, "P402-Signature", "t=1,v1=00");
        assertThat(unsigned.statusCode()).isEqualTo(400);

        awaitCount(
                "SELECT count(*) FROM p402.revenue_ledger WHERE tenant_id = '"
                        + S
                        + "' AND event_id = 'billing:inv-door-1' AND amount_usd = 99.00"
                        + " AND service_end = '2026-12-01T00:00:00Z'",
                1);
    }

    // ------------------------------------------------------------ helpers

    private static String call(String tenant, String id, String at, String customer, String cost) {
        return "{\"schema\":\"p402.call.v1\",\"event_id\":\""
                + id
                + "\",\"tenant_id\":\""
                + tenant
                + "\",\"occurred_at\":\""
                + at
                + "\",\"provider\":\"openai\",\"customer_id\":\""
                + customer
                + "\",\"feature_id\":\"chat\",\"cost_usd\":\""
                + cost
                + "\"}";
    }

    private static byte[] chargeRefunded(String currency, String eventId) {
        return ("{\"id\":\""
                        + eventId
                        + "\",\"object\":\"event\",\"type\":\"charge.refunded\","
                        + "\"created\":1589439800,\"data\":{\"object\":{"
                        + "\"id\":\"ch_1Gib61HLwdCOCoR71rnkccye\",\"object\":\"charge\","
                        + "\"amount\":30000000,\"amount_refunded\":30000000,\"currency\":\""
                        + currency
                        + "\",\"customer\":\"cus_door_refund\",\"metadata\":{},"
                        + "\"refunds\":{\"data\":[{\"id\":\"re_1Gib6ZHLwdCOCoR7VrzCnXlj\","
                        + "\"amount\":30000000,\"currency\":\""
                        + currency
                        + "\",\"created\":1589439823,\"status\":\"succeeded\"}]}}}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** A delivery from ../shared when it is there, else this package's small stand-in. */
    private static byte[] stripeDelivery(String name) throws Exception {
        Path root = TrafficSource.repositoryRoot();
        if (root != null) {
            Path shared =
                    root.resolve("../shared/data/stripe-webhook-events-zulip")
                            .resolve(name)
                            .normalize();
            if (Files.isRegularFile(shared)) {
                return Files.readAllBytes(shared);
            }
        }
        try (InputStream in = DoorEndToEndTest.class.getResourceAsStream("stripe/" + name)) {
            return in.readAllBytes();
        }
    }

    private static HttpResponse<String> stripe(byte[] body, long timestamp) throws Exception {
        return send(
                "/v1/webhooks/stripe/" + S,
                body,
                "Stripe-Signature",
                SignedPayload.header(body, STRIPE_SECRET, timestamp));
    }

    private static long now() {
        return Instant.now().getEpochSecond();
    }

    private static HttpResponse<String> send(String path, byte[] body, String header, String value)
            throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(uri(path))
                        .header(header, value)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String path, String key, String body)
            throws Exception {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(uri(path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * The status of an oversized post. The door answers 413 without reading the body and closes the
     * connection, which races the client still sending it: now and then the client sees the
     * connection closed before it reads the answer. That is the transport, not the door's answer,
     * so such an attempt is made again (three at most).
     */
    private static int postOversized(String body) throws Exception {
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                return post("/v1/calls", keyA, body).statusCode();
            } catch (IOException e) {
                last = e;
            }
        }
        throw last;
    }

    private static HttpResponse<String> get(String path, String key) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + key).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + door.port() + path);
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    private static void awaitCount(String sql, long expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        long count = -1;
        while (System.nanoTime() < deadline) {
            count = Long.parseLong(queryText(sql));
            if (count == expected) {
                return;
            }
            Thread.sleep(200);
        }
        assertThat(count).as(sql).isEqualTo(expected);
    }

    private static String queryText(String sql) throws Exception {
        try (Connection c = db.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static String revenueRow(String eventId) throws Exception {
        try (Connection c = db.connect();
                Statement tz = c.createStatement()) {
            tz.execute("SET TIME ZONE 'UTC'");
            try (PreparedStatement st =
                    c.prepareStatement(
                            "SELECT customer_id || '|' || amount_usd::text || '|' ||"
                                    + " coalesce(service_start::text, '') || '|' ||"
                                    + " coalesce(service_end::text, '') FROM p402.revenue_ledger"
                                    + " WHERE tenant_id = ? AND event_id = ?")) {
                st.setString(1, S);
                st.setString(2, eventId);
                try (ResultSet rs = st.executeQuery()) {
                    return rs.next() ? rs.getString(1) : null;
                }
            }
        }
    }

    private static List<JsonNode> consume(String topic) throws Exception {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, STACK.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "door-test-" + System.nanoTime());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        long expected = STACK.kafka().recordCount(topic);
        List<JsonNode> events = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (events.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    events.add(JSON.readTree(r.value()));
                }
            }
        }
        return events;
    }

    private static JsonNode period(
            List<JsonNode> events,
            String tenant,
            String customer,
            String granularity,
            String start) {
        return events.stream()
                .filter(
                        e ->
                                e.path("data").path("tenant_id").asText().equals(tenant)
                                        && e.path("subject").asText().equals(customer)
                                        && e.path("data")
                                                .path("granularity")
                                                .asText()
                                                .equals(granularity)
                                        && e.path("data")
                                                .path("period_start")
                                                .asText()
                                                .equals(start))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + granularity + " period " + start));
    }

    private static void assertExportEqualsTable(String what, String table, String order)
            throws Exception {
        Path out = dir.resolve(what + ".csv");
        int rc =
                P402Command.commandLine()
                        .execute(
                                "export",
                                "--jdbc-url",
                                STACK.jdbcUrl(),
                                "--tenant",
                                A,
                                "--from",
                                "2026-11-10T00:00:00Z",
                                "--to",
                                "2026-11-12T00:00:00Z",
                                "--what",
                                what,
                                "--out",
                                out.toString());
        assertThat(rc).isZero();

        List<List<String>> expected = new ArrayList<>();
        List<String> columns = new ArrayList<>();
        String time = table.equals("margin_window") ? "window_start" : "occurred_at";
        try (Connection c = db.connect();
                Statement st = c.createStatement()) {
            st.execute("SET TIME ZONE 'UTC'");
            try (ResultSet rs =
                    st.executeQuery(
                            "SELECT * FROM p402."
                                    + table
                                    + " WHERE tenant_id = '"
                                    + A
                                    + "' AND "
                                    + time
                                    + " >= '2026-11-10T00:00:00Z' AND "
                                    + time
                                    + " < '2026-11-12T00:00:00Z' ORDER BY "
                                    + order)) {
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    columns.add(rs.getMetaData().getColumnLabel(i));
                }
            }
            StringBuilder text = new StringBuilder();
            for (String col : columns) {
                text.append(text.length() == 0 ? "" : ", ").append(col).append("::text");
            }
            try (ResultSet rs =
                    st.executeQuery(
                            "SELECT "
                                    + text
                                    + " FROM p402."
                                    + table
                                    + " WHERE tenant_id = '"
                                    + A
                                    + "' AND "
                                    + time
                                    + " >= '2026-11-10T00:00:00Z' AND "
                                    + time
                                    + " < '2026-11-12T00:00:00Z' ORDER BY "
                                    + order)) {
                while (rs.next()) {
                    List<String> row = new ArrayList<>();
                    for (int i = 1; i <= columns.size(); i++) {
                        row.add(rs.getString(i));
                    }
                    expected.add(row);
                }
            }
        }
        assertThat(expected).isNotEmpty();

        List<List<String>> exported = new ArrayList<>();
        try (Reader in = Files.newBufferedReader(out);
                CSVParser csv =
                        CSVFormat.RFC4180
                                .builder()
                                .setHeader()
                                .setSkipHeaderRecord(true)
                                .get()
                                .parse(in)) {
            assertThat(csv.getHeaderNames()).isEqualTo(columns);
            for (CSVRecord record : csv) {
                List<String> row = new ArrayList<>();
                for (int i = 0; i < record.size(); i++) {
                    // NULL is an empty unquoted field; '' is quoted, so the two stay apart.
                    row.add(record.get(i));
                }
                exported.add(row);
            }
        }
        List<List<String>> expectedAsCsv = new ArrayList<>();
        for (List<String> row : expected) {
            List<String> r = new ArrayList<>();
            for (String v : row) {
                r.add(v == null ? "" : v);
            }
            expectedAsCsv.add(r);
        }
        assertThat(exported).isEqualTo(expectedAsCsv);
        assertThat(Files.readString(out)).contains("\"\"");
    }
}
