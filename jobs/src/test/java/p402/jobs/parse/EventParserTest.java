package p402.jobs.parse;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import p402.jobs.events.CallEvent;
import p402.jobs.events.DeadLetter;
import p402.jobs.events.Envelope;
import p402.jobs.events.OutcomeEvent;
import p402.jobs.events.RevenueEvent;

/**
 * {@link EventParser}: one valid event of each topic, then every class of input that must become a
 * dead letter (with its reason), then attribution.
 */
class EventParserTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final EventParser CALLS = new EventParser(EventParser.Topic.CALLS, "p402.calls");
    private static final EventParser REVENUE =
            new EventParser(EventParser.Topic.REVENUE, "p402.revenue");
    private static final EventParser OUTCOMES =
            new EventParser(EventParser.Topic.OUTCOMES, "p402.outcomes");

    // ------------------------------------------------------------------------------ helpers

    private static ObjectNode baseCall() {
        ObjectNode o = JSON.createObjectNode();
        o.put("schema", "p402.call.v1");
        o.put("event_id", "c1");
        o.put("tenant_id", "t1");
        o.put("occurred_at", "2026-11-10T10:00:00Z");
        o.put("provider", "openai");
        return o;
    }

    private static ObjectNode baseRevenue() {
        ObjectNode o = JSON.createObjectNode();
        o.put("schema", "p402.revenue.v1");
        o.put("event_id", "r1");
        o.put("tenant_id", "t1");
        o.put("customer_id", "acme");
        o.put("occurred_at", "2026-11-10T10:00:00Z");
        o.put("amount_usd", "99.00");
        return o;
    }

    private static ObjectNode baseOutcome() {
        ObjectNode o = JSON.createObjectNode();
        o.put("schema", "p402.outcome.v1");
        o.put("event_id", "o1");
        o.put("tenant_id", "t1");
        o.put("call_event_id", "c1");
        o.put("occurred_at", "2026-11-10T10:05:00Z");
        o.put("status", "accepted");
        return o;
    }

    private static Envelope parse(EventParser parser, String json) {
        return parser.parse(json.getBytes(StandardCharsets.UTF_8), 3, 42, 1_000L);
    }

    private static CallEvent call(Consumer<ObjectNode> edit) {
        ObjectNode o = baseCall();
        edit.accept(o);
        Envelope e = parse(CALLS, o.toString());
        assertThat(e.kind)
                .as("%s", e.dead == null ? "" : e.dead.reason)
                .isEqualTo(Envelope.Kind.CALL);
        return e.call;
    }

    private static String callReason(Consumer<ObjectNode> edit) {
        ObjectNode o = baseCall();
        edit.accept(o);
        return reason(CALLS, o.toString());
    }

    private static String revenueReason(Consumer<ObjectNode> edit) {
        ObjectNode o = baseRevenue();
        edit.accept(o);
        return reason(REVENUE, o.toString());
    }

    private static String outcomeReason(Consumer<ObjectNode> edit) {
        ObjectNode o = baseOutcome();
        edit.accept(o);
        return reason(OUTCOMES, o.toString());
    }

    private static String reason(EventParser parser, String json) {
        Envelope e = parse(parser, json);
        assertThat(e.kind).as("dead letter for %s", json).isEqualTo(Envelope.Kind.DEAD);
        return e.dead.reason;
    }

    // ------------------------------------------------------------------------- good events

    @Test
    void aMeterOnlyCall() {
        CallEvent c =
                call(
                        o -> {
                            o.put("customer_id", "acme");
                            o.put("feature_id", "chat");
                            o.put("workflow_id", "w1");
                            o.put("provider", "OpenAI");
                            o.put("model", "gpt-4o");
                            o.put("cost_usd", "0.010");
                            o.put("revenue_usd", "0.25");
                            o.put("status", "error");
                            ObjectNode u = o.putObject("usage");
                            u.put("prompt_tokens", 1000);
                            u.put("completion_tokens", 300);
                            u.putObject("prompt_tokens_details").put("cached_tokens", 200);
                            u.putObject("completion_tokens_details").put("reasoning_tokens", 100);
                        });
        assertThat(c.tenantId).isEqualTo("t1");
        assertThat(c.eventId).isEqualTo("c1");
        assertThat(c.occurredAt).isEqualTo(1_794_304_800_000L); // 2026-11-10T10:00:00Z
        assertThat(c.provider).isEqualTo("openai");
        assertThat(c.model).isEqualTo("gpt-4o");
        assertThat(c.customerId).isEqualTo("acme");
        assertThat(c.featureId).isEqualTo("chat");
        assertThat(c.workflowId).isEqualTo("w1");
        assertThat(c.attributionSource).isEqualTo("meter");
        assertThat(c.attributionConflict).isFalse();
        assertThat(c.providedCostUsd).isEqualTo(new BigDecimal("0.010"));
        assertThat(c.callRevenueUsd).isEqualTo(new BigDecimal("0.25"));
        assertThat(c.isError()).isTrue();
        // Disjoint buckets: 1000 prompt = 800 uncached + 200 cached; 300 = 200 + 100 reasoning.
        assertThat(c.hasUsage).isTrue();
        assertThat(c.uncachedInput).isEqualTo(800);
        assertThat(c.cacheRead).isEqualTo(200);
        assertThat(c.visibleOutput).isEqualTo(200);
        assertThat(c.reasoning).isEqualTo(100);
        assertThat(c.partition).isEqualTo(3);
        assertThat(c.offset).isEqualTo(42);
    }

    @Test
    void aGatewayCallTakesModelTierAndUsageFromTheResponse() {
        CallEvent c =
                call(
                        o -> {
                            ObjectNode r = o.putObject("response");
                            r.put("model", "gpt-4o-mini");
                            r.put("service_tier", "Flex");
                            r.putObject("usage")
                                    .put("prompt_tokens", 10)
                                    .put("completion_tokens", 5);
                        });
        assertThat(c.model).isEqualTo("gpt-4o-mini");
        assertThat(c.serviceTier).isEqualTo("flex");
        assertThat(c.uncachedInput).isEqualTo(10);
        assertThat(c.visibleOutput).isEqualTo(5);
        assertThat(c.status).isEqualTo("ok");
        assertThat(c.providedCostUsd).isNull();
    }

    @Test
    void aCallWithoutUsageIsKeptAndMarked() {
        assertThat(call(o -> {}).hasUsage).isFalse();
    }

    @Test
    void aRevenueEventWithAServicePeriod() {
        Envelope e =
                parse(
                        REVENUE,
                        baseRevenue()
                                .put("feature_id", "search")
                                .put("kind", "subscription")
                                .set(
                                        "service_period",
                                        JSON.createObjectNode()
                                                .put("start", "2026-11-10T09:00:00Z")
                                                .put("end", "2026-12-10T09:00:00Z"))
                                .toString());
        RevenueEvent r = e.revenue;
        assertThat(r.customerId).isEqualTo("acme");
        assertThat(r.featureId).isEqualTo("search");
        assertThat(r.amountUsd).isEqualTo(new BigDecimal("99.00"));
        assertThat(r.serviceEnd - r.serviceStart).isEqualTo(30 * 86_400_000L);
        assertThat(r.hasServicePeriod()).isTrue();
    }

    @Test
    void refundsAreNegativeRevenue() {
        assertThat(
                        parse(REVENUE, baseRevenue().put("amount_usd", "-5.00").toString())
                                .revenue
                                .amountUsd)
                .isEqualTo(new BigDecimal("-5.00"));
    }

    @Test
    void anOutcome() {
        OutcomeEvent o =
                parse(OUTCOMES, baseOutcome().put("quality_score", 0.8).toString()).outcome;
        assertThat(o.callEventId).isEqualTo("c1");
        assertThat(o.status).isEqualTo("accepted");
        assertThat(o.qualityScore).isEqualTo(new BigDecimal("0.8"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "1", "0.0", "1.0", "0.5"})
    void qualityScoresFromZeroToOneAreKept(String q) {
        assertThat(parse(OUTCOMES, baseOutcome().put("quality_score", q).toString()).kind)
                .isEqualTo(Envelope.Kind.OUTCOME);
    }

    // ------------------------------------------------------------------------- dead letters

    @Test
    void aDeadLetterKeepsThePayloadItsCoordinatesAndTheIdsItCouldRead() {
        String json = baseCall().put("cost_usd", "-1").toString();
        byte[] raw = json.getBytes(StandardCharsets.UTF_8);
        DeadLetter d = CALLS.parse(raw, 3, 42, 1_000L).dead;
        assertThat(d.topic).isEqualTo("p402.calls");
        assertThat(d.partition).isEqualTo(3);
        assertThat(d.offset).isEqualTo(42);
        assertThat(d.receivedAt).isEqualTo(1_000L);
        assertThat(d.payload).isEqualTo(raw);
        assertThat(d.tenantId).isEqualTo("t1");
        assertThat(d.eventId).isEqualTo("c1");
    }

    @Test
    void emptyNullAndOversizedRecords() {
        assertThat(CALLS.parse(null, 0, 0, 0).dead.reason).isEqualTo("empty record");
        assertThat(CALLS.parse(new byte[0], 0, 0, 0).dead.reason).isEqualTo("empty record");
        byte[] big = new byte[EventParser.MAX_RECORD_BYTES + 1];
        assertThat(CALLS.parse(big, 0, 0, 0).dead.reason).contains("exceeds");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"schema\":\"p402.call.v1\",\"event_id\":",
                "not json",
                "{\"schema\":\"p402.call.v1\"} trailing",
                "{\"a\":1}{\"a\":2}",
                "{\"cost_usd\":12abc}",
                "{\"cost_usd\":NaN}",
                "{\"cost_usd\":Infinity}",
                "{\"cost_usd\":-Infinity}",
                "{\"a\":1,\"a\":2}",
                "\u00ff\u00fe"
            })
    void malformedJson(String raw) {
        assertThat(reason(CALLS, raw)).startsWith("malformed JSON");
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "\"a string\"", "12", "null"})
    void jsonThatIsNotAnObject(String raw) {
        assertThat(reason(CALLS, raw)).isEqualTo("not a JSON object");
    }

    @Test
    void numbersTooLongToReadAreMalformed() {
        String digits = "1".repeat(100);
        assertThat(reason(CALLS, "{\"cost_usd\":" + digits + "}")).startsWith("malformed JSON");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                // A decimal string must be a plain decimal.
                "\"12abc\"          | is not a decimal amount",
                "\"NaN\"            | is not a decimal amount",
                "\"Infinity\"       | is not a decimal amount",
                "\"1e5\"            | is not a decimal amount",
                "\"0x10\"           | is not a decimal amount",
                "\"\"               | is not a decimal amount",
                "\"1,000.00\"       | is not a decimal amount",
                // 10^15 USD and beyond is out of range, as a number or a string.
                "1e400              | is out of range",
                "1000000000000000   | is out of range",
                "\"1000000000000000\" | is out of range",
                "\"-1000000000000000\" | is out of range",
                // More than 18 places.
                "0.0000000000000000001 | more than 18 decimal places",
                "1e-19              | more than 18 decimal places",
                "true               | expected a decimal string or number, got boolean",
                "{}                 | expected a decimal string or number, got object",
                "[1]                | expected a decimal string or number, got array"
            })
    void amountsThatAreNotMoney(String value, String expected) {
        String json = baseRevenue().toString().replace("\"99.00\"", value);
        assertThat(reason(REVENUE, json)).startsWith("amount_usd: ").contains(expected);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "tenant_id   | 5           | tenant_id: expected a string, got number",
                "event_id    | true        | event_id: expected a string, got boolean",
                "provider    | {}          | provider: expected a string, got object",
                "customer_id | [\"a\",\"b\"] | customer_id: expected a string, got array",
                "model       | 4           | model: expected a string, got number",
                "occurred_at | true        | occurred_at: expected an RFC 3339 string or epoch"
                        + " millis",
                "occurred_at | 1.7943E12   | occurred_at: expected an RFC 3339 string or epoch"
                        + " millis",
                "usage       | \"lots\"    | usage: expected an object, got string",
                "status      | \"maybe\"   | status: 'maybe' is neither ok nor error"
            })
    void fieldsOfTheWrongType(String field, String value, String expected) {
        ObjectNode o = baseCall();
        o.putRawValue(field, new RawValue(value));
        assertThat(reason(CALLS, o.toString())).startsWith(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\t"})
    void blankIdsAreMissing(String id) {
        assertThat(callReason(o -> o.put("event_id", id)))
                .isEqualTo("missing required field event_id");
        assertThat(callReason(o -> o.put("tenant_id", id)))
                .isEqualTo("missing required field tenant_id");
    }

    @Test
    void idsWithANulAreRefused() {
        assertThat(callReason(o -> o.put("event_id", "c\u00001")))
                .isEqualTo("event_id: contains a NUL character");
        assertThat(callReason(o -> o.put("customer_id", "acme\u0000")))
                .isEqualTo("customer_id: contains a NUL character");
        assertThat(callReason(o -> o.putObject("headers").put("x-p402-customer-id", "\u0000")))
                .isEqualTo("headers.x-p402-customer-id: contains a NUL character");
    }

    @Test
    void overlongIdsAreRefused() {
        assertThat(callReason(o -> o.put("event_id", "x".repeat(513))))
                .isEqualTo("event_id: longer than 512 characters");
        assertThat(call(o -> o.put("event_id", "x".repeat(512))).eventId).hasSize(512);
    }

    @Test
    void unknownSchemas() {
        assertThat(callReason(o -> o.put("schema", "p402.call.v2")))
                .isEqualTo("unknown schema 'p402.call.v2' (this topic reads p402.call.v1)");
        // A revenue event on the calls topic is in the wrong place, not a call.
        assertThat(reason(CALLS, baseRevenue().toString())).startsWith("unknown schema");
        assertThat(reason(REVENUE, baseOutcome().toString())).startsWith("unknown schema");
        assertThat(reason(OUTCOMES, baseCall().toString())).startsWith("unknown schema");
    }

    @ParameterizedTest
    @ValueSource(strings = {"schema", "event_id", "tenant_id", "occurred_at", "provider"})
    void callsMissARequiredField(String field) {
        assertThat(callReason(o -> o.remove(field))).isEqualTo("missing required field " + field);
        assertThat(callReason(o -> o.putNull(field))).isEqualTo("missing required field " + field);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "schema",
                "event_id",
                "tenant_id",
                "customer_id",
                "occurred_at",
                "amount_usd"
            })
    void revenueMissesARequiredField(String field) {
        assertThat(revenueReason(o -> o.remove(field)))
                .isEqualTo("missing required field " + field);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"schema", "event_id", "tenant_id", "call_event_id", "occurred_at", "status"})
    void outcomesMissARequiredField(String field) {
        assertThat(outcomeReason(o -> o.remove(field)))
                .isEqualTo("missing required field " + field);
    }

    @Test
    void revenueWithoutACustomerIsNotUnattributedButDead() {
        assertThat(revenueReason(o -> o.put("customer_id", "")))
                .isEqualTo("missing required field customer_id");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "2026-11-10T10:00:00        | is not an RFC 3339 time with an offset",
                "2026-11-10 10:00:00Z       | is not an RFC 3339 time with an offset",
                "2026-11-10                 | is not an RFC 3339 time with an offset",
                "2026-02-30T10:00:00Z       | is not an RFC 3339 time with an offset",
                "2026-11-10T24:00:00Z       | is not an RFC 3339 time with an offset",
                "yesterday                  | is not an RFC 3339 time with an offset",
                "1999-12-31T23:59:59.999Z   | is outside 2000-01-01..2100-01-01",
                "2100-01-01T00:00:00Z       | is outside 2000-01-01..2100-01-01",
                "2000-01-01T00:59:59+01:00  | is outside 2000-01-01..2100-01-01"
            })
    void timestampsThatAreRefused(String time, String expected) {
        assertThat(callReason(o -> o.put("occurred_at", time)))
                .isEqualTo("occurred_at: '" + time + "' " + expected);
    }

    @Test
    void epochMillisOutsideTheRangeAreRefused() {
        assertThat(callReason(o -> o.put("occurred_at", EventTimes.EARLIEST - 1)))
                .isEqualTo("occurred_at: 946684799999 is outside 2000-01-01..2100-01-01");
        assertThat(callReason(o -> o.put("occurred_at", EventTimes.LATEST)))
                .contains("is outside 2000-01-01..2100-01-01");
        assertThat(callReason(o -> o.put("occurred_at", new BigInteger("9".repeat(30)))))
                .isEqualTo("occurred_at: epoch millis out of range");
        assertThat(call(o -> o.put("occurred_at", EventTimes.EARLIEST)).occurredAt)
                .isEqualTo(EventTimes.EARLIEST);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"prompt_tokens\":-1,\"completion_tokens\":5}  | usage: negative prompt_tokens",
                "{\"prompt_tokens\":1.5,\"completion_tokens\":5} | usage: fractional prompt_tokens",
                "{\"input_tokens\":10,\"output_tokens\":-3}       | usage: negative output_tokens",
                "{\"prompt_tokens\":10,\"completion_tokens\":5,"
                        + "\"prompt_tokens_details\":{\"cached_tokens\":11}} | usage: cached_tokens"
            })
    void tokenCountsTheNormaliserRefuses(String usage, String expected) {
        ObjectNode o = baseCall();
        o.putRawValue("usage", new RawValue(usage));
        assertThat(reason(CALLS, o.toString())).startsWith(expected);
    }

    @Test
    void aNegativeCostIsRefusedButNegativeCallRevenueIsARefund() {
        assertThat(callReason(o -> o.put("cost_usd", "-0.01")))
                .isEqualTo("cost_usd: negative cost -0.01");
        assertThat(call(o -> o.put("revenue_usd", "-0.25")).callRevenueUsd)
                .isEqualTo(new BigDecimal("-0.25"));
        assertThat(call(o -> o.put("cost_usd", "0")).providedCostUsd).isEqualTo(BigDecimal.ZERO);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ACCEPTED", "approved", "pending", "ok"})
    void outcomeStatusesOutsideTheContract(String status) {
        assertThat(outcomeReason(o -> o.put("status", status)))
                .isEqualTo(
                        "status: '" + status + "' is not accepted, rejected, edited or abandoned");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.01", "-0.1", "2", "-0"})
    void qualityScoresOutsideZeroToOne(String q) {
        // "-0" is zero: allowed. The rest are outside 0..1.
        ObjectNode o = baseOutcome();
        o.putRawValue("quality_score", new RawValue(q));
        Envelope e = parse(OUTCOMES, o.toString());
        if (q.equals("-0")) {
            assertThat(e.kind).isEqualTo(Envelope.Kind.OUTCOME);
        } else {
            assertThat(e.dead.reason).isEqualTo("quality_score: " + q + " is outside 0..1");
        }
    }

    @Test
    void servicePeriodsThatEndBeforeTheyStart() {
        assertThat(
                        revenueReason(
                                o ->
                                        o.putObject("service_period")
                                                .put("start", "2026-11-10T10:00:00Z")
                                                .put("end", "2026-11-10T09:00:00Z")))
                .isEqualTo("service_period: end is not after start");
        assertThat(
                        revenueReason(
                                o ->
                                        o.putObject("service_period")
                                                .put("start", "2026-11-10T10:00:00Z")
                                                .put("end", "2026-11-10T10:00:00Z")))
                .isEqualTo("service_period: end is not after start");
        assertThat(
                        revenueReason(
                                o ->
                                        o.putObject("service_period")
                                                .put("start", "2026-11-10T10:00:00Z")))
                .isEqualTo("missing required field service_period.end");
        assertThat(revenueReason(o -> o.put("service_period", "monthly")))
                .isEqualTo("service_period: expected an object");
    }

    // -------------------------------------------------------------------------- attribution

    private static ObjectNode headers(ObjectNode o) {
        return o.putObject("headers");
    }

    private static ObjectNode bodyExtension(ObjectNode o) {
        return o.putObject("request").putObject("p402");
    }

    @Test
    void topLevelBeatsHeaderBeatsBody() {
        CallEvent all =
                call(
                        o -> {
                            o.put("customer_id", "meter-acme");
                            headers(o).put("x-p402-customer-id", "header-acme");
                            bodyExtension(o).put("customer_id", "body-acme");
                        });
        assertThat(all.customerId).isEqualTo("meter-acme");
        assertThat(all.attributionSource).isEqualTo("meter");
        assertThat(all.attributionConflict).isTrue();

        CallEvent headerAndBody =
                call(
                        o -> {
                            headers(o).put("x-p402-customer-id", "header-acme");
                            bodyExtension(o).put("customer_id", "body-acme");
                        });
        assertThat(headerAndBody.customerId).isEqualTo("header-acme");
        assertThat(headerAndBody.attributionSource).isEqualTo("header");

        CallEvent body = call(o -> bodyExtension(o).put("customer_id", "body-acme"));
        assertThat(body.customerId).isEqualTo("body-acme");
        assertThat(body.attributionSource).isEqualTo("body");
        assertThat(body.attributionConflict).isFalse();
    }

    @Test
    void featureAndWorkflowFollowThePrecedenceEachOnItsOwn() {
        CallEvent c =
                call(
                        o -> {
                            headers(o).put("x-p402-customer-id", "acme");
                            bodyExtension(o).put("feature_id", "chat").put("workflow_id", "w1");
                            o.put("workflow_id", "w2");
                        });
        assertThat(c.customerId).isEqualTo("acme");
        assertThat(c.attributionSource).isEqualTo("header");
        assertThat(c.featureId).isEqualTo("chat");
        assertThat(c.workflowId).isEqualTo("w2");
        // w2 (top level) against w1 (body) is a disagreement.
        assertThat(c.attributionConflict).isTrue();
    }

    @Test
    void headerNamesAreCaseInsensitive() {
        CallEvent c =
                call(
                        o ->
                                headers(o)
                                        .put("X-P402-Customer-ID", "acme")
                                        .put("x-p402-FEATURE-id", "chat")
                                        .put("X-P402-Workflow-Id", "w1"));
        assertThat(c.customerId).isEqualTo("acme");
        assertThat(c.featureId).isEqualTo("chat");
        assertThat(c.workflowId).isEqualTo("w1");
        assertThat(c.attributionSource).isEqualTo("header");
    }

    @Test
    void aHeaderCopiedAsAOneElementListCountsAsItsValue() {
        CallEvent c = call(o -> headers(o).putArray("x-p402-customer-id").add("acme"));
        assertThat(c.customerId).isEqualTo("acme");
    }

    @Test
    void sourcesThatAgreeAreNoConflict() {
        CallEvent c =
                call(
                        o -> {
                            o.put("customer_id", "acme");
                            headers(o).put("x-p402-customer-id", "acme");
                            bodyExtension(o).put("customer_id", "acme");
                        });
        assertThat(c.attributionConflict).isFalse();
        assertThat(c.attributionSource).isEqualTo("meter");
    }

    @Test
    void aCallWithNoCustomerIsKeptUnattributed() {
        CallEvent c = call(o -> o.put("feature_id", "chat"));
        assertThat(c.customerId).isEqualTo("__unattributed__").isEqualTo(EventParser.UNATTRIBUTED);
        assertThat(c.attributionSource).isEqualTo("none");
        assertThat(c.featureId).isEqualTo("chat");
        assertThat(c.workflowId).isEmpty();
        assertThat(c.attributionConflict).isFalse();

        // Blank ids and a body without the extension attribute nobody either.
        CallEvent blank =
                call(
                        o -> {
                            o.put("customer_id", " ");
                            o.putObject("request").put("model", "gpt-4o");
                        });
        assertThat(blank.customerId).isEqualTo(EventParser.UNATTRIBUTED);
        assertThat(blank.featureId).isEmpty();
    }
}
