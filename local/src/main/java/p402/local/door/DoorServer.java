package p402.local.door;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import p402.jobs.config.MarginJobConfig;
import p402.jobs.events.Envelope;
import p402.jobs.parse.EventParser;
import p402.local.EventKind;
import p402.local.JdbcTarget;

/**
 * The HTTP door in front of the topics (docs/ingest.md): contract events posted with an API key,
 * Stripe and generic billing webhooks turned into revenue events, and a tenant's own margin rows.
 * Every event is judged by the job's own {@link EventParser} before it is published, so the door
 * accepts exactly what the job would take, and answers only once Kafka acknowledged it.
 */
public final class DoorServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DoorServer.class);

    /** A request body larger than this is answered 413 before it is read. */
    public static final long MAX_BODY_BYTES = 4L << 20;

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    /** What the door needs: where to publish, where the keys are, how to judge webhooks. */
    public record Settings(
            String host,
            int port,
            String bootstrapServers,
            MarginJobConfig topics,
            JdbcTarget db,
            UsdRates rates,
            Duration signatureTolerance) {}

    private final Settings settings;
    private final Clock clock;
    private final ApiKeys keys;
    private final WebhookSecrets secrets;
    private final Deliveries deliveries;
    private final StripeRevenue stripe;
    private final BillingRevenue billing;
    private final TopicWriter writer;
    private final Javalin app;

    private DoorServer(Settings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.keys = new ApiKeys(settings.db());
        this.secrets = new WebhookSecrets(settings.db());
        this.deliveries = new Deliveries(settings.db());
        this.stripe = new StripeRevenue(settings.rates(), deliveries);
        this.billing = new BillingRevenue(settings.rates());
        this.writer = new TopicWriter(settings.bootstrapServers());
        this.app =
                Javalin.create(
                        config -> {
                            config.http.maxRequestSize = MAX_BODY_BYTES;
                            config.startup.showJavalinBanner = false;
                            config.routes.get("/healthz", this::health);
                            config.routes.post(
                                    "/v1/calls",
                                    ctx -> ingest(ctx, EventParser.Topic.CALLS, EventKind.CALL));
                            config.routes.post(
                                    "/v1/revenue",
                                    ctx ->
                                            ingest(
                                                    ctx,
                                                    EventParser.Topic.REVENUE,
                                                    EventKind.REVENUE));
                            config.routes.post(
                                    "/v1/outcomes",
                                    ctx ->
                                            ingest(
                                                    ctx,
                                                    EventParser.Topic.OUTCOMES,
                                                    EventKind.OUTCOME));
                            config.routes.get("/v1/margin", this::margin);
                            config.routes.post("/v1/webhooks/stripe/{tenant}", this::stripeWebhook);
                            config.routes.post(
                                    "/v1/webhooks/billing/{tenant}", this::billingWebhook);
                            config.routes.exception(Exception.class, this::failed);
                        });
    }

    /** Starts the door; port 0 takes a free port ({@link #port()}). */
    public static DoorServer start(Settings settings) {
        return start(settings, Clock.systemUTC());
    }

    static DoorServer start(Settings settings, Clock clock) {
        DoorServer door = new DoorServer(settings, clock);
        door.app.start(settings.host(), settings.port());
        LOG.info("p402 door listening on {}:{}", settings.host(), door.port());
        return door;
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
        writer.close();
    }

    private void health(Context ctx) {
        ObjectNode body = JSON.createObjectNode().put("status", "ok");
        respond(ctx, 200, body);
    }

    // ---------------------------------------------------------------- contract events

    private void ingest(Context ctx, EventParser.Topic topic, EventKind kind) throws Exception {
        Optional<String> tenant = authenticate(ctx);
        if (tenant.isEmpty()) {
            return;
        }
        byte[] body = body(ctx);
        if (body == null) {
            return;
        }
        List<byte[]> events;
        try {
            events = EventBatch.split(body);
        } catch (EventBatch.Malformed e) {
            respond(ctx, 400, error(e.getMessage()));
            return;
        }

        String topicName = topicName(topic);
        EventParser parser = new EventParser(topic, topicName);
        ArrayNode accepted = JSON.createArrayNode();
        ArrayNode rejected = JSON.createArrayNode();
        ArrayNode foreign = JSON.createArrayNode();
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        long now = clock.millis();
        for (int i = 0; i < events.size(); i++) {
            byte[] raw = events.get(i);
            Envelope parsed = parser.parse(raw, -1, -1, now);
            if (parsed.kind == Envelope.Kind.DEAD) {
                rejected.add(rejection(i, parsed.dead.eventId, parsed.dead.reason));
                continue;
            }
            String eventTenant = tenantOf(parsed);
            if (!eventTenant.equals(tenant.get())) {
                foreign.add(JSON.createObjectNode().put("index", i).put("tenant_id", eventTenant));
                continue;
            }
            accepted.add(
                    JSON.createObjectNode().put("index", i).put("event_id", eventIdOf(parsed)));
            records.add(new ProducerRecord<>(topicName, kind.keyOf(raw), raw));
        }

        if (!foreign.isEmpty()) {
            // An event for another tenant is an authorisation failure, not a bad event: nothing
            // of the request is published, so a key used in the wrong place writes nothing.
            ObjectNode refusal = error("the key's tenant may not write events of another tenant");
            refusal.set("events", foreign);
            respond(ctx, 403, refusal);
            return;
        }
        if (!publish(ctx, records)) {
            return;
        }
        ObjectNode answer = JSON.createObjectNode();
        answer.set("accepted", accepted);
        answer.set("rejected", rejected);
        respond(ctx, rejected.isEmpty() ? 202 : 400, answer);
    }

    private String topicName(EventParser.Topic topic) {
        switch (topic) {
            case CALLS:
                return settings.topics().callsTopic;
            case REVENUE:
                return settings.topics().revenueTopic;
            default:
                return settings.topics().outcomesTopic;
        }
    }

    private static String tenantOf(Envelope e) {
        switch (e.kind) {
            case CALL:
                return e.call.tenantId;
            case REVENUE:
                return e.revenue.tenantId;
            default:
                return e.outcome.tenantId;
        }
    }

    private static String eventIdOf(Envelope e) {
        switch (e.kind) {
            case CALL:
                return e.call.eventId;
            case REVENUE:
                return e.revenue.eventId;
            default:
                return e.outcome.eventId;
        }
    }

    /** One refused event: its index in the request, its id when readable, field and reason. */
    private static ObjectNode rejection(int index, String eventId, String reason) {
        ObjectNode r = JSON.createObjectNode().put("index", index);
        r.put("event_id", eventId);
        r.put("field", fieldOf(reason));
        r.put("reason", reason);
        return r;
    }

    /**
     * The field a parser reason is about. Reasons read {@code <field>: <why>}, {@code missing
     * required field <field>} or {@code unknown schema ...}; the rest (malformed JSON, not an
     * object, too large) are about the event as a whole and name no field.
     */
    static String fieldOf(String reason) {
        if (reason.startsWith("missing required field ")) {
            return reason.substring("missing required field ".length());
        }
        if (reason.startsWith("unknown schema")) {
            return "schema";
        }
        int colon = reason.indexOf(": ");
        if (colon > 0 && reason.substring(0, colon).matches("[A-Za-z0-9_.\\-]+")) {
            return reason.substring(0, colon);
        }
        return null;
    }

    // ---------------------------------------------------------------- reading margin

    /**
     * The tenant's latest customer margin rows of one window spec ({@code window_spec}, default
     * {@code 1h/1m}), optionally one {@code customer}'s, newest first, at most {@code limit}
     * (default 100, at most 1000). Money is given as decimal strings, exactly as in Postgres.
     */
    private void margin(Context ctx) throws Exception {
        Optional<String> tenant = authenticate(ctx);
        if (tenant.isEmpty()) {
            return;
        }
        String asked = ctx.queryParam("tenant");
        if (asked != null && !asked.equals(tenant.get())) {
            respond(ctx, 403, error("the key's tenant may not read another tenant's margin"));
            return;
        }
        String spec = Optional.ofNullable(ctx.queryParam("window_spec")).orElse("1h/1m");
        String customer = ctx.queryParam("customer");
        int limit;
        try {
            limit =
                    Math.min(
                            1000,
                            Integer.parseInt(
                                    ctx.queryParam("limit") == null
                                            ? "100"
                                            : ctx.queryParam("limit")));
        } catch (NumberFormatException e) {
            respond(ctx, 400, error("limit: not a number"));
            return;
        }
        String sql =
                "SELECT tenant_id, customer_id, window_spec, window_start, window_end, calls,"
                        + " cost_usd, revenue_usd, gross_margin_usd, gross_margin_pct, is_final"
                        + " FROM "
                        + settings.db().table("margin_by_customer")
                        + " WHERE tenant_id = ? AND window_spec = ?"
                        + (customer == null ? "" : " AND customer_id = ?")
                        + " ORDER BY window_end DESC, customer_id LIMIT ?";
        ArrayNode rows = JSON.createArrayNode();
        try (Connection c = settings.db().connect();
                PreparedStatement st = c.prepareStatement(sql)) {
            int p = 1;
            st.setString(p++, tenant.get());
            st.setString(p++, spec);
            if (customer != null) {
                st.setString(p++, customer);
            }
            st.setInt(p, Math.max(1, limit));
            try (ResultSet rs = st.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                while (rs.next()) {
                    ObjectNode row = rows.addObject();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        Object v = rs.getObject(i);
                        if (v == null) {
                            row.putNull(md.getColumnLabel(i));
                        } else if (v instanceof Boolean b) {
                            row.put(md.getColumnLabel(i), b);
                        } else if (v instanceof Long l) {
                            row.put(md.getColumnLabel(i), l);
                        } else if (v instanceof BigDecimal d) {
                            row.put(md.getColumnLabel(i), d.toPlainString());
                        } else if (v instanceof java.sql.Timestamp t) {
                            row.put(md.getColumnLabel(i), t.toInstant().toString());
                        } else {
                            row.put(md.getColumnLabel(i), v.toString());
                        }
                    }
                }
            }
        }
        ObjectNode answer = JSON.createObjectNode().put("tenant_id", tenant.get());
        answer.set("rows", rows);
        respond(ctx, 200, answer);
    }

    // ---------------------------------------------------------------- webhooks

    private void stripeWebhook(Context ctx) throws Exception {
        String tenant = ctx.pathParam("tenant");
        byte[] body = verified(ctx, tenant, WebhookSecrets.Source.STRIPE, "Stripe-Signature");
        if (body == null) {
            return;
        }
        JsonNode event;
        try {
            event = JSON.readTree(body);
        } catch (IOException e) {
            respond(ctx, 400, error("the signed body is not JSON"));
            return;
        }
        String eventId = event == null ? null : event.path("id").asText(null);
        String type = event == null ? null : event.path("type").asText(null);
        if (eventId == null || type == null) {
            respond(ctx, 400, error("not a Stripe event: no id or no type"));
            return;
        }
        if (deliveries.seen(tenant, StripeRevenue.SOURCE, eventId)) {
            respond(ctx, 200, JSON.createObjectNode().put("id", eventId).put("duplicate", true));
            return;
        }

        StripeRevenue.Translation t = stripe.translate(tenant, event);
        if (t instanceof StripeRevenue.Refused refused) {
            // Not recorded: Stripe retries a non-2xx answer, and once the operator has fixed the
            // cause (say, configured a rate) a redelivery is counted.
            respond(ctx, 422, error(refused.reason()).put("id", eventId).put("type", type));
            return;
        }
        if (t instanceof StripeRevenue.Ignored ignored) {
            deliveries.record(tenant, StripeRevenue.SOURCE, eventId, type, 0, "ignored", List.of());
            respond(
                    ctx,
                    200,
                    JSON.createObjectNode().put("id", eventId).put("ignored", ignored.reason()));
            return;
        }
        StripeRevenue.Revenue revenue = (StripeRevenue.Revenue) t;
        ArrayNode published = JSON.createArrayNode();
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        EventParser parser =
                new EventParser(EventParser.Topic.REVENUE, settings.topics().revenueTopic);
        for (RevenueDraft draft : revenue.events()) {
            String problem = draft.problem(parser);
            if (problem != null) {
                respond(
                        ctx,
                        422,
                        error("revenue event " + draft.eventId() + " would be refused: " + problem)
                                .put("id", eventId));
                return;
            }
            records.add(draft.toRecord(settings.topics().revenueTopic));
            published.add(
                    JSON.createObjectNode()
                            .put("event_id", draft.eventId())
                            .put("customer_id", draft.customerId())
                            .put("amount_usd", draft.amountUsd().toPlainString()));
        }
        if (!publish(ctx, records)) {
            return;
        }
        deliveries.record(
                tenant,
                StripeRevenue.SOURCE,
                eventId,
                type,
                records.size(),
                "counted",
                revenue.refunds());
        ObjectNode answer = JSON.createObjectNode().put("id", eventId);
        answer.set("revenue", published);
        if (revenue.note() != null) {
            answer.put("note", revenue.note());
        }
        respond(ctx, 200, answer);
    }

    private void billingWebhook(Context ctx) throws Exception {
        String tenant = ctx.pathParam("tenant");
        byte[] body = verified(ctx, tenant, WebhookSecrets.Source.BILLING, "P402-Signature");
        if (body == null) {
            return;
        }
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            respond(ctx, 400, error("the signed body is not JSON"));
            return;
        }
        List<JsonNode> items = new ArrayList<>();
        if (root != null && root.isArray()) {
            root.forEach(items::add);
        } else if (root != null && root.isObject()) {
            items.add(root);
        } else {
            respond(ctx, 400, error("the body is neither a JSON object nor a JSON array"));
            return;
        }

        EventParser parser =
                new EventParser(EventParser.Topic.REVENUE, settings.topics().revenueTopic);
        ArrayNode accepted = JSON.createArrayNode();
        ArrayNode duplicates = JSON.createArrayNode();
        ArrayNode rejected = JSON.createArrayNode();
        List<RevenueDraft> drafts = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            String id = item.path("id").isTextual() ? item.path("id").textValue() : null;
            try {
                RevenueDraft draft = billing.translate(tenant, item);
                if (deliveries.seen(tenant, BillingRevenue.SOURCE, id)) {
                    duplicates.add(JSON.createObjectNode().put("index", i).put("id", id));
                    continue;
                }
                String problem = draft.problem(parser);
                if (problem != null) {
                    throw new BillingRevenue.Refused(fieldOf(problem), problem);
                }
                drafts.add(draft);
                ids.add(id);
                accepted.add(
                        JSON.createObjectNode()
                                .put("index", i)
                                .put("id", id)
                                .put("event_id", draft.eventId())
                                .put("amount_usd", draft.amountUsd().toPlainString()));
            } catch (BillingRevenue.Refused e) {
                ObjectNode r = JSON.createObjectNode().put("index", i).put("id", id);
                r.put("field", e.field);
                r.put("reason", e.getMessage());
                rejected.add(r);
            }
        }
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (RevenueDraft d : drafts) {
            records.add(d.toRecord(settings.topics().revenueTopic));
        }
        if (!publish(ctx, records)) {
            return;
        }
        for (String id : ids) {
            deliveries.record(
                    tenant, BillingRevenue.SOURCE, id, "billing", 1, "counted", List.of());
        }
        ObjectNode answer = JSON.createObjectNode();
        answer.set("accepted", accepted);
        answer.set("duplicates", duplicates);
        answer.set("rejected", rejected);
        respond(ctx, rejected.isEmpty() ? 200 : 400, answer);
    }

    /**
     * The raw body once its signature is checked with the tenant's secret; null when the request
     * was answered (401: no secret for this tenant; 400: a missing, wrong or stale signature).
     * Nothing of the body is parsed before this.
     */
    private byte[] verified(Context ctx, String tenant, WebhookSecrets.Source source, String header)
            throws SQLException {
        Optional<String> secret = secrets.get(tenant, source);
        if (secret.isEmpty()) {
            respond(
                    ctx,
                    401,
                    error("no " + source.column + " signing secret is set for this tenant"));
            return null;
        }
        byte[] body = body(ctx);
        if (body == null) {
            return null;
        }
        try {
            SignedPayload.verify(
                    ctx.header(header),
                    body,
                    secret.get(),
                    clock.instant(),
                    settings.signatureTolerance());
        } catch (SignedPayload.Refused e) {
            respond(ctx, 400, error(header + ": " + e.getMessage()));
            return null;
        }
        return body;
    }

    // ---------------------------------------------------------------- plumbing

    /** The key's tenant; empty when the request was answered 401. */
    private Optional<String> authenticate(Context ctx) throws SQLException {
        String authorization = ctx.header("Authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            ctx.header("WWW-Authenticate", "Bearer");
            respond(ctx, 401, error("an API key is required: Authorization: Bearer <key>"));
            return Optional.empty();
        }
        Optional<String> tenant = keys.tenantOf(authorization.substring(7).trim());
        if (tenant.isEmpty()) {
            ctx.header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
            respond(ctx, 401, error("unknown or revoked API key"));
        }
        return tenant;
    }

    /** The body, or null when it is over {@link #MAX_BODY_BYTES} and was answered 413. */
    private byte[] body(Context ctx) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > MAX_BODY_BYTES) {
            respond(ctx, 413, tooLarge());
            return null;
        }
        byte[] body = ctx.bodyAsBytes();
        if (body.length > MAX_BODY_BYTES) {
            respond(ctx, 413, tooLarge());
            return null;
        }
        return body;
    }

    private static ObjectNode tooLarge() {
        return error(
                "the body exceeds " + MAX_BODY_BYTES + " bytes; send fewer events per request");
    }

    /** Publishes and returns true, or answers 503 and returns false. */
    private boolean publish(Context ctx, List<ProducerRecord<byte[], byte[]>> records) {
        if (records.isEmpty()) {
            return true;
        }
        try {
            writer.publishAll(records);
            return true;
        } catch (TopicWriter.Unacknowledged e) {
            LOG.warn("Kafka did not acknowledge a request's {} records", records.size(), e);
            // Some records may be written: a retry of the whole request is safe, because the job
            // counts each event id once.
            respond(ctx, 503, error("Kafka did not acknowledge every event; retry the request"));
            return false;
        }
    }

    private void failed(Exception e, Context ctx) {
        if (e instanceof io.javalin.http.HttpResponseException h && h.getStatus() == 413) {
            respond(ctx, 413, tooLarge());
            return;
        }
        LOG.error("Request {} {} failed", ctx.method(), ctx.path(), e);
        respond(ctx, 500, error("internal error: " + e.getClass().getSimpleName()));
    }

    private static ObjectNode error(String message) {
        return JSON.createObjectNode().put("error", message);
    }

    private static void respond(Context ctx, int status, ObjectNode body) {
        try {
            ctx.status(status).contentType("application/json").result(JSON.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }
}
