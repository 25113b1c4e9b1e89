package p402.jobs.parse;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import p402.jobs.events.CallEvent;
import p402.jobs.events.DeadLetter;
import p402.jobs.events.Envelope;
import p402.jobs.events.OutcomeEvent;
import p402.jobs.events.RevenueEvent;
import p402.udfs.attribution.Attribution;
import p402.udfs.cost.InvalidUsageException;
import p402.udfs.cost.UsageNormalizer;
import p402.udfs.cost.UsageVector;

/**
 * Turns one raw topic value into an event of contract v1, or a dead letter with the reason.
 * Stateless and thread-confined: one instance per source reader.
 */
public final class EventParser {

    public static final String CALL_SCHEMA = "p402.call.v1";
    public static final String REVENUE_SCHEMA = "p402.revenue.v1";
    public static final String OUTCOME_SCHEMA = "p402.outcome.v1";

    public static final String UNATTRIBUTED = Attribution.UNATTRIBUTED;

    /** Larger values are refused before parsing: no event of the contract comes near it. */
    public static final int MAX_RECORD_BYTES = 1 << 20;

    private static final int MAX_ID_LENGTH = 512;

    /** Ninety-nine years: longer service periods are unit mistakes. */
    private static final long MAX_SERVICE_PERIOD_MILLIS = 99L * 366 * 86_400_000L;

    private static final ObjectMapper JSON =
            JsonMapper.builder()
                    .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                    .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                    .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    // A JSON number 0.020 stays 0.020: amounts are kept as the producer wrote them.
                    .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false)
                    .build();

    static {
        JSON.getFactory()
                .setStreamReadConstraints(
                        StreamReadConstraints.builder()
                                .maxNumberLength(64)
                                .maxNestingDepth(64)
                                .build());
    }

    public enum Topic {
        CALLS,
        REVENUE,
        OUTCOMES
    }

    private final Topic topic;
    private final String topicName;

    public EventParser(Topic topic, String topicName) {
        this.topic = topic;
        this.topicName = topicName;
    }

    public Envelope parse(byte[] value, int partition, long offset, long receivedAt) {
        JsonNode root = null;
        try {
            if (value == null || value.length == 0) {
                throw new BadRecordException("empty record");
            }
            if (value.length > MAX_RECORD_BYTES) {
                throw new BadRecordException(
                        "record of " + value.length + " bytes exceeds " + MAX_RECORD_BYTES);
            }
            root = readTree(value);
            switch (topic) {
                case CALLS:
                    return Envelope.of(call(root, partition, offset));
                case REVENUE:
                    return Envelope.of(revenue(root, partition, offset));
                default:
                    return Envelope.of(outcome(root, partition, offset));
            }
        } catch (BadRecordException e) {
            DeadLetter d =
                    DeadLetter.of(topicName, partition, offset, receivedAt, e.getMessage(), value);
            if (root != null) {
                d.tenantId = textOrNull(root.get("tenant_id"));
                d.eventId = textOrNull(root.get("event_id"));
            }
            return Envelope.of(d);
        }
    }

    private static JsonNode readTree(byte[] value) throws BadRecordException {
        JsonNode root;
        try {
            root = JSON.readTree(value);
        } catch (JsonProcessingException e) {
            throw new BadRecordException("malformed JSON: " + firstLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new BadRecordException("unreadable record: " + firstLine(e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            throw new BadRecordException("not a JSON object");
        }
        return root;
    }

    CallEvent call(JsonNode root, int partition, long offset) throws BadRecordException {
        schema(root, CALL_SCHEMA);
        CallEvent c = new CallEvent();
        c.tenantId = requiredId(root, "tenant_id");
        c.eventId = requiredId(root, "event_id");
        c.occurredAt = EventTimes.parse(root.get("occurred_at"), "occurred_at");
        c.provider = requiredId(root, "provider").toLowerCase(Locale.ROOT);
        c.partition = partition;
        c.offset = offset;

        JsonNode response = root.path("response");
        String model = optionalId(root, "model");
        if (model == null && response.isObject()) {
            model = optionalId(response, "model");
        }
        c.model = model;
        String tier = optionalId(root, "service_tier");
        if (tier == null && response.isObject()) {
            tier = optionalId(response, "service_tier");
        }
        c.serviceTier = tier == null ? null : tier.toLowerCase(Locale.ROOT);

        attribute(root, c);

        String status = optionalId(root, "status");
        if (status != null && !status.equals("ok") && !status.equals("error")) {
            throw new BadRecordException("status: '" + status + "' is neither ok nor error");
        }
        c.status = status == null ? "ok" : status;

        c.providedCostUsd = Money.parseOptional(root.get("cost_usd"), "cost_usd");
        if (c.providedCostUsd != null && c.providedCostUsd.signum() < 0) {
            throw new BadRecordException("cost_usd: negative cost " + c.providedCostUsd);
        }
        c.callRevenueUsd = Money.parseOptional(root.get("revenue_usd"), "revenue_usd");

        JsonNode usage = usageNode(root, response);
        if (usage != null) {
            if (!usage.isObject()) {
                throw new BadRecordException("usage: expected an object, got " + kind(usage));
            }
            UsageVector v;
            try {
                v = UsageNormalizer.normalize(c.provider, usage);
            } catch (InvalidUsageException e) {
                throw new BadRecordException(e.getMessage());
            }
            c.hasUsage = true;
            c.uncachedInput = v.uncachedInput;
            c.cacheRead = v.cacheRead;
            c.cacheWrite5m = v.cacheWrite5m;
            c.cacheWrite1h = v.cacheWrite1h;
            c.visibleOutput = v.visibleOutput;
            c.reasoning = v.reasoning;
            c.requests = v.requests;
        }
        return c;
    }

    private static JsonNode usageNode(JsonNode root, JsonNode response) {
        if (response.isObject()) {
            JsonNode u = present(response.get("usage"));
            if (u == null) {
                u = present(response.get("usageMetadata"));
            }
            if (u != null) {
                return u;
            }
        }
        JsonNode u = present(root.get("usage"));
        return u != null ? u : present(root.get("usageMetadata"));
    }

    /**
     * Customer, feature and workflow, each by the contract's precedence: top-level (meter-only)
     * field, then the {@code x-p402-*} header, then the body's {@code p402} extension. The
     * attribution source names where the customer id came from.
     */
    private static void attribute(JsonNode root, CallEvent c) throws BadRecordException {
        JsonNode headers = root.path("headers");
        JsonNode ext = root.path("request").path("p402");

        String[] customer = {
            optionalId(root, "customer_id"),
            header(headers, "x-p402-customer-id"),
            ext.isObject() ? optionalId(ext, "customer_id") : null
        };
        String[] feature = {
            optionalId(root, "feature_id"),
            header(headers, "x-p402-feature-id"),
            ext.isObject() ? optionalId(ext, "feature_id") : null
        };
        String[] workflow = {
            optionalId(root, "workflow_id"),
            header(headers, "x-p402-workflow-id"),
            ext.isObject() ? optionalId(ext, "workflow_id") : null
        };

        Attribution who = Attribution.of(customer, feature, workflow);
        c.customerId = who.customerId();
        c.attributionSource = who.source();
        c.featureId = who.featureId();
        c.workflowId = who.workflowId();
        c.attributionConflict = who.conflict();
    }

    /** A header value by case-insensitive name; a one-element array counts as its element. */
    private static String header(JsonNode headers, String name) throws BadRecordException {
        if (!headers.isObject()) {
            return null;
        }
        Iterator<Map.Entry<String, JsonNode>> it = headers.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> h = it.next();
            if (h.getKey().equalsIgnoreCase(name)) {
                JsonNode v = h.getValue();
                if (v.isArray() && v.size() == 1) {
                    v = v.get(0);
                }
                return idValue(v, "headers." + name);
            }
        }
        return null;
    }

    RevenueEvent revenue(JsonNode root, int partition, long offset) throws BadRecordException {
        schema(root, REVENUE_SCHEMA);
        RevenueEvent r = new RevenueEvent();
        r.tenantId = requiredId(root, "tenant_id");
        r.eventId = requiredId(root, "event_id");
        r.customerId = requiredId(root, "customer_id");
        r.occurredAt = EventTimes.parse(root.get("occurred_at"), "occurred_at");
        r.amountUsd = Money.parseRequired(root.get("amount_usd"), "amount_usd");
        String feature = optionalId(root, "feature_id");
        r.featureId = feature == null ? "" : feature;
        r.kind = optionalId(root, "kind");
        r.source = optionalId(root, "source");
        r.partition = partition;
        r.offset = offset;

        JsonNode period = present(root.get("service_period"));
        if (period != null) {
            if (!period.isObject()) {
                throw new BadRecordException("service_period: expected an object");
            }
            r.serviceStart = EventTimes.parse(period.get("start"), "service_period.start");
            r.serviceEnd = EventTimes.parse(period.get("end"), "service_period.end");
            if (r.serviceEnd <= r.serviceStart) {
                throw new BadRecordException("service_period: end is not after start");
            }
            if (r.serviceEnd - r.serviceStart > MAX_SERVICE_PERIOD_MILLIS) {
                throw new BadRecordException("service_period: longer than 99 years");
            }
        }
        return r;
    }

    OutcomeEvent outcome(JsonNode root, int partition, long offset) throws BadRecordException {
        schema(root, OUTCOME_SCHEMA);
        OutcomeEvent o = new OutcomeEvent();
        o.tenantId = requiredId(root, "tenant_id");
        o.eventId = requiredId(root, "event_id");
        o.callEventId = requiredId(root, "call_event_id");
        o.occurredAt = EventTimes.parse(root.get("occurred_at"), "occurred_at");
        String status = requiredId(root, "status");
        switch (status) {
            case "accepted":
            case "rejected":
            case "edited":
            case "abandoned":
                o.status = status;
                break;
            default:
                throw new BadRecordException(
                        "status: '"
                                + EventTimes.abbreviate(status)
                                + "' is not accepted, rejected, edited or abandoned");
        }
        BigDecimal q = Money.parseOptional(root.get("quality_score"), "quality_score");
        if (q != null && (q.signum() < 0 || q.compareTo(BigDecimal.ONE) > 0)) {
            throw new BadRecordException("quality_score: " + q + " is outside 0..1");
        }
        o.qualityScore = q;
        o.partition = partition;
        o.offset = offset;
        return o;
    }

    private static void schema(JsonNode root, String expected) throws BadRecordException {
        String schema = requiredId(root, "schema");
        if (!schema.equals(expected)) {
            throw new BadRecordException(
                    "unknown schema '"
                            + EventTimes.abbreviate(schema)
                            + "' (this topic reads "
                            + expected
                            + ")");
        }
    }

    private static String requiredId(JsonNode obj, String field) throws BadRecordException {
        String v = optionalId(obj, field);
        if (v == null) {
            throw new BadRecordException("missing required field " + field);
        }
        return v;
    }

    /** A non-empty string id; absent, null or blank gives null. */
    private static String optionalId(JsonNode obj, String field) throws BadRecordException {
        return idValue(obj.get(field), field);
    }

    private static String idValue(JsonNode v, String field) throws BadRecordException {
        if (v == null || v.isMissingNode() || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new BadRecordException(field + ": expected a string, got " + kind(v));
        }
        String s = v.textValue();
        if (s.isBlank()) {
            return null;
        }
        if (s.length() > MAX_ID_LENGTH) {
            throw new BadRecordException(field + ": longer than " + MAX_ID_LENGTH + " characters");
        }
        if (s.indexOf('\u0000') >= 0) {
            throw new BadRecordException(field + ": contains a NUL character");
        }
        return s;
    }

    private static JsonNode present(JsonNode n) {
        return n == null || n.isMissingNode() || n.isNull() ? null : n;
    }

    private static String textOrNull(JsonNode n) {
        if (n == null || !n.isTextual()) {
            return null;
        }
        String s = n.textValue();
        return s.length() > MAX_ID_LENGTH || s.indexOf('\u0000') >= 0 ? null : s;
    }

    private static String kind(JsonNode n) {
        return EventTimes.kind(n);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        int nl = message.indexOf('\n');
        return EventTimes.abbreviate(nl < 0 ? message : message.substring(0, nl));
    }
}
